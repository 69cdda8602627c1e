-- nn.Sqrt([eps = 0]): output = sqrt(input + eps); gradient 1 / (2 output), 0 where output is 0.
local nn = require 'nn'
local K = torch._nn

local Sqrt, parent = torch.class('nn.Sqrt', 'nn.Module')

function Sqrt:__init(b)
   parent.__init(self)
   self.eps = b or 0
end

function Sqrt:updateOutput(input)
   nn.utils.checkFloatTensor(self, input)
   K.pointwise_forward('sqrt', self.output, input, self.eps)
   return self.output
end

function Sqrt:updateGradInput(input, gradOutput)
   K.pointwise_backward('sqrt', self.gradInput, gradOutput, input, self.output, self.eps)
   return self.gradInput
end

return Sqrt
