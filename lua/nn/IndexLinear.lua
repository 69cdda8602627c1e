-- nn.IndexLinear(inputSize, outputSize [, doGradInput, keysOffset, weight, bias]): a
-- Linear layer for very sparse inputs given as keys and values: each sample is a set of
-- (key, value) pairs, and its output is bias + sum over its pairs of value * W[key], W
-- inputSize x outputSize (one row per key: note the transposition with respect to
-- nn.Linear). Input formats (as Torch7):
--   {keys, values}                   one sample: two vectors of one size (LongTensor keys)
--   {{keys1, ...}, {values1, ...}}   a batch, as tables
--   {keys, values, sizes}            a batch, flat: keys and values concatenated, sizes the
--                                    number of pairs of each sample
-- keysOffset is added to every key (keys are 1-based by default). Gradients are sparse, as
-- Torch7's: accGradParameters records the rows of W each batch touches, updateParameters
-- applies them (with weightDecay) and zeroGradParameters forgets them. Dense gradients
-- (for getParameters and optim): parameters() then allocates gradWeight (inputSize x
-- outputSize), which from then on accGradParameters accumulates into.
local nn = require 'nn'
local utils = nn.utils

local IndexLinear, parent = torch.class('nn.IndexLinear', 'nn.Module')

function IndexLinear:__init(inputSize, outputSize, doGradInput, keysOffset, weight, bias, normalize)
   parent.__init(self)
   if normalize then
      self:_error('normalize (max-abs normalization of the values) is not supported')
   end
   self.normalize = 0
   if weight ~= nil and not torch.isTensor(weight) then
      self:_error('weight must be a tensor, got %s', torch.type(weight))
   end
   if not weight then utils.checkVectorSizes(self, inputSize, outputSize) end
   self.weight = weight or torch.Tensor(inputSize, outputSize):zero()
   if self.weight:dim() ~= 2 then
      self:_error('weight of size %s, expected inputSize x outputSize', utils.sizestr(self.weight))
   end
   self.inputSize, self.outputSize = self.weight:size(1), self.weight:size(2)
   self.bias = bias or torch.Tensor(self.outputSize):zero()
   self.gradWeight = torch.Tensor()
   self.gradBias = torch.Tensor(self.outputSize):zero()
   self.weightDecay = 0
   self.doGradInput = doGradInput or false
   self.offset = keysOffset and keysOffset - 1 or -1
   self.running = {keys = {}, gradWeight = {}, counter = 1}
   self.keys = torch.LongTensor()      -- the keys of the batch (offset applied: rows of W)
   self.values = torch.Tensor()
   self.sizes = torch.LongTensor()
   self.cumSumSizes = torch.LongTensor()
   self._ids = torch.LongTensor()      -- the sample of each pair
   self._starts = torch.LongTensor()
   self.gradInput = {}
end

-- Torch7's initialization, as SparseLinear's: W uniform in [-1/sqrt(outputSize),
-- 1/sqrt(outputSize)] (or stdv * sqrt(3)), the bias a million times smaller.
IndexLinear.reset = nn.SparseLinear.reset

local function isLong(t) return torch.isTensor(t) and t:type() == 'torch.LongTensor' end

