-- nn.Exp(): output = exp(input).
local nn = require 'nn'
local K = torch._nn

local Exp, parent = torch.class('nn.Exp', 'nn.Module')

function Exp:updateOutput(input)
   nn.utils.checkFloatTensor(self, input)
   K.pointwise_forward('exp', self.output, input)
   return self.output
end

function Exp:updateGradInput(input, gradOutput)
   K.pointwise_backward('exp', self.gradInput, gradOutput, input, self.output)
   return self.gradInput
end

return Exp
