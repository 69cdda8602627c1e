-- The int8 inference modules of dl.quantize (docs/quantization.md): the shared base, the
-- quantized Linear, the quantized 2D convolution and the quantized attention. Their error paths are checked in
-- spec/quantize_spec.lua.
require 'nn.QuantizedModule'
require 'nn.QuantizedLinear'
require 'nn.QuantizedSpatialConvolution'
require 'nn.QuantizedMultiHeadAttention'
require 'nn.QuantizedRecurrent'
