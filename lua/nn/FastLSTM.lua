-- nn.FastLSTM(inputSize, outputSize [, rho]): Element-Research's name for the LSTM without
-- peephole connections, which is what nn.LSTM computes here (one fused kernel for both).
require 'nn.LSTM'

local FastLSTM = torch.class('nn.FastLSTM', 'nn.LSTM')

return FastLSTM
