-- nn.VolumetricFractionalMaxPooling(poolSizeT, poolSizeW, poolSizeH, outT, outW, outH) or
-- (poolSizeT, poolSizeW, poolSizeH, ratioT, ratioW, ratioH): fractional max pooling of
-- C x T x H x W volumes (or batches), as Torch7; randomSamples is N x C x 3 (T, W, H, as
-- Torch7's; its kernel reads a volume as H x W x T, here it is T x H x W as in every
-- Volumetric module).
-- Everything else as nn.SpatialFractionalMaxPooling, whose methods it shares.
local nn = require 'nn'
require 'nn.SpatialFractionalMaxPooling'

local Frac = torch.class('nn.VolumetricFractionalMaxPooling', 'nn.Module')

for _, k in ipairs({'_setup', 'fixPoolingRegions', '_sizes', '_samples', 'updateOutput',
                    'updateGradInput', 'type', 'clearState', '__tostring__'}) do
   Frac[k] = nn.SpatialFractionalMaxPooling[k]
end

Frac._dims = {'W', 'H', 'T'}

function Frac:__init(poolSizeT, poolSizeW, poolSizeH, arg1, arg2, arg3)
   nn.Module.__init(self)
   self:_setup({poolSizeW, poolSizeH, poolSizeT}, {arg2, arg3, arg1})
end

return Frac
