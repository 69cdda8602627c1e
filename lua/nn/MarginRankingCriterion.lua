-- nn.MarginRankingCriterion(margin): for an input {x1, x2} of two tensors of n scores
-- (n = 1 for one pair) and targets y of 1 (x1 should rank higher) or -1 (x2 higher):
--   sum_i max(0, -y_i (x1_i - x2_i) + margin), divided by n when sizeAverage (margin 0).
-- The target may be a number for one pair. gradInput is a table of two tensors.
local MarginRankingCriterion, parent = torch.class('nn.MarginRankingCriterion', 'nn.Criterion')
local K = torch._nn

function MarginRankingCriterion:__init(margin)
   parent.__init(self)
   self.margin = margin or 0
   self.sizeAverage = true
   self.gradInput = {torch.Tensor(), torch.Tensor()}
end

local function pair(self, input)
   if type(input) ~= 'table' or not torch.isTensor(input[1]) or not torch.isTensor(input[2]) then
      error(torch.type(self) .. ': input must be a table of two tensors, got ' ..
            torch.type(input), 3)
   end
   return input[1], input[2]
end

function MarginRankingCriterion:updateOutput(input, y)
   local x1, x2 = pair(self, input)
   self.output = K.MarginRankingCriterion_updateOutput(x1, x2, y, self.margin, self.sizeAverage)
   return self.output
end

function MarginRankingCriterion:updateGradInput(input, y)
   local x1, x2 = pair(self, input)
   local g = self.gradInput
   if not torch.isTensor(g[1]) or g[1]:type() ~= x1:type() then g[1] = x1.new() end
   if not torch.isTensor(g[2]) or g[2]:type() ~= x1:type() then g[2] = x1.new() end
   K.MarginRankingCriterion_updateGradInput(x1, x2, y, g[1], g[2], self.margin, self.sizeAverage)
   return self.gradInput
end

return MarginRankingCriterion
