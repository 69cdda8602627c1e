-- nn.VolumetricDilatedConvolution(nInputPlane, nOutputPlane, kT, kW, kH [, dT = 1, dW = 1,
-- dH = 1, padT = 0, padW = 0, padH = 0, dilationT = 1, dilationW = 1, dilationH = 1]): a 3D
-- convolution whose kernel taps are dilation voxels apart, as Torch7. Output size along T:
-- (T + 2 padT - dilationT (kT - 1) - 1) / dT + 1.
local nn = require 'nn'
require 'nn.VolumetricConvolution'

local Dilated, parent = torch.class('nn.VolumetricDilatedConvolution', 'nn.VolumetricConvolution')

function Dilated:__init(nInputPlane, nOutputPlane, kT, kW, kH, dT, dW, dH, padT, padW, padH,
                        dilationT, dilationW, dilationH)
   parent.__init(self, nInputPlane, nOutputPlane, kT, kW, kH, dT, dW, dH, padT or 0,
                 padW or 0, padH or 0)
   self.dilationT = self:_posint('dilationT', dilationT or 1)
   self.dilationW = self:_posint('dilationW', dilationW or 1)
   self.dilationH = self:_posint('dilationH', dilationH or 1)
end

return Dilated
