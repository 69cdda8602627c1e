-- nn.VolumetricReplicationPadding(pleft [, pright = pleft, ptop = pleft, pbottom = pleft,
-- pfront = pleft, pback = pleft]): pads each plane of a C x T x H x W or N x C x T x H x W
-- input by repeating its border voxels, as Torch7 (pleft/pright along W, ptop/pbottom
-- along H, pfront/pback along T). Kernels: nn_vol_replpad_* in src/nn/volumetric.c.
local nn = require 'nn'
require 'nn.VolumetricConvolution'
local K = torch._nn

local Pad, parent = torch.class('nn.VolumetricReplicationPadding', 'nn.Module')

function Pad:__init(pleft, pright, ptop, pbottom, pfront, pback)
   parent.__init(self)
   local int = nn.VolumetricConvolution._posint
   self.pleft = int(self, 'pleft', pleft, 0)
   self.pright = int(self, 'pright', pright or pleft, 0)
   self.ptop = int(self, 'ptop', ptop or pleft, 0)
   self.pbottom = int(self, 'pbottom', pbottom or pleft, 0)
   self.pfront = int(self, 'pfront', pfront or pleft, 0)
   self.pback = int(self, 'pback', pback or pleft, 0)
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
