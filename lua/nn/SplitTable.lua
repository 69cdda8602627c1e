-- nn.SplitTable(dimension [, nInputDims]): a tensor into the table of its slices along
-- dimension (views, not copies).
local nn = require 'nn'

local SplitTable, parent = torch.class('nn.SplitTable', 'nn.Module')

function SplitTable:__init(dimension, nInputDims)
   parent.__init(self)
   self.dimension = dimension
   self.nInputDims = nInputDims
end

function SplitTable:_getPositiveDimension(input)
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

function SplitTable:updateOutput(input)
   local dim = self:_getPositiveDimension(input)
   local slices = input:size(dim)
   if type(self.output) ~= 'table' then self.output = {} end
   for i = 1, slices do
      -- select keeps a 1D input's slices as 1-element tensors would be lost: narrow instead
      self.output[i] = input:dim() > 1 and input:select(dim, i) or input:narrow(1, i, 1)
   end
   for i = slices + 1, #self.output do self.output[i] = nil end
   return self.output
end

function SplitTable:updateGradInput(input, gradOutput)
   local dim = self:_getPositiveDimension(input)
   nn.utils.checkTable(self, gradOutput)
   for _, g in ipairs(gradOutput) do
      nn.utils.checkGradOutput(self, g, input:nElement() // input:size(dim))
   end
   self.gradInput:resizeAs(input)
   for i, g in ipairs(gradOutput) do
      local slot = input:dim() > 1 and self.gradInput:select(dim, i) or self.gradInput:narrow(1, i, 1)
      slot:copy(g)
   end
   return self.gradInput
end

function SplitTable:__tostring__()
   return torch.type(self) .. '(' .. self.dimension .. ')'
end

return SplitTable
