-- nn.DistKLDivCriterion(): the Kullback-Leibler divergence of the target distribution t
-- from the input x, given as log-probabilities (the output of nn.LogSoftMax):
-- sum over the elements of t (log t - x) where t > 0, averaged over the elements.
-- Kernels in src/nn/loss.c.
local DistKLDivCriterion, parent = torch.class('nn.DistKLDivCriterion', 'nn.Criterion')
local K = torch._nn

function DistKLDivCriterion:__init()
   parent.__init(self)
   self.sizeAverage = true
end

function DistKLDivCriterion:updateOutput(input, target)
   self.output = K.Criterion_updateOutput('DistKLDivCriterion', input, target, self.sizeAverage,
                                          nil, nil, nil)
   return self.output
end

function DistKLDivCriterion:updateGradInput(input, target)
   K.Criterion_updateGradInput('DistKLDivCriterion', input, target, self.gradInput, self.sizeAverage,
                               nil, nil, nil)
   return self.gradInput
end

return DistKLDivCriterion
