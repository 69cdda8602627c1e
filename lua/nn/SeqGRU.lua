-- nn.SeqGRU(inputSize, outputSize): a GRU over a whole sequence (seqlen x batch x size),
-- one fused kernel call; everything else as nn.SeqLSTM, without the cell state (the input
-- may be x or {h0, x}).
require 'nn.SeqLSTM'
local cells = require 'nn.rnn_cells'

local SeqGRU = torch.class('nn.SeqGRU', 'nn.SeqLSTM')
SeqGRU.cell = cells.gru

return SeqGRU
