-- nn.SpatialReflectionPadding(padLeft [, padRight = padLeft, padTop = padLeft, padBottom =
-- padLeft]): pads each plane of a C x H x W or N x C x H x W input with the mirror image of
-- its border (the border itself not repeated), as Torch7; a negative pad crops instead.
-- Each pad must be smaller than the input along its dimension.
local nn = require 'nn'
local K = torch._nn

local Reflection, parent = torch.class('nn.SpatialReflectionPadding', 'nn.Module')

-- Padding modules differ only in how an outside coordinate maps to the input: the
-- constructor, the index maps and the forward/backward passes are shared.
function Reflection:__init(pad_l, pad_r, pad_t, pad_b)
   parent.__init(self)
   self.pad_l = pad_l
   self.pad_r = pad_r or pad_l
   self.pad_t = pad_t or pad_l
   self.pad_b = pad_b or pad_l
   for _, v in ipairs({self.pad_l, self.pad_r, self.pad_t, self.pad_b}) do
      if math.type(v) ~= 'integer' then self:_error('pads must be integers, got %s', tostring(v)) end
   end
end

-- 0-based coordinate x in [-p, n - 1 + p] to a 0-based input coordinate: the mirror image.
function Reflection._source(x, n)
   if x < 0 then return -x end
   if x > n - 1 then return 2 * (n - 1) - x end
   return x
end

-- Source (1-based) of every output position along a dimension of size n padded by a, b.
function Reflection:_map(n, a, b, what)
   local m = n + a + b
   if m < 1 then self:_error('%s of size %d is cropped to nothing by pads %d and %d', what, n, a, b) end
   local idx = torch.LongTensor(m)
   for j = 0, m - 1 do idx[j + 1] = self._source(j - a, n) + 1 end
   return idx
end

-- The input checked (and gradOutput against the output, when given); its dimension count
-- and the source rows and columns of the output.
function Reflection:_check(input, gradOutput)
   K.image_check(input, 0, self.output, gradOutput)
   local d = input:dim()
   self:_checkPads(input:size(d - 1), input:size(d), input)
   return d, self:_map(input:size(d - 1), self.pad_t, self.pad_b, 'height'),
      self:_map(input:size(d), self.pad_l, self.pad_r, 'width')
end

-- A mirror of width p needs p pixels beyond the border one.
function Reflection:_checkPads(h, w, input)
   if self.pad_l >= w or self.pad_r >= w or self.pad_t >= h or self.pad_b >= h then
      self:_error('pads (l=%d, r=%d, t=%d, b=%d) must be smaller than the input planes, '
                  .. 'input of size %s', self.pad_l, self.pad_r, self.pad_t, self.pad_b,
                  nn.utils.sizestr(input))
   end
end

function Reflection:updateOutput(input)
   local _, rows, cols = self:_check(input)
   return nn.utils.indexPlanes(self, input, rows, cols)
end

-- Each output pixel's gradient goes back to the input pixel it was copied from.
function Reflection:updateGradInput(input, gradOutput)
   local _, rows, cols = self:_check(input, gradOutput)
   return nn.utils.indexPlanesBackward(self, input, gradOutput, rows, cols)
end

function Reflection:__tostring__()
   return torch.type(self) .. string.format('(l=%d,r=%d,t=%d,b=%d)', self.pad_l, self.pad_r,
                                            self.pad_t, self.pad_b)
end

return Reflection
