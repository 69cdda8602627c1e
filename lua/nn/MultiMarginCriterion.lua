-- nn.MultiMarginCriterion(p, weights, margin): the multi-class hinge loss. For an input x
-- of n class scores (or batch x n) and target class y (1-based):
--   sum_{i ~= y} w[y] max(0, margin - x[y] + x[i])^p / n,
-- averaged over the batch when sizeAverage. p is 1 (default) or 2, margin 1, w optional
-- per-class weights.
local MultiMarginCriterion, parent = torch.class('nn.MultiMarginCriterion', 'nn.Criterion')
local K = torch._nn

function MultiMarginCriterion:__init(p, weights, margin)
   parent.__init(self)
   self:_checkWeights(weights)
   self.p = p or 1 -- 1 or 2, checked by the kernels
   self.margin = margin or 1
   self.weights = weights
   self.sizeAverage = true
end

function MultiMarginCriterion:updateOutput(input, target)
   self.output = K.multimargin_forward(input, target, self.p, self.weights, self.margin,
                                       self.sizeAverage)
   return self.output
end

function MultiMarginCriterion:updateGradInput(input, target)
   K.multimargin_backward(self.gradInput, input, target, self.p, self.weights, self.margin,
                          self.sizeAverage)
   return self.gradInput
end

return MultiMarginCriterion
