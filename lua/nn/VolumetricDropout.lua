-- nn.VolumetricDropout([p = 0.5]): in training, zeroes whole planes (feature volumes) of a
-- C x T x H x W or N x C x T x H x W input with probability p, as Torch7. As in Torch7
-- (and nn.SpatialDropout), the kept planes are not rescaled in training; evaluate()
-- multiplies by 1 - p.
local nn = require 'nn'
require 'nn.SpatialDropout'

local VD, parent = torch.class('nn.VolumetricDropout', 'nn.SpatialDropout')

VD._planes = {'T', 'H', 'W'} -- SpatialDropout's updateOutput, over T x H x W planes

return VD
