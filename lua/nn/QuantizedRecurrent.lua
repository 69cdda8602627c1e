-- The int8 recurrent modules of dl.quantize (docs/quantization.md), for inference:
--   nn.QuantizedSeqLSTM(seqlstm), nn.QuantizedSeqGRU(seqgru): a whole sequence per forward;
--   nn.QuantizedLSTM(lstm), nn.QuantizedGRU(gru): one step per forward (nn.FastLSTM too).
-- Each is its float class with the kernel swapped: the weight's two halves, the input
-- weights W_ih and the recurrent W_hh, are int8 per output row (quantized apart, each row
-- with its scale), and the inputs of both products (each row of x, each step's h_{t-1}) are
-- quantized per row at run time; the bias and the gate arithmetic stay float
-- (nn_qlstm_forward / nn_qgru_forward in src/nn/rnn.c). Everything else is the float
-- module's: input forms, batchfirst, masks, remember/forget, initial and last states.
local nn = require 'nn'
local K = torch._nn
require 'nn.SeqGRU'
require 'nn.GRU'
require 'nn.QuantizedModule'

-- What the four classes share, installed into each.
local common = {}

-- The float module's whole state (options, states, buffers), with its weight quantized:
-- the float weight is dropped (an empty tensor stands for it, for the buffers' type).
function common.__init(self, rnn, opts)
   nn.Module.__init(self)
   nn.QuantizedModule._checkDynamic(self, rnn, opts, self._floatClass,
                                    self._floatClass == 'nn.LSTM' and 'nn.FastLSTM' or nil)
   local f = rnn:clone():float()
   for k, v in pairs(f) do self[k] = v end
   local D, w = self.inputSize, f.weight
   local halves = {w:narrow(2, 1, D), w:narrow(2, D + 1, self.outputSize)}
   for i, name in ipairs{'X', 'H'} do
      local p, s, ws = torch.ByteTensor(), torch.FloatTensor(), torch.IntTensor()
      K.quantize_weight(p, s, ws, halves[i]:contiguous())
      self['qweight' .. name], self['wscale' .. name], self['wsum' .. name] = p, s, ws
   end
   self.weight = torch.FloatTensor()
   self.gradWeight, self.gradBias = nil, nil
   self._qbuf = torch.ByteTensor()
   self:evaluate()
end

function common._cellForward(self, b, x, h0, c0, mask)
   b.qbuf = b.qbuf or torch.ByteTensor()
   if self.cell.cell then
      K.qlstm_forward(b.out, b.cell, b.gates, b.work, b.qbuf, x, h0, c0, self.qweightX,
                      self.wscaleX, self.wsumX, self.qweightH, self.wscaleH, self.wsumH,
                      self.bias, mask, self.inputSize, self.outputSize)
   else
      K.qgru_forward(b.out, b.gates, b.work, b.qbuf, x, h0, self.qweightX, self.wscaleX,
                     self.wsumX, self.qweightH, self.wscaleH, self.wsumH, self.bias, mask,
                     self.inputSize, self.outputSize)
   end
end

-- The weight the cell multiplies by, dequantized: G*H x (inputSize + outputSize), the
-- float module's layout.
function common.dequantizedWeight(self)
   local wx, wh = torch.FloatTensor(), torch.FloatTensor()
   K.dequantize_weight(wx, self.qweightX, self.wscaleX, self.inputSize)
   K.dequantize_weight(wh, self.qweightH, self.wscaleH, self.outputSize)
   return torch.cat(wx, wh, 2)
end

-- Inference only, in Float, as every quantized module.
common.parameters = nn.QuantizedModule.parameters
common.accGradParameters = nn.QuantizedModule.accGradParameters
common.updateGradInput = nn.QuantizedModule.updateGradInput
common.type = nn.QuantizedModule.type

function common.__tostring__(self)
   return string.format('%s(%d -> %d, int8 dynamic)', torch.type(self), self.inputSize,
                        self.outputSize)
end

for _, c in ipairs{{'nn.QuantizedSeqLSTM', 'nn.SeqLSTM'}, {'nn.QuantizedSeqGRU', 'nn.SeqGRU'},
                   {'nn.QuantizedLSTM', 'nn.LSTM'}, {'nn.QuantizedGRU', 'nn.GRU'}} do
   local cls = torch.class(c[1], c[2])
   cls._floatClass = c[2]
   for k, f in pairs(common) do cls[k] = f end
   local ctor = nn[c[1]:sub(4)]
   nn.QuantizedModule.dynamicOnly[c[2]] = ctor
   if c[2] == 'nn.LSTM' then nn.QuantizedModule.dynamicOnly['nn.FastLSTM'] = ctor end
end
