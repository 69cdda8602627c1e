-- nn.Tanh: y = tanh(x), elementwise. Kernels in src/nn/activation.c.
local Tanh, parent = torch.class('nn.Tanh', 'nn.Module')
local K = torch._nn

function Tanh:updateOutput(input)
   K.activation_forward(self.output, input, 'Tanh')
   return self.output
end

function Tanh:updateGradInput(input, gradOutput)
   K.activation_backward(self.gradInput, gradOutput, input, self.output, 'Tanh')
   return self.gradInput
end

return Tanh
