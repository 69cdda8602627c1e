-- nn.QuantizedMultiHeadAttention(mha): the int8 version of an nn.MultiHeadAttention, for
-- inference (what dl.quantize makes of one, in either mode). Its four projections (q, k, v
-- and the output) are nn.QuantizedLinear layers, each with its rows' own scales, and
-- quantize their inputs per row at run time; the attention itself (scores, softmax,
-- weighted sum) stays the float kernel of nn.MultiHeadAttention, which this class
-- inherits with everything else: inputs, masks, batchFirst, causal, step and its cache.
local nn = require 'nn'
require 'nn.MultiHeadAttention'
require 'nn.QuantizedLinear'

local QMHA, parent = torch.class('nn.QuantizedMultiHeadAttention', 'nn.MultiHeadAttention')

-- A float nn.Linear holding the given weight and bias, to quantize.
local function linear(weight, bias)
   local l = nn.Linear(weight:size(2), weight:size(1), bias ~= nil):float()
   l.weight:copy(weight)
   if bias then l.bias:copy(bias) end
   return l
end

function QMHA:__init(mha, opts)
   nn.Module.__init(self)
   nn.QuantizedModule._checkDynamic(self, mha, opts, 'nn.MultiHeadAttention')
   for _, k in ipairs{'embedDim', 'nHeads', 'headDim', 'batchFirst', 'causal', 'dropout',
                      'needWeights', 'mask'} do
      self[k] = mha[k]
   end
   local C = self.embedDim
   self.qin = {}
   for i = 1, 3 do
      local rows = (i - 1) * C + 1
      self.qin[i] = nn.QuantizedLinear(linear(mha.inWeight:narrow(1, rows, C),
                                              mha.inBias and mha.inBias:narrow(1, rows, C)))
   end
   self.qout = nn.QuantizedLinear(linear(mha.weight, mha.bias))
   self.hasBias = mha.inBias ~= nil
   self.output = torch.FloatTensor()
   self:evaluate()
end

function QMHA:_proj(out, x, i)
   return self.qin[i]:forwardInto(out, x)
end

function QMHA:_inproj(out, x)
   local C = self.embedDim
   out:resize(x:size(1), 3 * C)
   for i = 1, 3 do self.qin[i]:forwardInto(out:narrow(2, (i - 1) * C + 1, C), x) end
   return out
end

function QMHA:_outproj(out, ctx)
   return self.qout:forwardInto(out, ctx)
end

-- Inference only, in Float, as every quantized module.
QMHA.parameters = nn.QuantizedModule.parameters
QMHA.accGradParameters = nn.QuantizedModule.accGradParameters
QMHA.updateGradInput = nn.QuantizedModule.updateGradInput
QMHA.type = nn.QuantizedModule.type

function QMHA:clearState()
   for i = 1, 3 do self.qin[i]:clearState() end
   self.qout:clearState()
   return parent.clearState(self)
end

-- The weights the four projections multiply by, dequantized: inWeight (3C x C), weight.
function QMHA:dequantizedWeight()
   local w = {}
   for i = 1, 3 do w[i] = self.qin[i]:dequantizedWeight() end
   return torch.cat(w, 1), self.qout:dequantizedWeight()
end

function QMHA:__tostring__()
   return string.format('%s(%d, %d heads%s%s, int8 dynamic)', torch.type(self), self.embedDim,
                        self.nHeads, self.causal and ', causal' or '',
                        self.hasBias and '' or ', no bias')
end

nn.QuantizedModule.dynamicOnly['nn.MultiHeadAttention'] = nn.QuantizedMultiHeadAttention

return QMHA
