-- nn.SpatialAveragePooling(kW, kH [, dW = 1, dH = 1, padW = 0, padH = 0]): the mean of each
-- kH x kW window, as Torch7 (note Torch7's default stride of 1). The divisor counts the
-- zero padding inside the window (count_include_pad, Torch7's default) unless
-- :setCountExcludePad(); :ceil() and :floor() as in SpatialMaxPooling.
-- Kernels: nn_avgpool2d_* in src/nn/pool.c.
local nn = require 'nn'
require 'nn.SpatialMaxPooling'
local K = torch._nn

local Avg, parent = torch.class('nn.SpatialAveragePooling', 'nn.SpatialMaxPooling')

function Avg:__init(kW, kH, dW, dH, padW, padH)
   parent.__init(self, kW, kH, dW or 1, dH or 1, padW, padH)
   self.indices = nil
   self.count_include_pad = true
   self.divide = true
end

function Avg:setCountIncludePad()
   self.count_include_pad = true
   return self
end

function Avg:setCountExcludePad()
   self.count_include_pad = false
   return self
end

function Avg:updateOutput(input)
   K.avgpool2d_forward(self.output, input, self.kW, self.kH, self.dW, self.dH, self.padW,
                       self.padH, self.ceil_mode, self.count_include_pad)
   if self.divide == false then
      -- Torch7's old option: sums instead of means (only meaningful without padding)
      self.output:mul(self.kW * self.kH)
   end
   return self.output
end

function Avg:updateGradInput(input, gradOutput)
   if not self.gradInput then return end
   K.avgpool2d_backward(self.gradInput, input, gradOutput, self.kW, self.kH, self.dW, self.dH,
                        self.padW, self.padH, self.ceil_mode, self.count_include_pad)
   if self.divide == false then self.gradInput:mul(self.kW * self.kH) end
   return self.gradInput
end

function Avg:clearState()
   return nn.utils.clear(self, 'output', 'gradInput')
end

return Avg
