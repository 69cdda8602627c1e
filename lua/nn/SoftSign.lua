-- nn.SoftSign: y = x / (1 + |x|), elementwise. Kernels in src/nn/activation.c.
local SoftSign, parent = torch.class('nn.SoftSign', 'nn.Module')
local K = torch._nn

function SoftSign:updateOutput(input)
   K.activation_forward(self.output, input, 'SoftSign')
   return self.output
end

function SoftSign:updateGradInput(input, gradOutput)
   K.activation_backward(self.gradInput, gradOutput, input, self.output, 'SoftSign')
   return self.gradInput
end

return SoftSign
