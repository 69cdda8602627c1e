-- nn.Bilinear(inputSize1, inputSize2, outputSize [, bias = true]): for a table input
-- {x1 (N x inputSize1), x2 (N x inputSize2)}, output[n][k] = x1[n]^T W[k] x2[n] + b[k],
-- with W of size outputSize x inputSize1 x inputSize2.
local nn = require 'nn'
local K = torch._nn

local Bilinear, parent = torch.class('nn.Bilinear', 'nn.Module')

function Bilinear:__init(inputSize1, inputSize2, outputSize, bias)
   parent.__init(self)
   self.weight = torch.Tensor(outputSize, inputSize1, inputSize2)
   self.gradWeight = torch.Tensor(outputSize, inputSize1, inputSize2):zero()
   if bias == nil or bias then
      self.bias = torch.Tensor(outputSize)
      self.gradBias = torch.Tensor(outputSize):zero()
   end
   self.gradInput = {torch.Tensor(), torch.Tensor()}
   self._buff = torch.Tensor()
   self._ones = torch.Tensor()
   self:reset()
end

function Bilinear:reset(stdv)
   stdv = stdv and stdv * math.sqrt(3) or 1 / math.sqrt(self.weight:size(2))
   self.weight:uniform(-stdv, stdv)
   if self.bias then self.bias:uniform(-stdv, stdv) end
   return self
end

function Bilinear:_check(input)
   local ok = type(input) == 'table' and #input == 2 and torch.isTensor(input[1])
      and torch.isTensor(input[2]) and input[1]:dim() == 2 and input[2]:dim() == 2
   if not ok then
      self:_error('expected a table of two 2D tensors {x1, x2}')
   end
   nn.utils.checkFloatTensor(self, input[1], 'input 1')
   nn.utils.checkFloatTensor(self, input[2], 'input 2')
   local w = self.weight
   if input[1]:size(2) ~= w:size(2) or input[2]:size(2) ~= w:size(3)
      or input[1]:size(1) ~= input[2]:size(1) then
      self:_error('inputs of sizes %s and %s, expected Nx%d and Nx%d', nn.utils.sizestr(input[1]),
                  nn.utils.sizestr(input[2]), w:size(2), w:size(3))
   end
   local n = input[1]:size(1)
   if self._ones:nElement() ~= math.max(n, w:size(3)) then
      self._ones:resize(math.max(n, w:size(3))):fill(1)
   end
   return n
end

function Bilinear:updateOutput(input)
   local n = self:_check(input)
   local x1, x2 = input[1], input[2]
   self.output:resize(n, self.weight:size(1))
   self._buff:resize(n, self.weight:size(3))
   for k = 1, self.weight:size(1) do
      -- row sums of (x1 W[k]) .* x2
      self._buff:mm(x1, self.weight[k])
      K.mask_scale(self._buff, self._buff, x2, 1)
      self.output:select(2, k):mv(self._buff, self._ones:narrow(1, 1, self.weight:size(3)))
   end
   if self.bias then self.output:addr(1, self._ones:narrow(1, 1, n), self.bias) end
   return self.output
end

-- Column k of g expanded over the columns of a tensor like x.
local function gcol(g, k, x)
   return g:narrow(2, k, 1):expand(x:size(1), x:size(2))
end

function Bilinear:updateGradInput(input, gradOutput)
   local n = self:_check(input)
   nn.utils.checkGradOutput(self, gradOutput, {n, self.weight:size(1)})
   local x1, x2 = input[1], input[2]
   local g1, g2 = self.gradInput[1], self.gradInput[2]
   g1:resizeAs(x1):zero()
   g2:resizeAs(x2):zero()
   for k = 1, self.weight:size(1) do
      -- gradInput1 += (g_k .* x2) W[k]^T;  gradInput2 += (g_k .* x1) W[k]
      self._buff:resizeAs(x2)
      K.mask_scale(self._buff, x2, gcol(gradOutput, k, x2), 1)
      g1:addmm(self._buff, self.weight[k]:t())
      self._buff:resizeAs(x1)
      K.mask_scale(self._buff, x1, gcol(gradOutput, k, x1), 1)
      g2:addmm(self._buff, self.weight[k])
   end
   return self.gradInput
end

function Bilinear:accGradParameters(input, gradOutput, scale)
   scale = scale or 1
   local n = self:_check(input)
   local x1, x2 = input[1], input[2]
   self._buff:resizeAs(x1)
   for k = 1, self.weight:size(1) do
      K.mask_scale(self._buff, x1, gcol(gradOutput, k, x1), 1)
      self.gradWeight[k]:addmm(scale, self._buff:t(), x2)
   end
   if self.bias then self.gradBias:addmv(scale, gradOutput:t(), self._ones:narrow(1, 1, n)) end
end

function Bilinear:__tostring__()
   return string.format('%s(%d, %d -> %d)%s', torch.type(self), self.weight:size(2),
                        self.weight:size(3), self.weight:size(1),
                        self.bias and '' or ' without bias')
end

return Bilinear
