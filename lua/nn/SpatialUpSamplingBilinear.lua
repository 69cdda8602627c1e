-- nn.SpatialUpSamplingBilinear(scale | {oheight = H, owidth = W}): bilinear upsampling of
-- each plane of a C x H x W or N x C x H x W input, as Torch7: with an integer scale the
-- output is (H - 1) * scale + 1 by (W - 1) * scale + 1, and the corner pixels of input and
-- output are aligned: output pixel i (0-based) samples the input at i * (H - 1) / (oH - 1).
-- Written as two matrix products per plane, out = A_h X A_w^T, whose adjoint is backward.
local nn = require 'nn'
local K = torch._nn

local Bilinear, parent = torch.class('nn.SpatialUpSamplingBilinear', 'nn.Module')

function Bilinear:__init(params)
   parent.__init(self)
   if type(params) == 'table' then
      self.oheight, self.owidth = params.oheight, params.owidth
      for _, v in pairs({h = self.oheight or 0, w = self.owidth or 0}) do
         if math.type(v) ~= 'integer' or v < 1 then
            self:_error('oheight and owidth must be positive integers, got %s and %s',
                        tostring(self.oheight), tostring(self.owidth))
         end
      end
   else
      if math.type(params) ~= 'integer' or params < 1 then
         self:_error('scale_factor must be an integer >= 1, got %s', tostring(params))
      end
      self.scale_factor = params
   end
end

function Bilinear:_outsize(h, w)
   if self.scale_factor then
      return (h - 1) * self.scale_factor + 1, (w - 1) * self.scale_factor + 1
   end
   return self.oheight, self.owidth
end

-- The m x n matrix taking n input samples to m aligned-corner output samples: output i
-- sits at r = i (n - 1) / (m - 1) and mixes inputs floor(r) and floor(r) + 1.
local function interp(proto, m, n)
   local A = proto.new():resize(m, n):zero()
   local scale = m > 1 and (n - 1) / (m - 1) or 0
   for i = 0, m - 1 do
      local r = scale * i
      local j = math.floor(r)
      local frac = r - j
      local jn = j < n - 1 and j + 1 or j
      A[i + 1][j + 1] = A[i + 1][j + 1] + (1 - frac)
      A[i + 1][jn + 1] = A[i + 1][jn + 1] + frac
   end
   return A
end

-- The input as P x H x W planes, checked (and gradOutput against the output, when given);
-- the interpolation matrices for its sizes.
function Bilinear:_prepare(input, gradOutput)
   K.image_check(input, 0, self.output, gradOutput)
   local d = input:dim()
   local h, w = input:size(d - 1), input:size(d)
   local oh, ow = self:_outsize(h, w)
   local x = input:contiguous():view(-1, h, w)
   if not (self._Ah and self._Ah:size(1) == oh and self._Ah:size(2) == h
           and self._Aw:size(1) == ow and self._Aw:size(2) == w
           and self._Ah:type() == input:type()) then
      self._Ah, self._Aw = interp(input, oh, h), interp(input, ow, w)
   end
   local size = input:size()
   size[d - 1], size[d] = oh, ow
   return x, x:size(1), h, w, oh, ow, size
end

function Bilinear:updateOutput(input)
   local x, p, h, w, oh, ow, size = self:_prepare(input)
   local y = x.new():resize(p * h, ow):mm(x:view(p * h, w), self._Aw:t())
   local yt = y:view(p, h, ow):transpose(2, 3):contiguous():view(p * ow, h)
   local z = x.new():resize(p * ow, oh):mm(yt, self._Ah:t())
   self.output:resize(size):copy(z:view(p, ow, oh):transpose(2, 3))
   return self.output
end

function Bilinear:updateGradInput(input, gradOutput)
   local x, p, h, w, oh, ow = self:_prepare(input, gradOutput)
   local g = gradOutput:contiguous():view(p * oh, ow)
   local gw = x.new():resize(p * oh, w):mm(g, self._Aw)
   local gt = gw:view(p, oh, w):transpose(2, 3):contiguous():view(p * w, oh)
   local gh = x.new():resize(p * w, h):mm(gt, self._Ah)
   self.gradInput:resizeAs(input):copy(gh:view(p, w, h):transpose(2, 3))
   return self.gradInput
end

function Bilinear:type(tname, tensorCache)
   if tname then self._Ah, self._Aw = nil, nil end
   return parent.type(self, tname, tensorCache)
end

function Bilinear:clearState()
   self._Ah, self._Aw = nil, nil
   return parent.clearState(self)
end

function Bilinear:__tostring__()
   if self.scale_factor then
      return string.format('%s(%d)', torch.type(self), self.scale_factor)
   end
   return string.format('%s(%d, %d)', torch.type(self), self.oheight, self.owidth)
end

return Bilinear
