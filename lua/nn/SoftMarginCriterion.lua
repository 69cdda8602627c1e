-- nn.SoftMarginCriterion(): the two-class logistic loss, the mean over the elements of
-- log(1 + exp(-t x)), targets t being 1 or -1; computed without overflow.
-- Kernels in src/nn/loss.c.
local SoftMarginCriterion, parent = torch.class('nn.SoftMarginCriterion', 'nn.Criterion')

function SoftMarginCriterion:__init()
   parent.__init(self)
   self.sizeAverage = true
end

parent._pointwise(SoftMarginCriterion, 'softmargin')

return SoftMarginCriterion
