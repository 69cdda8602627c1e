-- nn.SpatialSubSampling(nInputPlane, kW, kH [, dW = 1, dH = 1]): for each plane c of a
-- C x H x W or N x C x H x W input, the sum of each kH x kW window (stride dW x dH, no
-- padding) times the trainable weight[c], plus bias[c], as Torch7 (LeNet's subsampling
-- layer). The window sums come from the average-pooling kernel (nn_avgpool2d_* in
-- src/nn/pool.c), which also checks the input and names this module in its errors.
local nn = require 'nn'
require 'nn.SpatialConvolution'
local K = torch._nn

local Sub, parent = torch.class('nn.SpatialSubSampling', 'nn.Module')

Sub._posint = nn.SpatialConvolution._posint

function Sub:__init(nInputPlane, kW, kH, dW, dH)
   parent.__init(self)
   self.nInputPlane = self:_posint('nInputPlane', nInputPlane)
   self.kW = self:_posint('kW', kW)
   self.kH = self:_posint('kH', kH)
   self.dW = self:_posint('dW', dW or 1)
   self.dH = self:_posint('dH', dH or 1)
   self.weight = torch.Tensor(nInputPlane)
   self.bias = torch.Tensor(nInputPlane)
   self.gradWeight = torch.Tensor(nInputPlane):zero()
   self.gradBias = torch.Tensor(nInputPlane):zero()
   self._sums = torch.Tensor()
   self._go = torch.Tensor()
   self:reset()
end

-- Torch7's initialization: uniform in [-stdv, stdv], stdv = 1/sqrt(kW*kH).
function Sub:reset(stdv)
   stdv = stdv and stdv * math.sqrt(3) or 1 / math.sqrt(self.kW * self.kH)
   self.weight:uniform(-stdv, stdv)
   self.bias:uniform(-stdv, stdv)
   return self
end

-- A per-plane vector v as a tensor broadcastable against t (C x h x w or N x C x h x w).
local function perplane(v, t)
   local c = v:size(1)
   if t:dim() == 4 then return v:view(1, c, 1, 1):expandAs(t) end
   return v:view(c, 1, 1):expandAs(t)
end

-- The window sums of input, into _sums (the same layout as the output).
function Sub:_windowSums(input)
   K.image_check(input, self.nInputPlane, self._sums)
   K.avgpool2d_forward(self._sums, input, self.kW, self.kH, self.dW, self.dH, 0, 0, false,
                       true)
   self._sums:mul(self.kW * self.kH)
   return self._sums
end

function Sub:updateOutput(input)
   local s = self:_windowSums(input)
   self.output:resizeAs(s):copy(s):cmul(perplane(self.weight, s)):add(perplane(self.bias, s))
   return self.output
end

function Sub:updateGradInput(input, gradOutput)
   if not self.gradInput then return end
   K.image_check(input, self.nInputPlane, self.output, gradOutput)
   -- each window's pixels get the window's gradient times the plane's weight
   self._go:resizeAs(gradOutput):copy(gradOutput):cmul(perplane(self.weight, gradOutput))
   K.avgpool2d_backward(self.gradInput, input, self._go, self.kW, self.kH, self.dW, self.dH,
                        0, 0, false, true)
   self.gradInput:mul(self.kW * self.kH)
   return self.gradInput
end

function Sub:accGradParameters(input, gradOutput, scale)
   scale = scale or 1
   local s = self:_windowSums(input)
   K.image_check(input, self.nInputPlane, s, gradOutput)
   -- the sums over each plane (and the batch), through buffers kept between calls
   local c = self.nInputPlane
   self._sum1, self._sum2 = self._sum1 or s.new(), self._sum2 or s.new()
   local function plane_sums(t)
      local n = t:dim() == 4 and t:size(1) or 1
      torch.sum(self._sum1, t:view(n, c, -1), 3)
      return torch.sum(self._sum2, self._sum1, 1):view(c)
   end
   self._go:resizeAs(gradOutput):copy(gradOutput)
   self.gradBias:add(scale, plane_sums(self._go))
   self.gradWeight:add(scale, plane_sums(self._go:cmul(s)))
end

function Sub:clearState()
   nn.utils.clear(self, '_sums', '_go', '_sum1', '_sum2')
   return parent.clearState(self)
end

function Sub:__tostring__()
   return string.format('%s(%d, %dx%d, %d,%d)', torch.type(self), self.nInputPlane, self.kW,
                        self.kH, self.dW, self.dH)
end

return Sub
