-- nn.LogSigmoid: y = log(1 / (1 + exp(-x))), computed without overflow, elementwise. Kernels in src/nn/activation.c.
local LogSigmoid, parent = torch.class('nn.LogSigmoid', 'nn.Module')
local K = torch._nn

function LogSigmoid:updateOutput(input)
   K.Activation_updateOutput('LogSigmoid', input, self.output)
   return self.output
end

function LogSigmoid:updateGradInput(input, gradOutput)
   K.Activation_updateGradInput('LogSigmoid', input, gradOutput, self.gradInput, self.output)
   return self.gradInput
end

return LogSigmoid
