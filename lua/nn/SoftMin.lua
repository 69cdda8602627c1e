-- nn.SoftMin: y_i = exp(-x_i) / sum_j exp(-x_j), over the features: a 1D input, each row of a
-- 2D (batch x features) input, or across the planes of a 3D or 4D input, as Torch7.
-- Computed after subtracting the maximum, so that large inputs do not overflow.
local SoftMin, parent = torch.class('nn.SoftMin', 'nn.Module')
local K = torch._nn

function SoftMin:updateOutput(input)
   K.softmax_forward(self.output, input, 'SoftMin')
   return self.output
end

function SoftMin:updateGradInput(input, gradOutput)
   K.softmax_backward(self.gradInput, gradOutput, self.output, 'SoftMin')
   return self.gradInput
end

return SoftMin
