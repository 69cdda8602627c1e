-- nn.SpatialConvolution(nInputPlane, nOutputPlane, kW, kH [, dW = 1, dH = 1, padW = 0,
-- padH = padW]): 2D convolution of a C x H x W image or an N x C x H x W batch, as Torch7.
-- weight is nOutputPlane x nInputPlane x kH x kW. The work is nn_conv2d_* in src/nn/conv.c:
-- im2col over the whole batch, then one GEMM. finput keeps the columns between forward
-- and accGradParameters; finput, fgradInput and _obuf are reused from batch to batch.
local nn = require 'nn'
local K = torch._nn

local Conv, parent = torch.class('nn.SpatialConvolution', 'nn.Module')

local function posint(name, what, v, min)
   if math.type(v) ~= 'integer' or v < (min or 1) then
      error(string.format('%s: %s must be an integer >= %d, got %s', name, what, min or 1,
                          tostring(v)), 4)
   end
   return v
end

function Conv:__init(nInputPlane, nOutputPlane, kW, kH, dW, dH, padW, padH)
   parent.__init(self)
   local name = torch.type(self)
   self.nInputPlane = posint(name, 'nInputPlane', nInputPlane)
   self.nOutputPlane = posint(name, 'nOutputPlane', nOutputPlane)
   self.kW = posint(name, 'kW', kW)
   self.kH = posint(name, 'kH', kH)
   self.dW = posint(name, 'dW', dW or 1)
   self.dH = posint(name, 'dH', dH or 1)
   self.padW = posint(name, 'padW', padW or 0, 0)
   self.padH = posint(name, 'padH', padH or self.padW, 0)
   self.weight = torch.Tensor(nOutputPlane, nInputPlane, kH, kW)
   self.bias = torch.Tensor(nOutputPlane)
   self.gradWeight = torch.Tensor(nOutputPlane, nInputPlane, kH, kW):zero()
   self.gradBias = torch.Tensor(nOutputPlane):zero()
   self.finput = torch.Tensor()
   self.fgradInput = torch.Tensor()
   self._obuf = torch.Tensor()
   self:reset()
end

function Conv:noBias()
   self.bias = nil
   self.gradBias = nil
   return self
end

-- Torch7's initialization: uniform in [-stdv, stdv], stdv = 1/sqrt(kW*kH*nInputPlane)
-- unless given (then stdv * sqrt(3)).
function Conv:reset(stdv)
   if stdv then
      stdv = stdv * math.sqrt(3)
   else
      stdv = 1 / math.sqrt(self.kW * self.kH * self.nInputPlane)
   end
   self.weight:uniform(-stdv, stdv)
   if self.bias then self.bias:uniform(-stdv, stdv) end
   return self
end

-- Dilation (1 for a plain convolution; SpatialDilatedConvolution sets it).
function Conv:_dilation()
   return self.dilationW or 1, self.dilationH or 1
end

-- The input as a 4D batch after checking it, and whether it was a single 3D image.
function Conv:_batch(input)
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
   local dilW, dilH = self:_dilation()
   local spanW, spanH = dilW * (self.kW - 1) + 1, dilH * (self.kH - 1) + 1
   local h, w = x:size(3) + 2 * self.padH, x:size(4) + 2 * self.padW
   if spanH > h or spanW > w then
      error(string.format('%s: kernel %dx%d%s is larger than the padded input %dx%d '
                          .. '(input size %s)', torch.type(self), self.kH, self.kW,
                          (dilW > 1 or dilH > 1) and string.format(' (dilated %dx%d)', spanH, spanW) or '',
                          h, w, nn.utils.sizestr(input)), 3)
   end
   return x, dim == 3
end

function Conv:_geom()
   local dilW, dilH = self:_dilation()
   return self.kW, self.kH, self.dW, self.dH, self.padW, self.padH, dilW, dilH
end

-- gradOutput seen as a batch, like the input.
local function batch4(t, single)
   if single then return t:view(1, t:size(1), t:size(2), t:size(3)) end
   return t
end

function Conv:updateOutput(input)
   local x, single = self:_batch(input)
   K.conv2d_forward(self.output, self.finput, self._obuf, x, self.weight, self.bias, self:_geom())
   if single then self.output:resize(self.output:size(2), self.output:size(3), self.output:size(4)) end
   return self.output
end

function Conv:updateGradInput(input, gradOutput)
   if not self.gradInput then return end
   local x, single = self:_batch(input)
   K.conv2d_backward_input(self.gradInput, self.fgradInput, self._obuf, x,
                           batch4(gradOutput, single), self.weight, self:_geom())
   if single then self.gradInput:resize(input:size(1), input:size(2), input:size(3)) end
   return self.gradInput
end

function Conv:accGradParameters(input, gradOutput, scale)
   local x, single = self:_batch(input)
   K.conv2d_backward_params(self.gradWeight, self.gradBias, self.finput, self._obuf, x,
                            batch4(gradOutput, single), scale or 1, self:_geom())
end

function Conv:clearState()
   return nn.utils.clear(self, 'finput', 'fgradInput', '_obuf', 'output', 'gradInput')
end

function Conv:__tostring__()
   local s = string.format('%s(%d -> %d, %dx%d', torch.type(self), self.nInputPlane,
                           self.nOutputPlane, self.kW, self.kH)
   if self.dW ~= 1 or self.dH ~= 1 or self.padW ~= 0 or self.padH ~= 0 then
      s = s .. string.format(', %d,%d', self.dW, self.dH)
   end
   if self.padW ~= 0 or self.padH ~= 0 then
      s = s .. string.format(', %d,%d', self.padW, self.padH)
   end
   local dilW, dilH = self:_dilation()
   if dilW ~= 1 or dilH ~= 1 then s = s .. string.format(', %d,%d', dilW, dilH) end
   return s .. ')' .. (self.bias == nil and ' without bias' or '')
end

return Conv
