-- nn.SelectTable(index): output = input[index] (a negative index counts from the end).
-- gradInput has input's nested shape: zeros, and gradOutput at index.
local nn = require 'nn'

local SelectTable, parent = torch.class('nn.SelectTable', 'nn.Module')

function SelectTable:__init(index)
   parent.__init(self)
   self.index = index
   self.gradInput = {}
end

function SelectTable:_index(input)
   nn.utils.checkTable(self, input)
   local index = self.index < 0 and #input + self.index + 1 or self.index
   if input[index] == nil then
      self:_error('index %d out of range for a table of %d entries', self.index, #input)
   end
   return index
end

function SelectTable:updateOutput(input)
   self.output = input[self:_index(input)]
   return self.output
end

-- t1 becomes a zeroed copy of t2's nested shape, reusing t1's tensors.
local function zeroTableCopy(t1, t2)
   for k, v in pairs(t2) do
      if torch.type(v) == 'table' then
         t1[k] = zeroTableCopy(t1[k] or {}, t2[k])
      elseif torch.isTensor(v) then
         if torch.isTensor(t1[k]) and t1[k]:type() == v:type() then
            t1[k]:resizeAs(v):zero()
         else
            t1[k] = v.new():resizeAs(v):zero()
         end
      else
         t1[k] = nil
      end
   end
   for k in pairs(t1) do
      if t2[k] == nil then t1[k] = nil end
   end
   return t1
end
SelectTable.zeroTableCopy = function(self, t1, t2) return zeroTableCopy(t1, t2) end

function SelectTable:updateGradInput(input, gradOutput)
   local index = self:_index(input)
   if torch.isTensor(input[index]) then nn.utils.checkGradOutput(self, gradOutput, input[index]) end
   zeroTableCopy(self.gradInput, input)
   self.gradInput[index] = nn.utils.recursiveCopy(self.gradInput[index], gradOutput)
   return self.gradInput
end

function SelectTable:type(tname, tensorCache)
   self.gradInput = {}
   self.output = {}
   return parent.type(self, tname, tensorCache)
end

function SelectTable:__tostring__()
   return torch.type(self) .. '(' .. self.index .. ')'
end

return SelectTable
