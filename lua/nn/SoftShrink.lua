-- nn.SoftShrink(lambda): y = x > lambda ? x - lambda : x < -lambda ? x + lambda : 0, elementwise
-- (lambda 0.5).
local SoftShrink, parent = torch.class('nn.SoftShrink', 'nn.Module')
local K = torch._nn

function SoftShrink:__init(lambda)
   parent.__init(self)
   self.lambda = lambda or 0.5
end

function SoftShrink:updateOutput(input)
   K.activation_forward(self.output, input, 'SoftShrink', self.lambda)
   return self.output
end

function SoftShrink:updateGradInput(input, gradOutput)
   K.activation_backward(self.gradInput, gradOutput, input, self.output, 'SoftShrink', self.lambda)
   return self.gradInput
end

return SoftShrink
