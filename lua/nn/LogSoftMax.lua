-- nn.LogSoftMax: y_i = x_i - log(sum_j exp(x_j)), over the features: a 1D input, each row of a
-- 2D (batch x features) input, or across the planes of a 3D or 4D input, as Torch7.
-- Computed after subtracting the maximum, so that large inputs do not overflow.
local LogSoftMax, parent = torch.class('nn.LogSoftMax', 'nn.Module')
local K = torch._nn

function LogSoftMax:updateOutput(input)
   K.softmax_forward(self.output, input, 'LogSoftMax')
   return self.output
end

function LogSoftMax:updateGradInput(input, gradOutput)
   K.softmax_backward(self.gradInput, gradOutput, self.output, 'LogSoftMax')
   return self.gradInput
end

return LogSoftMax
