-- nn.SpatialCrossMapLRN(size [, alpha = 1e-4, beta = 0.75, k = 1]): local response
-- normalization across channels, as Torch7 (AlexNet's):
--   y_c = x_c / (k + alpha / size * sum_{c' in window(c)} x_c'^2)^beta,
-- the window being channels c - floor((size - 1) / 2) .. c + size - 1 - floor((size - 1) / 2)
-- cut at the edges (centred for an odd size). Input: C x H x W or N x C x H x W.
-- The window sums are a product by a 0/1 band matrix over the channels.
local nn = require 'nn'
local K = torch._nn

local LRN, parent = torch.class('nn.SpatialCrossMapLRN', 'nn.Module')

function LRN:__init(size, alpha, beta, k)
   parent.__init(self)
   if math.type(size) ~= 'integer' or size < 1 then
      self:_error('size must be a positive integer, got %s', tostring(size))
   end
   self.size = size
   self.alpha = alpha or 0.0001
   self.beta = beta or 0.75
   self.k = k or 1
end

-- band[c][c'] = 1 when channel c' is in the window of channel c.
local function band(proto, C, size)
   local M = proto.new():resize(C, C):zero()
   local pre = (size - 1) // 2
   for c = 1, C do
      for j = math.max(1, c - pre), math.min(C, c - pre + size - 1) do M[c][j] = 1 end
   end
   return M
end

-- The input as C x (N * H * W) columns (channels first), checked.
function LRN:_columns(t, input)
   local d = input:dim()
   local C = input:size(d - 2)
   local x4 = t:contiguous():view(-1, C, input:size(d - 1) * input:size(d))
   return x4:transpose(1, 2):contiguous():view(C, -1), x4:size(1), C
end

-- Back from C x (N * HW) columns to the input's shape.
local function uncolumns(out, cols, input, n, C)
   out:resizeAs(input):copy(cols:view(C, n, -1):transpose(1, 2))
   return out
end


-- Keeps the scale k + alpha/size * window sum (columns) for the backward pass.
function LRN:updateOutput(input)
   K.image_check(input, 0, self.output)
   local x, n, C = self:_columns(input, input)
   self._band = band(x, C, self.size)
   self.scale = x.new():resizeAs(x):mm(self._band, x:clone():cmul(x))
   self.scale:mul(self.alpha / self.size):add(self.k)
   local y = self.scale:clone():pow(-self.beta):cmul(x)
   return uncolumns(self.output, y, input, n, C)
end

-- dL/dx_c = g_c s_c^-beta - 2 alpha beta / size * x_c * sum_{c' : c in window(c')}
-- g_c' y_c' / s_c'.
function LRN:updateGradInput(input, gradOutput)
   K.image_check(input, 0, self.output, gradOutput)
   if not self.scale or self.scale:nElement() ~= input:nElement() then self:updateOutput(input) end
   local x, n, C = self:_columns(input, input)
   local g = self:_columns(gradOutput, input)
   local y = self:_columns(self.output, input)
   local r = g:clone():cmul(y):cdiv(self.scale)
   local back = x.new():resizeAs(x):mm(self._band:t(), r)
   local gi = self.scale:clone():pow(-self.beta):cmul(g)
   gi:addcmul(-2 * self.alpha * self.beta / self.size, x, back)
   return uncolumns(self.gradInput, gi, input, n, C)
end

function LRN:type(tname, tensorCache)
   if tname then self.scale, self._band = nil, nil end
   return parent.type(self, tname, tensorCache)
end

function LRN:clearState()
   self.scale, self._band = nil, nil
   return parent.clearState(self)
end

return LRN
