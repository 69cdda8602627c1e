-- nn.Add(inputSize [, scalar]): output = input + b with a learnable bias b of inputSize
-- elements (one per feature; a batch adds it to every row), or, with scalar = true, one
-- learnable number added to every element.
local nn = require 'nn'

local Add, parent = torch.class('nn.Add', 'nn.Module')

function Add:__init(inputSize, scalar)
   parent.__init(self)
   local size = scalar and 1 or inputSize
   self.scalar = scalar
   self.bias = torch.Tensor(size)
   self.gradBias = torch.Tensor(size):zero()
   self._ones = torch.Tensor{1}
   self:reset()
end

function Add:reset(stdv)
   stdv = stdv and stdv * math.sqrt(3) or 1 / math.sqrt(self.bias:size(1))
   self.bias:uniform(-stdv, stdv)
   return self
end

-- The batch size when input is a batch of bias-sized rows; nil when it is one sample.
function Add:_batchsize(input)
   local n = self.bias:nElement()
   if input:nElement() == n then return nil end
   if input:dim() < 2 or input:nElement() ~= input:size(1) * n then
      self:_error('input of size %s, expected %d elements per sample', nn.utils.sizestr(input), n)
   end
   return input:size(1)
end

function Add:updateOutput(input)
   nn.utils.checkFloatTensor(self, input)
   self.output:resizeAs(input):copy(input)
   if self.scalar then
      torch._nn.activation_forward(self.output, self.output, 'AddConstant', self.bias[1])
   else
      local bs = self:_batchsize(input) or 1
      if self._ones:size(1) ~= bs then self._ones:resize(bs):fill(1) end
      self.output:view(bs, self.bias:nElement()):addr(1, self._ones, self.bias:view(-1))
   end
   return self.output
end

function Add:updateGradInput(input, gradOutput)
   nn.utils.checkGradOutput(self, gradOutput, input)
   if self.gradInput then
      self.gradInput:resizeAs(gradOutput):copy(gradOutput)
      return self.gradInput
   end
end

function Add:accGradParameters(input, gradOutput, scale)
   scale = scale or 1
   local g = gradOutput:contiguous()
   if self.scalar then
      if self._ones:nElement() ~= g:nElement() then self._ones:resize(g:nElement()):fill(1) end
      self.gradBias[1] = self.gradBias[1] + scale * g:view(-1):dot(self._ones)
   else
      local bs = self:_batchsize(input) or 1
      if self._ones:size(1) ~= bs then self._ones:resize(bs):fill(1) end
      self.gradBias:view(-1):addmv(scale, g:view(bs, -1):t(), self._ones)
   end
end

return Add
