-- nn.SpatialClassNLLCriterion([weights, sizeAverage = true]): nn.ClassNLLCriterion at every
-- pixel, as Torch7. Input: log-probabilities N x C x H x W (or C x H x W); target: the
-- class (1..C) of each pixel, N x H x W (or H x W). With w = weights[target] (1 without
-- weights):
--   loss = -sum_pixels w * input[n][target][h][w], divided by sum_pixels w when sizeAverage.
-- Every target counts (no ignored index).
local nn = require 'nn'

local SCNLL, parent = torch.class('nn.SpatialClassNLLCriterion', 'nn.Criterion')

function SCNLL:__init(weights, sizeAverage)
   parent.__init(self)
   if sizeAverage ~= nil then self.sizeAverage = sizeAverage else self.sizeAverage = true end
   self:_checkWeights(weights)
   self.weights = weights
   self.totalWeight = 0
end

-- Input as N x C x H x W, the target as N x 1 x H x W LongTensor indices, checked; and
-- the weight of every pixel (N x 1 x H x W, in the input's type).
function SCNLL:_prepare(input, target)
   self:_checkFloat(input)
   local d = input:dim()
   local function bad()
      self:_error('input of size %s and target of size %s, expected N x C x H x W and N x H x W '
                  .. '(or C x H x W and H x W)', nn.utils.sizestr(input), nn.utils.sizestr(target))
   end
   if (d ~= 3 and d ~= 4) or not torch.isTensor(target) or target:dim() ~= d - 1 then bad() end
   local x = d == 4 and input or input:view(1, input:size(1), input:size(2), input:size(3))
   local n, c, h, w = x:size(1), x:size(2), x:size(3), x:size(4)
   if target:nElement() ~= n * h * w or target:size(d - 2) ~= h or target:size(d - 1) ~= w then
      bad()
   end
   if self.weights and self.weights:nElement() ~= c then
      self:_error('weights of size %s for %d classes', nn.utils.sizestr(self.weights), c)
   end
   local t = target:contiguous():view(n, 1, h, w)
   if torch.type(t) ~= 'torch.LongTensor' then t = t:long() end
   local lo, hi = t:min(), t:max()
   if lo < 1 or hi > c then
      self:_error('target %d out of range [1, %d]', lo < 1 and lo or hi, c)
   end
   local pw
   if self.weights then
      pw = self.weights:type(x:type()):index(1, t:view(-1)):view(n, 1, h, w)
   else
      pw = x.new():resize(n, 1, h, w):fill(1)
   end
   return x, t, pw
end

function SCNLL:updateOutput(input, target)
   local x, t, pw = self:_prepare(input, target)
   self.totalWeight = pw:sum()
   local loss = -x:gather(2, t):cmul(pw):sum()
   if self.sizeAverage and self.totalWeight ~= 0 then loss = loss / self.totalWeight end
   self.output = loss
   return self.output
end

function SCNLL:updateGradInput(input, target)
   local x, t, pw = self:_prepare(input, target)
   self:_checkGradType(input)
   local total = pw:sum()
   if self.sizeAverage and total ~= 0 then pw:div(total) end
   self.gradInput:resizeAs(x):zero():scatter(2, t, pw:mul(-1))
   self.gradInput = self.gradInput:viewAs(input)
   return self.gradInput
end

return SCNLL
