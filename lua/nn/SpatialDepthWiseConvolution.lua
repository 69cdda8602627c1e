-- nn.SpatialDepthWiseConvolution(nInputPlane, nOutputPlane, kW, kH [, dW = 1, dH = 1,
-- padW = 0, padH = padW]): each input plane convolved on its own with nOutputPlane
-- kernels, as Torch7: the output has nInputPlane * nOutputPlane planes, plane
-- (c - 1) * nOutputPlane + o being input plane c convolved with kernel weight[o][c].
-- weight is nOutputPlane x (nInputPlane*kH*kW) and bias nOutputPlane x nInputPlane, as in
-- Torch7. Direct loops over each plane (nn_depthwise_* in src/nn/depthwise.c): a depthwise
-- output costs kH*kW multiply-adds, too few for im2col and a GEMM to pay.
local nn = require 'nn'
require 'nn.SpatialConvolution'
local K = torch._nn

local DW, parent = torch.class('nn.SpatialDepthWiseConvolution', 'nn.Module')

DW._posint = nn.SpatialConvolution._posint
DW.noBias = nn.SpatialConvolution.noBias

function DW:__init(nInputPlane, nOutputPlane, kW, kH, dW, dH, padW, padH)
   parent.__init(self)
   self.nInputPlane = self:_posint('nInputPlane', nInputPlane)
   self.nOutputPlane = self:_posint('nOutputPlane', nOutputPlane)
   self.kW = self:_posint('kW', kW)
   self.kH = self:_posint('kH', kH)
   self.dW = self:_posint('dW', dW or 1)
   self.dH = self:_posint('dH', dH or 1)
   self.padW = self:_posint('padW', padW or 0, 0)
   self.padH = self:_posint('padH', padH or self.padW, 0)
   self.weight = torch.Tensor(nOutputPlane, nInputPlane * kH * kW)
   self.bias = torch.Tensor(nOutputPlane, nInputPlane)
   self.gradWeight = torch.Tensor(nOutputPlane, nInputPlane * kH * kW):zero()
   self.gradBias = torch.Tensor(nOutputPlane, nInputPlane):zero()
   self.finput = torch.Tensor()
   self.fgradInput = torch.Tensor()
   self:reset()
end

-- Torch7's initialization: uniform in [-stdv, stdv], stdv = 1/sqrt(kW*kH*nInputPlane).
function DW:reset(stdv)
   stdv = stdv and stdv * math.sqrt(3) or 1 / math.sqrt(self.kW * self.kH * self.nInputPlane)
   self.weight:uniform(-stdv, stdv)
   if self.bias then self.bias:uniform(-stdv, stdv) end
   return self
end

function DW:_geom()
   return self.nInputPlane, self.nOutputPlane, self.kW, self.kH, self.dW, self.dH, self.padW,
          self.padH
end

function DW:updateOutput(input)
   K.depthwise_forward(self.output, input, self.weight, self.bias, self:_geom())
   return self.output
end

function DW:updateGradInput(input, gradOutput)
   if not self.gradInput then return end
   K.depthwise_backward_input(self.gradInput, input, gradOutput, self.weight, self:_geom())
   return self.gradInput
end

function DW:accGradParameters(input, gradOutput, scale)
   K.depthwise_backward_params(self.gradWeight, self.gradBias, input, gradOutput, scale or 1,
                               self:_geom())
end

function DW:clearState()
   return nn.utils.clear(self, 'finput', 'fgradInput', 'output', 'gradInput')
end

-- 'nn.SpatialDepthWiseConvolution(3 -> 2, 3x3, 1,1, 1,1)', as nn.SpatialConvolution's.
DW._dilation = nn.SpatialConvolution._dilation
DW.__tostring__ = nn.SpatialConvolution.__tostring__

return DW
