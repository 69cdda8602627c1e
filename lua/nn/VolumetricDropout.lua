-- nn.VolumetricDropout([p = 0.5]): in training, zeroes whole planes (feature volumes) of a
-- C x T x H x W or N x C x T x H x W input with probability p, as Torch7. As in Torch7
-- (and nn.SpatialDropout), the kept planes are not rescaled in training; evaluate()
-- multiplies by 1 - p.
local nn = require 'nn'
require 'nn.SpatialDropout'

local VD, parent = torch.class('nn.VolumetricDropout', 'nn.SpatialDropout')

function VD:updateOutput(input)
   nn.utils.checkFloatTensor(self, input)
   self.output:resizeAs(input):copy(input)
   if self.train then
      local dim = input:dim()
      if dim == 5 then
         self.noise:resize(input:size(1), input:size(2), 1, 1, 1)
      elseif dim == 4 then
         self.noise:resize(input:size(1), 1, 1, 1)
      else
         self:_error('input of size %s, expected 4D (C x T x H x W) or 5D (N x C x T x H x W)',
                     nn.utils.sizestr(input))
      end
      self.noise:bernoulli(1 - self.p)
      self.output:cmul(self.noise:expandAs(input))
   else
      self.output:mul(1 - self.p)
   end
   return self.output
end

return VD
