-- nn.SparseLinear(inputSize, outputSize [, doGradInput = false]): a Linear layer for sparse
-- inputs, y = W x + b, where x is given by its nonzero entries as an nnz x 2 tensor of
-- (index, value) rows. Input: one such tensor (one sample: an output of outputSize), a
-- table of them (a batch: #input x outputSize), or Torch7's legacy batch x nnz x 2 tensor.
-- The work is vectorized: W's columns are gathered with index and scattered back with
-- indexAdd. After a single forward/backward since zeroGradParameters, zeroGradParameters
-- and updateParameters touch only the columns of W that input used (as Torch7).
-- With doGradInput, updateGradInput gives the dense gradient as (index, value) tensors
-- of inputSize x 2, per sample (Torch7's format); otherwise an empty table.
local nn = require 'nn'
local utils = nn.utils

local SparseLinear, parent = torch.class('nn.SparseLinear', 'nn.Module')

local NO_LAST_INPUT, ONE_LAST_INPUT, ACC_MULTIPLE_TIMES = 0, 1, 2

function SparseLinear:__init(inputSize, outputSize, doGradInput)
   parent.__init(self)
   utils.checkVectorSizes(self, inputSize, outputSize)
   self.weightDecay = 0
   self.doGradInput = doGradInput or false
   if type(self.doGradInput) ~= 'boolean' then
      self:_error('doGradInput must be a boolean, got %s', torch.type(doGradInput))
   end
   self.weight = torch.Tensor(outputSize, inputSize):zero()
   self.bias = torch.Tensor(outputSize):zero()
   self.gradWeight = torch.Tensor(outputSize, inputSize):zero()
   self.gradBias = torch.Tensor(outputSize):zero()
   self.sparseUpdate = NO_LAST_INPUT
   self.gradInput = {}
   self._rows = torch.LongTensor()     -- sample of each nonzero
   self._cols = torch.LongTensor()     -- column of W of each nonzero
   self._vals = torch.Tensor()         -- its value
   self._lastCols = torch.LongTensor() -- the columns used since zeroGradParameters
   self:reset()
end

function SparseLinear:reset(stdv)
   if stdv then stdv = stdv * math.sqrt(3) else stdv = 1 / math.sqrt(self.weight:size(2)) end
   self.weight:uniform(-stdv, stdv)
   self.bias:uniform(-stdv, stdv):mul(0.000001)
   return self
end

-- The nonzeros of input into _rows, _cols, _vals; returns the batch size and the layout
-- ('single', 'table' or 'legacy').
function SparseLinear:_coo(input)
   -- the buffers, also for a module saved by Torch7
   self._rows = self._rows or torch.LongTensor()
   self._cols = self._cols or torch.LongTensor()
   self._vals = self._vals or self.weight.new()
   self._lastCols = self._lastCols or torch.LongTensor()
   self.sparseUpdate = self.sparseUpdate or NO_LAST_INPUT
   local parts, layout = input, 'table'
   if torch.isTensor(input) then
      if input:dim() == 2 and input:size(2) == 2 then
         parts, layout = {input}, 'single'
      elseif input:dim() == 3 and input:size(3) == 2 then
         layout = 'legacy'
      else
         self:_error('input of size %s, expected nnz x 2 (index, value) or a batch x nnz x 2',
                     utils.sizestr(input))
      end
   elseif type(input) ~= 'table' then
      self:_error('input must be a tensor or a table of tensors, got %s', torch.type(input))
   end
   if layout == 'legacy' then
      local b, nnz = input:size(1), input:size(2)
      utils.checkFloatTensor(self, input)
      local flat = input:contiguous():view(b * nnz, 2)
      self._cols:resize(b * nnz):copy(flat:select(2, 1))
      self._vals:resize(b * nnz):copy(flat:select(2, 2))
      self._bidx = self._bidx or torch.LongTensor()
      if self._bidx:nElement() ~= b then self._bidx:resize(b):copy(torch.range(1, b)) end
      self._rows:resize(b, nnz):copy(self._bidx:view(b, 1):expand(b, nnz))
      self._rows:resize(b * nnz)
      return b, layout
   end
   local total = 0
   for i, t in ipairs(parts) do
      utils.checkFloatTensor(self, t, 'input ' .. i)
      if not (t:dim() == 2 and t:size(2) == 2) and t:nElement() > 0 then
         self:_error('input %d of size %s, expected nnz x 2 (index, value)', i, utils.sizestr(t))
      end
      total = total + (t:nElement() > 0 and t:size(1) or 0)
   end
   self._cols:resize(total)
   self._vals:resize(total)
   self._rows:resize(total)
   local at = 1
   for i, t in ipairs(parts) do
      local n = t:nElement() > 0 and t:size(1) or 0
      if n > 0 then
         self._cols:narrow(1, at, n):copy(t:select(2, 1))
         self._vals:narrow(1, at, n):copy(t:select(2, 2))
         self._rows:narrow(1, at, n):fill(i)
         at = at + n
      end
   end
   return #parts, layout
end

function SparseLinear:_checkCols()
   if self._cols:nElement() == 0 then return end
   local lo, hi, nin = self._cols:min(), self._cols:max(), self.weight:size(2)
   if lo < 1 or hi > nin then
      self:_error('index %d out of range [1, %d]', lo < 1 and lo or hi, nin)
   end
end

function SparseLinear:updateOutput(input)
   if self.sparseUpdate == ONE_LAST_INPUT then self.sparseUpdate = ACC_MULTIPLE_TIMES end
   local nb, layout = self:_coo(input)
   self:_checkCols()
   self.layout = layout
   local nout = self.weight:size(1)
   self.output:resize(nb, nout):copy(self.bias:view(1, nout):expand(nb, nout))
   local nnz = self._cols:nElement()
   if nnz > 0 then
      -- output[row] += W[:, col] * val for each nonzero
      self._wcols = self._wcols or self.weight.new()
      self._wcols:index(self.weight, 2, self._cols)
      self._wcols:cmul(self._vals:view(1, nnz):expandAs(self._wcols))
      self.output:indexAdd(1, self._rows, self._wcols:t())
   end
   if layout == 'single' then self.output:resize(nout) end
   return self.output
end

-- gradOutput as a batch of the input's size.
function SparseLinear:_gradOutput(gradOutput)
   local nout = self.weight:size(1)
   local nb = self.layout == 'single' and 1 or self.output:size(1)
   utils.checkGradOutput(self, gradOutput, self.layout == 'single' and {nout} or {nb, nout})
   return gradOutput:contiguous():view(nb, nout)
end

function SparseLinear:accGradParameters(input, gradOutput, scale)
   scale = scale or 1
   self:_coo(input)
   self:_checkCols()
   local g = self:_gradOutput(gradOutput)
   local nnz = self._cols:nElement()
   if self.sparseUpdate == NO_LAST_INPUT then
      self._lastCols:resize(nnz):copy(self._cols)
      self.sparseUpdate = ONE_LAST_INPUT
   elseif self.sparseUpdate == ONE_LAST_INPUT then
      self.sparseUpdate = ACC_MULTIPLE_TIMES
   end
   if nnz > 0 then
      -- gradWeight[:, col] += scale * val * gradOutput[row]
      self._grows = self._grows or self.weight.new()
      self._grows:index(g, 1, self._rows)
      self._grows:cmul(self._vals:view(nnz, 1):expandAs(self._grows)):mul(scale)
      self.gradWeight:indexAdd(2, self._cols, self._grows:t())
   end
   self._gb = self._gb or self.weight.new()
   self._gb:sum(g, 1)
   self.gradBias:add(scale, self._gb:view(-1))
   if self.weightDecay ~= 0 then self.gradWeight:add(self.weightDecay, self.weight) end
end

function SparseLinear:updateGradInput(input, gradOutput)
   if not self.doGradInput then
      if self.layout == 'legacy' then
         self.gradInput = torch.isTensor(self.gradInput) and self.gradInput or gradOutput.new()
         self.gradInput:resizeAs(input):zero()
      else
         self.gradInput = {}
      end
      return self.gradInput
   end
   local g = self:_gradOutput(gradOutput)
   local nb, nin = g:size(1), self.weight:size(2)
   self._gi = self._gi or self.weight.new()
   self._gi:resize(nb, nin):mm(g, self.weight)
   self._range = self._range or self.weight.new()
   if self._range:nElement() ~= nin then self._range:range(1, nin) end
   if self.layout == 'legacy' then
      self.gradInput = torch.isTensor(self.gradInput) and self.gradInput or gradOutput.new()
      self.gradInput:resize(nb, nin, 2)
      self.gradInput:select(3, 1):copy(self._range:view(1, nin):expand(nb, nin))
      self.gradInput:select(3, 2):copy(self._gi)
      return self.gradInput
   end
   if torch.isTensor(self.gradInput) then self.gradInput = {} end
   for i = 1, nb do
      local t = self.gradInput[i]
      if not torch.isTensor(t) or t:type() ~= self.weight:type() then
         t = self.weight.new()
         self.gradInput[i] = t
      end
      t:resize(nin, 2)
      t:select(2, 1):copy(self._range)
      t:select(2, 2):copy(self._gi[i])
   end
   for i = #self.gradInput, nb + 1, -1 do self.gradInput[i] = nil end
   return self.gradInput
end

-- The distinct columns used by the last input (one accumulation since zeroGradParameters).
function SparseLinear:_touched()
   local nin = self.weight:size(2)
   self._seen = self._seen or torch.LongTensor()
   self._seen:resize(nin):zero()
   if self._lastCols:nElement() > 0 then self._seen:indexFill(1, self._lastCols, 1) end
   local idx = self._seen:nonzero()
   return idx:nElement() > 0 and idx:view(-1) or nil
end

function SparseLinear:updateParameters(learningRate)
   if self.sparseUpdate == ONE_LAST_INPUT and self._lastCols then
      local cols = self:_touched()
      self.bias:add(-learningRate, self.gradBias)
      if cols then
         self._upd = self._upd or self.weight.new()
         self._upd:index(self.gradWeight, 2, cols):mul(-learningRate)
         self.weight:indexAdd(2, cols, self._upd)
      end
   else
      parent.updateParameters(self, learningRate)
   end
end

function SparseLinear:zeroGradParameters()
   if self.sparseUpdate == ONE_LAST_INPUT and self._lastCols then
      local cols = self:_touched()
      if cols then self.gradWeight:indexFill(2, cols, 0) end
      self.gradBias:zero()
   else
      parent.zeroGradParameters(self)
   end
   self.sparseUpdate = NO_LAST_INPUT
end

-- The index tensors stay LongTensors.
function SparseLinear:type(tname, tensorCache)
   if not tname then return parent.type(self) end
   local keep = {}
   for _, k in ipairs({'_rows', '_cols', '_lastCols', '_seen', '_bidx'}) do
      keep[k], self[k] = self[k], nil
   end
   parent.type(self, tname, tensorCache)
   for k, v in pairs(keep) do self[k] = v end
   return self
end

function SparseLinear:clearState()
   nn.utils.clear(self, '_wcols', '_grows', '_gb', '_gi', '_range', '_upd')
   return parent.clearState(self)
end

function SparseLinear:__tostring__()
   return torch.type(self) .. string.format('(%d -> %d)', self.weight:size(2), self.weight:size(1))
end

return SparseLinear
