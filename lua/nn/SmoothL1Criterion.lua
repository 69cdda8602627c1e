-- nn.SmoothL1Criterion(sizeAverage): the Huber loss, the mean (or sum) over the elements
-- of 0.5 (x - t)^2 where |x - t| < 1 and |x - t| - 0.5 elsewhere.
-- Kernels in src/nn/loss.c.
local SmoothL1Criterion, parent = torch.class('nn.SmoothL1Criterion', 'nn.Criterion')
local K = torch._nn

function SmoothL1Criterion:__init(sizeAverage)
   parent.__init(self)
   if sizeAverage ~= nil then self.sizeAverage = sizeAverage else self.sizeAverage = true end
end

function SmoothL1Criterion:updateOutput(input, target)
   self.output = K.Criterion_updateOutput('SmoothL1Criterion', input, target, self.sizeAverage,
                                          nil, nil, nil)
   return self.output
end

function SmoothL1Criterion:updateGradInput(input, target)
   K.Criterion_updateGradInput('SmoothL1Criterion', input, target, self.gradInput, self.sizeAverage,
                               nil, nil, nil)
   return self.gradInput
end

return SmoothL1Criterion
