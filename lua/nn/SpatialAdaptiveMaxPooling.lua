-- nn.SpatialAdaptiveMaxPooling(W, H): max pooling to a fixed oH x oW = H x W output
-- whatever the input size, as Torch7 (note: width first). Bin i along a dimension of size
-- n spans [floor(i*n/H), ceil((i+1)*n/H)). Kernels: nn_adaptive_pool2d_* in src/nn/pool.c.
local nn = require 'nn'
require 'nn.SpatialMaxPooling'
local K = torch._nn

local Ada, parent = torch.class('nn.SpatialAdaptiveMaxPooling', 'nn.Module')

function Ada:__init(W, H)
   parent.__init(self)
   for what, v in pairs({W = W, H = H}) do
      if math.type(v) ~= 'integer' or v < 1 then
         error(string.format('%s: output %s must be a positive integer, got %s',
                             torch.type(self), what, tostring(v)), 2)
      end
   end
   self.W, self.H = W, H
   self.indices = torch.LongTensor()
end

function Ada:_batch(input)
   nn.utils.checkFloatTensor(self, input)
   local dim = input:dim()
   if dim ~= 3 and dim ~= 4 then
      error(string.format('%s: input of size %s, expected 3D (C x H x W) or 4D (N x C x H x W)',
                          torch.type(self), nn.utils.sizestr(input)), 3)
   end
   if input:size(dim) < 1 or input:size(dim - 1) < 1 then
      error(string.format('%s: empty input of size %s', torch.type(self),
                          nn.utils.sizestr(input)), 3)
   end
   local x = dim == 3 and input:view(1, input:size(1), input:size(2), input:size(3)) or input
   return x, dim == 3
end

local as4, as3 = nn.SpatialMaxPooling._as4, nn.SpatialMaxPooling._as3

function Ada:updateOutput(input)
   local x, single = self:_batch(input)
   K.adaptive_pool2d_forward(self.output, self.indices, x, self.W, self.H)
   as3(self.output, single)
   return self.output
end

function Ada:updateGradInput(input, gradOutput)
   if not self.gradInput then return end
   local x, single = self:_batch(input)
   K.adaptive_pool2d_backward(self.gradInput, x, as4(gradOutput, single), self.indices)
   as3(self.gradInput, single)
   return self.gradInput
end

-- indices stay a LongTensor whatever the module's type, as in SpatialMaxPooling (whose
-- parent is nn.Module too, so its method serves here unchanged).
Ada.type = nn.SpatialMaxPooling.type

function Ada:clearState()
   if self.indices then self.indices:set() end
   return nn.utils.clear(self, 'output', 'gradInput')
end

function Ada:__tostring__()
   return string.format('%s(%dx%d)', torch.type(self), self.W, self.H)
end

return Ada
