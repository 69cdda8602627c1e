-- nn.SpatialDepthWiseConvolution(nInputPlane, nOutputPlane, kW, kH [, dW = 1, dH = 1,
-- padW = 0, padH = padW]): each input plane convolved on its own with nOutputPlane
-- kernels, as Torch7: the output has nInputPlane * nOutputPlane planes, plane
-- (c - 1) * nOutputPlane + o being input plane c convolved with kernel weight[o][c].
-- weight is nOutputPlane x (nInputPlane*kH*kW) and bias nOutputPlane x nInputPlane, as in
-- Torch7. Each input plane runs through the 2D convolution kernels (nn_conv2d_* in
-- src/nn/conv.c) with buffers kept between calls.
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
   self:_buffers()
   self:reset()
end

-- The per-plane buffers: one input plane, its outputs, its kernels and their gradients.
function DW:_buffers()
   for _, k in ipairs({'_x', '_y', '_go', '_gi', '_w', '_gw', '_gb', '_obuf', '_pcols'}) do
      self[k] = self[k] or self.weight.new()
   end
end

-- Torch7's initialization: uniform in [-stdv, stdv], stdv = 1/sqrt(kW*kH*nInputPlane).
function DW:reset(stdv)
   stdv = stdv and stdv * math.sqrt(3) or 1 / math.sqrt(self.kW * self.kH * self.nInputPlane)
   self.weight:uniform(-stdv, stdv)
   if self.bias then self.bias:uniform(-stdv, stdv) end
   return self
end

function DW:_geom()
   return self.kW, self.kH, self.dW, self.dH, self.padW, self.padH
end

-- Plane c of t (C x H x W or N x C x H x W) and the nOutputPlane planes of output group c.
local function planes(t, first, count)
   return t:narrow(t:dim() - 2, first, count)
end

-- Input plane c into _x, its kernels into _w.
function DW:_plane(input, c)
   self:_buffers()
   self._x:resizeAs(planes(input, c, 1)):copy(planes(input, c, 1))
   local nOut = self.nOutputPlane
   self._w:resize(nOut, 1, self.kH, self.kW)
   self._w:view(nOut, -1):copy(self.weight:view(nOut, self.nInputPlane, -1):select(2, c))
end

function DW:updateOutput(input)
   K.image_check(input, self.nInputPlane, self.output)
   local nOut = self.nOutputPlane
   for c = 1, self.nInputPlane do
      self:_plane(input, c)
      K.conv2d_forward(self._y, self.finput, self._obuf, self._x, self._w,
                       self.bias and self.bias:select(2, c), self:_geom())
      if c == 1 then
         local size = self._y:size()
         size[self._y:dim() - 2] = self.nInputPlane * nOut
         self.output:resize(size)
      end
      planes(self.output, (c - 1) * nOut + 1, nOut):copy(self._y)
   end
   return self.output
end

-- gradOutput's group c into _go, checked against the output.
function DW:_gradPlane(input, gradOutput, c)
   K.image_check(input, self.nInputPlane, self.output, gradOutput)
   self:_plane(input, c)
   local nOut = self.nOutputPlane
   local g = planes(gradOutput, (c - 1) * nOut + 1, nOut)
   self._go:resizeAs(g):copy(g)
end

function DW:updateGradInput(input, gradOutput)
   if not self.gradInput then return end
   self.gradInput:resizeAs(input)
   for c = 1, self.nInputPlane do
      self:_gradPlane(input, gradOutput, c)
      K.conv2d_backward_input(self._gi, self.fgradInput, self._obuf, self._x, self._go,
                              self._w, self:_geom())
      planes(self.gradInput, c, 1):copy(self._gi)
   end
   return self.gradInput
end

function DW:accGradParameters(input, gradOutput, scale)
   scale = scale or 1
   local nOut = self.nOutputPlane
   for c = 1, self.nInputPlane do
      self:_gradPlane(input, gradOutput, c)
      self._gw:resize(nOut, 1, self.kH, self.kW):zero()
      if self.gradBias then self._gb:resize(nOut):zero() end
      -- empty columns: the kernel recomputes them for this plane rather than reusing
      -- another plane's
      self._pcols:resize(0)
      K.conv2d_backward_params(self._gw, self.gradBias and self._gb, self._pcols, self._obuf,
                               self._x, self._go, scale, self:_geom())
      self.gradWeight:view(nOut, self.nInputPlane, -1):select(2, c):add(self._gw:view(nOut, -1))
      if self.gradBias then self.gradBias:select(2, c):add(self._gb) end
   end
end

function DW:clearState()
   return nn.utils.clear(self, 'finput', 'fgradInput', '_x', '_y', '_go', '_gi', '_w', '_gw',
                         '_gb', '_obuf', '_pcols', 'output', 'gradInput')
end

-- 'nn.SpatialDepthWiseConvolution(3 -> 2, 3x3, 1,1, 1,1)', as nn.SpatialConvolution's.
DW._dilation = nn.SpatialConvolution._dilation
DW.__tostring__ = nn.SpatialConvolution.__tostring__

return DW
