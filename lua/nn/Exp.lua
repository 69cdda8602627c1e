-- nn.Exp(): output = exp(input).
local nn = require 'nn'
local K = torch._nn

local Exp, parent = torch.class('nn.Exp', 'nn.Module')

function Exp:updateOutput(input)
   K.activation_forward(self.output, input, 'Exp')
   return self.output
end

function Exp:updateGradInput(input, gradOutput)
   K.activation_backward(self.gradInput, gradOutput, input, self.output, 'Exp')
   return self.gradInput
end

return Exp
