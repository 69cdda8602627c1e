-- nn.MulConstant(c [, inplace]): output = c * input. In place, the input is scaled (and
-- restored by backward).
local nn = require 'nn'
local K = torch._nn

local MulConstant, parent = torch.class('nn.MulConstant', 'nn.Module')

function MulConstant:__init(constant_scalar, ip)
   parent.__init(self)
   if type(constant_scalar) ~= 'number' then
      self:_error('expected a number, got %s', torch.type(constant_scalar))
   end
   self.constant_scalar = constant_scalar
   self.inplace = ip or false
end

function MulConstant:updateOutput(input)
   if self.inplace then
      K.activation_forward(input, input, 'MulConstant', self.constant_scalar)
      self.output:set(input)
   else
      K.activation_forward(self.output, input, 'MulConstant', self.constant_scalar)
   end
   return self.output
end

function MulConstant:updateGradInput(input, gradOutput)
   nn.utils.checkGradOutput(self, gradOutput, input)
   if self.inplace then
      K.activation_forward(gradOutput, gradOutput, 'MulConstant', self.constant_scalar)
      self.gradInput:set(gradOutput)
      -- restore the input
      K.activation_forward(input, input, 'MulConstant', 1 / self.constant_scalar)
   else
      K.activation_forward(self.gradInput, gradOutput, 'MulConstant', self.constant_scalar)
   end
   return self.gradInput
end

function MulConstant:__tostring__()
   return string.format('%s(%g)', torch.type(self), self.constant_scalar)
end

return MulConstant
