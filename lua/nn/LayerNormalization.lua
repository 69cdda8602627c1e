-- nn.LayerNormalization(nOutput [, bias = 0, eps = 1e-10, affine = true]): Torch7's layer
-- normalization (Ba et al. 2016) of a vector of nOutput or a batch n x nOutput, built as
-- Torch7 builds it, a Sequential: each row minus its mean, divided by its L2 norm (nn.Normalize,
-- eps added to the norm) and multiplied by sqrt(nOutput); then, when affine, a gain
-- (nn.CMul, ones) and a bias (nn.Add, filled with bias). (Torch7 replicates the mean along
-- the wrong dimension for a batch; here it is subtracted from its own row.) For PyTorch's
-- formula over the last dimension, see nn.LayerNorm.
local nn = require 'nn'
local utils = nn.utils

local LayerNormalization, parent = torch.class('nn.LayerNormalization', 'nn.Sequential')

function LayerNormalization:__init(nOutput, bias, eps, affine)
   parent.__init(self)
   if math.type(nOutput) ~= 'integer' or nOutput < 1 then
      self:_error('nOutput must be a positive integer, got %s', tostring(nOutput))
   end
   self.nOutput = nOutput
   eps = eps or 1e-10
   if affine == nil then affine = true end
   bias = bias or 0
   self:add(nn.ConcatTable()
               :add(nn.Identity())
               :add(nn.Sequential()
                       :add(nn.Mean(2))
                       :add(nn.Replicate(nOutput, 2))))
      :add(nn.CSubTable())
      :add(nn.Normalize(2, eps))
      :add(nn.MulConstant(math.sqrt(nOutput)))
   if affine then
      local gain = nn.CMul(nOutput)
      gain.weight:fill(1)
      local shift = nn.Add(nOutput, false)
      shift.bias:fill(bias)
      self:add(gain)
      self:add(shift)
   end
end

-- The input as a batch (a vector is a batch of one).
function LayerNormalization:_batch(input)
   utils.checkFloatTensor(self, input)
   local n = self.nOutput
   if (input:dim() ~= 1 and input:dim() ~= 2) or input:size(input:dim()) ~= n then
      self:_error('input of size %s, expected %d or n x %d', utils.sizestr(input), n, n)
   end
   return input:dim() == 1 and input:view(1, n) or input
end

function LayerNormalization:updateOutput(input)
   local out = parent.updateOutput(self, self:_batch(input))
   self.output = input:dim() == 1 and out:view(self.nOutput) or out
   return self.output
end

local function asBatch(self, input, gradOutput)
   local x = self:_batch(input)
   utils.checkGradOutput(self, gradOutput, input)
   return x, input:dim() == 1 and gradOutput:contiguous():view(1, self.nOutput) or gradOutput
end

function LayerNormalization:updateGradInput(input, gradOutput)
   local x, g = asBatch(self, input, gradOutput)
   local gi = parent.updateGradInput(self, x, g)
   self.gradInput = input:dim() == 1 and gi:view(self.nOutput) or gi
   return self.gradInput
end

function LayerNormalization:accGradParameters(input, gradOutput, scale)
   local x, g = asBatch(self, input, gradOutput)
   parent.accGradParameters(self, x, g, scale)
end

function LayerNormalization:backward(input, gradOutput, scale)
   local x, g = asBatch(self, input, gradOutput)
   local gi = parent.backward(self, x, g, scale)
   self.gradInput = input:dim() == 1 and gi:view(self.nOutput) or gi
   return self.gradInput
end

return LayerNormalization
