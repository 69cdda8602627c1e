-- nn.CReLU(nInputDims [, inplace]): concatenated ReLU (Shang et al. 2016): the output is
-- {ReLU(x), ReLU(-x)} joined along the first non-batch dimension, which doubles it. Input:
-- nInputDims dimensions, or nInputDims + 1 for a batch.
local nn = require 'nn'
local utils = nn.utils

local CReLU, parent = torch.class('nn.CReLU', 'nn.Module')

function CReLU:__init(nInputDims, inplace)
   parent.__init(self)
   if math.type(nInputDims) ~= 'integer' or nInputDims < 1 then
      self:_error('nInputDims must be a positive integer, got %s', tostring(nInputDims))
   end
   self.nInputDims = nInputDims
   self.inplace = inplace or false
end

function CReLU:_dim(input)
   utils.checkFloatTensor(self, input)
   if input:dim() == self.nInputDims + 1 then return 2 end
   if input:dim() == self.nInputDims then return 1 end
   self:_error('input of size %s, expected %d dimensions (or %d with a batch)',
               utils.sizestr(input), self.nInputDims, self.nInputDims + 1)
end

function CReLU:updateOutput(input)
   local d = self:_dim(input)
   local size = input:size()
   local n = size[d]
   size[d] = 2 * n
   self.output:resize(size)
   self.output:narrow(d, 1, n):copy(input):clamp(0, math.huge)
   self.output:narrow(d, n + 1, n):copy(input):mul(-1):clamp(0, math.huge)
   return self.output
end

-- The gradient: gradOutput's first half where x > 0, minus its second half where x < 0
-- (sign(x) clamped to [0, 1] and to [-1, 0] are those masks).
function CReLU:updateGradInput(input, gradOutput)
   local d = self:_dim(input)
   local size = input:size()
   local n = size[d]
   size[d] = 2 * n
   utils.checkGradOutput(self, gradOutput, size:totable())
   self._mask = self._mask or input.new()
   self._mask:resizeAs(input):copy(input):sign():clamp(0, 1)
   self.gradInput:resizeAs(input):cmul(gradOutput:narrow(d, 1, n), self._mask)
   self._mask:copy(input):sign():clamp(-1, 0)
   self.gradInput:addcmul(1, gradOutput:narrow(d, n + 1, n), self._mask)
   return self.gradInput
end

function CReLU:clearState()
   nn.utils.clear(self, '_mask')
   return parent.clearState(self)
end

function CReLU:__tostring__()
   return 'nn.CReLU()'
end

return CReLU
