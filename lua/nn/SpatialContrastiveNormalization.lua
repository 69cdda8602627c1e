-- nn.SpatialContrastiveNormalization([nInputPlane = 1, kernel = 9x9 ones, threshold =
-- 1e-4, thresval = threshold]): a SpatialSubtractiveNormalization followed by a
-- SpatialDivisiveNormalization with the same kernel, as Torch7 (in self.normalizer).
local nn = require 'nn'
local K = torch._nn
require 'nn.SpatialDivisiveNormalization'

local SCN, parent = torch.class('nn.SpatialContrastiveNormalization', 'nn.Module')

function SCN:__init(nInputPlane, kernel, threshold, thresval)
   parent.__init(self)
   self.nInputPlane = nInputPlane or 1
   self.kernel = kernel and kernel:clone() or torch.Tensor(9, 9):fill(1)
   self.threshold = threshold or 1e-4
   self.thresval = thresval or threshold or 1e-4
   self.normalizer = nn.Sequential()
   self.normalizer:add(nn.SpatialSubtractiveNormalization(self.nInputPlane, self.kernel))
   self.normalizer:add(nn.SpatialDivisiveNormalization(self.nInputPlane, self.kernel,
                                                       self.threshold, self.thresval))
end

-- Checked here, so that an error names this module rather than the one inside.
function SCN:updateOutput(input)
   K.image_check(input, self.nInputPlane, self.output)
   self.output = self.normalizer:updateOutput(input)
   return self.output
end

function SCN:updateGradInput(input, gradOutput)
   K.image_check(input, self.nInputPlane, self.output, gradOutput)
   self.gradInput = self.normalizer:updateGradInput(input, gradOutput)
   return self.gradInput
end

function SCN:accGradParameters() end

function SCN:clearState()
   self.normalizer:clearState()
   return parent.clearState(self)
end

return SCN
