-- nn.VolumetricReplicationPadding(pleft [, pright = pleft, ptop = pleft, pbottom = pleft,
-- pfront = pleft, pback = pleft]): pads each plane of a C x T x H x W or N x C x T x H x W
-- input by repeating its border voxels, as Torch7 (pleft/pright along W, ptop/pbottom
-- along H, pfront/pback along T); a negative pad crops. Kernels: nn_vol_replpad_* in src/nn/volumetric.c.
local nn = require 'nn'
local K = torch._nn

local Pad, parent = torch.class('nn.VolumetricReplicationPadding', 'nn.Module')

function Pad:__init(pleft, pright, ptop, pbottom, pfront, pback)
   parent.__init(self)
   self.pleft = self:_int('pleft', pleft)
   self.pright = self:_int('pright', pright or pleft)
   self.ptop = self:_int('ptop', ptop or pleft)
   self.pbottom = self:_int('pbottom', pbottom or pleft)
   self.pfront = self:_int('pfront', pfront or pleft)
   self.pback = self:_int('pback', pback or pleft)
end

-- a pad is any integer: a negative one crops
function Pad:_int(what, v)
   if math.type(v) ~= 'integer' then
      self:_error('%s must be an integer, got %s', what, tostring(v))
   end
   return v
end

function Pad:_pads()
   return self.pleft, self.pright, self.ptop, self.pbottom, self.pfront, self.pback
end

function Pad:updateOutput(input)
   K.vol_replpad_forward(self.output, input, self:_pads())
   return self.output
end

function Pad:updateGradInput(input, gradOutput)
   K.vol_replpad_backward(self.gradInput, input, gradOutput, self:_pads())
   return self.gradInput
end

function Pad:__tostring__()
   return string.format('%s(left=%d, right=%d, top=%d, bottom=%d, front=%d, back=%d)',
                        torch.type(self), self:_pads())
end

return Pad
