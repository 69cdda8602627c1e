-- nn.BCECriterion(weights, sizeAverage): the binary cross-entropy between probabilities x
-- (the output of nn.Sigmoid) and targets t in [0, 1]:
--   -sum w (t log(x + eps) + (1 - t) log(1 - x + eps)), eps = 1e-12,
-- averaged over the elements when sizeAverage (the default). weights, when given, has one
-- rescaling weight per element of the last dimension (per output of a batch row).
-- Kernels in src/nn/loss.c.
local BCECriterion, parent = torch.class('nn.BCECriterion', 'nn.Criterion')

function BCECriterion:__init(weights, sizeAverage)
   parent.__init(self)
   if sizeAverage ~= nil then self.sizeAverage = sizeAverage else self.sizeAverage = true end
   self:_checkWeights(weights)
   self.weights = weights
end

parent._pointwise(BCECriterion, 'bce')

return BCECriterion
