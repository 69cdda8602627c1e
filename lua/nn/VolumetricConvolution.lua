-- nn.VolumetricConvolution(nInputPlane, nOutputPlane, kT, kW, kH [, dT = 1, dW = 1, dH = 1,
-- padT = 0, padW = padT, padH = padW]): 3D convolution of a C x T x H x W volume or an
-- N x C x T x H x W batch, as Torch7. weight is nOutputPlane x nInputPlane x kT x kH x kW.
-- The work is nn_vol_conv_* in src/nn/volumetric.c (vol2col then one GEMM per sample),
-- which check the input, gradOutput and geometry and name this module in their errors.
-- finput keeps the columns buffer between calls.
local nn = require 'nn'
require 'nn.SpatialConvolution'
local K = torch._nn

local Conv, parent = torch.class('nn.VolumetricConvolution', 'nn.Module')

-- v, an integer >= min (default 1), or an error naming the argument.
function Conv:_posint(what, v, min)
   if math.type(v) ~= 'integer' or v < (min or 1) then
      self:_error('%s must be an integer >= %d, got %s', what, min or 1, tostring(v))
   end
   return v
end

-- The planes, kernel, stride (default 1) and padding fields, checked; the paddings are
-- given (their defaults differ between the convolution and its transpose).
function Conv:_geometry(nInputPlane, nOutputPlane, kT, kW, kH, dT, dW, dH, padT, padW, padH)
   self.nInputPlane = self:_posint('nInputPlane', nInputPlane)
   self.nOutputPlane = self:_posint('nOutputPlane', nOutputPlane)
   self.kT, self.kW, self.kH = self:_posint('kT', kT), self:_posint('kW', kW), self:_posint('kH', kH)
   self.dT = self:_posint('dT', dT or 1)
   self.dW = self:_posint('dW', dW or 1)
   self.dH = self:_posint('dH', dH or 1)
   self.padT = self:_posint('padT', padT, 0)
   self.padW = self:_posint('padW', padW, 0)
   self.padH = self:_posint('padH', padH, 0)
end

function Conv:__init(nInputPlane, nOutputPlane, kT, kW, kH, dT, dW, dH, padT, padW, padH)
   parent.__init(self)
   padT = padT or 0
   padW = padW or padT
   self:_geometry(nInputPlane, nOutputPlane, kT, kW, kH, dT, dW, dH, padT, padW, padH or padW)
   self.weight = torch.Tensor(nOutputPlane, nInputPlane, kT, kH, kW)
   self.bias = torch.Tensor(nOutputPlane)
   self.gradWeight = torch.Tensor(nOutputPlane, nInputPlane, kT, kH, kW):zero()
   self.gradBias = torch.Tensor(nOutputPlane):zero()
   self.finput = torch.Tensor()
   self.fgradInput = torch.Tensor()
   self:reset()
end

Conv.noBias = nn.SpatialConvolution.noBias

-- Torch7's initialization: uniform in [-stdv, stdv], stdv = 1/sqrt(kT*kW*kH*nInputPlane)
-- unless given (then stdv * sqrt(3)), as nn.SpatialConvolution's with the time factor.
function Conv:reset(stdv)
   stdv = stdv or 1 / math.sqrt(3 * self.kT * self.kW * self.kH * self.nInputPlane)
   return nn.SpatialConvolution.reset(self, stdv)
end

-- kT, kW, kH, dT, dW, dH, padT, padW, padH, dilationT, dilationW, dilationH (the
-- dilations are 1 unless VolumetricDilatedConvolution sets them).
function Conv:_geom()
   return self.kT, self.kW, self.kH, self.dT, self.dW, self.dH, self.padT, self.padW,
          self.padH, self.dilationT or 1, self.dilationW or 1, self.dilationH or 1
end

function Conv:updateOutput(input)
   K.vol_conv_forward(self.output, self.finput, input, self.weight, self.bias, self:_geom())
   return self.output
end

function Conv:updateGradInput(input, gradOutput)
   if not self.gradInput then return end
   K.vol_conv_backward_input(self.gradInput, self.fgradInput, input, gradOutput, self.weight,
                             self:_geom())
   return self.gradInput
end

function Conv:accGradParameters(input, gradOutput, scale)
   K.vol_conv_backward_params(self.gradWeight, self.gradBias, self.finput, input, gradOutput,
                              scale or 1, self:_geom())
end

function Conv:clearState()
   return nn.utils.clear(self, 'finput', 'fgradInput', 'output', 'gradInput')
end

function Conv:__tostring__()
   local s = string.format('%s(%d -> %d, %dx%dx%d', torch.type(self), self.nInputPlane,
                           self.nOutputPlane, self.kT, self.kW, self.kH)
   if self.dT ~= 1 or self.dW ~= 1 or self.dH ~= 1 or self.padT ~= 0 or self.padW ~= 0
      or self.padH ~= 0 then
      s = s .. string.format(', %d,%d,%d', self.dT, self.dW, self.dH)
   end
   if self.padT ~= 0 or self.padW ~= 0 or self.padH ~= 0 then
      s = s .. string.format(', %d,%d,%d', self.padT, self.padW, self.padH)
   end
   if self.dilationT then
      s = s .. string.format(', %d,%d,%d', self.dilationT, self.dilationW, self.dilationH)
   end
   return s .. ')' .. (self.bias == nil and ' without bias' or '')
end

return Conv