-- Reads input into keys, values, sizes (flat), and sets isFlat and noBatch.
function IndexLinear:_flatten(input)
   if (self.normalize or 0) > 0 then
      self:_error('normalize (max-abs normalization of the values) is not supported')
   end
   -- the buffers, also for a module saved by Torch7
   for _, k in ipairs({'keys', 'sizes', 'cumSumSizes', '_ids', '_starts'}) do
      self[k] = self[k] or torch.LongTensor()
   end
   self.values = self.values or self.weight.new()
   self.running = self.running or {keys = {}, gradWeight = {}, counter = 1}
   if type(input) ~= 'table' or torch.isTensor(input) or (#input ~= 2 and #input ~= 3) then
      self:_error('expected a table {keys, values} or {keys, values, sizes}, got %s',
                  torch.type(input))
   end
   local keys, values = input[1], input[2]
   if #input == 3 then
      local sizes = input[3]
      if type(sizes) == 'number' then sizes = torch.LongTensor({sizes}) end
      if not isLong(keys) or keys:dim() ~= 1 or not torch.isTensor(values)
         or values:nElement() ~= keys:nElement() or not torch.isTensor(sizes) then
         self:_error('flat input: keys (a LongTensor vector) of size %s and values of size %s '
                     .. 'must have one size', utils.sizestr(keys), utils.sizestr(values))
      end
      if sizes:sum() ~= keys:nElement() then
         self:_error('flat input: sizes sum to %d, but there are %d keys', sizes:sum(),
                     keys:nElement())
      end
      utils.checkFloatTensor(self, values, 'values')
      self.isFlat, self.noBatch = true, false
      self.keys:resize(keys:nElement()):copy(keys)
      self.values:resize(values:nElement()):copy(values)
      self.sizes:resize(sizes:nElement()):copy(sizes)
   elseif torch.isTensor(keys) then
      if not isLong(keys) or keys:dim() ~= 1 or not torch.isTensor(values) or values:dim() ~= 1
         or values:nElement() ~= keys:nElement() then
         self:_error('keys (a LongTensor vector) of size %s and values of size %s must be '
                     .. 'vectors of one size', utils.sizestr(keys), utils.sizestr(values))
      end
      utils.checkFloatTensor(self, values, 'values')
      self.isFlat, self.noBatch = false, true
      self.keys:resize(keys:nElement()):copy(keys)
      self.values:resize(values:nElement()):copy(values)
      self.sizes:resize(1):fill(keys:nElement())
   else
      if type(keys) ~= 'table' or type(values) ~= 'table' or #keys ~= #values then
         self:_error('batch input: expected tables of as many keys as values, got %s and %s',
                     torch.type(keys), torch.type(values))
      end
      local total = 0
      self.sizes:resize(#keys)
      for i = 1, #keys do
         local k, v = keys[i], values[i]
         if not isLong(k) or k:dim() > 1 or not torch.isTensor(v)
            or v:nElement() ~= k:nElement() then
            self:_error('sample %d: keys (a LongTensor vector) of size %s and values of size '
                        .. '%s must be vectors of one size', i, utils.sizestr(k), utils.sizestr(v))
         end
         utils.checkFloatTensor(self, v, 'values ' .. i)
         self.sizes[i] = k:nElement()
         total = total + k:nElement()
      end
      self.isFlat, self.noBatch = false, false
      self.keys:resize(total)
      self.values:resize(total)
      local at = 1
      for i = 1, #keys do
         local n = keys[i]:nElement()
         if n > 0 then
            self.keys:narrow(1, at, n):copy(keys[i])
            self.values:narrow(1, at, n):copy(values[i])
            at = at + n
         end
      end
   end
   local nnz = self.keys:nElement()
   if self.offset ~= -1 and nnz > 0 then self.keys:add(self.offset + 1) end
   if nnz > 0 then
      local lo, hi = self.keys:min(), self.keys:max()
      if lo < 1 or hi > self.inputSize then
         self:_error('key %d out of range [1, %d] (with keysOffset)',
                     (lo < 1 and lo or hi) - self.offset - 1, self.inputSize)
      end
   end
   -- the sample of each pair: 1 at each sample's first pair, accumulated
   local nb = self.sizes:nElement()
   self.cumSumSizes:resize(nb):cumsum(self.sizes, 1)
   self._ids:resize(nnz):zero()
   if nnz > 0 then
      self._starts:resize(nb):copy(self.cumSumSizes):add(-1, self.sizes):add(1)
      local starts = self._starts:maskedSelect(self._starts:le(nnz))
      self._ones = self._ones or torch.LongTensor()
      self._ones:resize(starts:nElement()):fill(1)
      self._mark = self._mark or torch.LongTensor()
      self._mark:resize(nnz):zero():indexAdd(1, starts, self._ones)
      self._ids:cumsum(self._mark, 1)
   end
   return nb
end

function IndexLinear:updateOutput(input)
   local nb = self:_flatten(input)
   local nout = self.outputSize
   self.output:resize(nb, nout):copy(self.bias:view(1, nout):expand(nb, nout))
   local nnz = self.keys:nElement()
   if nnz > 0 then
      self._rowsW = self._rowsW or self.weight.new()
      self._rowsW:index(self.weight, 1, self.keys)
      self._rowsW:cmul(self.values:view(nnz, 1):expandAs(self._rowsW))
      self.output:indexAdd(1, self._ids, self._rowsW)
   end
   if self.noBatch then self.output:resize(nout) end
   return self.output
end

function IndexLinear:_gradOutput(gradOutput)
   local nb, nout = self.sizes:nElement(), self.outputSize
   local expected = self.noBatch and {nout} or {nb, nout}
   -- read in row-major order: Torch7 takes any shape of that many elements (a vector for
   -- the batch of one of the flat form), which pairs with the output's, with a warning
   if self.output:nElement() == nb * nout then expected = self.output end
   utils.checkGradOutput(self, gradOutput, expected, true)
   return gradOutput:contiguous():view(nb, nout)
end

-- scale * value * gradOutput[sample], one row per pair, into buf.
function IndexLinear:_pairGrads(buf, g, scale)
   local nnz = self.keys:nElement()
   buf:index(g, 1, self._ids)
   buf:cmul(self.values:view(nnz, 1):expandAs(buf)):mul(scale)
   return buf
end

function IndexLinear:accGradParameters(input, gradOutput, scale)
   scale = scale or 1
   local g = self:_gradOutput(gradOutput)
   self._gb = self._gb or self.weight.new()
   self._gb:sum(g, 1)
   self.gradBias:add(scale, self._gb:view(-1))
   if self.keys:nElement() == 0 then return end
   if self.gradWeight:nElement() > 0 then
      self._pg = self._pg or self.weight.new()
      self.gradWeight:indexAdd(1, self.keys, self:_pairGrads(self._pg, g, scale))
      return
   end
   local c = self.running.counter
   self.running.keys[c] = self.running.keys[c] or torch.LongTensor()
   self.running.gradWeight[c] = self.running.gradWeight[c] or self.weight.new()
   self.running.keys[c]:resize(self.keys:nElement()):copy(self.keys)
   self:_pairGrads(self.running.gradWeight[c], g, scale)
   self.running.counter = c + 1
end

-- weight[key] -= lr * (gradient + weightDecay * weight[key]) for the recorded pairs
-- (or the whole dense gradient), bias -= lr * gradBias.
function IndexLinear:updateParameters(lr)
   if type(lr) ~= 'number' then self:_error('updateParameters: expected a learning rate') end
   self.bias:add(-lr, self.gradBias)
   if self.gradWeight:nElement() > 0 then
      if self.weightDecay ~= 0 then self.weight:mul(1 - lr * self.weightDecay) end
      self.weight:add(-lr, self.gradWeight)
      return
   end
   for c = 1, self.running.counter - 1 do
      local keys, gw = self.running.keys[c], self.running.gradWeight[c]
      if self.weightDecay ~= 0 then
         self._decay = self._decay or self.weight.new()
         self._decay:index(self.weight, 1, keys):mul(-lr * self.weightDecay)
         self.weight:indexAdd(1, keys, self._decay)
      end
      self._upd = self._upd or self.weight.new()
      self._upd:resizeAs(gw):copy(gw):mul(-lr)
      self.weight:indexAdd(1, keys, self._upd)
   end
end

function IndexLinear:accUpdateGradParameters(input, gradOutput, lr)
   local g = self:_gradOutput(gradOutput)
   self._gb = self._gb or self.weight.new()
   self._gb:sum(g, 1)
   self.bias:add(-lr, self._gb:view(-1))
   if self.keys:nElement() == 0 then return end
   self._pg = self._pg or self.weight.new()
   self:_pairGrads(self._pg, g, -lr)
   if self.weightDecay ~= 0 then
      self._decay = self._decay or self.weight.new()
      self._decay:index(self.weight, 1, self.keys):mul(-self.weightDecay)
      self.weight:indexAdd(1, self.keys, self._decay)
   end
   self.weight:indexAdd(1, self.keys, self._pg)
end

function IndexLinear:zeroGradParameters()
   self.gradBias:zero()
   if self.gradWeight:nElement() > 0 then self.gradWeight:zero() end
   self.running.counter = 1
end

-- Switches to dense gradients (see above): the weight and its gradient, bias and gradBias.
function IndexLinear:parameters()
   if self.gradWeight:nElement() == 0 then
      self.gradWeight:resizeAs(self.weight):zero()
      for c = 1, self.running.counter - 1 do
         self.gradWeight:indexAdd(1, self.running.keys[c], self.running.gradWeight[c])
      end
      self.running.counter = 1
   end
   return {self.weight, self.bias}, {self.gradWeight, self.gradBias}
end

-- With doGradInput: the dense gradient with respect to every key's value, as Torch7 gives
-- it: for a batch, {keys, grads} tables of inputSize-vectors (flat input: two batch x
-- inputSize tensors), for one sample two vectors.
function IndexLinear:updateGradInput(input, gradOutput)
   if not self.doGradInput then
      self.gradInput = {}
      return self.gradInput
   end
   local g = self:_gradOutput(gradOutput)
   local nb, nin = g:size(1), self.inputSize
   self._gi = self._gi or self.weight.new()
   self._gi:resize(nb, nin):mm(g, self.weight:t())
   self._range = self._range or torch.LongTensor()
   if self._range:nElement() ~= nin then self._range:resize(nin):copy(torch.range(1, nin)) end
   if self.noBatch then
      self.gradInput = {self._range, self._gi:view(nin)}
   elseif self.isFlat then
      self._giKeys = self._giKeys or torch.LongTensor()
      self._giKeys:resize(nb, nin):copy(self._range:view(1, nin):expand(nb, nin))
      self.gradInput = {self._giKeys, self._gi}
   else
      local ks, vs = {}, {}
      for i = 1, nb do ks[i], vs[i] = self._range, self._gi[i] end
      self.gradInput = {ks, vs}
   end
   return self.gradInput
end

-- The index tensors stay LongTensors.
function IndexLinear:type(tname, tensorCache)
   if not tname then return parent.type(self) end
   local keep = {}
   for _, k in ipairs({'keys', 'sizes', 'cumSumSizes', '_ids', '_starts', '_ones', '_mark', '_range',
                       '_giKeys'}) do
      keep[k], self[k] = self[k], nil
   end
   local rk = self.running.keys
   self.running.keys = {}
   parent.type(self, tname, tensorCache)
   self.running.keys = rk
   for k, v in pairs(keep) do self[k] = v end
   return self
end

function IndexLinear:clearState()
   self.running = {keys = {}, gradWeight = {}, counter = 1}
   nn.utils.clear(self, '_rowsW', '_pg', '_gb', '_gi', '_upd', '_decay', 'values')
   return parent.clearState(self)
end

function IndexLinear:__tostring__()
   return torch.type(self) .. string.format('(%d -> %d)', self.inputSize, self.outputSize)
end

return IndexLinear
