-- nn.SpatialBatchNormalization(nFeature [, eps = 1e-5, momentum = 0.1, affine = true]):
-- batch normalization of N x C x H x W inputs per plane (statistics over N, H and W), as
-- Torch7; a single C x H x W image is taken as a batch of one. It shares nn.BatchNormalization's
-- kernel (nn_batchnorm_* in src/nn/layers.c), which sees the input as N x C x (H*W).
local nn = require 'nn'
require 'nn.BatchNormalization'

local SBN, parent = torch.class('nn.SpatialBatchNormalization', 'nn.BatchNormalization')

SBN.nDim = 4

local function as4(t)
   if torch.isTensor(t) and t:dim() == 3 then
      return t:view(1, t:size(1), t:size(2), t:size(3)), true
   end
   return t, false
end

function SBN:updateOutput(input)
   local x, single = as4(input)
   parent.updateOutput(self, x)
   if single then self.output:resize(input:size()) end
   return self.output
end

function SBN:_backward(input, gradOutput, scale, gradInput, gradWeight, gradBias)
   local x, single = as4(input)
   parent._backward(self, x, (as4(gradOutput)), scale, gradInput, gradWeight, gradBias)
   if single and gradInput then self.gradInput:resize(input:size()) end
   return self.gradInput
end

return SBN
