-- nn.L1Penalty(l1weight [, sizeAverage = false, provideOutput = true]): an L1 regularizer
-- of the activations that pass through it. The output is the input itself; the loss
-- l1weight * sum |x| (divided by the number of elements with sizeAverage) is kept in
-- self.loss, and its gradient l1weight * sign(x) is added to the gradient coming back
-- (with provideOutput false, it replaces it: the module is then the end of a branch).
local nn = require 'nn'

local L1Penalty, parent = torch.class('nn.L1Penalty', 'nn.Module')

function L1Penalty:__init(l1weight, sizeAverage, provideOutput)
   parent.__init(self)
   if type(l1weight) ~= 'number' then
      self:_error('l1weight must be a number, got %s', torch.type(l1weight))
   end
   self.l1weight = l1weight
   self.sizeAverage = sizeAverage or false
   -- Torch7 wrote "provideOutput or true", which can never be false; false is honoured here
   if provideOutput == nil then self.provideOutput = true else self.provideOutput = provideOutput end
end

function L1Penalty:_weight(input)
   if self.sizeAverage == true then return self.l1weight / input:nElement() end
   return self.l1weight
end

function L1Penalty:updateOutput(input)
   nn.utils.checkFloatTensor(self, input)
   self.loss = self:_weight(input) * input:norm(1)
   self.output = input
   return self.output
end

function L1Penalty:updateGradInput(input, gradOutput)
   self.gradInput:resizeAs(input):copy(input):sign():mul(self:_weight(input))
   if self.provideOutput == true then
      if gradOutput:nElement() ~= input:nElement() then
         self:_error('gradOutput of size %s, expected the input size %s',
                     nn.utils.sizestr(gradOutput), nn.utils.sizestr(input))
      end
      self.gradInput:add(gradOutput:contiguous():view(input:size()))
   end
   return self.gradInput
end

return L1Penalty
