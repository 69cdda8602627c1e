-- nn.SpatialFullConvolution(nInputPlane, nOutputPlane, kW, kH [, dW = 1, dH = 1, padW = 0,
-- padH = 0, adjW = 0, adjH = 0]): the transpose of SpatialConvolution (often called a
-- deconvolution), as Torch7: output size (H - 1) dH - 2 padH + kH + adjH. weight is
-- nInputPlane x nOutputPlane x kH x kW. Kernels: nn_fullconv2d_* in src/nn/conv.c (a GEMM
-- then col2im; backward is im2col then a GEMM).
local nn = require 'nn'
require 'nn.SpatialConvolution'
local K = torch._nn

local Full, parent = torch.class('nn.SpatialFullConvolution', 'nn.SpatialConvolution')

function Full:__init(nInputPlane, nOutputPlane, kW, kH, dW, dH, padW, padH, adjW, adjH)
   parent.__init(self, nInputPlane, nOutputPlane, kW, kH, dW, dH, padW, padH or padW or 0)
   self.adjW = adjW or 0
   self.adjH = adjH or 0
   if math.type(self.adjW) ~= 'integer' or math.type(self.adjH) ~= 'integer'
      or self.adjW < 0 or self.adjH < 0 or self.adjW > self.dW - 1 or self.adjH > self.dH - 1 then
      error(string.format('nn.SpatialFullConvolution: adjW and adjH (%s, %s) must be '
                          .. 'integers in [0, dW - 1] and [0, dH - 1]', tostring(self.adjW),
                          tostring(self.adjH)), 2)
   end
   self.weight = torch.Tensor(nInputPlane, nOutputPlane, kH, kW)
   self.gradWeight = torch.Tensor(nInputPlane, nOutputPlane, kH, kW):zero()
   self:reset()
end

-- Torch7's initialization: uniform in +-1/sqrt(kW * kH * nInputPlane).
function Full:reset(stdv)
   if stdv then
      stdv = stdv * math.sqrt(3)
   else
      stdv = 1 / math.sqrt(self.kW * self.kH * self.nInputPlane)
   end
   self.weight:uniform(-stdv, stdv)
   if self.bias then self.bias:uniform(-stdv, stdv) end
   return self
end

function Full:_batch(input)
   nn.utils.checkFloatTensor(self, input)
   local dim = input:dim()
   if dim ~= 3 and dim ~= 4 then
      error(string.format('%s: input of size %s, expected 3D (C x H x W) or 4D (N x C x H x W)',
                          torch.type(self), nn.utils.sizestr(input)), 3)
   end
   local x = dim == 3 and input:view(1, input:size(1), input:size(2), input:size(3)) or input
   if x:size(2) ~= self.nInputPlane then
      error(string.format('%s: input has %d planes, expected %d (input size %s)',
                          torch.type(self), x:size(2), self.nInputPlane,
                          nn.utils.sizestr(input)), 3)
   end
   local oh = (x:size(3) - 1) * self.dH - 2 * self.padH + self.kH + self.adjH
   local ow = (x:size(4) - 1) * self.dW - 2 * self.padW + self.kW + self.adjW
   if oh < 1 or ow < 1 then
      error(string.format('%s: input size %s gives an output of %dx%d (padding too large)',
                          torch.type(self), nn.utils.sizestr(input), oh, ow), 3)
   end
   return x, dim == 3
end

local function batch4(t, single)
   if single then return t:view(1, t:size(1), t:size(2), t:size(3)) end
   return t
end

local function unbatch(t, single)
   if single then t:resize(t:size(2), t:size(3), t:size(4)) end
   return t
end

function Full:_geom()
   return self.kW, self.kH, self.dW, self.dH, self.padW, self.padH
end

function Full:updateOutput(input)
   local x, single = self:_batch(input)
   local kW, kH, dW, dH, padW, padH = self:_geom()
   K.fullconv2d_forward(self.output, self.finput, self._obuf, x, self.weight, self.bias,
                        kW, kH, dW, dH, padW, padH, self.adjW, self.adjH)
   return unbatch(self.output, single)
end

function Full:updateGradInput(input, gradOutput)
   if not self.gradInput then return end
   local x, single = self:_batch(input)
   K.fullconv2d_backward_input(self.gradInput, self.fgradInput, self._obuf, x,
                               batch4(gradOutput, single), self.weight, self:_geom())
   return unbatch(self.gradInput, single)
end

function Full:accGradParameters(input, gradOutput, scale)
   local x, single = self:_batch(input)
   K.fullconv2d_backward_params(self.gradWeight, self.gradBias, self.fgradInput, self._obuf, x,
                                batch4(gradOutput, single), scale or 1, self:_geom())
end

function Full:__tostring__()
   local s = string.format('%s(%d -> %d, %dx%d', torch.type(self), self.nInputPlane,
                           self.nOutputPlane, self.kW, self.kH)
   if self.dW ~= 1 or self.dH ~= 1 or self.padW ~= 0 or self.padH ~= 0 then
      s = s .. string.format(', %d,%d', self.dW, self.dH)
   end
   if self.padW ~= 0 or self.padH ~= 0 or self.adjW ~= 0 or self.adjH ~= 0 then
      s = s .. string.format(', %d,%d', self.padW, self.padH)
   end
   if self.adjW ~= 0 or self.adjH ~= 0 then
      s = s .. string.format(', %d,%d', self.adjW, self.adjH)
   end
   return s .. ')' .. (self.bias == nil and ' without bias' or '')
end

return Full
