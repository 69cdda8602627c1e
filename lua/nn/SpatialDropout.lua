-- nn.SpatialDropout([p = 0.5]): in training, zeroes whole planes (feature maps) with
-- probability p, for C x H x W or N x C x H x W inputs, as Torch7: neighbouring pixels
-- are strongly correlated, so dropping single pixels would barely regularize. As in
-- Torch7, the kept planes are not rescaled in training; evaluate() multiplies by 1 - p.
local nn = require 'nn'

local SD, parent = torch.class('nn.SpatialDropout', 'nn.Module')

function SD:__init(p)
   parent.__init(self)
   self.p = p or 0.5
   self.train = true
   if type(self.p) ~= 'number' or self.p >= 1 or self.p < 0 then
      self:_error('<dropout> illegal percentage, must be 0 <= p < 1 (got %s)', tostring(self.p))
   end
   self.noise = torch.Tensor()
end

-- The plane layout: the dimensions after the channel (H x W here; VolumetricDropout's
-- T x H x W). The noise is one value per (sample,) channel, ones elsewhere.
SD._planes = {'H', 'W'}

function SD:updateOutput(input)
   nn.utils.checkFloatTensor(self, input)
   self.output:resizeAs(input):copy(input)
   if self.train then
      local k, dim = #self._planes, input:dim()
      if dim ~= k + 1 and dim ~= k + 2 then
         local planes = table.concat(self._planes, ' x ')
         self:_error('input of size %s, expected %dD (C x %s) or %dD (N x C x %s)',
                     nn.utils.sizestr(input), k + 1, planes, k + 2, planes)
      end
      -- the noise's size: the leading (batch and) channel sizes, then ones; kept in a
      -- storage of the module's so that a training step allocates nothing
      local size = self._noiseSize
      if not size or #size ~= dim then size = torch.LongStorage(dim); self._noiseSize = size end
      for d = 1, dim do size[d] = d <= dim - k and input:size(d) or 1 end
      self.noise:resize(size)
      self.noise:bernoulli(1 - self.p)
      self.output:cmul(self.noise:expandAs(input))
   else
      self.output:mul(1 - self.p)
   end
   return self.output
end

function SD:updateGradInput(input, gradOutput)
   nn.utils.checkGradOutput(self, gradOutput, input)
   self.gradInput:resizeAs(gradOutput):copy(gradOutput)
   if self.train then
      self.gradInput:cmul(self.noise:expandAs(input))
   else
      self.gradInput:mul(1 - self.p)
   end
   return self.gradInput
end

function SD:setp(p)
   self.p = p
end

function SD:clearState()
   nn.utils.clear(self, 'noise', '_noiseSize')
   return parent.clearState(self)
end

function SD:__tostring__()
   return string.format('%s(%f)', torch.type(self), self.p)
end

return SD
