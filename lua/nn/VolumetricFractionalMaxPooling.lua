-- nn.VolumetricFractionalMaxPooling(poolSizeT, poolSizeW, poolSizeH, outT, outW, outH) or
-- (poolSizeT, poolSizeW, poolSizeH, ratioT, ratioW, ratioH): fractional max pooling of
-- volumes, as Torch7, in Torch7's layout for this module: C x H x W x T (or a batch
-- N x C x H x W x T), unlike the other Volumetric modules' T x H x W; the output is
-- C x outH x outW x outT. randomSamples is N x C x 3 in the order T, W, H.
-- The pooling is nn.SpatialFractionalMaxPooling's kernel over the volume seen as
-- T x H x W (a permuted view); the results are copied back into Torch7's layout.
local nn = require 'nn'
require 'nn.SpatialFractionalMaxPooling'

local Frac = torch.class('nn.VolumetricFractionalMaxPooling', 'nn.Module')
local S = nn.SpatialFractionalMaxPooling

for _, k in ipairs({'_setup', 'fixPoolingRegions', '_sizes', '_samples', 'type', 'clearState',
                    '__tostring__'}) do
   Frac[k] = S[k]
end

Frac._dims = {'W', 'H', 'T'}

function Frac:__init(poolSizeT, poolSizeW, poolSizeH, arg1, arg2, arg3)
   nn.Module.__init(self)
   self:_setup({poolSizeW, poolSizeH, poolSizeT}, {arg2, arg3, arg1})
end

-- (N x) C x H x W x T seen as (N x) C x T x H x W, and back.
local function kernelview(x)
   if x:dim() == 4 then return x:permute(1, 4, 2, 3) end
   if x:dim() == 5 then return x:permute(1, 2, 5, 3, 4) end
   return x -- the kernel's own check reports the size
end
local function torch7view(x)
   if x:dim() == 4 then return x:permute(1, 3, 4, 2) end
   return x:permute(1, 2, 4, 5, 3)
end

-- The kernel writes into the module's _out and _gin; output and gradInput hold copies in
-- Torch7's layout.
local function swapped(self, field, buffer, f, ...)
   local keep = self[field]
   self[buffer] = self[buffer] or keep.new()
   self[field] = self[buffer]
   local ok, res = pcall(f, self, ...)
   self[field] = keep
   if not ok then error(res, 0) end
   return res
end

function Frac:updateOutput(input)
   nn.utils.checkFloatTensor(self, input)
   local y = swapped(self, 'output', '_out', S.updateOutput, kernelview(input))
   local t = torch7view(y)
   self.output:resize(t:size()):copy(t)
   return self.output
end

function Frac:updateGradInput(input, gradOutput)
   if not self.gradInput then return end
   nn.utils.checkGradOutput(self, gradOutput, self.output)
   local g = swapped(self, 'gradInput', '_gin', S.updateGradInput, kernelview(input),
                     kernelview(gradOutput))
   local t = torch7view(g)
   self.gradInput:resize(t:size()):copy(t)
   return self.gradInput
end

return Frac
