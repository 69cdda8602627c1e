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

function SD:updateOutput(input)
   nn.utils.checkFloatTensor(self, input)
   self.output:resizeAs(input):copy(input)
   if self.train then
      local dim = input:dim()
      if dim == 4 then
         self.noise:resize(input:size(1), input:size(2), 1, 1)
      elseif dim == 3 then
         self.noise:resize(input:size(1), 1, 1)
      else
         self:_error('input of size %s, expected 3D (C x H x W) or 4D (N x C x H x W)',
                     nn.utils.sizestr(input))
      end
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
   nn.utils.clear(self, 'noise')
   return parent.clearState(self)
end

function SD:__tostring__()
   return string.format('%s(%f)', torch.type(self), self.p)
end

return SD
