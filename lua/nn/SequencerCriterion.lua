-- nn.SequencerCriterion(criterion [, sizeAverage = false]): applies criterion at every step
-- of a sequence (input and target: tables, or tensors whose first dimension is the step)
-- and sums the losses (averages them over the steps with sizeAverage). gradInput has the
-- input's form.
local nn = require 'nn'

local SequencerCriterion, parent = torch.class('nn.SequencerCriterion', 'nn.Criterion')

function SequencerCriterion:__init(criterion, sizeAverage)
   parent.__init(self)
   if not torch.isTypeOf(criterion, 'nn.Criterion') then
      self:_error('expected a criterion, got %s', torch.type(criterion))
   end
   self.criterion = criterion
   self.sizeAverage = sizeAverage or false
   self._bufs = {}
end

local function steps(x)
   return torch.isTensor(x) and x:size(1) or #x
end

function SequencerCriterion:_check(input, target)
   if not (torch.isTensor(input) or type(input) == 'table') or
      not (torch.isTensor(target) or type(target) == 'table') then
      self:_error('input and target must be tables or tensors, got %s and %s',
                  torch.type(input), torch.type(target))
   end
   local n = steps(input)
   if steps(target) ~= n then
      self:_error('input has %d steps, target %d', n, steps(target))
   end
   return n
end

function SequencerCriterion:updateOutput(input, target)
   local n, loss = self:_check(input, target), 0
   for t = 1, n do loss = loss + self.criterion:updateOutput(input[t], target[t]) end
   self.output = self.sizeAverage and n > 0 and loss / n or loss
   return self.output
end

function SequencerCriterion:updateGradInput(input, target)
   local n = self:_check(input, target)
   local istensor = torch.isTensor(input)
   if istensor then
      self.gradInput = torch.isTensor(self.gradInput) and self.gradInput or input.new()
      self.gradInput:resizeAs(input)
   else
      self.gradInput = type(self.gradInput) == 'table' and self.gradInput or {}
      for t = n + 1, #self.gradInput do self.gradInput[t] = nil end
   end
   for t = 1, n do
      local g = self.criterion:updateGradInput(input[t], target[t])
      local dst
      if istensor then
         dst = self.gradInput[t]
         dst:copy(g)
      else
         -- the criterion's buffer is overwritten at the next step: keep a copy per step
         self._bufs[t] = nn.utils.recursiveCopy(self._bufs[t], g)
         dst = self._bufs[t]
         self.gradInput[t] = dst
      end
      if self.sizeAverage then nn.utils.recursiveAdd(dst, 1 / n - 1, dst) end
   end
   return self.gradInput
end

return SequencerCriterion
