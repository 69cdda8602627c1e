-- nn.SpatialSubtractiveNormalization([nInputPlane = 1, kernel = 9x9 ones]): subtracts from
-- every pixel the weighted mean of its neighbourhood over all planes, as Torch7:
--   y_c = x_c - (sum_c' K * x_c') / (sum_c' K * 1),
-- K the kernel (2D, or a 1D kernel applied along both axes; odd sizes), * a zero-padded
-- same-size correlation. Dividing by the same correlation of ones (self.coef) corrects
-- the borders, where part of the window falls in the padding. Input: nInputPlane x H x W
-- or N x nInputPlane x H x W. The correlation is an nn.SpatialConvolution from all planes
-- to one with the normalized kernel in every plane (Torch7 used SpatialConvolutionMap, a
-- Sum and a Replicate: the same numbers).
local nn = require 'nn'
local K = torch._nn
require 'nn.SpatialConvolution'

local SSN, parent = torch.class('nn.SpatialSubtractiveNormalization', 'nn.Module')

-- The 2D kernel (a 1D one as its outer product with itself), checked; name for errors.
local function kernel2d(name, kernel)
   local kdim = kernel:dim()
   if kdim ~= 1 and kdim ~= 2 then
      error(string.format('%s: the averaging kernel must be 1D or 2D, got size %s', name,
                          nn.utils.sizestr(kernel)), 4)
   end
   if kernel:size(1) % 2 == 0 or (kdim == 2 and kernel:size(2) % 2 == 0) then
      error(string.format('%s: the averaging kernel must have odd sizes, got %s', name,
                          nn.utils.sizestr(kernel)), 4)
   end
   local k = torch.DoubleTensor(kernel:size()):copy(kernel)
   if kdim == 1 then k = torch.ger(k, k) end
   return k
end

-- The estimator: sum over planes of the zero-padded correlation with kernel / (sum(kernel)
-- * nInputPlane), as Torch7 normalizes it (a weighted mean of all planes).
function SSN._estimator(name, nInputPlane, kernel)
   local k = kernel2d(name, kernel)
   k:div(k:sum() * nInputPlane)
   local kH, kW = k:size(1), k:size(2)
   local conv = nn.SpatialConvolution(nInputPlane, 1, kW, kH, 1, 1, (kW - 1) // 2,
                                      (kH - 1) // 2)
   for c = 1, nInputPlane do conv.weight[1][c]:copy(k) end
   conv.bias:zero()
   return conv
end

function SSN:__init(nInputPlane, kernel)
   parent.__init(self)
   self.nInputPlane = nInputPlane or 1
   if math.type(self.nInputPlane) ~= 'integer' or self.nInputPlane < 1 then
      self:_error('nInputPlane must be a positive integer, got %s', tostring(nInputPlane))
   end
   self.kernel = kernel and kernel:clone() or torch.Tensor(9, 9):fill(1)
   self.meanestimator = SSN._estimator(torch.type(self), self.nInputPlane, self.kernel)
   self.coef = torch.Tensor()
end

-- Checks the input (and gradOutput against the output, when given); returns its
-- dimension count.
function SSN:_check(input, gradOutput)
   K.image_check(input, self.nInputPlane, self.output, gradOutput)
   return input:dim()
end

-- The correlation of ones (as many planes and pixels as input), recomputed on a new size.
function SSN:_coef(input)
   local d = input:dim()
   local h, w = input:size(d - 1), input:size(d)
   if self.coef:dim() ~= 3 or self.coef:size(2) ~= h or self.coef:size(3) ~= w
      or self.coef:type() ~= input:type() then
      local ones = input.new():resize(self.nInputPlane, h, w):fill(1)
      self.coef = self.meanestimator:updateOutput(ones):clone()
   end
   return d == 4 and self.coef:view(1, 1, h, w):expand(input:size(1), 1, h, w) or self.coef
end

local function overPlanes(t, input) return t:expandAs(input) end

function SSN:updateOutput(input)
   self:_check(input)
   local coef = self:_coef(input)
   self.localsums = self.meanestimator:updateOutput(input)
   self.adjustedsums = self.adjustedsums or input.new()
   self.adjustedsums:resizeAs(self.localsums):copy(self.localsums):cdiv(coef)
   self.output:resizeAs(input):copy(input):add(-1, overPlanes(self.adjustedsums, input))
   return self.output
end

-- The mean is the same for every plane: its gradient is the sum over the planes.
function SSN:updateGradInput(input, gradOutput)
   local d = self:_check(input, gradOutput)
   local gmean = gradOutput.new():sum(gradOutput, d - 2):cdiv(self:_coef(input)):mul(-1)
   local gconv = self.meanestimator:updateGradInput(input, gmean)
   self.gradInput:resizeAs(input):copy(gradOutput):add(gconv)
   return self.gradInput
end

-- The estimator's weights are fixed: nothing to learn.
function SSN:accGradParameters() end

function SSN:type(tname, tensorCache)
   if tname then self.coef = torch.Tensor() end
   return parent.type(self, tname, tensorCache)
end

function SSN:clearState()
   nn.utils.clear(self, 'localsums', 'adjustedsums')
   self.meanestimator:clearState()
   return parent.clearState(self)
end

return SSN
