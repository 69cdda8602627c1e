-- nn.PartialLinear(inputSize, outputSize [, bias = true]): a Linear layer that can be
-- restricted to a subset of its outputs (setPartition(indices)): it then computes only the
-- rows of W (and entries of b) in the partition, and its gradients touch only them.
-- resetPartition() restores all the outputs. The weight is outputSize x inputSize (drawn
-- from N(0, 1), as the LookupTable Torch7 keeps it in), the bias 1 x outputSize (zeros).
-- Input: a vector of inputSize or a batch N x inputSize.
local nn = require 'nn'
local utils = nn.utils

local PartialLinear, parent = torch.class('nn.PartialLinear', 'nn.Module')

function PartialLinear:__init(inputSize, outputSize, bias)
   parent.__init(self)
   utils.checkVectorSizes(self, inputSize, outputSize)
   self.inputsize, self.outputsize = inputSize, outputSize
   self.weight = torch.Tensor(outputSize, inputSize)
   self.gradWeight = torch.Tensor(outputSize, inputSize):zero()
   if bias == nil or bias then
      self.bias = torch.Tensor(1, outputSize):zero()
      self.gradBias = torch.Tensor(1, outputSize):zero()
   end
   self.allcolumns = torch.range(1, outputSize):long()
   self:reset()
   self:resetPartition()
end

function PartialLinear:reset(stdv)
   self.weight:normal(0, stdv or 1)
   if self.bias then self.bias:zero() end
   return self
end

-- Restricts the outputs to indices (a tensor or a table of numbers in [1, outputSize]).
function PartialLinear:setPartition(indices)
   if type(indices) == 'table' then indices = torch.LongTensor(indices) end
   if not torch.isTensor(indices) or indices:dim() ~= 1 or indices:nElement() == 0 then
      self:_error('setPartition: expected a non-empty vector of indices, got %s',
                  torch.isTensor(indices) and utils.sizestr(indices) or torch.type(indices))
   end
   local p = indices:long()
   local lo, hi = p:min(), p:max()
   if lo < 1 or hi > self.outputsize then
      self:_error('setPartition: index %d out of range [1, %d]', lo < 1 and lo or hi,
                  self.outputsize)
   end
   self.partition = p
   return self
end

function PartialLinear:resetPartition()
   self.partition = self.allcolumns
   return self
end

function PartialLinear:_batch(input)
   local x = utils.vectorBatch(self, input, self.inputsize)
   return x, input:dim() == 1
end

function PartialLinear:updateOutput(input)
   local x, vec = self:_batch(input)
   self._w = self._w or self.weight.new()
   self._w:index(self.weight, 1, self.partition)
   local n, k = x:size(1), self.partition:size(1)
   self.output:resize(n, k)
   if self.bias then
      self._b = self._b or self.weight.new()
      self._b:index(self.bias, 2, self.partition)
      self.output:copy(self._b:expand(n, k))
      self.output:addmm(1, x, self._w:t())
   else
      self.output:mm(x, self._w:t())
   end
   if vec then self.output:resize(k) end
   return self.output
end

function PartialLinear:_grad(input, gradOutput)
   local x, vec = self:_batch(input)
   local k = self.partition:size(1)
   utils.checkGradOutput(self, gradOutput, vec and {k} or {x:size(1), k})
   return x, gradOutput:contiguous():view(x:size(1), k), vec
end

function PartialLinear:updateGradInput(input, gradOutput)
   local x, g, vec = self:_grad(input, gradOutput)
   self._w = self._w or self.weight.new()
   self._w:index(self.weight, 1, self.partition)
   self.gradInput:resize(x:size(1), self.inputsize):mm(g, self._w)
   if vec then self.gradInput:resize(self.inputsize) end
   return self.gradInput
end

function PartialLinear:accGradParameters(input, gradOutput, scale)
   scale = scale or 1
   local x, g = self:_grad(input, gradOutput)
   self._gw = self._gw or self.weight.new()
   self._gw:resize(self.partition:size(1), self.inputsize):mm(g:t(), x):mul(scale)
   self.gradWeight:indexAdd(1, self.partition, self._gw)
   if self.bias then
      self._gb = self._gb or self.weight.new()
      self._gb:sum(g, 1):mul(scale)
      self.gradBias:indexAdd(2, self.partition, self._gb)
   end
end

-- The index tensors stay LongTensors.
function PartialLinear:type(tname, tensorCache)
   if not tname then return parent.type(self) end
   local p, a = self.partition, self.allcolumns
   self.partition, self.allcolumns = nil, nil
   parent.type(self, tname, tensorCache)
   self.partition, self.allcolumns = p, a
   return self
end

function PartialLinear:clearState()
   nn.utils.clear(self, '_w', '_b', '_gw', '_gb')
   return parent.clearState(self)
end

function PartialLinear:__tostring__()
   return torch.type(self) .. string.format('(%d -> %d)', self.inputsize, self.outputsize)
      .. (self.bias == nil and ' without bias' or '')
end

return PartialLinear
