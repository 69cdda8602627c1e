-- nn.AbsCriterion(sizeAverage): the mean (or sum) of |x - t| over the elements.
-- Kernels in src/nn/loss.c.
local AbsCriterion, parent = torch.class('nn.AbsCriterion', 'nn.Criterion')

function AbsCriterion:__init(sizeAverage)
   parent.__init(self)
   if sizeAverage ~= nil then self.sizeAverage = sizeAverage else self.sizeAverage = true end
end

parent._pointwise(AbsCriterion, 'abs')

return AbsCriterion
