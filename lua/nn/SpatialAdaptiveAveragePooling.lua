-- nn.SpatialAdaptiveAveragePooling(W, H): average pooling to a fixed H x W output (width
-- first, as Torch7), with the bins of SpatialAdaptiveMaxPooling.
local nn = require 'nn'
require 'nn.SpatialAdaptiveMaxPooling'

local Ada = torch.class('nn.SpatialAdaptiveAveragePooling', 'nn.SpatialAdaptiveMaxPooling')

function Ada:__init(W, H)
   nn.SpatialAdaptiveMaxPooling.__init(self, W, H)
   self.indices = nil -- no indices: the kernels average
end

return Ada
