-- nn.CriterionTable(criterion): a criterion used as a module. The input is the table
-- {input, target}; the output is the loss (a number), and the gradient is the table
-- {gradient w.r.t. input} (the target gets none).
local nn = require 'nn'

local CriterionTable, parent = torch.class('nn.CriterionTable', 'nn.Module')

function CriterionTable:__init(criterion)
   parent.__init(self)
   if type(criterion) ~= 'table' or not torch.isTypeOf(criterion, 'nn.Criterion') then
      self:_error('expected an nn.Criterion, got %s', torch.type(criterion))
   end
   self.criterion = criterion
   self.gradInput = {criterion.gradInput}
end

local function check(self, input)
   if type(input) ~= 'table' or torch.isTensor(input) or #input < 2 then
      self:_error('expected a table {input, target}, got %s', torch.type(input))
   end
end

function CriterionTable:updateOutput(input)
   check(self, input)
   self.output = self.criterion:updateOutput(table.unpack(input))
   return self.output
end

-- The criterion's gradient; its gradInput may be a new tensor each call, so the table is
-- refreshed.
function CriterionTable:updateGradInput(input, gradOutput)
   check(self, input)
   self.gradInput[1] = self.criterion:updateGradInput(table.unpack(input))
   return self.gradInput
end

function CriterionTable:clearState()
   self.criterion:clearState()
   self.output = 0
   self.gradInput = {self.criterion.gradInput}
   return self
end

return CriterionTable
