-- nn.Square(): output = input^2.
local nn = require 'nn'
local K = torch._nn

local Square, parent = torch.class('nn.Square', 'nn.Module')

function Square:updateOutput(input)
   K.activation_forward(self.output, input, 'Square')
   return self.output
end

function Square:updateGradInput(input, gradOutput)
   K.activation_backward(self.gradInput, gradOutput, input, self.output, 'Square')
   return self.gradInput
end

return Square
