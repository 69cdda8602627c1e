-- nn.L1HingeEmbeddingCriterion([margin = 1]): for a pair {x1, x2} and a label y = 1 or -1,
-- the L1 distance d = ||x1 - x2||_1 when y = 1 and max(0, margin - d) when y = -1, as
-- Torch7. The gradient is {g, -g} with g = sign(x1 - x2) (negated for y = -1 inside the
-- margin, 0 outside it).
local nn = require 'nn'

local L1Hinge, parent = torch.class('nn.L1HingeEmbeddingCriterion', 'nn.Criterion')

function L1Hinge:__init(margin)
   parent.__init(self)
   self.margin = margin or 1
   self.gradInput = {torch.Tensor(), torch.Tensor()}
   self._type = self.gradInput[1]:type()      -- gradInput is a table: type() asks _type
end

function L1Hinge:_check(input, y)
   if type(input) ~= 'table' or torch.isTensor(input) or #input ~= 2 then
      self:_error('expected a pair of tensors {x1, x2}, got %s', torch.type(input))
   end
   self:_checkFloat(input[1], 'input[1]')
   self:_checkFloat(input[2], 'input[2]')
   if input[1]:nElement() ~= input[2]:nElement() then
      self:_error('inputs of sizes %s and %s differ', nn.utils.sizestr(input[1]),
                  nn.utils.sizestr(input[2]))
   end
   if torch.isTensor(y) and y:nElement() == 1 then y = y:view(1)[1] end
   if y ~= 1 and y ~= -1 then
      self:_error('the label must be 1 or -1, got %s', tostring(y))
   end
   return input[1], input[2], y
end

function L1Hinge:updateOutput(input, y)
   local x1, x2, label = self:_check(input, y)
   local d = x1:dist(x2:viewAs(x1), 1)
   if label == -1 then d = math.max(0, self.margin - d) end
   self.output = d
   return self.output
end

-- At x1 = x2 the subgradient taken is 0 (Torch7 picks a random sign).
function L1Hinge:updateGradInput(input, y)
   local x1, x2, label = self:_check(input, y)
   for i = 1, 2 do self.gradInput[i] = self.gradInput[i] or x1.new() end
   local g1 = self.gradInput[1]
   g1:resizeAs(x1):copy(x1):add(-1, x2:viewAs(x1))
   local dist = g1:norm(1)
   g1:sign()
   if label == -1 then
      if dist > self.margin then g1:zero() else g1:mul(-1) end
   end
   self.gradInput[2]:resizeAs(input[2]):copy(g1:viewAs(input[2])):mul(-1)
   return self.gradInput
end

return L1Hinge
