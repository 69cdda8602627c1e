-- nn.MarginCriterion(margin): the two-class hinge loss, the mean over the elements of
-- max(0, margin - t x), targets t being 1 or -1 (margin 1).
-- Kernels in src/nn/loss.c.
local MarginCriterion, parent = torch.class('nn.MarginCriterion', 'nn.Criterion')

function MarginCriterion:__init(margin)
   parent.__init(self)
   self.sizeAverage = true
   self.margin = margin or 1
end

parent._pointwise(MarginCriterion, 'margin')

return MarginCriterion
