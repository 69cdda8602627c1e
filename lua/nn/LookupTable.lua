-- nn.LookupTable(nIndex, nOutput [, paddingValue]): an embedding. The input holds indices
-- in [1, nIndex] (a LongTensor of any shape; other types are converted); the output has
-- the input's sizes plus nOutput: the rows of weight (nIndex x nOutput) at those indices.
-- Rows at paddingValue get no gradient. The input is not differentiable (gradInput is
-- zeros of its size).
local nn = require 'nn'
local K = torch._nn

local LookupTable, parent = torch.class('nn.LookupTable', 'nn.Module')

function LookupTable:__init(nIndex, nOutput, paddingValue)
   parent.__init(self)
   self.weight = torch.Tensor(nIndex, nOutput)
   self.gradWeight = torch.Tensor(nIndex, nOutput):zero()
   self.paddingValue = paddingValue or 0
   self._indices = torch.LongTensor()
   self:reset()
end

-- Torch7's initialization: standard normal.
function LookupTable:reset(stdv)
   self.weight:normal(0, stdv or 1)
   return self
end

function LookupTable:_indicesOf(input)
   if not torch.isTensor(input) then
      self:_error('expected a tensor of indices, got %s', torch.type(input))
   end
   if input:type() == 'torch.LongTensor' then return input end
   self._indices:resize(input:size()):copy(input)
   return self._indices
end

function LookupTable:updateOutput(input)
   K.lookup_forward(self.output, self.weight, self:_indicesOf(input))
   return self.output
end

function LookupTable:updateGradInput(input, gradOutput)
   if torch.type(self.gradInput) ~= torch.type(input) then self.gradInput = input.new() end
   if not self.gradInput:isSameSizeAs(input) then self.gradInput:resizeAs(input):zero() end
   return self.gradInput
end

function LookupTable:accGradParameters(input, gradOutput, scale)
   K.lookup_backward(self.gradWeight, self:_indicesOf(input), gradOutput, scale or 1,
                     self.paddingValue)
end

function LookupTable:type(tname, tensorCache)
   parent.type(self, tname, tensorCache)
   self._indices = torch.LongTensor() -- indices stay Long whatever the module's type
   return self
end

function LookupTable:__tostring__()
   return string.format('%s(%d -> %d)', torch.type(self), self.weight:size(1), self.weight:size(2))
end

return LookupTable
