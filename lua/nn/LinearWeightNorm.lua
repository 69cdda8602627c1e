-- nn.LinearWeightNorm(inputSize, outputSize [, bias = true, eps = 1e-16]): nn.Linear with
-- its weight reparametrized as W = g * v / ||v|| row by row (weight normalization). v
-- (outputSize x inputSize), g (outputSize x 1) and the bias are the parameters; the weight
-- is recomputed from them at each forward in training (the norm clamped below at eps).
local nn = require 'nn'
local K = torch._nn

local LinearWeightNorm, parent = torch.class('nn.LinearWeightNorm', 'nn.Linear')

function LinearWeightNorm:__init(inputSize, outputSize, bias, eps)
   nn.Module.__init(self)
   nn.utils.checkVectorSizes(self, inputSize, outputSize)
   self.eps = eps or 1e-16
   self.inputSize, self.outputSize = inputSize, outputSize
   self.v = torch.Tensor(outputSize, inputSize)
   self.gradV = torch.Tensor(outputSize, inputSize):zero()
   self.weight = torch.Tensor(outputSize, inputSize)
   self.g = torch.Tensor(outputSize, 1)
   self.gradG = torch.Tensor(outputSize, 1):zero()
   self.norm = torch.Tensor(outputSize, 1)
   self.scale = torch.Tensor(outputSize, 1)
   if bias == nil or bias then
      self.bias = torch.Tensor(outputSize)
      self.gradBias = torch.Tensor(outputSize):zero()
   end
   self:reset()
end

function LinearWeightNorm:reset(stdv)
   if stdv then stdv = stdv * math.sqrt(3) else stdv = 1 / math.sqrt(self.inputSize) end
   self.weight:uniform(-stdv, stdv)
   self:initFromWeight()
   if self.bias then self.bias:uniform(-stdv, stdv) end
   return self
end

-- v = weight and g = its row norms, so that the module computes weight.
function LinearWeightNorm:initFromWeight(weight)
   weight = weight or self.weight
   self.g:norm(weight, 2, 2):clamp(self.eps, math.huge)
   self.v:copy(weight)
   self:updateWeightMatrix()
   return self
end

-- A LinearWeightNorm computing what linear computes.
function LinearWeightNorm.fromLinear(linear)
   local m = nn.LinearWeightNorm(linear.weight:size(2), linear.weight:size(1),
                                 torch.isTensor(linear.bias))
   m:type(linear.weight:type())
   m.weight:copy(linear.weight)
   m:initFromWeight()
   if linear.bias then m.bias:copy(linear.bias) end
   return m
end

-- An nn.Linear with the current weight and bias.
function LinearWeightNorm:toLinear()
   self:updateWeightMatrix()
   local m = nn.Linear(self.inputSize, self.outputSize, torch.isTensor(self.bias))
   m:type(self.weight:type())
   m.weight:copy(self.weight)
   if self.bias then m.bias:copy(self.bias) end
   return m
end

function LinearWeightNorm:parameters()
   if self.bias then
      return {self.v, self.g, self.bias}, {self.gradV, self.gradG, self.gradBias}
   end
   return {self.v, self.g}, {self.gradV, self.gradG}
end

-- weight = v * g / max(||v||, eps), row by row.
function LinearWeightNorm:updateWeightMatrix()
   self.norm:resizeAs(self.g):norm(self.v, 2, 2):clamp(self.eps, math.huge)
   self.scale:resizeAs(self.g):cdiv(self.g, self.norm)
   self.weight:resizeAs(self.v):cmul(self.v, self.scale:expandAs(self.v))
end

function LinearWeightNorm:updateOutput(input)
   if self.train ~= false then self:updateWeightMatrix() end
   return parent.updateOutput(self, input)
end

-- The gradients of v and g for gradient gw of the weight (scaled), into buffers:
-- gradG = sum(gw .* v, 2) / n, gradV = s .* gw - (s .* gradG / n) .* v with s = g / n.
function LinearWeightNorm:_vgGrads(input, gradOutput, scale)
   local x, dim = self:_batch(input)
   local go = dim == 1 and gradOutput:view(1, gradOutput:nElement()) or gradOutput
   self._gw = self._gw or self.v.new()
   self._gw:resizeAs(self.v):zero()
   self._db = self.bias and (self._db or self.v.new()) or nil
   if self._db then self._db:resizeAs(self.bias):zero() end
   K.linear_backward_params(self._gw, self._db, x, go, scale or 1)
   self._dg = self._dg or self.v.new()
   self._tmp = self._tmp or self.v.new()
   self._tmp:resizeAs(self.v):cmul(self._gw, self.v)
   self._dg:resizeAs(self.g):sum(self._tmp, 2)
   self._dg:cdiv(self.norm)
   self._gw:cmul(self.scale:expandAs(self.v))
   self._coef = self._coef or self.v.new()
   self._coef:resizeAs(self.g):cmul(self.scale, self._dg):cdiv(self.norm)
   self._tmp:cmul(self.v, self._coef:expandAs(self.v))
   self._gw:add(-1, self._tmp)
   return self._gw, self._dg, self._db
end

function LinearWeightNorm:accGradParameters(input, gradOutput, scale)
   local dv, dg, db = self:_vgGrads(input, gradOutput, scale)
   self.gradV:add(dv)
   self.gradG:add(dg)
   if db then self.gradBias:add(db) end
end

function LinearWeightNorm:accUpdateGradParameters(input, gradOutput, lr)
   local dv, dg, db = self:_vgGrads(input, gradOutput, -lr)
   self.v:add(dv)
   self.g:add(dg)
   if db then self.bias:add(db) end
end

function LinearWeightNorm:sharedAccUpdateGradParameters(input, gradOutput, lr)
   self:accUpdateGradParameters(input, gradOutput, lr)
end

-- Leaving training fixes the weight at its last value of v and g.
function LinearWeightNorm:evaluate()
   if self.train ~= false then self:updateWeightMatrix() end
   parent.evaluate(self)
end

function LinearWeightNorm:clearState()
   nn.utils.clear(self, '_gw', '_db', '_dg', '_tmp', '_coef')
   return parent.clearState(self)
end

function LinearWeightNorm:__tostring__()
   return torch.type(self) .. string.format('(%d -> %d)', self.inputSize, self.outputSize)
      .. (self.bias == nil and ' without bias' or '')
end

return LinearWeightNorm
