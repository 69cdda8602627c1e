-- nn.Sum([dimension = 1 [, nInputDims [, sizeAverage = false [, squeeze = true]]]]):
-- output = the sum of input over dimension (the mean with sizeAverage). A negative
-- dimension counts from the end; with nInputDims, an input with one more dimension is a
-- batch and dimension shifts by one. squeeze = false keeps the summed dimension (size 1).
local nn = require 'nn'

local Sum, parent = torch.class('nn.Sum', 'nn.Module')

function Sum:__init(dimension, nInputDims, sizeAverage, squeeze)
   parent.__init(self)
   self.dimension = dimension or 1
   self.nInputDims = nInputDims
   self.sizeAverage = sizeAverage or false
   if squeeze ~= nil then self.squeeze = squeeze else self.squeeze = true end
   self._ones = torch.Tensor()
end

function Sum:_getPositiveDimension(input)
   local dimension = self.dimension
   if dimension < 0 then
      dimension = input:dim() + dimension + 1
   elseif self.nInputDims and input:dim() == (self.nInputDims + 1) then
      dimension = dimension + 1
   end
   if dimension < 1 or dimension > input:dim() then
      self:_error('dimension %d out of range for an input of size %s', self.dimension,
                  nn.utils.sizestr(input))
   end
   return dimension
end

-- input as A x n x B around the dimension.
local function around(input, dim)
   local a, b = 1, 1
   for i = 1, dim - 1 do a = a * input:size(i) end
   for i = dim + 1, input:dim() do b = b * input:size(i) end
   return a, input:size(dim), b
end

function Sum:updateOutput(input)
   nn.utils.checkFloatTensor(self, input)
   local dim = self:_getPositiveDimension(input)
   local a, n, b = around(input, dim)
   -- the sum is a product with a vector of ones (1/n for the mean)
   if self._ones:nElement() ~= n or self._onesval ~= (self.sizeAverage and 1 / n or 1) then
      self._onesval = self.sizeAverage and 1 / n or 1
      self._ones:resize(n):fill(self._onesval)
   end
   local x = input:contiguous():view(a, n, b):transpose(1, 2):contiguous():view(n, a * b)
   local size = input:size():totable()
   size[dim] = 1
   self.output:resize(size)
   self.output:view(a * b):mv(x:t(), self._ones)
   if self.squeeze and self.output:dim() > 1 then
      table.remove(size, dim)
      self.output = self.output:view(table.unpack(size))
   end
   return self.output
end

function Sum:updateGradInput(input, gradOutput)
   local dim = self:_getPositiveDimension(input)
   if input:size(dim) > 0 then
      nn.utils.checkGradOutput(self, gradOutput, input:nElement() // input:size(dim))
   end
   local size = input:size():totable()
   size[dim] = 1
   local g = gradOutput:contiguous():view(table.unpack(size))
   self.gradInput:resizeAs(input):copy(g:expandAs(input))
   if self.sizeAverage then
      torch._nn.activation_forward(self.gradInput, self.gradInput, 'MulConstant', 1 / input:size(dim))
   end
   return self.gradInput
end

function Sum:clearState()
   nn.utils.clear(self, '_ones')
   return parent.clearState(self)
end

return Sum
