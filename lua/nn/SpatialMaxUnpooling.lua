-- nn.SpatialMaxUnpooling(poolingModule): the inverse of a nn.SpatialMaxPooling whose
-- kernel equals its stride, as in Torch7: each input value goes back to the position its
-- pooling module's last forward took it from, and every other output pixel is zero. The
-- pooling module must run forward (on an input of the same batch shape) first.
local nn = require 'nn'
local K = torch._nn

local Unpool, parent = torch.class('nn.SpatialMaxUnpooling', 'nn.Module')

function Unpool:__init(pooling)
   parent.__init(self)
   if torch.type(pooling) ~= 'nn.SpatialMaxPooling' then
      self:_error('argument 1 must be a nn.SpatialMaxPooling, got %s', torch.type(pooling))
   end
   if pooling.kH ~= pooling.dH or pooling.kW ~= pooling.dW then
      self:_error('the pooling kernel %dx%d must equal its stride %dx%d', pooling.kH,
                  pooling.kW, pooling.dH, pooling.dW)
   end
   self.pooling = pooling
end

-- The pooling's indices as planes x outputs, checked against input (the pooling's
-- output); returns them, the number of planes and the output sizes.
function Unpool:_plan(input)
   local p = self.pooling
   if not p.iheight then self:_error('run the pooling module\'s forward first') end
   K.image_check(input, 0, self.output)
   local ix = p.indices
   if not input:isSameSizeAs(ix) then
      self:_error('input of size %s does not match the pooling output %s',
                  nn.utils.sizestr(input), nn.utils.sizestr(ix))
   end
   local d = ix:dim()
   local size = ix:size()
   size[d - 1], size[d] = p.iheight, p.iwidth
   local planes = ix:nElement() // (ix:size(d - 1) * ix:size(d))
   return ix:view(planes, -1), planes, size
end

function Unpool:updateOutput(input)
   local ix, planes, size = self:_plan(input)
   self.output:resize(size):zero()
   self.output:view(planes, -1):scatter(2, ix, input:contiguous():view(planes, -1))
   return self.output
end

function Unpool:updateGradInput(input, gradOutput)
   local ix, planes = self:_plan(input)
   K.image_check(input, 0, self.output, gradOutput)
   self.gradInput:resizeAs(input)
   self.gradInput:view(planes, -1):gather(gradOutput:contiguous():view(planes, -1), 2, ix)
   return self.gradInput
end

function Unpool:__tostring__()
   return 'nn.SpatialMaxUnpooling associated to ' .. tostring(self.pooling)
end

return Unpool
