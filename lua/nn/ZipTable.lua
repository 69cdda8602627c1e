-- nn.ZipTable(): transposes a table of tables: {{a1, a2}, {b1, b2}, {c1, c2}} becomes
-- {{a1, b1, c1}, {a2, b2, c2}}. The gradient is transposed back. The tensors are passed
-- through, not copied.
local nn = require 'nn'

local ZipTable, parent = torch.class('nn.ZipTable', 'nn.Module')

function ZipTable:__init()
   parent.__init(self)
   self.output = {}
   self.gradInput = {}
end

-- into (reused, with its inner tables) becomes the transpose of tables.
local function zip(self, into, tables, what)
   if type(tables) ~= 'table' or torch.isTensor(tables) then
      self:_error('expected a table of tables as %s, got %s', what, torch.type(tables))
   end
   local width = 0
   for i, t in ipairs(tables) do
      if type(t) ~= 'table' or torch.isTensor(t) then
         self:_error('%s %d is a %s, expected a table', what, i, torch.type(t))
      end
      width = math.max(width, #t)
   end
   for j = #into, width + 1, -1 do into[j] = nil end
   for j = 1, width do
      local row = type(into[j]) == 'table' and not torch.isTensor(into[j]) and into[j] or {}
      for i = #row, 1, -1 do row[i] = nil end
      into[j] = row
   end
   for i, t in ipairs(tables) do
      for j, x in ipairs(t) do into[j][i] = x end
   end
   return into
end

function ZipTable:updateOutput(input)
   self.output = zip(self, self.output, input, 'input')
   return self.output
end

function ZipTable:updateGradInput(input, gradOutput)
   self.gradInput = zip(self, self.gradInput, gradOutput, 'gradOutput')
   return self.gradInput
end

return ZipTable
