-- nn.Abs(): output = |input|; gradient sign(input) (0 at 0).
local nn = require 'nn'
local K = torch._nn

local Abs, parent = torch.class('nn.Abs', 'nn.Module')

function Abs:updateOutput(input)
   K.activation_forward(self.output, input, 'Abs')
   return self.output
end

function Abs:updateGradInput(input, gradOutput)
   K.activation_backward(self.gradInput, gradOutput, input, self.output, 'Abs')
   return self.gradInput
end

return Abs
