-- nn.VolumetricDilatedMaxPooling(kT, kW, kH [, dT = kT, dW = kW, dH = kH, padT = 0,
-- padW = 0, padH = 0, dilationT = 1, dilationW = 1, dilationH = 1]): max pooling whose
-- window taps are dilation voxels apart, as Torch7. Output size along T (floor mode):
-- (T + 2 padT - dilationT (kT - 1) - 1) / dT + 1.
local nn = require 'nn'
require 'nn.VolumetricMaxPooling'

local Dilated, parent = torch.class('nn.VolumetricDilatedMaxPooling', 'nn.VolumetricMaxPooling')

function Dilated:__init(kT, kW, kH, dT, dW, dH, padT, padW, padH, dilationT, dilationW,
                        dilationH)
   parent.__init(self, kT, kW, kH, dT, dW, dH, padT, padW, padH)
   self.dilationT = self:_int('dilationT', dilationT or 1, 1)
   self.dilationW = self:_int('dilationW', dilationW or 1, 1)
   self.dilationH = self:_int('dilationH', dilationH or 1, 1)
end

return Dilated
