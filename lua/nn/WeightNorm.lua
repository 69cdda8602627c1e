-- nn.WeightNorm(module [, outputDim = 1]): weight normalization (Salimans & Kingma 2016)
-- of any module with a weight. The weight is reparametrized as w = g * v / ||v||, one norm
-- per slice along outputDim (per output unit), and v and g (with the module's bias) are
-- the parameters that are learnt. In training, each forward recomputes the module's weight
-- from v and g; the norm is sqrt(||v||^2 + 1e-4), as Torch7.
local nn = require 'nn'

local WeightNorm, parent = torch.class('nn.WeightNorm', 'nn.Decorator')

local EPS = 1e-4

function WeightNorm:__init(module, outputDim)
   parent.__init(self, module)
   if not torch.isTensor(module.weight) or not torch.isTensor(module.gradWeight) then
      self:_error('the module must have a weight and a gradWeight, got %s', torch.type(module))
   end
   self.outputDim = outputDim or 1
   local wdim = module.weight:dim()
   if math.type(self.outputDim) ~= 'integer' or self.outputDim < 1 or self.outputDim > wdim then
      self:_error('outputDim must be an integer in [1, %d], got %s', wdim, tostring(outputDim))
   end
   self.weight, self.gradWeight = module.weight, module.gradWeight
   self.bias, self.gradBias = module.bias, module.gradBias
   local nout = self.weight:size(self.outputDim)
   local other = self.weight:nElement() // nout
   self.viewIn = torch.LongStorage({nout, other})
   self.weightSize = self.weight:size()
   -- the weight's sizes with outputDim moved to the front
   self.viewOut = self.weight:size()
   for i = self.outputDim - 1, 1, -1 do
      self.viewOut[i], self.viewOut[i + 1] = self.viewOut[i + 1], self.viewOut[i]
   end
   self.v = torch.Tensor(nout, other)
   self.g = torch.Tensor(nout)
   self.gradV = torch.Tensor(nout, other):zero()
   self.gradG = torch.Tensor(nout):zero()
   self._norm = torch.Tensor(nout)
   self._scale = torch.Tensor(nout)
   self._w2 = torch.Tensor(nout, other)
   self._tmp = torch.Tensor(nout, other)
   self._dot = torch.Tensor(nout)
   self:resetInit()
end

-- The weight (or its gradient) with outputDim first: a view, not a copy.
function WeightNorm:permuteIn(t)
   for i = self.outputDim - 1, 1, -1 do t = t:transpose(i, i + 1) end
   return t
end

-- The inverse of permuteIn.
function WeightNorm:permuteOut(t)
   for i = 1, self.outputDim - 1 do t = t:transpose(i, i + 1) end
   return t
end

-- v drawn from N(0, 2 / fan-in), g its norm (so that w = v at first), bias zeroed.
function WeightNorm:resetInit()
   self.v:normal(0, math.sqrt(2 / self.viewIn[2]))
   self.g:norm(self.v, 2, 2)
   self.g:resize(self.viewIn[1])
   if self.bias then self.bias:zero() end
end

function WeightNorm:reset()
   self:resetInit()
end

-- weight = g * v / sqrt(||v||^2 + eps), row by row.
function WeightNorm:updateWeight()
   local n = self.viewIn[1]
   -- the buffers, also for a module saved by Torch7
   self._w2 = self._w2 or self.v.new()
   self._tmp = self._tmp or self.v.new()
   self._dot = self._dot or self.v.new()
   self._norm = self._norm or self.v.new()
   self._scale = self._scale or self.v.new()
   self._norm:resize(n, 1):norm(self.v, 2, 2)
   self._norm:resize(n):pow(2):add(EPS):sqrt()
   self._scale:resize(n):copy(self.g):cdiv(self._norm)
   self._w2:resizeAs(self.v):copy(self.v):cmul(self._scale:view(n, 1):expandAs(self.v))
   self:permuteIn(self.weight):copy(self._w2:view(self.viewOut))
end

function WeightNorm:updateOutput(input)
   if self.train ~= false then self:updateWeight() end
   self.output = self.modules[1]:updateOutput(input)
   return self.output
end

-- The module accumulates into its gradWeight; gradV and gradG are the chain rule of that
-- (linear in gradWeight, so accumulation carries over): with s = g / n,
-- gradG = (gradW . v) / n and gradV = s * gradW - (s * gradG / n) * v, row by row.
function WeightNorm:accGradParameters(input, gradOutput, scale)
   self.modules[1]:accGradParameters(input, gradOutput, scale)
   self:_paramGrads()
end

function WeightNorm:_paramGrads()
   local n = self.viewIn[1]
   local gw = self._w2:resizeAs(self.v)
   gw:view(self.viewOut):copy(self:permuteIn(self.gradWeight))
   local prod = self._tmp:resizeAs(gw):copy(gw):cmul(self.v)
   self._dot:resize(n, 1):sum(prod, 2)
   self._dot:resize(n)
   self.gradG:copy(self._dot):cdiv(self._norm)
   gw:cmul(self._scale:view(n, 1):expandAs(gw))
   self._dot:copy(self._scale):cmul(self.gradG):cdiv(self._norm)
   self.gradV:copy(self.v):cmul(self._dot:view(n, 1):expandAs(self.v)):mul(-1):add(gw)
end

function WeightNorm:updateGradInput(input, gradOutput)
   self.gradInput = self.modules[1]:updateGradInput(input, gradOutput)
   return self.gradInput
end

function WeightNorm:accUpdateGradParameters(input, gradOutput, lr)
   self:zeroGradParameters()
   self:accGradParameters(input, gradOutput, 1)
   self:updateParameters(lr)
end

function WeightNorm:sharedAccUpdateGradParameters(input, gradOutput, lr)
   self:accUpdateGradParameters(input, gradOutput, lr)
end

function WeightNorm:zeroGradParameters()
   self.modules[1]:zeroGradParameters()
   self.gradV:zero()
   self.gradG:zero()
end

function WeightNorm:updateParameters(lr)
   if self.bias then self.bias:add(-lr, self.gradBias) end
   self.g:add(-lr, self.gradG)
   self.v:add(-lr, self.gradV)
end

function WeightNorm:parameters()
   if self.bias then
      return {self.v, self.g, self.bias}, {self.gradV, self.gradG, self.gradBias}
   end
   return {self.v, self.g}, {self.gradV, self.gradG}
end

-- share(mlp, 'v', 'g', 'bias', ...): the named tensors of this decorator (v, g and their
-- gradients; weight and bias are the module's) become views of mlp's.
function WeightNorm:share(mlp, ...)
   nn.Module.share(self, mlp, ...)
   return self
end

-- Leaving training fixes the weight at its last value of v and g.
function WeightNorm:evaluate()
   if self.train ~= false then self:updateWeight() end
   parent.evaluate(self)
end

function WeightNorm:type(tname, tensorCache)
   local r = parent.type(self, tname, tensorCache)
   if tname then
      -- keep the shared views of the module's tensors after conversion
      local m = self.modules[1]
      self.weight, self.gradWeight = m.weight, m.gradWeight
      self.bias, self.gradBias = m.bias, m.gradBias
   end
   return r
end

function WeightNorm:clearState()
   nn.utils.clear(self, '_w2', '_tmp')
   return parent.clearState(self)
end

return WeightNorm
