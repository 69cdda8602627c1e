-- nn.Max([dimension = 1 [, nInputDims]]): the largest value of input over dimension (that
-- dimension removed). The gradient goes to the position of the largest value (the first
-- one on ties). With nInputDims, an input with one more dimension is a batch.
local nn = require 'nn'
require 'nn.Sum'
local K = torch._nn

local Max, parent = torch.class('nn.Max', 'nn.Module')

function Max:__init(dimension, nInputDims)
   parent.__init(self)
   self.dimension = dimension or 1
   self.nInputDims = nInputDims
   self._indices = torch.LongTensor()
end

Max._getPositiveDimension = nn.Sum._getPositiveDimension

function Max:updateOutput(input)
   local dim = self:_getPositiveDimension(input)
   K.maxmin_forward(self.output, self._indices, input, dim, true)
   return self.output
end

function Max:updateGradInput(input, gradOutput)
   local dim = self:_getPositiveDimension(input)
   K.maxmin_backward(self.gradInput, input, gradOutput, self._indices, dim)
   return self.gradInput
end

function Max:type(tname, tensorCache)
   parent.type(self, tname, tensorCache)
   self._indices = torch.LongTensor()
   return self
end

function Max:clearState()
   nn.utils.clear(self, '_indices')
   return parent.clearState(self)
end

return Max
