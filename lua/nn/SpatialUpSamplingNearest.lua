-- nn.SpatialUpSamplingNearest(scale): enlarges each plane of a C x H x W or N x C x H x W
-- input by an integer factor, each pixel repeated in a scale x scale block (nearest
-- neighbour). The gradient of a pixel is the sum over its block.
local nn = require 'nn'
local K = torch._nn

local UpSampling, parent = torch.class('nn.SpatialUpSamplingNearest', 'nn.Module')

function UpSampling:__init(scale)
   parent.__init(self)
   if type(scale) ~= 'number' or scale < 1 or math.floor(scale) ~= scale then
      self:_error('scale_factor must be an integer >= 1, got %s', tostring(scale))
   end
   self.scale_factor = math.tointeger(scale)
end

-- Source index of each output position along a dimension of size n: ceil(i / scale).
local function sources(n, scale)
   local idx = torch.LongTensor(n * scale)
   for i = 1, n * scale do idx[i] = (i - 1) // scale + 1 end
   return idx
end

-- The input checked (and gradOutput against the output, when given); its dimension count
-- and the source rows and columns of the output.
function UpSampling:_check(input, gradOutput)
   K.image_check(input, 0, self.output, gradOutput)
   local d = input:dim()
   return d, sources(input:size(d - 1), self.scale_factor), sources(input:size(d), self.scale_factor)
end

function UpSampling:updateOutput(input)
   local _, rows, cols = self:_check(input)
   return nn.utils.indexPlanes(self, input, rows, cols)
end

-- Each output pixel's gradient goes back to the input pixel it was copied from.
function UpSampling:updateGradInput(input, gradOutput)
   local _, rows, cols = self:_check(input, gradOutput)
   return nn.utils.indexPlanesBackward(self, input, gradOutput, rows, cols)
end

return UpSampling
