-- nn.VolumetricFullConvolution(nInputPlane, nOutputPlane, kT, kW, kH [, dT = 1, dW = 1,
-- dH = 1, padT = 0, padW = 0, padH = 0, adjT = 0, adjW = 0, adjH = 0]): the transpose of
-- a 3D convolution (a "deconvolution"), as Torch7. weight is nInputPlane x nOutputPlane x
-- kT x kH x kW; output size along T: (T - 1) dT - 2 padT + kT + adjT, with 0 <= adjT < dT.
-- forward({input, target}) takes the adjustments that give the target's T x H x W, as Torch7.
-- Kernels: nn_vol_fullconv_* in src/nn/volumetric.c.
local nn = require 'nn'
require 'nn.VolumetricConvolution'
require 'nn.SpatialFullConvolution'
local K = torch._nn

local Full, parent = torch.class('nn.VolumetricFullConvolution', 'nn.Module')

Full._posint = nn.VolumetricConvolution._posint
Full._geometry = nn.VolumetricConvolution._geometry

function Full:__init(nInputPlane, nOutputPlane, kT, kW, kH, dT, dW, dH, padT, padW, padH,
                     adjT, adjW, adjH)
   parent.__init(self)
   self:_geometry(nInputPlane, nOutputPlane, kT, kW, kH, dT, dW, dH, padT or 0, padW or 0,
                  padH or 0)
   self.adjT = self:_posint('adjT', adjT or 0, 0)
   self.adjW = self:_posint('adjW', adjW or 0, 0)
   self.adjH = self:_posint('adjH', adjH or 0, 0)
   if self.adjT >= self.dT or self.adjW >= self.dW or self.adjH >= self.dH then
      self:_error('adjT, adjW and adjH (%d, %d, %d) must be smaller than dT, dW and dH '
                  .. '(%d, %d, %d)', self.adjT, self.adjW, self.adjH, self.dT, self.dW, self.dH)
   end
   self.weight = torch.Tensor(nInputPlane, nOutputPlane, kT, kH, kW)
   self.gradWeight = torch.Tensor(nInputPlane, nOutputPlane, kT, kH, kW):zero()
   self.bias = torch.Tensor(nOutputPlane)
   self.gradBias = torch.Tensor(nOutputPlane):zero()
   self.finput = torch.Tensor()
   self.fgradInput = torch.Tensor()
   self:reset()
end

Full.noBias = nn.VolumetricConvolution.noBias
Full.reset = nn.VolumetricConvolution.reset
Full.clearState = nn.VolumetricConvolution.clearState

function Full:_geom(adjT, adjW, adjH)
   return self.kT, self.kW, self.kH, self.dT, self.dW, self.dH, self.padT, self.padW,
          self.padH, adjT or self.adjT, adjW or self.adjW, adjH or self.adjH
end

-- The input tensor and the adjustments: Torch7's {input, target} form takes them from
-- the target's last three sizes (T x H x W), (target + 2 pad - k) mod d, so that the
-- output has them.
function Full:_split(input)
   if type(input) ~= 'table' or torch.isTensor(input) then return input end
   local x, t = input[1], input[2]
   if not torch.isTensor(x) or not torch.isTensor(t) or t:dim() < 3 then
      self:_error('expected an input tensor or {input, target of the output size}, got %s',
                  torch.type(input))
   end
   local d = t:dim()
   local tT, tH, tW = t:size(d - 2), t:size(d - 1), t:size(d)
   return x, (tT + 2 * self.padT - self.kT) % self.dT, (tW + 2 * self.padW - self.kW) % self.dW,
          (tH + 2 * self.padH - self.kH) % self.dH, t
end

function Full:updateOutput(input)
   local x, adjT, adjW, adjH = self:_split(input)
   K.vol_fullconv_forward(self.output, self.finput, x, self.weight, self.bias,
                          self:_geom(adjT, adjW, adjH))
   return self.output
end

-- With {input, target}, gradInput is {the input's gradient, zeros of target's size}.
Full._targetGradInput = nn.SpatialFullConvolution._targetGradInput

function Full:updateGradInput(input, gradOutput)
   if not self.gradInput then return end
   local x, adjT, adjW, adjH, t = self:_split(input)
   if torch.isTensor(self.gradInput) then self._gradIn = self.gradInput end
   self._gradIn = self._gradIn or x.new()
   K.vol_fullconv_backward_input(self._gradIn, self.fgradInput, x, gradOutput, self.weight,
                                 self:_geom(adjT, adjW, adjH))
   self.gradInput = self:_targetGradInput(t)
   return self.gradInput
end

function Full:accGradParameters(input, gradOutput, scale)
   local x, adjT, adjW, adjH = self:_split(input)
   K.vol_fullconv_backward_params(self.gradWeight, self.gradBias, self.finput, x,
                                  gradOutput, scale or 1, self:_geom(adjT, adjW, adjH))
end

function Full:__tostring__()
   local s = string.format('%s(%d -> %d, %dx%dx%d', torch.type(self), self.nInputPlane,
                           self.nOutputPlane, self.kT, self.kW, self.kH)
   s = s .. string.format(', %d,%d,%d, %d,%d,%d', self.dT, self.dW, self.dH, self.padT,
                          self.padW, self.padH)
   if self.adjT ~= 0 or self.adjW ~= 0 or self.adjH ~= 0 then
      s = s .. string.format(', %d,%d,%d', self.adjT, self.adjW, self.adjH)
   end
   return s .. ')' .. (self.bias == nil and ' without bias' or '')
end

return Full
