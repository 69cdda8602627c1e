-- nn.CosineEmbeddingCriterion(margin): for an input {x1, x2} of two vectors (or two
-- batch x d matrices) and targets y of 1 or -1, with c the cosine similarity of x1 and x2:
--   1 - c where y = 1, max(0, c - margin) where y = -1,
-- averaged over the pairs when sizeAverage (margin 0). The target may be a number for one
-- pair. gradInput is a table of two tensors.
local CosineEmbeddingCriterion, parent = torch.class('nn.CosineEmbeddingCriterion', 'nn.Criterion')

parent._pair(CosineEmbeddingCriterion, 'cosineembedding')

return CosineEmbeddingCriterion
