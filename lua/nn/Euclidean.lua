-- nn.Euclidean(inputSize, outputSize): output j is the Euclidean distance ||x - w_j|| from
-- the input to the j-th column of weight (inputSize x outputSize). Input: a vector of
-- inputSize, or a batch n x inputSize (output n x outputSize).
local nn = require 'nn'

local Euclidean, parent = torch.class('nn.Euclidean', 'nn.Module')

function Euclidean:__init(inputSize, outputSize)
   parent.__init(self)
   nn.utils.checkVectorSizes(self, inputSize, outputSize)
   self.weight = torch.Tensor(inputSize, outputSize)
   self.gradWeight = torch.Tensor(inputSize, outputSize):zero()
   self.fastBackward = true
   self:reset()
end

function Euclidean:reset(stdv)
   if stdv then
      stdv = stdv * math.sqrt(3)
   else
      stdv = 1 / math.sqrt(self.weight:size(1))
   end
   self.weight:uniform(-stdv, stdv)
   return self
end

-- The input as a batch (n x inputSize view), checked.
function Euclidean:_batch(input)
   return nn.utils.vectorBatch(self, input, self.weight:size(1))
end

-- diff[n][i][j] = x[n][i] - w[i][j], kept in self._repeat for the backward pass.
function Euclidean:updateOutput(input)
   local x = self:_batch(input)
   local n, isz, osz = x:size(1), self.weight:size(1), self.weight:size(2)
   self._repeat = self._repeat or x.new()
   self._repeat:resize(n, isz, osz):copy(x:view(n, isz, 1):expand(n, isz, osz))
   self._repeat:add(-1, self.weight:view(1, isz, osz):expand(n, isz, osz))
   self.output:norm(self._repeat, 2, 2)
   if input:dim() == 1 then self.output:resize(osz) else self.output:resize(n, osz) end
   return self.output
end

-- diff * gradOutput / output, in self._repeat2: the gradient of each output w.r.t. x,
-- scaled by its gradOutput. A zero distance gives 0 (Torch7 adds 1e-7 to it instead).
function Euclidean:_scaledDiff(input, gradOutput)
   local x = self:_batch(input)
   local n, isz, osz = x:size(1), self.weight:size(1), self.weight:size(2)
   if gradOutput:nElement() ~= n * osz then
      self:_error('gradOutput of size %s, expected the output size %s',
                  nn.utils.sizestr(gradOutput), nn.utils.sizestr(self.output))
   end
   if not self.fastBackward then self:updateOutput(input) end
   self._div = self._div or x.new()
   local out = self.output:contiguous():view(n, 1, osz)
   self._div:resize(n, 1, osz):copy(gradOutput:contiguous():view(n, 1, osz)):cdiv(out)
   self._div:maskedFill(out:eq(0), 0)
   self._repeat2 = self._repeat2 or x.new()
   self._repeat2:resizeAs(self._repeat):copy(self._repeat)
   self._repeat2:cmul(self._div:expand(n, isz, osz))
   return self._repeat2, n, isz, osz
end

function Euclidean:updateGradInput(input, gradOutput)
   local r, n, isz = self:_scaledDiff(input, gradOutput)
   self.gradInput:sum(r, 3)
   self.gradInput:resize(n, isz):resizeAs(input)
   return self.gradInput
end

function Euclidean:accGradParameters(input, gradOutput, scale)
   local r, _, isz, osz = self:_scaledDiff(input, gradOutput)
   self._sum = self._sum or r.new()
   self._sum:sum(r, 1)
   self.gradWeight:add(-(scale or 1), self._sum:view(isz, osz))
end

nn.utils.scratchBuffers(Euclidean, parent, {'_repeat', '_repeat2', '_div', '_sum'})

return Euclidean
