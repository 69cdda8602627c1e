-- nn.Threshold(th, v, ip): y = x > th ? x : v, elementwise (th defaults to 1e-6, v to 0).
-- With ip true the input is overwritten (output is the input, gradInput the gradOutput).
local Threshold, parent = torch.class('nn.Threshold', 'nn.Module')
local K = torch._nn

function Threshold:__init(th, v, ip)
   parent.__init(self)
   self.threshold = th or 1e-6
   self.val = v or 0
   if ip ~= nil and type(ip) ~= 'boolean' then
      self:_error('in-place flag must be boolean')
   end
   self.inplace = ip or false
   self:validateParameters()
end

-- The kernel that runs: ReLU, a Threshold at 0, names itself in error messages.
Threshold._kind = 'Threshold'

function Threshold:validateParameters()
   if self.inplace and self.val > self.threshold then
      self:_error('in-place processing requires value (%g) not to exceed threshold (%g)',
                  self.val, self.threshold)
   end
end

function Threshold:updateOutput(input)
   self:validateParameters()
   if self.inplace then
      K.activation_forward(input, input, self._kind, self.threshold, self.val)
      self.output:set(input)
   else
      K.activation_forward(self.output, input, self._kind, self.threshold, self.val)
   end
   return self.output
end

function Threshold:updateGradInput(input, gradOutput)
   self:validateParameters()
   if self.inplace then
      K.activation_backward(gradOutput, gradOutput, input, input, self._kind, self.threshold, self.val)
      self.gradInput:set(gradOutput)
   else
      K.activation_backward(self.gradInput, gradOutput, input, self.output, self._kind, self.threshold, self.val)
   end
   return self.gradInput
end

return Threshold
