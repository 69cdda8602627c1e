-- Helpers shared by the quantization specs (quantize_spec.lua, quantize_attention_spec.lua):
-- the float64 definition of the quantized arithmetic the int8 kernels must reproduce.
local D = torch.DoubleTensor
local Q = {}

-- The per-row quantization of x (Float, m x k) as the kernels define it, in double:
-- range [min(0, lo), max(0, hi)] onto [0, 255], q = clamp(rint(x / s) + z, 0, 255).
function Q.quantizeRows(x, scale, zero)
   local m, k = x:size(1), x:size(2)
   local xq = D(m, k)
   for i = 1, m do
      local s, z = scale, zero
      if not s then
         local lo, hi = math.min(0, x[i]:min()), math.max(0, x[i]:max())
         s = (hi - lo) / 255
         if s <= 0 then s = 1 end
         z = math.max(0, math.min(255, math.floor(-lo / s + 0.5)))
      end
      for t = 1, k do
         local v = x[i][t] / s + z
         v = math.max(0, math.min(255, math.floor(v + 0.5)))
         xq[i][t] = (v - z) * s -- the real value the product sees
      end
   end
   return xq
end

-- y = xq W^T + b in double, W the dequantized weights the module holds.
function Q.reference(q, x, scale, zero)
   local xq = Q.quantizeRows(x, scale, zero)
   local y = xq * q:dequantizedWeight():double():t()
   if q.bias then y:add(q.bias:double():view(1, -1):expandAs(y)) end
   if q.relu then y:cmax(0) end
   return y
end

function Q.maxrel(a, b)
   a, b = a:double(), b:double()
   return (a - b):abs():max() / (1 + torch.abs(b):max()) -- b:abs() would change b
end

return Q
