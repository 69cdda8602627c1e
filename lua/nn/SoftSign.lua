-- nn.SoftSign: y = x / (1 + |x|), elementwise. Kernels in src/nn/activation.c.
local SoftSign, parent = torch.class('nn.SoftSign', 'nn.Module')
local K = torch._nn

function SoftSign:updateOutput(input)
   K.Activation_updateOutput('SoftSign', input, self.output)
   return self.output
end

function SoftSign:updateGradInput(input, gradOutput)
   K.Activation_updateGradInput('SoftSign', input, gradOutput, self.gradInput, self.output)
   return self.gradInput
end

return SoftSign
