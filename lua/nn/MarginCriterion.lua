-- nn.MarginCriterion(margin): the two-class hinge loss, the mean over the elements of
-- max(0, margin - t x), targets t being 1 or -1 (margin 1).
-- Kernels in src/nn/loss.c.
local MarginCriterion, parent = torch.class('nn.MarginCriterion', 'nn.Criterion')
local K = torch._nn

function MarginCriterion:__init(margin)
   parent.__init(self)
   self.sizeAverage = true
   self.margin = margin or 1
end

function MarginCriterion:updateOutput(input, target)
   self.output = K.Criterion_updateOutput('MarginCriterion', input, target, self.sizeAverage,
                                          self.margin, nil, nil)
   return self.output
end

function MarginCriterion:updateGradInput(input, target)
   K.Criterion_updateGradInput('MarginCriterion', input, target, self.gradInput, self.sizeAverage,
                               self.margin, nil, nil)
   return self.gradInput
end

return MarginCriterion
