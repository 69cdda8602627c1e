-- nn.SpatialAdaptiveMaxPooling(W, H): max pooling to a fixed oH x oW = H x W output
-- whatever the input size, as Torch7 (note: width first). Bin i along a dimension of size
-- n spans [floor(i*n/H), ceil((i+1)*n/H)). Kernels: nn_adaptive_pool2d_* in src/nn/pool.c,
-- which check the input and gradOutput.
local nn = require 'nn'
require 'nn.SpatialMaxPooling'
local K = torch._nn

local Ada, parent = torch.class('nn.SpatialAdaptiveMaxPooling', 'nn.Module')

function Ada:__init(W, H)
   parent.__init(self)
   for what, v in pairs({W = W, H = H}) do
      if math.type(v) ~= 'integer' or v < 1 then
         self:_error('output %s must be a positive integer, got %s', what, tostring(v))
      end
   end
   self.W, self.H = W, H
   self.indices = torch.LongTensor()
end

function Ada:updateOutput(input)
   K.adaptive_pool2d_forward(self.output, self.indices, input, self.W, self.H)
   return self.output
end

function Ada:updateGradInput(input, gradOutput)
   if not self.gradInput then return end
   K.adaptive_pool2d_backward(self.gradInput, input, gradOutput, self.indices, self.W, self.H)
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
