-- nn.ClassNLLCriterion(weights, sizeAverage, ignoreIndex): the negative log likelihood of
-- the target classes, for an input of log-probabilities (the output of nn.LogSoftMax):
-- n classes (the target a number or a 1-element tensor) or batch x n (the target a tensor
-- of batch class indices, 1-based). With w_i = weights[target_i] (1 without weights):
--   loss = -sum_i w_i input[i][target_i], divided by sum_i w_i when sizeAverage (default).
-- Targets equal to ignoreIndex (-100 by default, as PyTorch) count for nothing.
local ClassNLLCriterion, parent = torch.class('nn.ClassNLLCriterion', 'nn.Criterion')
local K = torch._nn

function ClassNLLCriterion:__init(weights, sizeAverage, ignoreIndex)
   parent.__init(self)
   if sizeAverage ~= nil then self.sizeAverage = sizeAverage else self.sizeAverage = true end
   self:_checkWeights(weights)
   self.weights = weights
   self.ignoreIndex = ignoreIndex or -100
   self.totalWeight = 0
end

function ClassNLLCriterion:updateOutput(input, target)
   self.output, self.totalWeight = K.classnll_forward(input, target, self.weights,
                                                      self.sizeAverage, self.ignoreIndex)
   return self.output
end

function ClassNLLCriterion:updateGradInput(input, target)
   K.classnll_backward(self.gradInput, input, target, self.weights, self.sizeAverage,
                       self.ignoreIndex)
   return self.gradInput
end

return ClassNLLCriterion
