-- nn.SoftShrink(lambda): y = x > lambda ? x - lambda : x < -lambda ? x + lambda : 0, elementwise
-- (lambda 0.5).
local SoftShrink, parent = torch.class('nn.SoftShrink', 'nn.Module')
local K = torch._nn

function SoftShrink:__init(lambda)
   parent.__init(self)
   self.lambda = lambda or 0.5
end

function SoftShrink:updateOutput(input)
   K.Activation_updateOutput('SoftShrink', input, self.output, self.lambda)
   return self.output
end

function SoftShrink:updateGradInput(input, gradOutput)
   K.Activation_updateGradInput('SoftShrink', input, gradOutput, self.gradInput, self.output,
                                self.lambda)
   return self.gradInput
end

return SoftShrink
