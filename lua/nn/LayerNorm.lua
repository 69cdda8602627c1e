-- nn.LayerNorm(size [, eps = 1e-5 [, affine = true]]): not in Torch7. Normalizes every
-- input over its last dimension (of the given size) to mean 0 and variance 1, then scales
-- by weight and shifts by bias (learnable, initialized to 1 and 0, when affine). The
-- same in training and evaluation.
local nn = require 'nn'
local K = torch._nn

local LayerNorm, parent = torch.class('nn.LayerNorm', 'nn.Module')

function LayerNorm:__init(size, eps, affine)
   parent.__init(self)
   if math.type(size) ~= 'integer' or size < 1 then
      self:_error('expected the size of the last dimension (positive integer), got %s',
                  tostring(size))
   end
   self.size = size
   self.eps = eps or 1e-5
   self.affine = affine == nil and true or affine
   if self.affine then
      self.weight = torch.Tensor(size)
      self.bias = torch.Tensor(size)
      self.gradWeight = torch.Tensor(size):zero()
      self.gradBias = torch.Tensor(size):zero()
      self:reset()
   end
   self._mean = torch.Tensor()
   self._rstd = torch.Tensor()
end

function LayerNorm:reset()
   if self.weight then self.weight:fill(1) end
   if self.bias then self.bias:zero() end
end

function LayerNorm:_check(input)
   if input:dim() < 1 or input:size(input:dim()) ~= self.size then
      self:_error('input of size %s, expected a last dimension of %d', nn.utils.sizestr(input),
                  self.size)
   end
end

function LayerNorm:updateOutput(input)
   self:_check(input)
   K.layernorm_forward(self.output, input, self.weight, self.bias, self._mean, self._rstd, self.eps)
   return self.output
end

function LayerNorm:updateGradInput(input, gradOutput)
   self:_check(input)
   K.layernorm_backward(self.gradInput, nil, nil, input, gradOutput, self.weight, self._mean,
                        self._rstd, 1)
   return self.gradInput
end

function LayerNorm:accGradParameters(input, gradOutput, scale)
   if not self.affine then return end
   K.layernorm_backward(nil, self.gradWeight, self.gradBias, input, gradOutput, self.weight,
                        self._mean, self._rstd, scale or 1)
end

function LayerNorm:clearState()
   nn.utils.clear(self, '_mean', '_rstd')
   return parent.clearState(self)
end

function LayerNorm:__tostring__()
   return string.format('%s(%d%s)', torch.type(self), self.size, self.affine and '' or ', no affine')
end

return LayerNorm
