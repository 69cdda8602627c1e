-- nn.SpatialDivisiveNormalization([nInputPlane = 1, kernel = 9x9 ones, threshold = 1e-4,
-- thresval = 1e-4]): divides every pixel by the weighted standard deviation of its
-- neighbourhood over all planes, as Torch7:
--   s = sqrt(sum_c' K * x_c'^2) / (sum_c' K * 1),   y_c = x_c / (s > threshold ? s : thresval),
-- with K the kernel normalized to sum 1 / nInputPlane and * the zero-padded same-size
-- correlation of nn.SpatialSubtractiveNormalization (whose estimator it shares).
local nn = require 'nn'
require 'nn.SpatialSubtractiveNormalization'

local SDN, parent = torch.class('nn.SpatialDivisiveNormalization',
                                'nn.SpatialSubtractiveNormalization')

function SDN:__init(nInputPlane, kernel, threshold, thresval)
   parent.__init(self, nInputPlane, kernel)
   self.stdestimator = self.meanestimator
   self.threshold = threshold or 1e-4
   self.thresval = thresval or 1e-4
end

function SDN:updateOutput(input)
   self:_check(input)
   local coef = self:_coef(input)
   self._square = self._square or input.new()
   self._square:resizeAs(input):copy(input):cmul(input)
   self.localstds = self.stdestimator:updateOutput(self._square):clone():sqrt()
   self.adjustedstds = self.localstds:clone():cdiv(coef)
   self._above = self.adjustedstds:gt(self.threshold)
   self.thresholdedstds = self.adjustedstds:clone():maskedFill(self._above:eq(0), self.thresval)
   self.output:resizeAs(input):copy(input):cdiv(self.thresholdedstds:expandAs(input))
   return self.output
end

-- Through the division, the threshold (gradient 1 above it, 0 below), the border
-- correction, the square root (0 where the deviation is 0, where Torch7 gets NaN) and
-- the correlation of the squares.
function SDN:updateGradInput(input, gradOutput)
   local d = self:_check(input, gradOutput)
   local thr = self.thresholdedstds
   local gthr = gradOutput:clone():cmul(input):sum(d - 2):cdiv(thr):cdiv(thr):mul(-1)
   gthr:maskedFill(self._above:eq(0), 0)
   local gstd = gthr:cdiv(self:_coef(input)):cdiv(self.localstds):mul(0.5)
   gstd:maskedFill(self.localstds:eq(0), 0)
   local gsq = self.stdestimator:updateGradInput(self._square, gstd)
   self.gradInput:resizeAs(input):copy(gsq):cmul(input):mul(2)
   self.gradInput:addcdiv(1, gradOutput, thr:expandAs(input))
   return self.gradInput
end

function SDN:clearState()
   nn.utils.clear(self, '_square', 'localstds', 'adjustedstds', 'thresholdedstds', '_above')
   return parent.clearState(self)
end

return SDN
