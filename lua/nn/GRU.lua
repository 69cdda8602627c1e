-- nn.GRU(inputSize, outputSize [, rho]): one GRU step per forward, through the fused
-- kernel nn.SeqGRU uses (PyTorch's r, z, n gates: see docs/nn_rnn.md for how this differs
-- from Element-Research's GRU). Everything else as nn.LSTM, without the cell state.
require 'nn.LSTM'
local cells = require 'nn.rnn_cells'

local GRU = torch.class('nn.GRU', 'nn.LSTM')
GRU.cell = cells.gru

return GRU
