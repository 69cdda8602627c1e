-- nn.GELU: y = x * Phi(x), Phi the standard normal CDF (exact erf form; not in Torch7), elementwise. Kernels in src/nn/activation.c.
local GELU, parent = torch.class('nn.GELU', 'nn.Module')
local K = torch._nn

function GELU:updateOutput(input)
   K.Activation_updateOutput('GELU', input, self.output)
   return self.output
end

function GELU:updateGradInput(input, gradOutput)
   K.Activation_updateGradInput('GELU', input, gradOutput, self.gradInput, self.output)
   return self.gradInput
end

return GELU
