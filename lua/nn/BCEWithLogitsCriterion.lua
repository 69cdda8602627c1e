-- nn.BCEWithLogitsCriterion(weights, sizeAverage, posWeight): the binary cross-entropy of
-- sigmoid(x) against targets t in [0, 1], taking the logits x themselves, as PyTorch's
-- BCEWithLogitsLoss (not in Torch7):
--   -sum w (p t log sigmoid(x) + (1 - t) log(1 - sigmoid(x))),
-- computed as (1 - t) x + (1 + (p - 1) t) log(1 + exp(-x)) without overflow, which the
-- pair nn.Sigmoid + nn.BCECriterion cannot do for large |x|. weights (w) and posWeight
-- (p, weighting the positive class) have one value per element of the last dimension.
-- Kernels in src/nn/loss.c.
local BCEWithLogitsCriterion, parent = torch.class('nn.BCEWithLogitsCriterion', 'nn.Criterion')

function BCEWithLogitsCriterion:__init(weights, sizeAverage, posWeight)
   parent.__init(self)
   if sizeAverage ~= nil then self.sizeAverage = sizeAverage else self.sizeAverage = true end
   self.weights = weights
   self.posWeight = posWeight
end

parent._pointwise(BCEWithLogitsCriterion, 'bcelogits')

return BCEWithLogitsCriterion
