-- Shared by the recurrent modules. The two fused cells, as the sequence modules (SeqLSTM, SeqGRU) and the step modules
-- (LSTM, GRU) call them: both go through these, so stepping a cell and running the whole
-- sequence do the same arithmetic. The kernels are in src/nn/rnn.c (layout in its header
-- and in docs/nn_rnn.md); each checks its arguments and names the calling module.
local K = torch._nn

local cells = {}

-- gates: rows of weight per output unit; nbias: bias elements per output unit; state:
-- whether there is a cell state besides h.
cells.lstm = {
   name = 'LSTM', gates = 4, nbias = 4, cell = true,
   forward = function(b, x, h0, c0, w, bias, mask)
      K.lstm_forward(b.out, b.cell, b.gates, x, h0, c0, w, bias, mask)
   end,
   backward = function(b, x, h0, c0, w, gradOut, gradHT, gradCT, mask)
      K.lstm_backward(b.gx, b.gh0, b.gc0, b.dgates, x, h0, c0, w, b.cell, b.gates, gradOut,
                      gradHT, gradCT, mask)
   end,
   params = function(b, gw, gb, x, h0, scale)
      K.lstm_backward_params(gw, gb, x, h0, b.out, b.dgates, scale)
   end,
}

cells.gru = {
   name = 'GRU', gates = 3, nbias = 6, cell = false,
   forward = function(b, x, h0, c0, w, bias, mask)
      K.gru_forward(b.out, b.gates, b.work, x, h0, w, bias, mask)
   end,
   backward = function(b, x, h0, c0, w, gradOut, gradHT, gradCT, mask)
      K.gru_backward(b.gx, b.gh0, b.dgates, x, h0, w, b.out, b.gates, gradOut, gradHT, mask)
   end,
   params = function(b, gw, gb, x, h0, scale)
      K.gru_backward_params(gw, gb, x, h0, b.out, b.dgates, scale)
   end,
}

-- The buffers of one forward/backward (a whole sequence, or one step), of proto's type.
function cells.buffers(proto)
   local b = {}
   for _, k in ipairs{'out', 'cell', 'gates', 'work', 'dgates', 'gx', 'gh0', 'gc0'} do
      b[k] = proto.new()
   end
   return b
end

-- The parameters of a cell: weight (gates*H x (D + H)), bias, their gradients; PyTorch's
-- initialization, uniform in [-1/sqrt(H), 1/sqrt(H)].
function cells.init(self, cell, inputSize, outputSize)
   if math.type(inputSize) ~= 'integer' or math.type(outputSize) ~= 'integer'
      or inputSize < 1 or outputSize < 1 then
      self:_error('expected positive integer sizes, got %s and %s', tostring(inputSize),
                  tostring(outputSize))
   end
   self.inputSize, self.outputSize = inputSize, outputSize
   self.weight = torch.Tensor(cell.gates * outputSize, inputSize + outputSize)
   self.gradWeight = torch.Tensor(cell.gates * outputSize, inputSize + outputSize):zero()
   self.bias = torch.Tensor(cell.nbias * outputSize)
   self.gradBias = torch.Tensor(cell.nbias * outputSize):zero()
end

function cells.reset(self, stdv)
   stdv = stdv or 1 / math.sqrt(self.outputSize)
   self.weight:uniform(-stdv, stdv)
   self.bias:uniform(-stdv, stdv)
   return self
end

-- The zero mask of a T x B x D input (1 where a row is all zeros), into the ByteTensor m.
function cells.zeroMask(m, x, buf)
   buf:resize(x:size(1), x:size(2), 1)
   buf:abs(x)
   local s = buf:sum(3)
   m:resize(x:size(1), x:size(2)):copy(s:eq(0))
   return m
end

local modes = {both = true, train = true, eval = true, neither = true}

-- remember([mode = 'both']): whether a module carries its state from one forward (or
-- sequence) to the next: in training ('train'), evaluation ('eval'), both or neither.
function cells.remember(self, mode)
   mode = mode or 'both'
   if not modes[mode] then
      self:_error("remember: mode must be 'both', 'train', 'eval' or 'neither', got %s",
                  tostring(mode))
   end
   self._remember = mode
   return self
end

-- Whether the mode set by remember covers the current one (training or evaluation).
function cells.remembering(self)
   local m = self._remember
   if self.train ~= false then return m == 'both' or m == 'train' end
   return m == 'both' or m == 'eval'
end

return cells
