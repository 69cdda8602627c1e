-- nn.SpatialReplicationPadding(padLeft [, padRight = padLeft, padTop = padLeft, padBottom =
-- padLeft]): pads each plane of a C x H x W or N x C x H x W input by repeating its border
-- pixels, as Torch7; a negative pad crops instead.
local nn = require 'nn'
require 'nn.SpatialReflectionPadding'

local Replication = torch.class('nn.SpatialReplicationPadding', 'nn.Module')

-- The same module as SpatialReflectionPadding but for the map of outside coordinates;
-- its methods are borrowed rather than inherited, so that, as in Torch7, neither class
-- is a kind of the other.
for _, k in ipairs({'__init', '_map', '_check', 'updateOutput', 'updateGradInput',
                    '__tostring__'}) do
   Replication[k] = nn.SpatialReflectionPadding[k]
end

-- An outside coordinate takes the nearest border pixel.
function Replication._source(x, n)
   return math.min(math.max(x, 0), n - 1)
end

-- Any pad works: the border pixel is always there.
function Replication:_checkPads()
end

return Replication
