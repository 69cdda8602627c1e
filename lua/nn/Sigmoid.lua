-- nn.Sigmoid: y = 1 / (1 + exp(-x)), elementwise. Kernels in src/nn/activation.c.
local Sigmoid, parent = torch.class('nn.Sigmoid', 'nn.Module')
local K = torch._nn

function Sigmoid:updateOutput(input)
   K.Activation_updateOutput('Sigmoid', input, self.output)
   return self.output
end

function Sigmoid:updateGradInput(input, gradOutput)
   K.Activation_updateGradInput('Sigmoid', input, gradOutput, self.gradInput, self.output)
   return self.gradInput
end

return Sigmoid
