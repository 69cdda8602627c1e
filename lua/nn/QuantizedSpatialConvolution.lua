-- nn.QuantizedSpatialConvolution(conv [, {mode = 'static', range = {lo, hi}}]): the int8
-- version of an nn.SpatialConvolution (or SpatialConvolutionMM, SpatialDilatedConvolution)
-- for inference. dl.quantize uses it in static mode, with the input range measured on
-- calibration batches; 'dynamic' quantizes each sample with its own range.
local nn = require 'nn'
local K = torch._nn

local QC, parent = torch.class('nn.QuantizedSpatialConvolution', 'nn.QuantizedModule')

-- The convolutions it can stand for (not the transposed SpatialFullConvolution, a subclass).
QC.accepts = {['nn.SpatialConvolution'] = true, ['nn.SpatialConvolutionMM'] = true,
              ['nn.SpatialDilatedConvolution'] = true}

function QC:__init(conv, opts)
   parent.__init(self)
   if not QC.accepts[torch.type(conv)] then
      self:_error('expected an nn.SpatialConvolution to quantize, got %s', torch.type(conv))
   end
   for _, f in ipairs({'nInputPlane', 'nOutputPlane', 'kW', 'kH', 'dW', 'dH', 'padW', 'padH'}) do
      self[f] = conv[f]
   end
   self.dilationW, self.dilationH = conv.dilationW or 1, conv.dilationH or 1
   -- channels last (F x kH x kW x C), the order in which the kernel lays out its columns
   local w = conv.weight:view(self.nOutputPlane, self.nInputPlane, self.kH, self.kW)
   self:_quantize(w:permute(1, 3, 4, 2), conv.bias, opts)
   self.relu = false
end

function QC:_inputsPerOutput() return self.nInputPlane * self.kH * self.kW end

-- The weights the layer multiplies by, dequantized: F x C x kH x kW as the convolution's.
function QC:dequantizedWeight()
   local w = parent.dequantizedWeight(self)
   return w:view(self.nOutputPlane, self.kH, self.kW, self.nInputPlane):permute(1, 4, 2, 3):contiguous()
end

function QC:updateOutput(input)
   K.qconv2d_forward(self.output, self._qbuf, input, self.qweight, self.wscale, self.wsum,
                     self.bias, self:_inputsPerOutput(), self.inScale, self.inZero, self.relu,
                     self.kW, self.kH, self.dW, self.dH, self.padW, self.padH,
                     self.dilationW, self.dilationH)
   return self.output
end

function QC:__tostring__()
   local s = string.format('%s(%d -> %d, %dx%d', torch.type(self), self.nInputPlane,
                           self.nOutputPlane, self.kW, self.kH)
   if self.dW ~= 1 or self.dH ~= 1 or self.padW ~= 0 or self.padH ~= 0 then
      s = s .. string.format(', %d,%d, %d,%d', self.dW, self.dH, self.padW, self.padH)
   end
   return s .. ', ' .. self:_modestr() .. (self.relu and ', fused ReLU' or '') .. ')'
end

return QC
