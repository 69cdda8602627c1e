-- nn.SpatialLogSoftMax(): log-softmax over the planes at each pixel, as Torch7: for a
-- C x H x W (or N x C x H x W) input, y[c][i][j] = x[c][i][j] - log sum_k exp(x[k][i][j]).
-- One pass of the fused softmax kernel, which treats the planes of a 4D input as its
-- feature dimension (the pixel's maximum subtracted first, so nothing overflows).
local nn = require 'nn'
local K = torch._nn

local SLSM, parent = torch.class('nn.SpatialLogSoftMax', 'nn.Module')

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
   K.softmax_forward(self.output, self:_batch(input), 'LogSoftMax')
   self.output:resize(input:size())
   return self.output
end

-- gradInput = gradOutput - exp(y) * (sum over planes of gradOutput)
function SLSM:updateGradInput(input, gradOutput)
   if not self.gradInput then return end
   nn.utils.checkGradOutput(self, gradOutput, self.output)
   local y = self:_batch(self.output)
   local go = gradOutput:dim() == 4 and gradOutput or gradOutput:contiguous():viewAs(y)
   K.softmax_backward(self.gradInput, go, y, 'LogSoftMax')
   self.gradInput:resize(input:size())
   return self.gradInput
end

return SLSM
