-- nn.VolumetricMaxUnpooling(poolingModule): the inverse of a nn.VolumetricMaxPooling whose
-- window equals its stride, as in Torch7: each input value goes back to the position its
-- pooling module's last forward took it from, and every other output voxel is zero. The
-- pooling module must run forward (on an input of the same batch shape) first.
local nn = require 'nn'
require 'nn.VolumetricMaxPooling'
require 'nn.SpatialMaxUnpooling'

local Unpool, parent = torch.class('nn.VolumetricMaxUnpooling', 'nn.Module')

function Unpool:__init(pooling)
   parent.__init(self)
   if torch.type(pooling) ~= 'nn.VolumetricMaxPooling' then
      self:_error('argument 1 must be a nn.VolumetricMaxPooling, got %s', torch.type(pooling))
   end
   if pooling.kT ~= pooling.dT or pooling.kH ~= pooling.dH or pooling.kW ~= pooling.dW then
      self:_error('the pooling kernel %dx%dx%d must equal its stride %dx%dx%d', pooling.kT,
                  pooling.kH, pooling.kW, pooling.dT, pooling.dH, pooling.dW)
   end
   self.pooling = pooling
end

-- The pooling's indices as planes x outputs, checked against input (the pooling's
-- output); returns them, the number of planes and the output sizes.
function Unpool:_plan(input, gradOutput)
   local p = self.pooling
   if not p.itime then self:_error('run the pooling module\'s forward first') end
   nn.utils.checkFloatTensor(self, input)
   local ix = p.indices
   if not input:isSameSizeAs(ix) then
      self:_error('input of size %s does not match the pooling output %s',
                  nn.utils.sizestr(input), nn.utils.sizestr(ix))
   end
   local d = ix:dim()
   local size = ix:size()
   size[d - 2], size[d - 1], size[d] = p.itime, p.iheight, p.iwidth
   if gradOutput then
      nn.utils.checkFloatTensor(self, gradOutput, 'gradOutput')
      if torch.type(gradOutput) ~= torch.type(input) then
         self:_error('gradOutput is a %s, input a %s', torch.type(gradOutput), torch.type(input))
      end
      if not gradOutput:isSize(size) then
         self:_error('gradOutput of size %s, expected %s', nn.utils.sizestr(gradOutput),
                     nn.utils.sizestr(torch.LongTensor(size)))
      end
   end
   local planes = ix:nElement() // (ix:size(d - 2) * ix:size(d - 1) * ix:size(d))
   return ix:view(planes, -1), planes, size
end

-- scatter each value to its position: nn.SpatialMaxUnpooling's, on this _plan
Unpool.updateOutput = nn.SpatialMaxUnpooling.updateOutput

function Unpool:updateGradInput(input, gradOutput)
   local ix, planes = self:_plan(input, gradOutput)
   self.gradInput:resizeAs(input)
   self.gradInput:view(planes, -1):gather(gradOutput:contiguous():view(planes, -1), 2, ix)
   return self.gradInput
end

function Unpool:__tostring__()
   return 'nn.VolumetricMaxUnpooling associated to ' .. tostring(self.pooling)
end

return Unpool
