-- nn.AbsCriterion(sizeAverage): the mean (or sum) of |x - t| over the elements.
-- Kernels in src/nn/loss.c.
local AbsCriterion, parent = torch.class('nn.AbsCriterion', 'nn.Criterion')
local K = torch._nn

function AbsCriterion:__init(sizeAverage)
   parent.__init(self)
   if sizeAverage ~= nil then self.sizeAverage = sizeAverage else self.sizeAverage = true end
end

function AbsCriterion:updateOutput(input, target)
   self.output = K.Criterion_updateOutput('AbsCriterion', input, target, self.sizeAverage,
                                          nil, nil, nil)
   return self.output
end

function AbsCriterion:updateGradInput(input, target)
   K.Criterion_updateGradInput('AbsCriterion', input, target, self.gradInput, self.sizeAverage,
                               nil, nil, nil)
   return self.gradInput
end

return AbsCriterion
