-- nn.Log(): output = log(input) (natural logarithm).
local nn = require 'nn'
local K = torch._nn

local Log, parent = torch.class('nn.Log', 'nn.Module')

function Log:updateOutput(input)
   nn.utils.checkFloatTensor(self, input)
   K.pointwise_forward('log', self.output, input)
   return self.output
end

function Log:updateGradInput(input, gradOutput)
   K.pointwise_backward('log', self.gradInput, gradOutput, input, self.output)
   return self.gradInput
end

return Log
