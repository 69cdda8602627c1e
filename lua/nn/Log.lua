-- nn.Log(): output = log(input) (natural logarithm).
local nn = require 'nn'
local K = torch._nn

local Log, parent = torch.class('nn.Log', 'nn.Module')

function Log:updateOutput(input)
   K.activation_forward(self.output, input, 'Log')
   return self.output
end

function Log:updateGradInput(input, gradOutput)
   K.activation_backward(self.gradInput, gradOutput, input, self.output, 'Log')
   return self.gradInput
end

return Log
