-- nn.LogSigmoid: y = log(1 / (1 + exp(-x))), computed without overflow, elementwise. Kernels in src/nn/activation.c.
local LogSigmoid, parent = torch.class('nn.LogSigmoid', 'nn.Module')
local K = torch._nn

function LogSigmoid:updateOutput(input)
   K.activation_forward(self.output, input, 'LogSigmoid')
   return self.output
end

function LogSigmoid:updateGradInput(input, gradOutput)
   K.activation_backward(self.gradInput, gradOutput, input, self.output, 'LogSigmoid')
   return self.gradInput
end

return LogSigmoid
