-- nn.SpatialConvolutionLocal(nInputPlane, nOutputPlane, iW, iH, kW, kH [, dW = 1, dH = 1,
-- padW = 0, padH = padW]): a locally connected layer, as Torch7: like
-- nn.SpatialConvolution but with a kernel of its own at each of the oH x oW output
-- positions, so the input size iH x iW is fixed. weight is
-- oH x oW x nOutputPlane x nInputPlane x kH x kW, bias nOutputPlane x oH x oW, both uniform
-- in +-1/sqrt(kW*kH*nInputPlane). Kernels: nn_convlocal_* in src/nn/conv.c (im2col, then
-- one small product per position).
local nn = require 'nn'
require 'nn.SpatialConvolution'
local K = torch._nn

local Local, parent = torch.class('nn.SpatialConvolutionLocal', 'nn.Module')

Local._posint = nn.SpatialConvolution._posint
Local.reset = nn.SpatialConvolution.reset
Local.noBias = nn.SpatialConvolution.noBias

function Local:__init(nInputPlane, nOutputPlane, iW, iH, kW, kH, dW, dH, padW, padH)
   parent.__init(self)
   self.nInputPlane = self:_posint('nInputPlane', nInputPlane)
   self.nOutputPlane = self:_posint('nOutputPlane', nOutputPlane)
   self.iW, self.iH = self:_posint('iW', iW), self:_posint('iH', iH)
   self.kW, self.kH = self:_posint('kW', kW), self:_posint('kH', kH)
   self.dW, self.dH = self:_posint('dW', dW or 1), self:_posint('dH', dH or 1)
   self.padW = self:_posint('padW', padW or 0, 0)
   self.padH = self:_posint('padH', padH or self.padW, 0)
   self.oW = (2 * self.padW + iW - kW) // self.dW + 1
   self.oH = (2 * self.padH + iH - kH) // self.dH + 1
   if self.oW < 1 or self.oH < 1 then
      self:_error('input %dx%d is smaller than the kernel %dx%d (padding %d,%d)', iH, iW, kH,
                  kW, self.padH, self.padW)
   end
   self.weight = torch.Tensor(self.oH, self.oW, nOutputPlane, nInputPlane, kH, kW)
   self.bias = torch.Tensor(nOutputPlane, self.oH, self.oW)
   self.gradWeight = torch.Tensor():resizeAs(self.weight):zero()
   self.gradBias = torch.Tensor():resizeAs(self.bias):zero()
   self.finput = torch.Tensor()
   self.fgradInput = torch.Tensor()
   self:reset()
end

-- The input must be iH x iW (the kernels check the planes and the rest).
function Local:_check(input)
   if torch.isTensor(input) and input:dim() >= 2 and
      (input:size(input:dim() - 1) ~= self.iH or input:size(input:dim()) ~= self.iW) then
      self:_error('input of size %s, expected %d x %d x %d (or a batch of them)',
                  nn.utils.sizestr(input), self.nInputPlane, self.iH, self.iW)
   end
end

function Local:_geom()
   return self.kW, self.kH, self.dW, self.dH, self.padW, self.padH
end

function Local:updateOutput(input)
   self:_check(input)
   K.convlocal_forward(self.output, self.finput, input, self.weight, self.bias, self:_geom())
   return self.output
end

function Local:updateGradInput(input, gradOutput)
   if not self.gradInput then return end
   self:_check(input)
   K.convlocal_backward_input(self.gradInput, self.fgradInput, input, gradOutput, self.weight,
                              self:_geom())
   return self.gradInput
end

function Local:accGradParameters(input, gradOutput, scale)
   self:_check(input)
   K.convlocal_backward_params(self.gradWeight, self.gradBias, self.finput, input, gradOutput,
                               scale or 1, self:_geom())
end

Local.clearState = nn.SpatialConvolution.clearState

function Local:__tostring__()
   return string.format('%s(%d -> %d, %dx%d, %dx%d, %d,%d, %d,%d)', torch.type(self),
                        self.nInputPlane, self.nOutputPlane, self.iW, self.iH, self.kW,
                        self.kH, self.dW, self.dH, self.padW, self.padH)
end

return Local
