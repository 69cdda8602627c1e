-- nn.QuantizedLinear(linear [, {mode = 'dynamic'|'static', range = {lo, hi}}]): the int8
-- version of an nn.Linear, for inference (nn.QuantizedModule holds the common parts).
-- Input: a vector of inputSize or a batch N x inputSize, Float; output Float.
local nn = require 'nn'
local K = torch._nn

local QL, parent = torch.class('nn.QuantizedLinear', 'nn.QuantizedModule')

function QL:__init(linear, opts)
   parent.__init(self)
   if not torch.isTypeOf(linear, 'nn.Linear') then
      self:_error('expected an nn.Linear to quantize, got %s', torch.type(linear))
   end
   self.inputSize, self.outputSize = linear.weight:size(2), linear.weight:size(1)
   self:_quantize(linear.weight, linear.bias, opts)
   self.relu = false -- dl.quantize sets it when it fuses a following nn.ReLU
end

function QL:_inputsPerOutput() return self.inputSize end

-- The kernel checks the input (and takes a vector as a batch of one).
function QL:updateOutput(input)
   return self:forwardInto(self.output, input)
end

-- The layer's output for input written into out (resized; a view of those sizes, such as
-- a narrow of a wider result, is written in place), for modules built on the layer.
function QL:forwardInto(out, input)
   K.qlinear_forward(out, self._qbuf, input, self.qweight, self.wscale, self.wsum,
                     self.bias, self.inputSize, self.inScale, self.inZero, self.relu)
   return out
end

function QL:__tostring__()
   return string.format('%s(%d -> %d, %s%s%s)', torch.type(self), self.inputSize,
                        self.outputSize, self:_modestr(), self.bias and '' or ', without bias',
                        self.relu and ', fused ReLU' or '')
end

return QL
