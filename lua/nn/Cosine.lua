-- nn.Cosine(inputSize, outputSize): output j is the cosine similarity w_j.x / (|w_j| |x|)
-- between the input and the j-th row of weight (outputSize x inputSize). Input: a vector
-- of inputSize or a batch n x inputSize. As Torch7, 1e-12 is added to each norm.
local nn = require 'nn'
require 'nn.Euclidean' -- its reset

local Cosine, parent = torch.class('nn.Cosine', 'nn.Module')

local EPS = 1e-12

function Cosine:__init(inputSize, outputSize)
   parent.__init(self)
   nn.utils.checkVectorSizes(self, inputSize, outputSize)
   self.weight = torch.Tensor(outputSize, inputSize)
   self.gradWeight = torch.Tensor(outputSize, inputSize):zero()
   self:reset()
end

-- uniform in +-1/sqrt(outputSize) (weight:size(1)), as Torch7's
Cosine.reset = nn.Euclidean.reset

-- The input as an n x inputSize batch, checked.
function Cosine:_batch(input)
   return nn.utils.vectorBatch(self, input, self.weight:size(2))
end

-- Keeps |w_j| + eps (1 x outputSize) and |x| + eps (n x 1) for the backward pass.
function Cosine:updateOutput(input)
   local x = self:_batch(input)
   local n, osz = x:size(1), self.weight:size(1)
   self._weightNorm = self._weightNorm or x.new()
   self._inputNorm = self._inputNorm or x.new()
   self._weightNorm:norm(self.weight, 2, 2):add(EPS)
   self._inputNorm:norm(x, 2, 2):add(EPS)
   self.output:resize(n, osz):mm(x, self.weight:t())
   self.output:cdiv(self._weightNorm:view(1, osz):expand(n, osz))
   self.output:cdiv(self._inputNorm:expand(n, osz))
   if input:dim() == 1 then self.output:resize(osz) end
   return self.output
end

function Cosine:_grad(input, gradOutput)
   local x = self:_batch(input)
   local n, osz = x:size(1), self.weight:size(1)
   if gradOutput:nElement() ~= n * osz then
      self:_error('gradOutput of size %s, expected the output size %s',
                  nn.utils.sizestr(gradOutput), nn.utils.sizestr(self.output))
   end
   return x, gradOutput:contiguous():view(n, osz), self.output:contiguous():view(n, osz), n, osz
end

-- dy_j/dx = w_j / (|w_j| |x|) - y_j x / |x|^2.
function Cosine:updateGradInput(input, gradOutput)
   local x, g, y, n, osz = self:_grad(input, gradOutput)
   local gw = g:clone():cdiv(self._weightNorm:view(1, osz):expand(n, osz))
   local gy = g:clone():cmul(y):sum(2)                       -- n x 1: sum_j g_j y_j
   self.gradInput:resizeAs(x):mm(gw, self.weight)
   self.gradInput:addcmul(-1, x, gy:cdiv(self._inputNorm):expandAs(x))
   self.gradInput:cdiv(self._inputNorm:expandAs(x))
   self.gradInput:resizeAs(input)
   return self.gradInput
end

-- dy_j/dw_j = x / (|w_j| |x|) - y_j w_j / |w_j|^2.
function Cosine:accGradParameters(input, gradOutput, scale)
   local x, g, y, _, osz = self:_grad(input, gradOutput)
   local xn = x:clone():cdiv(self._inputNorm:expandAs(x))
   local gws = g.new():resize(osz, self.weight:size(2)):mm(g:t(), xn)
   local gy = g:clone():cmul(y):sum(1):view(osz, 1)          -- sum over the batch
   gws:addcmul(-1, self.weight, gy:cdiv(self._weightNorm):expandAs(self.weight))
   gws:cdiv(self._weightNorm:expandAs(self.weight))
   self.gradWeight:add(scale or 1, gws)
end

nn.utils.scratchBuffers(Cosine, parent, {'_weightNorm', '_inputNorm'})

return Cosine
