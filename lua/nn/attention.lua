-- The attention modules (issue 13): require 'nn.attention' after 'nn'.
require 'nn'
require 'nn.MultiHeadAttention'
require 'nn.TransformerEncoderLayer'
require 'nn.TransformerBlock'
require 'nn.PositionalEmbedding'
require 'nn.SinusoidalPositionalEncoding'
require 'nn.GPT'
return nn
