-- nn.Square(): output = input^2.
local nn = require 'nn'
local K = torch._nn

local Square, parent = torch.class('nn.Square', 'nn.Module')

function Square:updateOutput(input)
   nn.utils.checkFloatTensor(self, input)
   K.pointwise_forward('square', self.output, input)
   return self.output
end

function Square:updateGradInput(input, gradOutput)
   K.pointwise_backward('square', self.gradInput, gradOutput, input, self.output)
   return self.gradInput
end

return Square
