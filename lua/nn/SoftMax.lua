-- nn.SoftMax: y_i = exp(x_i) / sum_j exp(x_j), over the features: a 1D input, each row of a
-- 2D (batch x features) input, or across the planes of a 3D or 4D input, as Torch7.
-- Computed after subtracting the maximum, so that large inputs do not overflow.
local SoftMax, parent = torch.class('nn.SoftMax', 'nn.Module')
local K = torch._nn

function SoftMax:updateOutput(input)
   K.softmax_forward(self.output, input, 'SoftMax')
   return self.output
end

function SoftMax:updateGradInput(input, gradOutput)
   K.softmax_backward(self.gradInput, gradOutput, self.output, 'SoftMax')
   return self.gradInput
end

return SoftMax
