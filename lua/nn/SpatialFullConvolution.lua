-- nn.SpatialFullConvolution(nInputPlane, nOutputPlane, kW, kH [, dW = 1, dH = 1, padW = 0,
-- padH = 0, adjW = 0, adjH = 0]): the transpose of SpatialConvolution (often called a
-- deconvolution), as Torch7: output size (H - 1) dH - 2 padH + kH + adjH. weight is
-- nInputPlane x nOutputPlane x kH x kW. Kernels: nn_fullconv2d_* in src/nn/conv.c (a GEMM
-- then col2im; backward is im2col then a GEMM), which check the sizes. The input may be
-- {input, target}: the adjustments then give the output target's height and width.
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
      self:_error('adjW and adjH (%s, %s) must be integers in [0, dW - 1] and [0, dH - 1]',
                  tostring(self.adjW), tostring(self.adjH))
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

function Full:_geom(adjW, adjH)
   return self.kW, self.kH, self.dW, self.dH, self.padW, self.padH, adjW or self.adjW,
          adjH or self.adjH
end

-- The input tensor and the adjustments: Torch7's {input, target} form takes them from
-- the target's last two sizes, (target + 2 pad - k) mod d, so that the output has them.
function Full:_split(input)
   if type(input) ~= 'table' or torch.isTensor(input) then return input end
   local x, t = input[1], input[2]
   if not torch.isTensor(x) or not torch.isTensor(t) or t:dim() < 2 then
      self:_error('expected an input tensor or {input, target of the output size}, got %s',
                  torch.type(input))
   end
   local tH, tW = t:size(t:dim() - 1), t:size(t:dim())
   return x, (tW + 2 * self.padW - self.kW) % self.dW,
          (tH + 2 * self.padH - self.kH) % self.dH, t
end

function Full:updateOutput(input)
   local x, adjW, adjH = self:_split(input)
   K.fullconv2d_forward(self.output, self.finput, self._obuf, x, self.weight, self.bias,
                        self:_geom(adjW, adjH))
   return self.output
end

-- With {input, target}, gradInput is {the input's gradient, zeros of target's size} (the
-- target only gives a size), the zeros an expanded view of one element.
function Full:updateGradInput(input, gradOutput)
   if not self.gradInput then return end
   local x, adjW, adjH, t = self:_split(input)
   if torch.isTensor(self.gradInput) then self._gradIn = self.gradInput end
   self._gradIn = self._gradIn or x.new()
   K.fullconv2d_backward_input(self._gradIn, self.fgradInput, self._obuf, x, gradOutput,
                               self.weight, self:_geom(adjW, adjH))
   self.gradInput = self:_targetGradInput(t)
   return self.gradInput
end

-- gradInput for the target t of the {input, target} form (nil: the plain form).
function Full:_targetGradInput(t)
   if not t then return self._gradIn end
   self._zero = self._zero or t.new(1):zero()
   local ones = {}
   for d = 1, t:dim() do ones[d] = 1 end
   return {self._gradIn, self._zero:view(table.unpack(ones)):expandAs(t)}
end

function Full:accGradParameters(input, gradOutput, scale)
   local x, adjW, adjH = self:_split(input)
   K.fullconv2d_backward_params(self.gradWeight, self.gradBias, self.fgradInput, self._obuf,
                                x, gradOutput, scale or 1, self:_geom(adjW, adjH))
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
