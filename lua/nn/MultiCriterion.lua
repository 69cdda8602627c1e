-- nn.MultiCriterion(): a weighted sum of criteria over the same input and target.
--   mc = nn.MultiCriterion():add(nn.MSECriterion()):add(nn.AbsCriterion(), 0.5)
-- forward returns sum_i weight_i * criterion_i:forward(input, target), and gradInput is
-- the weighted sum of the criteria's gradInputs.
local MultiCriterion, parent = torch.class('nn.MultiCriterion', 'nn.Criterion')
local utils = nn.utils

function MultiCriterion:__init()
   parent.__init(self)
   self.criterions = {}
   self.weights = {}
end

-- add(criterion [, weight]) and the listing are ParallelCriterion's too.
function MultiCriterion:add(criterion, weight)
   if type(criterion) ~= 'table' or not criterion.updateOutput then
      self:_error('add: expected a criterion, got %s', torch.type(criterion))
   end
   weight = weight or 1
   table.insert(self.criterions, criterion)
   table.insert(self.weights, weight)
   return self
end

function MultiCriterion:updateOutput(input, target)
   self.output = 0
   for i = 1, #self.criterions do
      self.output = self.output + self.weights[i] * self.criterions[i]:updateOutput(input, target)
   end
   return self.output
end

function MultiCriterion:updateGradInput(input, target)
   self.gradInput = utils.recursiveResizeAs(self.gradInput, input)
   utils.recursiveFill(self.gradInput, 0)
   for i = 1, #self.criterions do
      utils.recursiveAdd(self.gradInput, self.weights[i],
                         self.criterions[i]:updateGradInput(input, target))
   end
   return self.gradInput
end

function MultiCriterion:__tostring__()
   local parts = {}
   for i, c in ipairs(self.criterions) do
      parts[i] = string.format('  (%d) %g * %s', i, self.weights[i], tostring(c))
   end
   return torch.type(self) .. ' {\n' .. table.concat(parts, '\n') .. '\n}'
end

return MultiCriterion
