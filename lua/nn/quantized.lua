-- The int8 inference modules of dl.quantize (docs/quantization.md): the shared base, the
-- quantized Linear and the quantized 2D convolution. Their error paths are checked in
-- spec/quantize_spec.lua.
require 'nn.QuantizedModule'
require 'nn.QuantizedLinear'
require 'nn.QuantizedSpatialConvolution'
