-- nn.MulConstant(c [, inplace]): output = c * input. c is a number, or a one-element
-- tensor taken as its value (Torch7's torch.randn(1):squeeze() is a number). In place,
-- the input is scaled (and restored by backward).
local nn = require 'nn'
require 'nn.AddConstant'
local K = torch._nn

local MulConstant, parent = torch.class('nn.MulConstant', 'nn.Module')

function MulConstant:__init(constant_scalar, ip)
   parent.__init(self)
   self.constant_scalar = nn.AddConstant._constant(self, constant_scalar, false)
   if ip ~= nil and type(ip) ~= 'boolean' then
      self:_error('inplace must be a boolean, got %s', torch.type(ip))
   end
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
