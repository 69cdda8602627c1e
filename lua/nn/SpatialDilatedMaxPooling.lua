-- nn.SpatialDilatedMaxPooling(kW, kH [, dW = kW, dH = kH, padW = 0, padH = 0,
-- dilationW = 1, dilationH = 1]): max pooling whose window taps are dilation pixels apart,
-- as Torch7: each window spans dilationH (kH - 1) + 1 rows. :ceil() and :floor() as
-- nn.SpatialMaxPooling, whose kernel (nn_maxpool2d_* in src/nn/pool.c) it runs.
local nn = require 'nn'
require 'nn.SpatialMaxPooling'
local K = torch._nn

local Dilated, parent = torch.class('nn.SpatialDilatedMaxPooling', 'nn.SpatialMaxPooling')

function Dilated:__init(kW, kH, dW, dH, padW, padH, dilationW, dilationH)
   parent.__init(self, kW, kH, dW, dH, padW, padH)
   self.dilationW = self:_int('dilationW', dilationW or 1, 1)
   self.dilationH = self:_int('dilationH', dilationH or 1, 1)
end

function Dilated:updateOutput(input)
   K.maxpool2d_forward(self.output, self.indices, input, self.kW, self.kH, self.dW, self.dH,
                       self.padW, self.padH, self.ceil_mode, self.dilationW, self.dilationH)
   local d = input:dim()
   self.iheight, self.iwidth = input:size(d - 1), input:size(d)
   return self.output
end

function Dilated:__tostring__()
   local s = string.format('%s(%dx%d, %d,%d, %d,%d, %d,%d)', torch.type(self), self.kW,
                           self.kH, self.dW, self.dH, self.padW, self.padH, self.dilationW,
                           self.dilationH)
   return s .. (self.ceil_mode and ' ceil' or '')
end

return Dilated
