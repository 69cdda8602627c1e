-- nn.Abs(): output = |input|; gradient sign(input) (0 at 0).
local nn = require 'nn'
local K = torch._nn

local Abs, parent = torch.class('nn.Abs', 'nn.Module')

function Abs:updateOutput(input)
   nn.utils.checkFloatTensor(self, input)
   K.pointwise_forward('abs', self.output, input)
   return self.output
end

function Abs:updateGradInput(input, gradOutput)
   K.pointwise_backward('abs', self.gradInput, gradOutput, input, self.output)
   return self.gradInput
end

return Abs
