-- nn.AddConstant(c [, inplace]): output = input + c. In place, the input is shifted (and
-- restored by backward).
local nn = require 'nn'
local K = torch._nn

local AddConstant, parent = torch.class('nn.AddConstant', 'nn.Module')

function AddConstant:__init(constant_scalar, ip)
   parent.__init(self)
   if type(constant_scalar) ~= 'number' then
      self:_error('expected a number, got %s', torch.type(constant_scalar))
   end
   self.constant_scalar = constant_scalar
   self.inplace = ip or false
end

function AddConstant:updateOutput(input)
   if self.inplace then
      K.activation_forward(input, input, 'AddConstant', self.constant_scalar)
      self.output:set(input)
   else
      K.activation_forward(self.output, input, 'AddConstant', self.constant_scalar)
   end
   return self.output
end

function AddConstant:updateGradInput(input, gradOutput)
   nn.utils.checkGradOutput(self, gradOutput, input)
   if self.inplace then
      self.gradInput:set(gradOutput)
      K.activation_forward(input, input, 'AddConstant', -self.constant_scalar)
   else
      self.gradInput:resizeAs(gradOutput):copy(gradOutput)
   end
   return self.gradInput
end

function AddConstant:__tostring__()
   return string.format('%s(%g)', torch.type(self), self.constant_scalar)
end

return AddConstant
