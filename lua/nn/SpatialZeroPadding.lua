-- nn.SpatialZeroPadding(padLeft [, padRight = padLeft, padTop = padLeft, padBottom =
-- padLeft]): adds zeros around each plane of a C x H x W or N x C x H x W input, as
-- Torch7; a negative pad crops instead.
local nn = require 'nn'
local K = torch._nn

local ZP, parent = torch.class('nn.SpatialZeroPadding', 'nn.Module')

function ZP:__init(pad_l, pad_r, pad_t, pad_b)
   parent.__init(self)
   self.pad_l = pad_l
   self.pad_r = pad_r or pad_l
   self.pad_t = pad_t or pad_l
   self.pad_b = pad_b or pad_l
   for _, v in ipairs({self.pad_l, self.pad_r, self.pad_t, self.pad_b}) do
      if math.type(v) ~= 'integer' then self:_error('pads must be integers, got %s', tostring(v)) end
   end
end

-- The part of the (padded) output that the input fills, and the part of the input kept,
-- as narrow arguments on dimensions h and w; checks input (and gradOutput against the
-- output, when given).
function ZP:_regions(input, gradOutput)
   K.image_check(input, 0, self.output, gradOutput)
   local dim = input:dim()
   local h, w = input:size(dim - 1), input:size(dim)
   local oh, ow = h + self.pad_t + self.pad_b, w + self.pad_l + self.pad_r
   if oh < 1 or ow < 1 then
      self:_error('input of size %s is cropped to nothing (output %dx%d)',
                  nn.utils.sizestr(input), oh, ow)
   end
   local it, il = math.max(-self.pad_t, 0), math.max(-self.pad_l, 0)
   local ot, ol = math.max(self.pad_t, 0), math.max(self.pad_l, 0)
   local kh = h - it - math.max(-self.pad_b, 0)
   local kw = w - il - math.max(-self.pad_r, 0)
   return dim, oh, ow, {it, il, ot, ol, kh, kw}
end

local function part(t, dim, top, left, h, w)
   return t:narrow(dim - 1, top + 1, h):narrow(dim, left + 1, w)
end

function ZP:updateOutput(input)
   local dim, oh, ow, r = self:_regions(input)
   local size = input:size()
   size[dim - 1], size[dim] = oh, ow
   self.output:resize(size):zero()
   if r[5] > 0 and r[6] > 0 then
      part(self.output, dim, r[3], r[4], r[5], r[6]):copy(part(input, dim, r[1], r[2], r[5], r[6]))
   end
   return self.output
end

function ZP:updateGradInput(input, gradOutput)
   local dim, _, _, r = self:_regions(input, gradOutput)
   self.gradInput:resizeAs(input):zero()
   if r[5] > 0 and r[6] > 0 then
      part(self.gradInput, dim, r[1], r[2], r[5], r[6]):copy(part(gradOutput, dim, r[3], r[4], r[5], r[6]))
   end
   return self.gradInput
end

function ZP:__tostring__()
   return string.format('%s(l=%d, r=%d, t=%d, b=%d)', torch.type(self), self.pad_l, self.pad_r,
                        self.pad_t, self.pad_b)
end

return ZP
