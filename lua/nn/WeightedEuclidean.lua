-- nn.WeightedEuclidean(inputSize, outputSize): output j is ||c_j * (x - w_j)||, the
-- Euclidean distance from the input to the j-th column of weight (inputSize x outputSize),
-- each coordinate scaled by the j-th column of diagCov (a diagonal covariance, started at
-- 1). Input: a vector of inputSize or a batch n x inputSize (output n x outputSize).
local nn = require 'nn'
require 'nn.Euclidean' -- its reset

local WE, parent = torch.class('nn.WeightedEuclidean', 'nn.Module')

function WE:__init(inputSize, outputSize)
   parent.__init(self)
   nn.utils.checkVectorSizes(self, inputSize, outputSize)
   self.weight = torch.Tensor(inputSize, outputSize)
   self.gradWeight = torch.Tensor(inputSize, outputSize):zero()
   self.diagCov = torch.Tensor(inputSize, outputSize)
   self.gradDiagCov = torch.Tensor(inputSize, outputSize):zero()
   self.fastBackward = true
   self:reset()
end

function WE:reset(stdv)
   nn.Euclidean.reset(self, stdv)
   self.diagCov:fill(1)
   return self
end

function WE:parameters()
   return {self.weight, self.diagCov}, {self.gradWeight, self.gradDiagCov}
end

function WE:_batch(input)
   return nn.utils.vectorBatch(self, input, self.weight:size(1))
end

local function expand3(t, n, isz, osz) return t:view(1, isz, osz):expand(n, isz, osz) end

-- diff[n][i][j] = x[n][i] - w[i][j], kept in self._diff; scaled by c in self._repeat.
function WE:updateOutput(input)
   local x = self:_batch(input)
   local n, isz, osz = x:size(1), self.weight:size(1), self.weight:size(2)
   self._diff = self._diff or x.new()
   self._repeat = self._repeat or x.new()
   self._diff:resize(n, isz, osz):copy(x:view(n, isz, 1):expand(n, isz, osz))
   self._diff:add(-1, expand3(self.weight, n, isz, osz))
   self._repeat:resizeAs(self._diff):copy(self._diff):cmul(expand3(self.diagCov, n, isz, osz))
   self.output:norm(self._repeat, 2, 2)
   if input:dim() == 1 then self.output:resize(osz) else self.output:resize(n, osz) end
   return self.output
end

-- gradOutput / y (n x 1 x osz, expanded), 0 where the distance is 0 (Torch7 adds 1e-7 to y
-- instead).
function WE:_scale(input, gradOutput)
   local x = self:_batch(input)
   local n, isz, osz = x:size(1), self.weight:size(1), self.weight:size(2)
   if gradOutput:nElement() ~= n * osz then
      self:_error('gradOutput of size %s, expected the output size %s',
                  nn.utils.sizestr(gradOutput), nn.utils.sizestr(self.output))
   end
   if not self.fastBackward then self:updateOutput(input) end
   local y = self.output:contiguous():view(n, 1, osz)
   local div = gradOutput:contiguous():view(n, 1, osz):clone():cdiv(y)
   div:maskedFill(y:eq(0), 0)
   return div:expand(n, isz, osz), n, isz, osz
end

-- dy_j/dx = c_j^2 (x - w_j) / y_j.
function WE:updateGradInput(input, gradOutput)
   local div, n, isz, osz = self:_scale(input, gradOutput)
   local t = self._repeat:clone():cmul(expand3(self.diagCov, n, isz, osz)):cmul(div)
   self.gradInput:sum(t, 3)
   self.gradInput:resize(n, isz):resizeAs(input)
   return self.gradInput
end

-- dy_j/dw_j = -c_j^2 (x - w_j) / y_j and dy_j/dc_j = c_j (x - w_j)^2 / y_j.
function WE:accGradParameters(input, gradOutput, scale)
   scale = scale or 1
   local div, n, isz, osz = self:_scale(input, gradOutput)
   local c = expand3(self.diagCov, n, isz, osz)
   local tw = self._repeat:clone():cmul(c):cmul(div)
   self.gradWeight:add(-scale, tw:sum(1):view(isz, osz))
   local tc = self._repeat:clone():cmul(self._diff):cmul(div)
   self.gradDiagCov:add(scale, tc:sum(1):view(isz, osz))
end

nn.utils.scratchBuffers(WE, parent, {'_diff', '_repeat'})

return WE
