-- nn.SpatialConvolution(nInputPlane, nOutputPlane, kW, kH [, dW = 1, dH = 1, padW = 0,
-- padH = padW]): 2D convolution of a C x H x W image or an N x C x H x W batch, as Torch7.
-- weight is nOutputPlane x nInputPlane x kH x kW. The work is nn_conv2d_* in src/nn/conv.c:
-- im2col over the whole batch, then one GEMM; the kernels check the input, gradOutput and
-- geometry and name this module in their errors. finput keeps the columns between
-- forward and accGradParameters; finput, fgradInput and _obuf are reused from batch to
-- batch.
local nn = require 'nn'
local K = torch._nn

local Conv, parent = torch.class('nn.SpatialConvolution', 'nn.Module')

-- v, an integer >= min (default 1), or an error naming the argument.
function Conv:_posint(what, v, min)
   if math.type(v) ~= 'integer' or v < (min or 1) then
      self:_error('%s must be an integer >= %d, got %s', what, min or 1, tostring(v))
   end
   return v
end

function Conv:__init(nInputPlane, nOutputPlane, kW, kH, dW, dH, padW, padH)
   parent.__init(self)
   self.nInputPlane = self:_posint('nInputPlane', nInputPlane)
   self.nOutputPlane = self:_posint('nOutputPlane', nOutputPlane)
   self.kW = self:_posint('kW', kW)
   self.kH = self:_posint('kH', kH)
   self.dW = self:_posint('dW', dW or 1)
   self.dH = self:_posint('dH', dH or 1)
   self.padW = self:_posint('padW', padW or 0, 0)
   self.padH = self:_posint('padH', padH or self.padW, 0)
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

function Conv:_geom()
   local dilW, dilH = self:_dilation()
   return self.kW, self.kH, self.dW, self.dH, self.padW, self.padH, dilW, dilH
end

function Conv:updateOutput(input)
   K.conv2d_forward(self.output, self.finput, self._obuf, input, self.weight, self.bias,
                    self:_geom())
   return self.output
end

function Conv:updateGradInput(input, gradOutput)
   if not self.gradInput then return end
   K.conv2d_backward_input(self.gradInput, self.fgradInput, self._obuf, input, gradOutput,
                           self.weight, self:_geom())
   return self.gradInput
end

function Conv:accGradParameters(input, gradOutput, scale)
   K.conv2d_backward_params(self.gradWeight, self.gradBias, self.finput, self._obuf, input,
                            gradOutput, scale or 1, self:_geom())
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
