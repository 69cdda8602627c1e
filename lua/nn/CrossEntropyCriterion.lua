-- nn.CrossEntropyCriterion(weights, sizeAverage): nn.LogSoftMax followed by
-- nn.ClassNLLCriterion, in one criterion: the input holds raw scores (n classes, or batch
-- x n), the target class indices (1-based).
require 'nn.LogSoftMax'
require 'nn.ClassNLLCriterion'
local CrossEntropyCriterion, parent = torch.class('nn.CrossEntropyCriterion', 'nn.Criterion')

function CrossEntropyCriterion:__init(weights, sizeAverage, ignoreIndex)
   parent.__init(self)
   self.lsm = nn.LogSoftMax()
   self.nll = nn.ClassNLLCriterion(weights, sizeAverage, ignoreIndex)
   self.sizeAverage = self.nll.sizeAverage
end

function CrossEntropyCriterion:updateOutput(input, target)
   self.nll.sizeAverage = self.sizeAverage -- users set it on this criterion
   self.lsm:updateOutput(input)
   self.output = self.nll:updateOutput(self.lsm.output, target)
   return self.output
end

function CrossEntropyCriterion:updateGradInput(input, target)
   self.nll.sizeAverage = self.sizeAverage
   self.nll:updateGradInput(self.lsm.output, target)
   self.lsm:updateGradInput(input, self.nll.gradInput)
   self.gradInput:set(self.lsm.gradInput)
   return self.gradInput
end

return CrossEntropyCriterion
