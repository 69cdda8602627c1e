-- nn.VolumetricBatchNormalization(nFeature [, eps = 1e-5, momentum = 0.1, affine = true]):
-- batch normalization of N x C x T x H x W inputs per plane (statistics over N, T, H and
-- W), as Torch7; a single C x T x H x W volume is taken as a batch of one. It shares
-- nn.BatchNormalization's kernel (nn_batchnorm_* in src/nn/normalization.c), which sees
-- the input as N x C x (T*H*W).
local nn = require 'nn'
require 'nn.BatchNormalization'

local VBN, parent = torch.class('nn.VolumetricBatchNormalization', 'nn.BatchNormalization')

VBN.nDim = 5

local function as5(t)
   if torch.isTensor(t) and t:dim() == 4 then
      return t:view(1, t:size(1), t:size(2), t:size(3), t:size(4)), true
   end
   return t, false
end

function VBN:_check(input)
   local n = self.running_mean:nElement()
   if input:dim() ~= 5 or input:size(2) ~= n then
      self:_error('input of size %s, expected N x %d x T x H x W (or %d x T x H x W)',
                  nn.utils.sizestr(input), n, n)
   end
   return parent._check(self, input)
end

function VBN:updateOutput(input)
   local x, single = as5(input)
   parent.updateOutput(self, x)
   if single then self.output:resize(input:size()) end
   return self.output
end

function VBN:_backward(input, gradOutput, scale, gradInput, gradWeight, gradBias)
   local x, single = as5(input)
   parent._backward(self, x, (as5(gradOutput)), scale, gradInput, gradWeight, gradBias)
   if single and gradInput then self.gradInput:resize(input:size()) end
   return self.gradInput
end

return VBN
