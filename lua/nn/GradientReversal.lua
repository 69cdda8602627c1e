-- nn.GradientReversal([lambda = 1]): the identity in the forward pass; the backward pass
-- multiplies the gradient by -lambda (domain-adversarial training, Ganin & Lempitsky).
local nn = require 'nn'

local GradientReversal, parent = torch.class('nn.GradientReversal', 'nn.Module')

function GradientReversal:__init(lambda)
   parent.__init(self)
   self:setLambda(lambda or 1)
end

function GradientReversal:setLambda(lambda)
   if type(lambda) ~= 'number' then
      self:_error('lambda must be a number, got %s', torch.type(lambda))
   end
   self.lambda = lambda
end

-- The output shares the input's memory, as Torch7.
function GradientReversal:updateOutput(input)
   if not torch.isTensor(input) then
      self:_error('input must be a tensor, got %s', torch.type(input))
   end
   self.output:set(input)
   return self.output
end

function GradientReversal:updateGradInput(input, gradOutput)
   nn.utils.checkGradOutput(self, gradOutput, input)
   self.gradInput:resizeAs(gradOutput):copy(gradOutput):mul(-self.lambda)
   return self.gradInput
end

return GradientReversal
