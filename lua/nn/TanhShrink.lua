-- nn.TanhShrink: y = x - tanh(x), elementwise. Kernels in src/nn/activation.c.
local TanhShrink, parent = torch.class('nn.TanhShrink', 'nn.Module')
local K = torch._nn

function TanhShrink:updateOutput(input)
   K.Activation_updateOutput('TanhShrink', input, self.output)
   return self.output
end

function TanhShrink:updateGradInput(input, gradOutput)
   K.Activation_updateGradInput('TanhShrink', input, gradOutput, self.gradInput, self.output)
   return self.gradInput
end

return TanhShrink
