-- nn.TemporalConvolution(inputFrameSize, outputFrameSize, kW [, dW = 1]): 1D convolution
-- over a sequence of frames, as Torch7: input nInputFrame x inputFrameSize (or a batch
-- N x nInputFrame x inputFrameSize), output (nInputFrame - kW) / dW + 1 frames of
-- outputFrameSize. weight is outputFrameSize x (kW * inputFrameSize). Each window is a
-- strided view of the input, so a sample costs one GEMM (nn_temporal_conv_* in conv.c,
-- which check the sizes).
local nn = require 'nn'
local K = torch._nn

local TC, parent = torch.class('nn.TemporalConvolution', 'nn.Module')

function TC:__init(inputFrameSize, outputFrameSize, kW, dW)
   parent.__init(self)
   dW = dW or 1
   for what, v in pairs({inputFrameSize = inputFrameSize, outputFrameSize = outputFrameSize,
                         kW = kW, dW = dW}) do
      if math.type(v) ~= 'integer' or v < 1 then
         self:_error('%s must be a positive integer, got %s', what, tostring(v))
      end
   end
   self.inputFrameSize, self.outputFrameSize, self.kW, self.dW = inputFrameSize, outputFrameSize, kW, dW
   self.weight = torch.Tensor(outputFrameSize, kW * inputFrameSize)
   self.bias = torch.Tensor(outputFrameSize)
   self.gradWeight = torch.Tensor(outputFrameSize, kW * inputFrameSize):zero()
   self.gradBias = torch.Tensor(outputFrameSize):zero()
   self._buf = torch.Tensor()
   self:reset()
end

-- Torch7's initialization: uniform in +-1/sqrt(kW * inputFrameSize).
function TC:reset(stdv)
   if stdv then
      stdv = stdv * math.sqrt(3)
   else
      stdv = 1 / math.sqrt(self.kW * self.inputFrameSize)
   end
   self.weight:uniform(-stdv, stdv)
   self.bias:uniform(-stdv, stdv)
   return self
end

function TC:updateOutput(input)
   K.temporal_conv_forward(self.output, input, self.weight, self.bias, self.kW, self.dW)
   return self.output
end

function TC:updateGradInput(input, gradOutput)
   if not self.gradInput then return end
   K.temporal_conv_backward_input(self.gradInput, self._buf, input, gradOutput, self.weight,
                                  self.kW, self.dW)
   return self.gradInput
end

function TC:accGradParameters(input, gradOutput, scale)
   K.temporal_conv_backward_params(self.gradWeight, self.gradBias, input, gradOutput,
                                   scale or 1, self.kW, self.dW)
end

function TC:clearState()
   return nn.utils.clear(self, '_buf', 'output', 'gradInput')
end

function TC:__tostring__()
   return string.format('%s(%d -> %d, %d, %d)', torch.type(self), self.inputFrameSize,
                        self.outputFrameSize, self.kW, self.dW)
end

return TC
