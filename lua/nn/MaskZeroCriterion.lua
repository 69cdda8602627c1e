-- nn.MaskZeroCriterion(criterion, nInputDim): applies criterion to the samples whose input
-- row is not all zeros (padding); the loss ignores the others (and averages over the kept
-- ones when criterion does) and their gradInput rows are zeros. A batch that is all
-- padding has loss 0.
local nn = require 'nn'

local MaskZeroCriterion, parent = torch.class('nn.MaskZeroCriterion', 'nn.Criterion')

function MaskZeroCriterion:__init(criterion, nInputDim)
   parent.__init(self)
   if not torch.isTypeOf(criterion, 'nn.Criterion') then
      self:_error('expected a criterion, got %s', torch.type(criterion))
   end
   if math.type(nInputDim) ~= 'integer' or nInputDim < 0 then
      self:_error('nInputDim must be a non-negative integer, got %s', tostring(nInputDim))
   end
   self.criterion, self.nInputDim = criterion, nInputDim
   self._idx = torch.LongTensor()
end

function MaskZeroCriterion:_rows(input)
   if not torch.isTensor(input) or input:dim() ~= self.nInputDim + 1 then
      self:_error('input must be a batch of %d-dimensional samples, got %s', self.nInputDim,
                  torch.isTensor(input) and nn.utils.sizestr(input) or torch.type(input))
   end
   local n = input:size(1)
   local keep = input:contiguous():view(n, -1):ne(0):sum(2):gt(0):view(n)
   local idx = {}
   for i = 1, n do if keep[i] ~= 0 then idx[#idx + 1] = i end end
   if #idx == 0 then return nil end
   return self._idx:resize(#idx):copy(torch.LongTensor(idx))
end

local function sub(x, idx)
   if torch.isTensor(x) then return x:index(1, idx) end
   return x
end

function MaskZeroCriterion:updateOutput(input, target)
   local idx = self:_rows(input)
   self._kept = idx
   if not idx then
      self.output = 0
      return 0
   end
   self._in, self._tg = sub(input, idx), sub(target, idx)
   self.output = self.criterion:updateOutput(self._in, self._tg)
   return self.output
end

function MaskZeroCriterion:updateGradInput(input, target)
   local idx = self:_rows(input)
   self.gradInput = torch.isTensor(self.gradInput) and self.gradInput or input.new()
   self.gradInput:resizeAs(input):zero()
   if idx then
      local g = self.criterion:updateGradInput(sub(input, idx), sub(target, idx))
      self.gradInput:indexCopy(1, idx, g)
   end
   return self.gradInput
end

function MaskZeroCriterion:type(tname, tensorCache)
   parent.type(self, tname, tensorCache)
   self._idx = torch.LongTensor()
   return self
end

return MaskZeroCriterion
