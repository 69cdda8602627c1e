-- nn.SpatialMaxUnpooling(poolingModule): the inverse of a nn.SpatialMaxPooling whose
-- kernel equals its stride, as in Torch7: each input value goes back to the position its
-- pooling module's last forward took it from, and every other output pixel is zero. The
-- pooling module must run forward (on an input of the same batch shape) first.
local nn = require 'nn'

local Unpool, parent = torch.class('nn.SpatialMaxUnpooling', 'nn.Module')

function Unpool:__init(pooling)
   parent.__init(self)
   if torch.type(pooling) ~= 'nn.SpatialMaxPooling' then
      error('nn.SpatialMaxUnpooling: argument 1 must be a nn.SpatialMaxPooling, got '
            .. torch.type(pooling), 2)
   end
   if pooling.kH ~= pooling.dH or pooling.kW ~= pooling.dW then
      error(string.format('nn.SpatialMaxUnpooling: the pooling kernel %dx%d must equal its '
                          .. 'stride %dx%d', pooling.kH, pooling.kW, pooling.dH, pooling.dW), 2)
   end
   self.pooling = pooling
end

-- The pooling's indices as planes x outputs, checked against input (C x h x w or
-- N x C x h x w); returns them, the input as planes x outputs, and the output sizes.
function Unpool:_plan(input)
   local p = self.pooling
   if not p.iheight then
      error('nn.SpatialMaxUnpooling: run the pooling module\'s forward first', 3)
   end
   local ix = p.indices
   local single = input:dim() == 3
   local ok = (input:dim() == 3 or input:dim() == 4) and input:nElement() == ix:nElement()
      and input:size(input:dim()) == ix:size(4) and input:size(input:dim() - 1) == ix:size(3)
   if not ok then
      error(string.format('nn.SpatialMaxUnpooling: input of size %s does not match the pooling '
                          .. 'output %s', nn.utils.sizestr(input), nn.utils.sizestr(ix)), 3)
   end
   local planes = ix:size(1) * ix:size(2)
   local size = single and {ix:size(2), p.iheight, p.iwidth}
                        or {ix:size(1), ix:size(2), p.iheight, p.iwidth}
   return ix:view(planes, -1), planes, torch.LongStorage(size)
end

function Unpool:updateOutput(input)
   local ix, planes, size = self:_plan(input)
   self.output:resize(size):zero()
   self.output:view(planes, -1):scatter(2, ix, input:contiguous():view(planes, -1))
   return self.output
end

function Unpool:updateGradInput(input, gradOutput)
   local ix, planes, size = self:_plan(input)
   if gradOutput:nElement() ~= self.output:nElement() then
      error(string.format('nn.SpatialMaxUnpooling: gradOutput of size %s, expected %s',
                          nn.utils.sizestr(gradOutput), table.concat(size:totable(), 'x')), 2)
   end
   self.gradInput:resizeAs(input)
   self.gradInput:view(planes, -1):gather(gradOutput:contiguous():view(planes, -1), 2, ix)
   return self.gradInput
end

function Unpool:__tostring__()
   return 'nn.SpatialMaxUnpooling associated to ' .. tostring(self.pooling)
end

return Unpool
