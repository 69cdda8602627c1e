-- nn.ParallelCriterion(repeatTarget): a weighted sum of criteria, criterion i applied to
-- input[i] and target[i] (or to the same target for every one, with repeatTarget true).
--   pc = nn.ParallelCriterion():add(nn.ClassNLLCriterion()):add(nn.MSECriterion(), 0.5)
--   loss = pc:forward({scores, values}, {classes, wanted})
-- gradInput is a table: gradInput[i] is weight_i times criterion i's gradInput.
require 'nn.MultiCriterion'
local ParallelCriterion, parent = torch.class('nn.ParallelCriterion', 'nn.Criterion')
local utils = nn.utils

function ParallelCriterion:__init(repeatTarget)
   parent.__init(self)
   self.criterions = {}
   self.weights = {}
   self.gradInput = {}
   self.repeatTarget = repeatTarget
end

ParallelCriterion.add = nn.MultiCriterion.add

-- "torch.DoubleTensor", or "a table of 1" for a table (maybe too short).
local function describe(v)
   if type(v) == 'table' and not torch.isTensor(v) then return 'a table of ' .. #v end
   return torch.type(v)
end

-- A table of an input per criterion (a target per criterion too, unless repeatTarget).
local function check(self, input, target)
   local n = #self.criterions
   if type(input) ~= 'table' or torch.isTensor(input) or #input < n then
      self:_error('input must be a table of %d inputs, got %s', n, describe(input))
   end
   if not self.repeatTarget and (type(target) ~= 'table' or torch.isTensor(target) or #target < n) then
      self:_error('target must be a table of %d targets (or use repeatTarget), got %s', n,
                  describe(target))
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

ParallelCriterion.__tostring__ = nn.MultiCriterion.__tostring__

return ParallelCriterion
