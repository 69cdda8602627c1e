-- The attention modules (issue 13): require 'nn.attention' after 'nn'.
require 'nn'
require 'nn.MultiHeadAttention'
return nn
