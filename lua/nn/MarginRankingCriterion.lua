-- nn.MarginRankingCriterion(margin): for an input {x1, x2} of two tensors of n scores
-- (n = 1 for one pair) and targets y of 1 (x1 should rank higher) or -1 (x2 higher):
--   sum_i max(0, -y_i (x1_i - x2_i) + margin), divided by n when sizeAverage (margin 0).
-- The target may be a number for one pair. gradInput is a table of two tensors.
local MarginRankingCriterion, parent = torch.class('nn.MarginRankingCriterion', 'nn.Criterion')

parent._pair(MarginRankingCriterion, 'marginranking')

return MarginRankingCriterion
