-- nn.SpatialLPPooling(nInputPlane, pnorm, kW, kH [, dW = kW, dH = kH]): the p-norm
-- (sum over each kH x kW window of x^p)^(1/p), as Torch7 builds it: a Sequential of
-- Power(p) (Square for p = 2), SpatialAveragePooling, MulConstant(kW * kH) and Power(1/p)
-- (Sqrt for p = 2). For C x H x W or N x C x H x W inputs; no parameters (the methods
-- that would learn the pooling's are no-ops, as in Torch7). Prints as a Sequential.
local nn = require 'nn'
local K = torch._nn
require 'nn.Sequential'

local LPP, parent = torch.class('nn.SpatialLPPooling', 'nn.Sequential')

function LPP:__init(nInputPlane, pnorm, kW, kH, dW, dH)
   parent.__init(self)
   if type(pnorm) ~= 'number' or pnorm <= 0 then
      self:_error('pnorm must be a positive number, got %s', tostring(pnorm))
   end
   dW = dW or kW
   dH = dH or kH
   self.nInputPlane = nInputPlane
   self.pnorm = pnorm
   self.kW, self.kH, self.dW, self.dH = kW, kH, dW, dH
   self:add(pnorm == 2 and nn.Square() or nn.Power(pnorm))
   self:add(nn.SpatialAveragePooling(kW, kH, dW, dH))
   self:add(nn.MulConstant(kW * kH))
   self:add(pnorm == 2 and nn.Sqrt() or nn.Power(1 / pnorm))
end

-- Checked here, so that an error names this module rather than the one inside.
function LPP:updateOutput(input)
   K.image_check(input, self.nInputPlane, self.output)
   return parent.updateOutput(self, input)
end

function LPP:updateGradInput(input, gradOutput)
   K.image_check(input, self.nInputPlane, self.output, gradOutput)
   return parent.updateGradInput(self, input, gradOutput)
end

function LPP:backward(input, gradOutput, scale)
   K.image_check(input, self.nInputPlane, self.output, gradOutput)
   return parent.backward(self, input, gradOutput, scale)
end

function LPP:reset() end
function LPP:accGradParameters() end
function LPP:accUpdateGradParameters() end
function LPP:zeroGradParameters() end
function LPP:updateParameters() end

return LPP
