-- nn.DistKLDivCriterion(): the Kullback-Leibler divergence of the target distribution t
-- from the input x, given as log-probabilities (the output of nn.LogSoftMax):
-- sum over the elements of t (log t - x) where t > 0, averaged over the elements.
-- Kernels in src/nn/loss.c.
local DistKLDivCriterion, parent = torch.class('nn.DistKLDivCriterion', 'nn.Criterion')

function DistKLDivCriterion:__init()
   parent.__init(self)
   self.sizeAverage = true
end

parent._pointwise(DistKLDivCriterion, 'distkldiv')

return DistKLDivCriterion
