-- nn.HingeEmbeddingCriterion(margin): for an input x of distances (or any values) and
-- targets y of 1 or -1: x where y = 1, max(0, margin - x) where y = -1, averaged over the
-- elements (margin 1). The target may be a number for a one-element input.
-- Kernels in src/nn/loss.c.
local HingeEmbeddingCriterion, parent = torch.class('nn.HingeEmbeddingCriterion', 'nn.Criterion')

function HingeEmbeddingCriterion:__init(margin)
   parent.__init(self)
   self.margin = margin or 1
   self.sizeAverage = true
end

parent._pointwise(HingeEmbeddingCriterion, 'hingeembedding')

return HingeEmbeddingCriterion
