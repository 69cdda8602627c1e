-- nn.SpatialConvolutionMM: the same module as nn.SpatialConvolution (Torch7 kept both
-- names; here both are im2col plus GEMM), with the same arguments and weight layout.
local nn = require 'nn'
require 'nn.SpatialConvolution'

local MM = torch.class('nn.SpatialConvolutionMM', 'nn.SpatialConvolution')

return MM
