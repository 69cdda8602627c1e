-- nn.SpatialFullConvolutionMap(connTable, kW, kH [, dW = 1, dH = 1]): the transposed
-- ("full") convolution through a connection table, as Torch7: output plane o is bias[o]
-- plus the full convolutions of the input planes connected to it, oH = (H - 1) dH + kH.
-- connTable, weight and bias as nn.SpatialConvolutionMap (kernels nn_convmap_* in
-- src/nn/conv.c).
local nn = require 'nn'
require 'nn.SpatialConvolutionMap'

local Full, parent = torch.class('nn.SpatialFullConvolutionMap', 'nn.SpatialConvolutionMap')

Full._full = true

return Full
