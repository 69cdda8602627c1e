-- nn.CrossEntropyCriterion(weights, sizeAverage): nn.LogSoftMax followed by
-- nn.ClassNLLCriterion, in one criterion: the input holds raw scores (n classes, or batch
-- x n), the target class indices (1-based). The NLL kernels are called from here, not
-- through self.nll (kept for its fields, as Torch7 has it), so that their errors name
-- this criterion.
require 'nn.LogSoftMax'
require 'nn.ClassNLLCriterion'
local CrossEntropyCriterion, parent = torch.class('nn.CrossEntropyCriterion', 'nn.Criterion')
local K = torch._nn

function CrossEntropyCriterion:__init(weights, sizeAverage, ignoreIndex)
   parent.__init(self)
   self.lsm = nn.LogSoftMax()
   self.nll = nn.ClassNLLCriterion(weights, sizeAverage, ignoreIndex)
   self.sizeAverage = self.nll.sizeAverage
   self.oldSizeAverage = self.sizeAverage
end

-- The sizeAverage in force: this criterion's when it was changed since the last call
-- (it then reaches self.nll), else self.nll's, which Torch7 programs also set directly.
function CrossEntropyCriterion:_sizeAverage()
   if self.sizeAverage ~= self.oldSizeAverage then self.nll.sizeAverage = self.sizeAverage end
   self.oldSizeAverage = self.sizeAverage
   return self.nll.sizeAverage
end

function CrossEntropyCriterion:updateOutput(input, target)
   local nll = self.nll
   local sizeAverage = self:_sizeAverage()
   self.lsm:updateOutput(input)
   nll.output, nll.totalWeight = K.classnll_forward(self.lsm.output, target, nll.weights,
                                                    sizeAverage, nll.ignoreIndex)
   self.output = nll.output
   return self.output
end

-- The gradient comes from the log-probabilities of the last forward: an input of other
-- sizes or type than that forward's would get a gradient that is not its own.
function CrossEntropyCriterion:updateGradInput(input, target)
   local nll, lp = self.nll, self.lsm.output
   if not torch.isTensor(input) or input:type() ~= lp:type() or not input:isSameSizeAs(lp) then
      self:_error('input %s of size %s, expected the %s of size %s of the last forward',
                  torch.type(input), nn.utils.sizestr(input), lp:type(), nn.utils.sizestr(lp))
   end
   K.classnll_backward(nll.gradInput, lp, target, nll.weights, self:_sizeAverage(),
                       nll.ignoreIndex)
   self.lsm:updateGradInput(input, nll.gradInput)
   self.gradInput:set(self.lsm.gradInput)
   return self.gradInput
end

return CrossEntropyCriterion
