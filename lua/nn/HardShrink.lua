-- nn.HardShrink(lambda): y = |x| > lambda ? x : 0, elementwise
-- (lambda 0.5).
local HardShrink, parent = torch.class('nn.HardShrink', 'nn.Module')
local K = torch._nn

function HardShrink:__init(lambda)
   parent.__init(self)
   self.lambda = lambda or 0.5
end

function HardShrink:updateOutput(input)
   K.activation_forward(self.output, input, 'HardShrink', self.lambda)
   return self.output
end

function HardShrink:updateGradInput(input, gradOutput)
   K.activation_backward(self.gradInput, gradOutput, input, self.output, 'HardShrink', self.lambda)
   return self.gradInput
end

return HardShrink
