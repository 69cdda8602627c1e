-- nn.VolumetricMaxPooling(kT, kW, kH [, dT = kT, dW = kW, dH = kH, padT = 0, padW = 0,
-- padH = 0]): the maximum of each kT x kH x kW window of a C x T x H x W or
-- N x C x T x H x W input, as Torch7. :ceil() rounds the output size up, :floor() back
-- down (the default). indices keeps each maximum's 1-based position inside its volume
-- for backward and nn.VolumetricMaxUnpooling. Kernels: nn_vol_maxpool_* in
-- src/nn/volumetric.c.
local nn = require 'nn'
require 'nn.SpatialMaxPooling'
local K = torch._nn

local Pool, parent = torch.class('nn.VolumetricMaxPooling', 'nn.Module')

Pool._int = nn.SpatialMaxPooling._int
Pool.ceil = nn.SpatialMaxPooling.ceil
Pool.floor = nn.SpatialMaxPooling.floor
Pool.type = nn.SpatialMaxPooling.type
Pool.clearState = nn.SpatialMaxPooling.clearState

-- The window, stride (default: the window) and padding (default 0) fields, checked.
function Pool:_geometry(kT, kW, kH, dT, dW, dH, padT, padW, padH)
   self.kT = self:_int('kT', kT, 1)
   self.kW = self:_int('kW', kW, 1)
   self.kH = self:_int('kH', kH, 1)
   self.dT = self:_int('dT', dT or kT, 1)
   self.dW = self:_int('dW', dW or kW, 1)
   self.dH = self:_int('dH', dH or kH, 1)
   self.padT = self:_int('padT', padT or 0, 0)
   self.padW = self:_int('padW', padW or 0, 0)
   self.padH = self:_int('padH', padH or 0, 0)
   self.ceil_mode = false
end

function Pool:__init(kT, kW, kH, dT, dW, dH, padT, padW, padH)
   parent.__init(self)
   self:_geometry(kT, kW, kH, dT, dW, dH, padT, padW, padH)
   self.indices = torch.LongTensor()
end

function Pool:updateOutput(input)
   K.vol_maxpool_forward(self.output, self.indices, input, self.kT, self.kW, self.kH, self.dT,
                         self.dW, self.dH, self.padT, self.padW, self.padH,
                         self.dilationT or 1, self.dilationW or 1, self.dilationH or 1,
                         self.ceil_mode)
   local d = input:dim()
   self.itime, self.iheight, self.iwidth = input:size(d - 2), input:size(d - 1), input:size(d)
   return self.output
end

function Pool:updateGradInput(input, gradOutput)
   if not self.gradInput then return end
   K.vol_maxpool_backward(self.gradInput, input, gradOutput, self.indices)
   return self.gradInput
end

function Pool:__tostring__()
   local s = string.format('%s(%dx%dx%d, %d,%d,%d', torch.type(self), self.kT, self.kW,
                           self.kH, self.dT, self.dW, self.dH)
   if self.padT ~= 0 or self.padW ~= 0 or self.padH ~= 0 then
      s = s .. string.format(', %d,%d,%d', self.padT, self.padW, self.padH)
   end
   if self.dilationT then
      s = s .. string.format(', %d,%d,%d', self.dilationT, self.dilationW, self.dilationH)
   end
   return s .. ')' .. (self.ceil_mode and ' ceil' or '')
end

return Pool
