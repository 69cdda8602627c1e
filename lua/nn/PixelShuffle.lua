-- nn.PixelShuffle(upscaleFactor): sub-pixel convolution's rearrangement (Shi et al. 2016):
-- a C*r^2 x H x W input (or a batch N x C*r^2 x H x W) becomes C x r*H x r*W: output pixel
-- (c, h*r + i, w*r + j) is input pixel (c*r^2 + i*r + j, h, w) (0-based i, j < r).
local nn = require 'nn'
local utils = nn.utils

local PixelShuffle, parent = torch.class('nn.PixelShuffle', 'nn.Module')

function PixelShuffle:__init(upscaleFactor)
   parent.__init(self)
   if math.type(upscaleFactor) ~= 'integer' or upscaleFactor < 1 then
      self:_error('upscaleFactor must be a positive integer, got %s', tostring(upscaleFactor))
   end
   self.upscaleFactor = upscaleFactor
   self.upscaleFactorSquared = upscaleFactor * upscaleFactor
end

-- batch, channels out, height, width of input
function PixelShuffle:_sizes(input)
   utils.checkFloatTensor(self, input)
   if input:dim() ~= 3 and input:dim() ~= 4 then
      self:_error('input of size %s, expected C x H x W or N x C x H x W', utils.sizestr(input))
   end
   local off = input:dim() - 3
   local b = off == 1 and input:size(1) or 1
   local c, h, w = input:size(off + 1), input:size(off + 2), input:size(off + 3)
   if c % self.upscaleFactorSquared ~= 0 then
      self:_error('input of size %s: %d channels is not a multiple of upscaleFactor^2 = %d',
                  utils.sizestr(input), c, self.upscaleFactorSquared)
   end
   return b, c // self.upscaleFactorSquared, h, w
end

function PixelShuffle:updateOutput(input)
   local b, c, h, w = self:_sizes(input)
   local r = self.upscaleFactor
   self._input = self._input or input.new()
   local x = utils.contiguousView(self._input, input, b, c, r, r, h, w)
   self.output:resize(b, c, h, r, w, r):copy(x:permute(1, 2, 5, 3, 6, 4))
   if input:dim() == 4 then
      self.output:resize(b, c, h * r, w * r)
   else
      self.output:resize(c, h * r, w * r)
   end
   return self.output
end

function PixelShuffle:updateGradInput(input, gradOutput)
   local b, c, h, w = self:_sizes(input)
   local r = self.upscaleFactor
   local size = input:dim() == 4 and {b, c, h * r, w * r} or {c, h * r, w * r}
   utils.checkGradOutput(self, gradOutput, size)
   self._gradOutput = self._gradOutput or gradOutput.new()
   local g = utils.contiguousView(self._gradOutput, gradOutput, b, c, h, r, w, r)
   self.gradInput:resize(b, c, r, r, h, w):copy(g:permute(1, 2, 4, 6, 3, 5))
   self.gradInput:resize(input:size())
   return self.gradInput
end

function PixelShuffle:clearState()
   nn.utils.clear(self, '_input', '_gradOutput')
   return parent.clearState(self)
end

function PixelShuffle:__tostring__()
   return string.format('nn.PixelShuffle(%d)', self.upscaleFactor)
end

return PixelShuffle
