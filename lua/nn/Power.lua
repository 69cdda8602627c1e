-- nn.Power(p): output = input^p; gradient p * input^(p-1).
local nn = require 'nn'
local K = torch._nn

local Power, parent = torch.class('nn.Power', 'nn.Module')

function Power:__init(p)
   parent.__init(self)
   if type(p) ~= 'number' then self:_error('expected an exponent (number), got %s', torch.type(p)) end
   self.pow = p
end

function Power:updateOutput(input)
   K.activation_forward(self.output, input, 'Power', self.pow)
   return self.output
end

function Power:updateGradInput(input, gradOutput)
   K.activation_backward(self.gradInput, gradOutput, input, self.output, 'Power', self.pow)
   return self.gradInput
end

function Power:__tostring__()
   return torch.type(self) .. '(' .. self.pow .. ')'
end

return Power
