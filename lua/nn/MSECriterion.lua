-- nn.MSECriterion(sizeAverage): the mean (or, with sizeAverage false, the sum) of the
-- squared differences (x - t)^2 between the input and the target, elementwise.
-- Kernels in src/nn/loss.c.
local MSECriterion, parent = torch.class('nn.MSECriterion', 'nn.Criterion')
local K = torch._nn

function MSECriterion:__init(sizeAverage)
   parent.__init(self)
   if sizeAverage ~= nil then self.sizeAverage = sizeAverage else self.sizeAverage = true end
end

function MSECriterion:updateOutput(input, target)
   self.output = K.Criterion_updateOutput('MSECriterion', input, target, self.sizeAverage,
                                          nil, nil, nil)
   return self.output
end

function MSECriterion:updateGradInput(input, target)
   K.Criterion_updateGradInput('MSECriterion', input, target, self.gradInput, self.sizeAverage,
                               nil, nil, nil)
   return self.gradInput
end

return MSECriterion
