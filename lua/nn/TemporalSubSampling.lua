-- nn.TemporalSubSampling(inputFrameSize, kW [, dW = 1]): for a T x D (or N x T x D) input
-- of D = inputFrameSize features, the sum of each window of kW frames (dW apart) times
-- the trainable weight[d], plus bias[d], as Torch7: oT = (T - kW) / dW + 1 frames. The
-- window sums come from the average-pooling kernel (nn_avgpool2d_* in src/nn/pool.c)
-- over the input seen as a 1 x T x D image.
local nn = require 'nn'
require 'nn.SpatialSubSampling'
local K = torch._nn

local Sub, parent = torch.class('nn.TemporalSubSampling', 'nn.Module')

Sub._posint = nn.SpatialSubSampling._posint

function Sub:__init(inputFrameSize, kW, dW)
   parent.__init(self)
   self.inputFrameSize = self:_posint('inputFrameSize', inputFrameSize)
   self.kW = self:_posint('kW', kW)
   self.dW = self:_posint('dW', dW or 1)
   self.weight = torch.Tensor(inputFrameSize)
   self.bias = torch.Tensor(inputFrameSize)
   self.gradWeight = torch.Tensor(inputFrameSize):zero()
   self.gradBias = torch.Tensor(inputFrameSize):zero()
   self._sums = torch.Tensor()
   self._go = torch.Tensor()
   self:reset()
end

-- Torch7's initialization: uniform in [-stdv, stdv], stdv = 1/sqrt(kW).
function Sub:reset(stdv)
   stdv = stdv and stdv * math.sqrt(3) or 1 / math.sqrt(self.kW)
   self.weight:uniform(-stdv, stdv)
   self.bias:uniform(-stdv, stdv)
   return self
end

-- input as a batch of 1 x T x D images, checked.
function Sub:_image(input)
   nn.utils.checkFloatTensor(self, input)
   local d = input:dim()
   if (d ~= 2 and d ~= 3) or input:size(d) ~= self.inputFrameSize then
      self:_error('input of size %s, expected T x %d or N x T x %d', nn.utils.sizestr(input),
                  self.inputFrameSize, self.inputFrameSize)
   end
   if input:size(d - 1) < self.kW then
      self:_error('input of %d frames is shorter than the kernel width %d',
                  input:size(d - 1), self.kW)
   end
   local n = d == 3 and input:size(1) or 1
   return input:view(n, 1, input:size(d - 1), input:size(d))
end

function Sub:_sumsOf(input)
   K.avgpool2d_forward(self._sums, self:_image(input), 1, self.kW, 1, self.dW, 0, 0, false,
                       true)
   self._sums:mul(self.kW)
   return self._sums
end

function Sub:_outsize(input)
   local size = input:size()
   size[input:dim() - 1] = self._sums:size(3)
   return size
end

function Sub:updateOutput(input)
   local s = self:_sumsOf(input)
   self.output:resizeAs(s):copy(s):cmul(self.weight:view(1, 1, 1, -1):expandAs(s))
   self.output:add(self.bias:view(1, 1, 1, -1):expandAs(s))
   self.output:resize(self:_outsize(input))
   return self.output
end

function Sub:_gradOut(input, gradOutput)
   local x = self:_image(input)
   local size = self:_outsize(input)
   if not torch.isTensor(gradOutput) or torch.type(gradOutput) ~= torch.type(input)
      or not gradOutput:isSize(size) then
      nn.utils.checkGradOutput(self, gradOutput, self.output)
   end
   return x, gradOutput:contiguous():view(x:size(1), 1, size[input:dim() - 1], x:size(4))
end

function Sub:updateGradInput(input, gradOutput)
   if not self.gradInput then return end
   local x, go = self:_gradOut(input, gradOutput)
   self._go:resizeAs(go):copy(go):cmul(self.weight:view(1, 1, 1, -1):expandAs(go))
   K.avgpool2d_backward(self.gradInput, x, self._go, 1, self.kW, 1, self.dW, 0, 0, false, true)
   self.gradInput:mul(self.kW):resize(input:size())
   return self.gradInput
end

function Sub:accGradParameters(input, gradOutput, scale)
   scale = scale or 1
   local s = self:_sumsOf(input)
   local _, go = self:_gradOut(input, gradOutput)
   local D = self.inputFrameSize
   self._sum1 = self._sum1 or s.new()
   self._go:resizeAs(go):copy(go)
   self.gradBias:add(scale, torch.sum(self._sum1, self._go:view(-1, D), 1):view(D))
   self._go:cmul(s)
   self.gradWeight:add(scale, torch.sum(self._sum1, self._go:view(-1, D), 1):view(D))
end

Sub.clearState = nn.SpatialSubSampling.clearState

function Sub:__tostring__()
   return string.format('%s(%d, %d, %d)', torch.type(self), self.inputFrameSize, self.kW,
                        self.dW)
end

return Sub
