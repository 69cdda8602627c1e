-- nn.SpatialLogSoftMax(): log-softmax over the planes at each pixel, as Torch7: for a
-- C x H x W (or N x C x H x W) input, y[c][i][j] = x[c][i][j] - log sum_k exp(x[k][i][j]).
-- Computed with the pixel's maximum subtracted first (no overflow), by tensor kernels
-- into buffers kept between calls.
local nn = require 'nn'

local SLSM, parent = torch.class('nn.SpatialLogSoftMax', 'nn.Module')

function SLSM:__init()
   parent.__init(self)
   self._max = torch.Tensor()
   self._idx = torch.LongTensor()
   self._sum = torch.Tensor()
   self._exp = torch.Tensor()
end

-- The input as N x C x H x W.
function SLSM:_batch(input)
   nn.utils.checkFloatTensor(self, input)
   local dim = input:dim()
   if dim == 3 then return input:view(1, input:size(1), input:size(2), input:size(3)) end
   if dim == 4 then return input end
   self:_error('input of size %s, expected 3D (C x H x W) or 4D (N x C x H x W)',
               nn.utils.sizestr(input))
end

function SLSM:updateOutput(input)
   local x = self:_batch(input)
   local y = self.output
   torch.max(self._max, self._idx, x, 2)
   y:resizeAs(x):copy(x):add(-1, self._max:expandAs(x))
   self._exp:resizeAs(y):copy(y):exp()
   torch.sum(self._sum, self._exp, 2)
   y:add(-1, self._sum:log():expandAs(y))
   y:resize(input:size())
   return y
end

-- gradInput = gradOutput - exp(y) * (sum over planes of gradOutput)
function SLSM:updateGradInput(input, gradOutput)
   if not self.gradInput then return end
   nn.utils.checkGradOutput(self, gradOutput, self.output)
   local y = self:_batch(self.output)
   local go = gradOutput:contiguous():viewAs(y)
   torch.sum(self._sum, go, 2)
   self.gradInput:resizeAs(y):copy(y):exp():cmul(self._sum:expandAs(y)):mul(-1):add(go)
   self.gradInput:resize(input:size())
   return self.gradInput
end

-- the index buffer stays a LongTensor whatever the module's type
function SLSM:type(tname, tensorCache)
   self._idx = nil
   parent.type(self, tname, tensorCache)
   self._idx = torch.LongTensor()
   return self
end

function SLSM:clearState()
   nn.utils.clear(self, '_max', '_sum', '_exp')
   self._idx:set()
   return parent.clearState(self)
end

return SLSM
