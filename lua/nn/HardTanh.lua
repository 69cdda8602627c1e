-- nn.HardTanh(min_value, max_value, ip): y = min(max(x, min_value), max_value),
-- elementwise (defaults -1 and 1). With ip true the input is overwritten.
local HardTanh, parent = torch.class('nn.HardTanh', 'nn.Module')
local K = torch._nn

function HardTanh:__init(min_value, max_value, ip)
   parent.__init(self)
   self.min_val = min_value or -1
   self.max_val = max_value or 1
   self.inplace = ip or false
   if self.max_val <= self.min_val then
      self:_error('max_value (%g) must be larger than min_value (%g)', self.max_val, self.min_val)
   end
end

HardTanh._kind = 'HardTanh'

function HardTanh:updateOutput(input)
   if self.inplace then
      K.activation_forward(input, input, self._kind, self.min_val, self.max_val)
      self.output:set(input)
   else
      K.activation_forward(self.output, input, self._kind, self.min_val, self.max_val)
   end
   return self.output
end

function HardTanh:updateGradInput(input, gradOutput)
   if self.inplace then
      K.activation_backward(gradOutput, gradOutput, input, input, self._kind, self.min_val, self.max_val)
      self.gradInput:set(gradOutput)
   else
      K.activation_backward(self.gradInput, gradOutput, input, self.output, self._kind, self.min_val, self.max_val)
   end
   return self.gradInput
end

return HardTanh
