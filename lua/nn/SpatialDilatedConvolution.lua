-- nn.SpatialDilatedConvolution(nInputPlane, nOutputPlane, kW, kH [, dW = 1, dH = 1,
-- padW = 0, padH = 0, dilationW = 1, dilationH = 1]): a convolution whose kernel taps are
-- dilation pixels apart, as Torch7. Output size: (H + 2 padH - dilationH (kH - 1) - 1) / dH + 1.
local nn = require 'nn'
require 'nn.SpatialConvolution'

local Dilated, parent = torch.class('nn.SpatialDilatedConvolution', 'nn.SpatialConvolution')

function Dilated:__init(nInputPlane, nOutputPlane, kW, kH, dW, dH, padW, padH, dilationW, dilationH)
   parent.__init(self, nInputPlane, nOutputPlane, kW, kH, dW, dH, padW, padH or padW or 0)
   self.dilationW = self:_posint('dilationW', dilationW or 1)
   self.dilationH = self:_posint('dilationH', dilationH or 1)
end

return Dilated
