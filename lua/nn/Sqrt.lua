-- nn.Sqrt([eps = 0]): output = sqrt(input + eps); gradient 1 / (2 output), 0 where output is 0.
local nn = require 'nn'
local K = torch._nn

local Sqrt, parent = torch.class('nn.Sqrt', 'nn.Module')

function Sqrt:__init(b)
   parent.__init(self)
   self.eps = b or 0
end

function Sqrt:updateOutput(input)
   K.activation_forward(self.output, input, 'Sqrt', self.eps)
   return self.output
end

function Sqrt:updateGradInput(input, gradOutput)
   K.activation_backward(self.gradInput, gradOutput, input, self.output, 'Sqrt', self.eps)
   return self.gradInput
end

return Sqrt
