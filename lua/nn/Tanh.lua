-- nn.Tanh: y = tanh(x), elementwise. Kernels in src/nn/activation.c.
local Tanh, parent = torch.class('nn.Tanh', 'nn.Module')
local K = torch._nn

function Tanh:updateOutput(input)
   K.Activation_updateOutput('Tanh', input, self.output)
   return self.output
end

function Tanh:updateGradInput(input, gradOutput)
   K.Activation_updateGradInput('Tanh', input, gradOutput, self.gradInput, self.output)
   return self.gradInput
end

return Tanh
