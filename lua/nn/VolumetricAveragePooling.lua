-- nn.VolumetricAveragePooling(kT, kW, kH [, dT = kT, dW = kW, dH = kH, padT = 0, padW = 0,
-- padH = 0]): the mean of each kT x kH x kW window of a C x T x H x W or N x C x T x H x W
-- input, as Torch7. :ceil() / :floor() choose the rounding of the output size;
-- count_include_pad (true, Torch7's default) counts the padding in the divisor.
-- Kernels: nn_vol_avgpool_* in src/nn/volumetric.c.
local nn = require 'nn'
require 'nn.VolumetricMaxPooling'
require 'nn.SpatialAveragePooling'
local K = torch._nn

local Avg, parent = torch.class('nn.VolumetricAveragePooling', 'nn.Module')

Avg._int = nn.SpatialMaxPooling._int
Avg.ceil = nn.SpatialMaxPooling.ceil
Avg.floor = nn.SpatialMaxPooling.floor

Avg._geometry = nn.VolumetricMaxPooling._geometry

function Avg:__init(kT, kW, kH, dT, dW, dH, padT, padW, padH)
   parent.__init(self)
   self:_geometry(kT, kW, kH, dT, dW, dH, padT, padW, padH)
   self.count_include_pad = true
end

Avg.setCountIncludePad = nn.SpatialAveragePooling.setCountIncludePad
Avg.setCountExcludePad = nn.SpatialAveragePooling.setCountExcludePad

function Avg:_geom()
   return self.kT, self.kW, self.kH, self.dT, self.dW, self.dH, self.padT, self.padW,
          self.padH, self.ceil_mode, self.count_include_pad ~= false
end

function Avg:updateOutput(input)
   K.vol_avgpool_forward(self.output, input, self:_geom())
   return self.output
end

function Avg:updateGradInput(input, gradOutput)
   if not self.gradInput then return end
   K.vol_avgpool_backward(self.gradInput, input, gradOutput, self:_geom())
   return self.gradInput
end

Avg.__tostring__ = nn.VolumetricMaxPooling.__tostring__

return Avg
