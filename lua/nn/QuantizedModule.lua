-- nn.QuantizedModule: what the int8 layers (nn.QuantizedLinear,
-- nn.QuantizedSpatialConvolution) share. Weights are int8, symmetric per output channel,
-- packed for the int8 kernels in a torch.ByteTensor of two's-complement bytes (qweight),
-- with a float scale (wscale) and the sum of the int8 weights (wsum) per output; the bias
-- stays float. Activations are quantized to uint8 at run time: per row (per sample for a
-- convolution) in 'dynamic' mode, with the range calibrated beforehand in 'static' mode
-- (inScale, inZero). Inference only: there are no gradients, and the module runs in Float.
-- The work is nn_quantize_weight / nn_q*_forward in src/nn/quant.c.
local nn = require 'nn'
local K = torch._nn

local Q, parent = torch.class('nn.QuantizedModule', 'nn.Module')

-- The float classes dl.quantize replaces in either mode, quantizing their activations at
-- run time: class name -> make(module, opts) giving the int8 module. Each such quantized
-- class registers itself here (nn.QuantizedLinear and the convolution are dl.quantize's own).
Q.dynamicOnly = {}

-- The activation scale and zero point that map [min(0, lo), max(0, hi)] onto [0, 255]
-- (0.0 exactly representable, as the padding of a convolution needs).
function nn.QuantizedModule.range(lo, hi)
   lo, hi = math.min(0, lo), math.max(0, hi)
   local scale = (hi - lo) / 255
   if not (scale > 0) or scale == math.huge then return 1, 0 end
   local zero = math.floor(-lo / scale + 0.5)
   return scale, math.max(0, math.min(255, zero))
end

-- The checks of a module made from a float one that quantizes its activations at run time
-- only (attention, the recurrent modules): m of one of the float classes named, opts a
-- table or nil without a static mode.
function Q:_checkDynamic(m, opts, ...)
   local ok = false
   for _, name in ipairs{...} do ok = ok or torch.type(m) == name end
   if not ok then
      self:_error('expected an %s to quantize, got %s', (...), torch.type(m))
   end
   if opts ~= nil and type(opts) ~= 'table' then
      self:_error('options must be a table, got %s', type(opts))
   end
   if opts and opts.mode == 'static' then
      self:_error('it quantizes its activations at run time: mode must be dynamic')
   end
end

-- Quantizes weight (outputs first) and copies bias; opts.mode 'dynamic' (default) or
-- 'static' with opts.range = {lo, hi}, the input's range seen on calibration batches.
function Q:_quantize(weight, bias, opts)
   opts = opts or {}
   if type(opts) ~= 'table' then self:_error('options must be a table, got %s', type(opts)) end
   local mode = opts.mode or 'dynamic'
   if mode ~= 'dynamic' and mode ~= 'static' then
      self:_error("mode must be 'dynamic' or 'static', got %s", tostring(mode))
   end
   self.mode = mode
   self.qweight, self.wscale, self.wsum = torch.ByteTensor(), torch.FloatTensor(), torch.IntTensor()
   K.quantize_weight(self.qweight, self.wscale, self.wsum, weight)
   self.bias = bias and torch.FloatTensor(bias:size()):copy(bias) or nil
   self.inScale, self.inZero = 0, 0
   if mode == 'static' then
      local r = opts.range
      if type(r) ~= 'table' or type(r[1]) ~= 'number' or type(r[2]) ~= 'number' then
         self:_error("static mode needs range = {min, max} of the input (dl.quantize's " ..
                     "calibration measures it)")
      end
      self.inScale, self.inZero = nn.QuantizedModule.range(r[1], r[2])
   end
   self.output = torch.FloatTensor()
   self._qbuf = torch.ByteTensor()
end

-- The weights the layer multiplies by, dequantized (Float, outputs x inputs).
function Q:dequantizedWeight()
   local w = torch.FloatTensor()
   K.dequantize_weight(w, self.qweight, self.wscale, self:_inputsPerOutput())
   return w
end

-- No trainable parameters.
function Q:parameters() end
function Q:accGradParameters() end
function Q:updateGradInput()
   self:_error('a quantized module is for inference only (it has no gradients)')
end

-- The module computes in Float: :float() keeps it, other types are refused.
function Q:type(tname, cache)
   if not tname then return 'torch.FloatTensor' end
   if tname ~= 'torch.FloatTensor' then
      self:_error('a quantized module runs in Float only, cannot convert it to %s', tname)
   end
   return self
end

function Q:clearState()
   return nn.utils.clear(self, 'output', '_qbuf')
end

function Q:_modestr()
   return self.mode == 'static'
      and string.format('int8 static, input scale %.4g zero %d', self.inScale, self.inZero)
      or 'int8 dynamic'
end

return Q
