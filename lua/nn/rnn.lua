-- The recurrent modules (the torch/rnn API): require 'nn'; require 'nn.rnn'. Listed so
-- that each parent class comes before its children.
require 'nn'

require 'nn.SeqLSTM'
require 'nn.SeqGRU'
require 'nn.AbstractRecurrent'
require 'nn.LSTM'
require 'nn.FastLSTM'
require 'nn.GRU'
require 'nn.Recursor'
require 'nn.Recurrence'
require 'nn.Recurrent'
require 'nn.Sequencer'
require 'nn.BiSequencer'
require 'nn.Repeater'
require 'nn.MaskZero'
require 'nn.LookupTableMaskZero'
require 'nn.MaskZeroCriterion'
require 'nn.SequencerCriterion'
require 'nn.OneHot'

return nn
