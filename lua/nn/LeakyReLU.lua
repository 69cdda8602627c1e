-- nn.LeakyReLU(negval, ip): y = x > 0 ? x : negval * x, elementwise (negval 1/100).
-- With ip true the input is overwritten.
local LeakyReLU, parent = torch.class('nn.LeakyReLU', 'nn.Module')
local K = torch._nn

function LeakyReLU:__init(negval, ip)
   parent.__init(self)
   if type(negval) == 'boolean' then -- nn.LeakyReLU(true): in place, default slope
      ip, negval = negval, nil
   end
   self.negval = negval or 1 / 100
   -- with a negative slope the output's sign no longer tells which inputs were positive,
   -- so the backward cannot run on an overwritten input: Torch7 turns in-place off
   self.inplace = (ip or false) and self.negval >= 0
end

function LeakyReLU:updateOutput(input)
   if self.inplace then
      K.activation_forward(input, input, 'LeakyReLU', self.negval)
      self.output:set(input)
   else
      K.activation_forward(self.output, input, 'LeakyReLU', self.negval)
   end
   return self.output
end

function LeakyReLU:updateGradInput(input, gradOutput)
   if self.inplace then
      K.activation_backward(gradOutput, gradOutput, input, input, 'LeakyReLU', self.negval)
      self.gradInput:set(gradOutput)
   else
      K.activation_backward(self.gradInput, gradOutput, input, self.output, 'LeakyReLU', self.negval)
   end
   return self.gradInput
end

function LeakyReLU:__tostring__()
   return string.format('%s(%g)', torch.type(self), self.negval)
end

return LeakyReLU
