-- nn.SpatialSoftMax(): softmax over the planes at each pixel, as Torch7: for C x H x W
-- (or N x C x H x W) input, y[c][i][j] = exp(x[c][i][j]) / sum_k exp(x[k][i][j]). A 1D
-- input is one vector, a 2D input N x C a batch of them.
local nn = require 'nn'
local K = torch._nn

local SSM, parent = torch.class('nn.SpatialSoftMax', 'nn.Module')

-- The input as N x C x rest.
function SSM:_batch(input)
   local dim = input:dim()
   if dim == 1 then return input:view(1, input:size(1)) end
   if dim == 3 then return input:view(1, input:size(1), input:size(2), input:size(3)) end
   if dim == 2 or dim == 4 then return input end
   self:_error('input of size %s, expected 1D, 2D, 3D (C x H x W) or 4D', nn.utils.sizestr(input))
end

function SSM:updateOutput(input)
   K.spatial_softmax_forward(self.output, self:_batch(input))
   self.output:resize(input:size())
   return self.output
end

function SSM:updateGradInput(input, gradOutput)
   if not self.gradInput then return end
   local n = self.output:nElement()
   if gradOutput:nElement() ~= n then
      self:_error('gradOutput of size %s, expected %s', nn.utils.sizestr(gradOutput),
                  nn.utils.sizestr(self.output))
   end
   local y = self:_batch(self.output)
   K.spatial_softmax_backward(self.gradInput, gradOutput:contiguous():viewAs(y), y)
   self.gradInput:resize(input:size())
   return self.gradInput
end

return SSM
