-- nn.FeatureLPPooling(width, stride, power [, batch_mode = false]): Lp pooling across
-- the feature dimension, as Torch7: out[f] = (sum_{k < width} x[f*stride + k]^power)^(1/power)
-- over the first dimension of a [features [x opt1 [x opt2]]] input, or the second of a
-- [batch x features ...] one when batch_mode; (F - width) / stride + 1 output features.
-- width is 2 to 16 and stride 1 to 4, as Torch7. Kernels: nn_feature_lppool_* in
-- src/nn/pool.c.
local nn = require 'nn'
local K = torch._nn

local LP, parent = torch.class('nn.FeatureLPPooling', 'nn.Module')

function LP:__init(width, stride, power, batch_mode)
   parent.__init(self)
   if math.type(width) ~= 'integer' or width < 2 or width > 16 then
      self:_error('width must be an integer within 2 to 16, got %s', tostring(width))
   end
   if math.type(stride) ~= 'integer' or stride < 1 or stride > 4 then
      self:_error('stride must be an integer within 1 to 4, got %s', tostring(stride))
   end
   if type(power) ~= 'number' or power <= 0 then
      self:_error('power must be a positive number, got %s', tostring(power))
   end
   self.width, self.stride, self.power = width, stride, power
   self.batch_mode = batch_mode and true or false
end

function LP:updateOutput(input)
   K.feature_lppool_forward(self.output, input, self.width, self.stride, self.power,
                            self.batch_mode)
   return self.output
end

function LP:updateGradInput(input, gradOutput)
   if not self.gradInput then return end
   K.feature_lppool_backward(self.gradInput, input, self.output, gradOutput, self.width,
                             self.stride, self.power, self.batch_mode)
   return self.gradInput
end

function LP:__tostring__()
   return string.format('%s(w%d s%d power %g batch %s)', torch.type(self), self.width,
                        self.stride, self.power, tostring(self.batch_mode))
end

return LP
