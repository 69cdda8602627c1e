-- nn.ELU(alpha, ip): y = x > 0 ? x : alpha * (exp(x) - 1), elementwise (alpha 1).
-- Clevert et al., 2015. With ip true the input is overwritten.
local ELU, parent = torch.class('nn.ELU', 'nn.Module')
local K = torch._nn

function ELU:__init(alpha, ip)
   parent.__init(self)
   self.alpha = alpha or 1
   self.inplace = ip or false
end

function ELU:updateOutput(input)
   if self.inplace then
      K.activation_forward(input, input, 'ELU', self.alpha)
      self.output:set(input)
   else
      K.activation_forward(self.output, input, 'ELU', self.alpha)
   end
   return self.output
end

-- The derivative is read from the output (y + alpha where y <= 0), which stays valid
-- when the forward ran in place.
function ELU:updateGradInput(input, gradOutput)
   if self.inplace then
      K.activation_backward(gradOutput, gradOutput, input, self.output, 'ELU', self.alpha)
      self.gradInput:set(gradOutput)
   else
      K.activation_backward(self.gradInput, gradOutput, input, self.output, 'ELU', self.alpha)
   end
   return self.gradInput
end

function ELU:__tostring__()
   return string.format('%s (alpha:%g)', torch.type(self), self.alpha)
end

return ELU
