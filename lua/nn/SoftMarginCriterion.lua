-- nn.SoftMarginCriterion(): the two-class logistic loss, the mean over the elements of
-- log(1 + exp(-t x)), targets t being 1 or -1; computed without overflow.
-- Kernels in src/nn/loss.c.
local SoftMarginCriterion, parent = torch.class('nn.SoftMarginCriterion', 'nn.Criterion')
local K = torch._nn

function SoftMarginCriterion:__init()
   parent.__init(self)
   self.sizeAverage = true
end

function SoftMarginCriterion:updateOutput(input, target)
   self.output = K.Criterion_updateOutput('SoftMarginCriterion', input, target, self.sizeAverage,
                                          nil, nil, nil)
   return self.output
end

function SoftMarginCriterion:updateGradInput(input, target)
   K.Criterion_updateGradInput('SoftMarginCriterion', input, target, self.gradInput, self.sizeAverage,
                               nil, nil, nil)
   return self.gradInput
end

return SoftMarginCriterion
