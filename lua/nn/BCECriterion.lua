-- nn.BCECriterion(weights, sizeAverage): the binary cross-entropy between probabilities x
-- (the output of nn.Sigmoid) and targets t in [0, 1]:
--   -sum w (t log(x + eps) + (1 - t) log(1 - x + eps)), eps = 1e-12,
-- averaged over the elements when sizeAverage (the default). weights, when given, has one
-- rescaling weight per element of the last dimension (per output of a batch row).
-- Kernels in src/nn/loss.c.
local BCECriterion, parent = torch.class('nn.BCECriterion', 'nn.Criterion')
local K = torch._nn

function BCECriterion:__init(weights, sizeAverage)
   parent.__init(self)
   if sizeAverage ~= nil then self.sizeAverage = sizeAverage else self.sizeAverage = true end
   if weights ~= nil and not (torch.isTensor(weights) and weights:dim() == 1) then
      error('nn.BCECriterion: weights must be a 1D tensor, got ' .. torch.type(weights), 2)
   end
   self.weights = weights
end

function BCECriterion:updateOutput(input, target)
   self.output = K.Criterion_updateOutput('BCECriterion', input, target, self.sizeAverage,
                                          nil, self.weights, nil)
   return self.output
end

function BCECriterion:updateGradInput(input, target)
   K.Criterion_updateGradInput('BCECriterion', input, target, self.gradInput, self.sizeAverage,
                               nil, self.weights, nil)
   return self.gradInput
end

return BCECriterion
