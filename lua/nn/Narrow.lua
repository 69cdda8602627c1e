-- nn.Narrow(dimension, offset [, length = 1]): output = a copy of
-- input:narrow(dimension, offset, length). A negative dimension counts from the end; a
-- negative length leaves that many-minus-one elements out at the end (-1: to the end); a
-- negative offset (Torch7's rule) takes the first size - length elements.
local nn = require 'nn'

local Narrow, parent = torch.class('nn.Narrow', 'nn.Module')

function Narrow:__init(dimension, offset, length)
   parent.__init(self)
   self.dimension = dimension
   self.index = offset
   self.length = length or 1
   if not dimension or not offset then
      self:_error('usage nn.Narrow(dimension, offset [, length])')
   end
end

function Narrow:_range(input)
   local dim = self.dimension < 0 and input:dim() + self.dimension + 1 or self.dimension
   if dim < 1 or dim > input:dim() then
      self:_error('dimension %d out of range for an input of size %s', self.dimension,
                  nn.utils.sizestr(input))
   end
   -- Torch7's rules: a negative length leaves -length - 1 elements out at the end; a
   -- negative offset starts at 1 and leaves `length` elements out at the end
   -- (Narrow(2, -1, 7) of 10 elements is elements 1 to 3, as its test checks)
   local size = input:size(dim)
   local length = self.length < 0 and size - self.index + self.length + 2 or self.length
   local index = self.index
   if index < 0 then index, length = 1, size - length end
   if index < 1 or length < 0 or index + length - 1 > size then
      self:_error('elements %d to %d out of range in dimension %d of size %s', index,
                  index + length - 1, dim, nn.utils.sizestr(input))
   end
   return dim, index, length
end

function Narrow:updateOutput(input)
   local dim, index, length = self:_range(input)
   local out = input:narrow(dim, index, length)
   if self.output:type() ~= input:type() then self.output = input.new() end
   self.output:resizeAs(out):copy(out)
   return self.output
end

function Narrow:updateGradInput(input, gradOutput)
   local dim, index, length = self:_range(input)
   local size = input:size():totable()
   size[dim] = length
   nn.utils.checkGradOutput(self, gradOutput, size)
   if self.gradInput:type() ~= input:type() then self.gradInput = input.new() end
   self.gradInput:resizeAs(input):zero()
   self.gradInput:narrow(dim, index, length):copy(gradOutput)
   return self.gradInput
end

function Narrow:__tostring__()
   return string.format('%s(%d, %d, %d)', torch.type(self), self.dimension, self.index, self.length)
end

return Narrow
