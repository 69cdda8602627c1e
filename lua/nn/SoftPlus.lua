-- nn.SoftPlus(beta, threshold): y = log(1 + exp(beta * x)) / beta, elementwise, a smooth
-- ReLU (beta 1); where beta * x > threshold (20) it is x itself, which it equals to
-- within rounding there.
local SoftPlus, parent = torch.class('nn.SoftPlus', 'nn.Module')
local K = torch._nn

function SoftPlus:__init(beta, threshold)
   parent.__init(self)
   self.beta = beta or 1
   self.threshold = threshold or 20
end

function SoftPlus:updateOutput(input)
   K.activation_forward(self.output, input, 'SoftPlus', self.beta, self.threshold)
   return self.output
end

function SoftPlus:updateGradInput(input, gradOutput)
   K.activation_backward(self.gradInput, gradOutput, input, self.output, 'SoftPlus', self.beta, self.threshold)
   return self.gradInput
end

return SoftPlus
