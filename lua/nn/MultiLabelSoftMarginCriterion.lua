-- nn.MultiLabelSoftMarginCriterion(weights): multi-label one-versus-all loss: for inputs x
-- (logits, one per class) and targets t of 0 or 1 per class,
--   -sum w (t log sigmoid(x) + (1 - t) log(1 - sigmoid(x))) / nElement,
-- as Torch7 (a Sigmoid followed by a BCECriterion), computed without overflow.
-- Kernels in src/nn/loss.c.
local MultiLabelSoftMarginCriterion, parent = torch.class('nn.MultiLabelSoftMarginCriterion', 'nn.Criterion')

function MultiLabelSoftMarginCriterion:__init(weights)
   parent.__init(self)
   self.sizeAverage = true
   self.weights = weights
end

parent._pointwise(MultiLabelSoftMarginCriterion, 'multilabelsoftmargin')

return MultiLabelSoftMarginCriterion
