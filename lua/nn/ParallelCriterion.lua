-- nn.ParallelCriterion(repeatTarget): a weighted sum of criteria, criterion i applied to
-- input[i] and target[i] (or to the same target for every one, with repeatTarget true).
--   pc = nn.ParallelCriterion():add(nn.ClassNLLCriterion()):add(nn.MSECriterion(), 0.5)
--   loss = pc:forward({scores, values}, {classes, wanted})
-- gradInput is a table: gradInput[i] is weight_i times criterion i's gradInput.
local ParallelCriterion, parent = torch.class('nn.ParallelCriterion', 'nn.Criterion')
local utils = nn.utils

function ParallelCriterion:__init(repeatTarget)
   parent.__init(self)
   self.criterions = {}
   self.weights = {}
   self.gradInput = {}
   self.repeatTarget = repeatTarget
end

function ParallelCriterion:add(criterion, weight)
   if type(criterion) ~= 'table' or not criterion.updateOutput then
      error('nn.ParallelCriterion:add: expected a criterion, got ' .. torch.type(criterion), 2)
   end
   weight = weight or 1
   table.insert(self.criterions, criterion)
   table.insert(self.weights, weight)
   return self
end

local function check(self, input, target)
   if type(input) ~= 'table' or torch.isTensor(input) then
      error(string.format('%s: input must be a table of %d inputs, got %s', torch.type(self),
                          #self.criterions, torch.type(input)), 3)
   end
   if not self.repeatTarget and (type(target) ~= 'table' or torch.isTensor(target)) then
      error(string.format('%s: target must be a table of %d targets (or use repeatTarget), got %s',
                          torch.type(self), #self.criterions, torch.type(target)), 3)
   end
end

function ParallelCriterion:updateOutput(input, target)
   check(self, input, target)
   self.output = 0
   for i, criterion in ipairs(self.criterions) do
      local t = self.repeatTarget and target or target[i]
      self.output = self.output + self.weights[i] * criterion:updateOutput(input[i], t)
   end
   return self.output
end

function ParallelCriterion:updateGradInput(input, target)
   check(self, input, target)
   self.gradInput = utils.recursiveResizeAs(self.gradInput, input)
   utils.recursiveFill(self.gradInput, 0)
   for i, criterion in ipairs(self.criterions) do
      local t = self.repeatTarget and target or target[i]
      utils.recursiveAdd(self.gradInput[i], self.weights[i], criterion:updateGradInput(input[i], t))
   end
   return self.gradInput
end

function ParallelCriterion:__tostring__()
   local parts = {}
   for i, c in ipairs(self.criterions) do
      parts[i] = string.format('  (%d) %g * %s', i, self.weights[i], tostring(c))
   end
   return torch.type(self) .. ' {\n' .. table.concat(parts, '\n') .. '\n}'
end

return ParallelCriterion
