-- nn.WeightedMSECriterion(weight): MSECriterion between the input and the target scaled
-- elementwise by weight: loss = mean((x - w .* t)^2) (the sum without sizeAverage). This
-- is what Torch7's code computes (its documentation describes the weights differently).
-- weight has the size of one sample; a target with one more dimension is a batch, each
-- sample scaled by weight.
local nn = require 'nn'
require 'nn.MSECriterion'

local WeightedMSECriterion, parent = torch.class('nn.WeightedMSECriterion', 'nn.MSECriterion')

function WeightedMSECriterion:__init(w)
   parent.__init(self)
   if not torch.isTensor(w) then self:_error('weight must be a tensor, got %s', torch.type(w)) end
   self.weight = w:clone()
   self.buffer = torch.Tensor()
end

-- The target times the weights, in self.buffer.
function WeightedMSECriterion:_weighted(input, target)
   self:_checkFloat(input)
   if not torch.isTensor(target) or target:nElement() ~= input:nElement() then
      self:_error('target of size %s, expected the input size %s', nn.utils.sizestr(target),
                  nn.utils.sizestr(input))
   end
   local w = self.weight
   self.buffer = self.buffer or input.new()
   self.buffer:resizeAs(input):copy(target)
   if input:dim() - 1 == w:dim() and input:nElement() == input:size(1) * w:nElement() then
      self.buffer:cmul(w:view(1, table.unpack(w:size():totable())):expandAs(input))
   elseif w:nElement() == input:nElement() then
      self.buffer:cmul(w:view(input:size()))
   else
      self:_error('weight of size %s fits neither an input of size %s nor its samples',
                  nn.utils.sizestr(w), nn.utils.sizestr(input))
   end
   return self.buffer
end

function WeightedMSECriterion:updateOutput(input, target)
   return parent.updateOutput(self, input, self:_weighted(input, target))
end

function WeightedMSECriterion:updateGradInput(input, target)
   return parent.updateGradInput(self, input, self:_weighted(input, target))
end

return WeightedMSECriterion
