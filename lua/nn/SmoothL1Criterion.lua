-- nn.SmoothL1Criterion(sizeAverage): the Huber loss, the mean (or sum) over the elements
-- of 0.5 (x - t)^2 where |x - t| < 1 and |x - t| - 0.5 elsewhere.
-- Kernels in src/nn/loss.c.
local SmoothL1Criterion, parent = torch.class('nn.SmoothL1Criterion', 'nn.Criterion')

function SmoothL1Criterion:__init(sizeAverage)
   parent.__init(self)
   if sizeAverage ~= nil then self.sizeAverage = sizeAverage else self.sizeAverage = true end
end

parent._pointwise(SmoothL1Criterion, 'smoothl1')

return SmoothL1Criterion
