-- nn.Select(dimension, index): output = a copy of input:select(dimension, index); negative
-- dimension and index count from the end.
local nn = require 'nn'

local Select, parent = torch.class('nn.Select', 'nn.Module')

function Select:__init(dimension, index)
   parent.__init(self)
   self.dimension = dimension
   self.index = index
end

function Select:_place(input)
   local dim = self.dimension < 0 and input:dim() + self.dimension + 1 or self.dimension
   if dim < 1 or dim > input:dim() then
      self:_error('dimension %d out of range for an input of size %s', self.dimension,
                  nn.utils.sizestr(input))
   end
   local index = self.index < 0 and input:size(dim) + self.index + 1 or self.index
   if index < 1 or index > input:size(dim) then
      self:_error('index %d out of range in dimension %d of an input of size %s', self.index, dim,
                  nn.utils.sizestr(input))
   end
   return dim, index
end

-- input:select on a 1D input would give a number: a 1-element narrow keeps a tensor.
local function slice(t, dim, index)
   if t:dim() == 1 then return t:narrow(1, index, 1) end
   return t:select(dim, index)
end

function Select:updateOutput(input)
   local dim, index = self:_place(input)
   local out = slice(input, dim, index)
   self.output:resizeAs(out):copy(out)
   return self.output
end

function Select:updateGradInput(input, gradOutput)
   local dim, index = self:_place(input)
   nn.utils.checkGradOutput(self, gradOutput, input:nElement() // input:size(dim))
   self.gradInput:resizeAs(input):zero()
   slice(self.gradInput, dim, index):copy(gradOutput)
   return self.gradInput
end

function Select:__tostring__()
   return string.format('%s(%d, %d)', torch.type(self), self.dimension, self.index)
end

return Select
