-- nn.BatchNormalization(nOutput [, eps = 1e-5 [, momentum = 0.1 [, affine = true]]]):
-- for a batch N x nOutput, normalizes each feature by the batch's mean and variance in
-- training (and moves running_mean / running_var by momentum), by the running statistics
-- in evaluation; then scales by weight and shifts by bias (learnable when affine). A
-- single sample (a vector of nOutput, or a 1 x nOutput batch) is normalized by the
-- running statistics, in training too, as Torch7.
local nn = require 'nn'
local K = torch._nn

local BN, parent = torch.class('nn.BatchNormalization', 'nn.Module')

-- The number of input dimensions (2 here; SpatialBatchNormalization would use 4).
BN.nDim = 2

function BN:__init(nOutput, eps, momentum, affine)
   parent.__init(self)
   if math.type(nOutput) ~= 'integer' or nOutput < 1 then
      self:_error('expected a number of features (positive integer), got %s', tostring(nOutput))
   end
   self.affine = affine == nil and true or affine
   self.eps = eps or 1e-5
   self.train = true
   self.momentum = momentum or 0.1
   self.running_mean = torch.Tensor(nOutput):zero()
   self.running_var = torch.Tensor(nOutput):fill(1)
   self.save_mean = torch.Tensor(nOutput)
   self.save_std = torch.Tensor(nOutput)
   if self.affine then
      self.weight = torch.Tensor(nOutput)
      self.bias = torch.Tensor(nOutput)
      self.gradWeight = torch.Tensor(nOutput):zero()
      self.gradBias = torch.Tensor(nOutput):zero()
      self:reset()
   end
end

-- Torch7's initialization: weight uniform in [0, 1), bias 0.
function BN:reset()
   if self.weight then self.weight:uniform() end
   if self.bias then self.bias:zero() end
   self.running_mean:zero()
   self.running_var:fill(1)
end

function BN:_check(input)
   local n = self.running_mean:nElement()
   if input:dim() ~= self.nDim or input:size(2) ~= n then
      local expect = self.nDim == 2 and ('N x ' .. n) or ('N x ' .. n .. ' x H x W')
      self:_error('input of size %s, expected %s', nn.utils.sizestr(input), expect)
   end
   local perPlane = input:nElement() // (input:size(1) * n)
   if self:_batchStats(input) and input:size(1) * perPlane < 2 then
      self:_error('a batch of size %s gives no variance in training mode '
                  .. '(use evaluate() for single samples)', nn.utils.sizestr(input))
   end
end

-- Whether the batch's own statistics are used (and the running ones updated): in
-- training, except for a batch of one sample, which Torch7 normalizes by the running
-- statistics without updating them (it has no variance).
function BN:_batchStats(x)
   return self.train ~= false and not (self.nDim == 2 and x:size(1) == 1)
end

-- A single sample of nOutput features (1D) is a batch of one, as Torch7 allows.
local function asBatch(self, t)
   if self.nDim == 2 and torch.isTensor(t) and t:dim() == 1 then
      return t:view(1, t:size(1)), true
   end
   return t, false
end

function BN:updateOutput(input)
   local x, single = asBatch(self, input)
   self:_check(x)
   K.batchnorm_forward(self.output, x, self.weight, self.bias, self.running_mean,
                       self.running_var, self.save_mean, self.save_std, self:_batchStats(x),
                       self.momentum, self.eps)
   if single then self.output:resize(input:size(1)) end
   return self.output
end

function BN:_backward(input, gradOutput, scale, gradInput, gradWeight, gradBias)
   local x, single = asBatch(self, input)
   self:_check(x)
   K.batchnorm_backward(gradInput, gradWeight, gradBias, x, (asBatch(self, gradOutput)),
                        self.weight, self.running_mean, self.running_var, self.save_mean,
                        self.save_std, self:_batchStats(x), scale, self.eps)
   if single and gradInput then self.gradInput:resize(input:size(1)) end
   return self.gradInput
end

function BN:backward(input, gradOutput, scale)
   return self:_backward(input, gradOutput, scale or 1, self.gradInput, self.gradWeight, self.gradBias)
end

function BN:updateGradInput(input, gradOutput)
   return self:_backward(input, gradOutput, 1, self.gradInput, nil, nil)
end

function BN:accGradParameters(input, gradOutput, scale)
   if self.affine then
      self:_backward(input, gradOutput, scale or 1, nil, self.gradWeight, self.gradBias)
   end
end

function BN:clearState()
   nn.utils.clear(self, 'save_mean', 'save_std')
   self.save_mean = self.running_mean.new()
   self.save_std = self.running_mean.new()
   return parent.clearState(self)
end

function BN:__tostring__()
   return string.format('%s (%dD) (%d)', torch.type(self), self.nDim, self.running_mean:nElement())
end

return BN
