-- nn.Linear(inputSize, outputSize [, bias = true]): y = W x + b, for one sample (1D input
-- of inputSize) or a batch (2D, N x inputSize). The work is nn_linear_* in src/nn/linear.c.
local nn = require 'nn'
local K = torch._nn

local Linear, parent = torch.class('nn.Linear', 'nn.Module')

function Linear:__init(inputSize, outputSize, bias)
   parent.__init(self)
   if math.type(inputSize) ~= 'integer' or math.type(outputSize) ~= 'integer'
      or inputSize < 1 or outputSize < 1 then
      self:_error('expected positive integer sizes, got %s and %s', tostring(inputSize),
                  tostring(outputSize))
   end
   self.weight = torch.Tensor(outputSize, inputSize)
   self.gradWeight = torch.Tensor(outputSize, inputSize):zero()
   if bias == nil or bias then
      self.bias = torch.Tensor(outputSize)
      self.gradBias = torch.Tensor(outputSize):zero()
   end
   self:reset()
end

function Linear:noBias()
   self.bias = nil
   self.gradBias = nil
   return self
end

-- Torch7's initialization: uniform in [-stdv, stdv], stdv = 1/sqrt(inputSize) unless given
-- (then stdv * sqrt(3), the bound of a uniform law with that standard deviation).
function Linear:reset(stdv)
   if stdv then
      stdv = stdv * math.sqrt(3)
   else
      stdv = 1 / math.sqrt(self.weight:size(2))
   end
   self.weight:uniform(-stdv, stdv)
   if self.bias then self.bias:uniform(-stdv, stdv) end
   return self
end

-- The input as a 2D batch. The kernels check the type and the number of features; a
-- vector is checked here, as the kernel sees it as the batch 1 x n.
function Linear:_batch(input, what)
   what = what or 'input'
   local nin = self.weight:size(2)
   if not torch.isTensor(input) then
      self:_error('%s must be a tensor, got %s', what, torch.type(input))
   end
   local dim = input:dim()
   if (dim ~= 1 and dim ~= 2) or (dim == 1 and input:size(1) ~= nin) then
      self:_error('%s of size %s, expected %d features or a batch N x %d', what,
                  nn.utils.sizestr(input), nin, nin)
   end
   return dim == 1 and input:view(1, nin) or input, dim
end

local Float, Double = torch.FloatTensor, torch.DoubleTensor

function Linear:updateOutput(input)
   -- a batch (the common case, batch 1 included) goes straight to the kernel, which
   -- checks it; the metatable test is what torch.isTensor costs ten times over
   local mt = getmetatable(input)
   if (mt == Float or mt == Double) and input:dim() == 2 then
      K.linear_forward(self.output, input, self.weight, self.bias)
      return self.output
   end
   local x, dim = self:_batch(input)
   K.linear_forward(self.output, x, self.weight, self.bias)
   if dim == 1 then self.output:resize(self.weight:size(1)) end
   return self.output
end

function Linear:updateGradInput(input, gradOutput)
   if not self.gradInput then return end
   local x, dim = self:_batch(input)
   local g = dim == 1 and gradOutput:view(1, gradOutput:nElement()) or gradOutput
   K.linear_backward_input(self.gradInput, g, self.weight)
   if dim == 1 then self.gradInput:resize(self.weight:size(2)) end
   return self.gradInput
end

function Linear:accGradParameters(input, gradOutput, scale)
   local x, dim = self:_batch(input)
   local g = dim == 1 and gradOutput:view(1, gradOutput:nElement()) or gradOutput
   K.linear_backward_params(self.gradWeight, self.bias and self.gradBias, x, g, scale or 1)
end

-- Linear has no buffers beyond output and gradInput.
function Linear:clearState()
   return nn.utils.clear(self, 'output', 'gradInput')
end

function Linear:__tostring__()
   return torch.type(self) .. string.format('(%d -> %d)', self.weight:size(2), self.weight:size(1))
      .. (self.bias == nil and ' without bias' or '')
end

return Linear
