-- nn.MSECriterion(sizeAverage): the mean (or, with sizeAverage false, the sum) of the
-- squared differences (x - t)^2 between the input and the target, elementwise.
-- Kernels in src/nn/loss.c.
local MSECriterion, parent = torch.class('nn.MSECriterion', 'nn.Criterion')

function MSECriterion:__init(sizeAverage)
   parent.__init(self)
   if sizeAverage ~= nil then self.sizeAverage = sizeAverage else self.sizeAverage = true end
end

parent._pointwise(MSECriterion, 'mse')

return MSECriterion
