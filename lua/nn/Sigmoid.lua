-- nn.Sigmoid: y = 1 / (1 + exp(-x)), elementwise. Kernels in src/nn/activation.c.
local Sigmoid, parent = torch.class('nn.Sigmoid', 'nn.Module')
local K = torch._nn

function Sigmoid:updateOutput(input)
   K.activation_forward(self.output, input, 'Sigmoid')
   return self.output
end

function Sigmoid:updateGradInput(input, gradOutput)
   K.activation_backward(self.gradInput, gradOutput, input, self.output, 'Sigmoid')
   return self.gradInput
end

return Sigmoid
