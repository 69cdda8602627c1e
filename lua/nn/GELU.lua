-- nn.GELU: y = x * Phi(x), Phi the standard normal CDF (exact erf form; not in Torch7), elementwise. Kernels in src/nn/activation.c.
local GELU, parent = torch.class('nn.GELU', 'nn.Module')
local K = torch._nn

function GELU:updateOutput(input)
   K.activation_forward(self.output, input, 'GELU')
   return self.output
end

function GELU:updateGradInput(input, gradOutput)
   K.activation_backward(self.gradInput, gradOutput, input, self.output, 'GELU')
   return self.gradInput
end

return GELU
