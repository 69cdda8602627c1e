-- nn.TanhShrink: y = x - tanh(x), elementwise. Kernels in src/nn/activation.c.
local TanhShrink, parent = torch.class('nn.TanhShrink', 'nn.Module')
local K = torch._nn

function TanhShrink:updateOutput(input)
   K.activation_forward(self.output, input, 'TanhShrink')
   return self.output
end

function TanhShrink:updateGradInput(input, gradOutput)
   K.activation_backward(self.gradInput, gradOutput, input, self.output, 'TanhShrink')
   return self.gradInput
end

return TanhShrink
