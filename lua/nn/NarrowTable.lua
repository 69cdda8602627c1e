-- nn.NarrowTable(offset [, length = 1]): output = {input[offset], ..., input[offset+length-1]}.
-- A negative length counts from the end (-1: up to the last entry).
local nn = require 'nn'

local NarrowTable, parent = torch.class('nn.NarrowTable', 'nn.Module')

function NarrowTable:__init(offset, length)
   parent.__init(self)
   self.offset = offset
   self.length = length or 1
   if not offset then self:_error('expected an offset') end
   self.output = {}
   self.gradInput = {}
end

function NarrowTable:_range(input)
   nn.utils.checkTable(self, input)
   local length = self.length
   if length < 0 then length = #input - self.offset + length + 2 end
   if self.offset < 1 or self.offset + length - 1 > #input or length < 0 then
      self:_error('entries %d to %d out of range for a table of %d', self.offset,
                  self.offset + length - 1, #input)
   end
   return length
end

function NarrowTable:updateOutput(input)
   local length = self:_range(input)
   for k, v in ipairs(self.output) do self.output[k] = nil end
   for i = 1, length do self.output[i] = input[self.offset + i - 1] end
   return self.output
end

function NarrowTable:updateGradInput(input, gradOutput)
   local length = self:_range(input)
   for i = 1, #gradOutput do
      self.gradInput[self.offset + i - 1] = gradOutput[i]
   end
   for i = 1, #input do
      if i < self.offset or i >= self.offset + length then
         self.gradInput[i] = nn.utils.recursiveResizeAs(self.gradInput[i], input[i])
         nn.utils.recursiveFill(self.gradInput[i], 0)
      end
   end
   for i = #input + 1, #self.gradInput do self.gradInput[i] = nil end
   return self.gradInput
end

function NarrowTable:type(tname, tensorCache)
   self.output = {}
   self.gradInput = {}
   return parent.type(self, tname, tensorCache)
end

function NarrowTable:__tostring__()
   return torch.type(self) .. '(' .. self.offset .. ', ' .. self.length .. ')'
end

return NarrowTable
