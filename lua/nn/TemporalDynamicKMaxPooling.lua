-- nn.TemporalDynamicKMaxPooling(minK [, factor = 0]): dynamic k-max pooling (Kalchbrenner et
-- al. 2014): for each feature of a sequence (T x F, or a batch N x T x F), the k largest
-- values over time, in their original order, with k = max(minK, ceil(factor * T)).
local nn = require 'nn'
local utils = nn.utils

local TemporalDynamicKMaxPooling, parent = torch.class('nn.TemporalDynamicKMaxPooling', 'nn.Module')

function TemporalDynamicKMaxPooling:__init(minK, factor)
   parent.__init(self)
   if math.type(minK) ~= 'integer' or minK < 1 then
      self:_error('minK must be a positive integer, got %s', tostring(minK))
   end
   self.minK = minK
   self.factor = factor or 0
   self.indices = torch.LongTensor()
end

function TemporalDynamicKMaxPooling:_k(input)
   utils.checkFloatTensor(self, input)
   if input:dim() ~= 2 and input:dim() ~= 3 then
      self:_error('input of size %s, expected T x F or N x T x F', utils.sizestr(input))
   end
   local seqDim = input:dim() - 1
   local T = input:size(seqDim)
   local k = math.max(self.minK, math.ceil(self.factor * T))
   if T < k then
      self:_error('input of size %s: a sequence of %d is shorter than k = %d',
                  utils.sizestr(input), T, k)
   end
   return seqDim, k
end

function TemporalDynamicKMaxPooling:updateOutput(input)
   local seqDim, k = self:_k(input)
   self.indices = torch.isTensor(self.indices) and self.indices or torch.LongTensor()
   self._vals = self._vals or input.new()
   self._top = self._top or torch.LongTensor()
   self._vals:topk(self._top, input, k, seqDim, true, false)
   -- back to the original order
   self._sorted = self._sorted or torch.LongTensor()
   self._perm = self._perm or torch.LongTensor()
   self._sorted:sort(self._perm, self._top, seqDim)
   self.indices:resizeAs(self._sorted):copy(self._sorted)
   self.output:gather(input, seqDim, self.indices)
   return self.output
end

function TemporalDynamicKMaxPooling:updateGradInput(input, gradOutput)
   local seqDim = self:_k(input)
   utils.checkGradOutput(self, gradOutput, self.indices:size():totable())
   self.gradInput:resizeAs(input):zero()
   self.gradInput:scatter(seqDim, self.indices, gradOutput)
   return self.gradInput
end

function TemporalDynamicKMaxPooling:type(tname, tensorCache)
   if not tname then return parent.type(self) end
   local keep = {}
   for _, k in ipairs({'indices', '_top', '_sorted', '_perm'}) do keep[k], self[k] = self[k], nil end
   parent.type(self, tname, tensorCache)
   for k, v in pairs(keep) do self[k] = v end
   return self
end

function TemporalDynamicKMaxPooling:clearState()
   nn.utils.clear(self, 'indices', '_vals', '_top', '_sorted', '_perm')
   return parent.clearState(self)
end

return TemporalDynamicKMaxPooling
