-- nn.Kmeans(k, dim [, scale]): online (hard) k-means. The k centres are the rows of
-- self.weight (k x dim). forward(input) (N x dim) gives the index of each row's nearest
-- centre (squared Euclidean distance; an output of N, in the module's type) and sets
-- self.loss, the sum of those squared distances. accGradParameters accumulates
-- gradWeight[c] -= scale / n_c * sum over its n_c rows of (x - c), so that
-- updateParameters(lr) moves each centre towards the mean of its rows (lr = 1, scale = 1:
-- onto it). gradInput is zero. initRandom(input) and initKmeansPlus(input [, p = 0.95])
-- initialize the centres from samples.
local nn = require 'nn'
local utils = nn.utils

local Kmeans, parent = torch.class('nn.Kmeans', 'nn.Module')

function Kmeans:__init(k, dim, scale)
   parent.__init(self)
   if math.type(k) ~= 'integer' or k < 1 or math.type(dim) ~= 'integer' or dim < 1 then
      self:_error('k and dim must be positive integers, got %s and %s', tostring(k), tostring(dim))
   end
   self.k, self.dim, self.scale = k, dim, scale
   self.weight = torch.Tensor(k, dim)
   self.gradWeight = torch.Tensor(k, dim):zero()
   self.loss = 0
   self.clusterSampleCount = torch.Tensor(k)
   self._minIndx = torch.LongTensor()
   self:reset()
end

function Kmeans:reset(stdev)
   self.weight:uniform(-(stdev or 1), stdev or 1)
   return self
end

function Kmeans:_check(input, need)
   utils.checkFloatTensor(self, input)
   if input:dim() ~= 2 or input:size(2) ~= self.dim then
      self:_error('input of size %s, expected N x %d', utils.sizestr(input), self.dim)
   end
   if need and input:size(1) < need then
      self:_error('input of %d samples, at least k = %d needed', input:size(1), need)
   end
end

-- The centres are k distinct random rows of input.
function Kmeans:initRandom(input)
   self:_check(input, self.k)
   local idx = torch.randperm(input:size(1)):narrow(1, 1, self.k):long()
   self.weight:index(input, 1, idx)
   return self
end

-- k-means++-like seeding, as Torch7's: the first centre a random row, each next one drawn
-- among the (1 - p) fraction of rows farthest from the centres chosen so far.
function Kmeans:initKmeansPlus(input, p)
   self.p = p or self.p or 0.95
   if self.p < 0 or self.p > 1 then self:_error('p must be in [0, 1], got %s', tostring(self.p)) end
   self:_check(input, self.k)
   local n = input:size(1)
   local pcount = math.max(1, math.ceil((1 - self.p) * n))
   self.weight[1]:copy(input[torch.random(n)])
   local best = input.new(n):fill(math.huge)
   local d = input.new()
   local diff = input.new()
   for c = 2, self.k do
      diff:resizeAs(input):copy(input):add(-1, self.weight[c - 1]:view(1, self.dim):expandAs(input))
      d:resize(n, 1):norm(diff, 2, 2)
      d:resize(n):pow(2)
      best:cmin(d)
      local _, order = best:sort(1, true)
      self.weight[c]:copy(input[order[torch.random(pcount)]])
   end
   return self
end

function Kmeans:updateOutput(input)
   self:_check(input)
   local n = input:size(1)
   -- ||x - c||^2 = ||x||^2 - 2 x.c + ||c||^2, n x k
   self._dist = self._dist or input.new()
   self._xx = self._xx or input.new()
   self._cc = self._cc or input.new()
   self._sq = self._sq or input.new()
   self._sq:resizeAs(input):copy(input):pow(2)
   self._xx:resize(n, 1):sum(self._sq, 2)
   self._sq:resizeAs(self.weight):copy(self.weight):pow(2)
   self._cc:resize(self.k, 1):sum(self._sq, 2)
   self._dist:resize(n, self.k):mm(input, self.weight:t()):mul(-2)
   self._dist:add(self._xx:expand(n, self.k)):add(self._cc:view(1, self.k):expand(n, self.k))
   self._dist:clamp(0, math.huge)
   self._minScore = self._minScore or input.new()
   self._minIndx = self._minIndx or torch.LongTensor()
   self._minScore:min(self._minIndx, self._dist, 2)
   self._minIndx:resize(n)
   self.output:resize(n):copy(self._minIndx)
   self.loss = self._minScore:sum()
   return self.output
end

function Kmeans:updateGradInput(input, gradOutput)
   self.gradInput:resizeAs(input):zero()
   return self.gradInput
end

function Kmeans:accGradParameters(input, gradOutput, scale)
   scale = self.scale or scale or 1
   if scale <= 0 then self:_error('scale must be positive, got %s', tostring(scale)) end
   self:_check(input)
   if not self._minIndx or self._minIndx:nElement() ~= input:size(1) then
      self:_error('accGradParameters: no forward of these %d samples', input:size(1))
   end
   local n = input:size(1)
   self._ones = self._ones or input.new()
   self._ones:resize(n):fill(1)
   self.clusterSampleCount:zero():indexAdd(1, self._minIndx, self._ones)
   -- -scale * (x - c[nearest]), summed per centre, over its count
   self._gw = self._gw or input.new()
   self._gw:index(self.weight, 1, self._minIndx):add(-1, input):mul(scale)
   self._gw2 = self._gw2 or input.new()
   self._gw2:resizeAs(self.gradWeight):zero():indexAdd(1, self._minIndx, self._gw)
   self._counts = self._counts or input.new()
   self._counts:resize(self.k, 1):copy(self.clusterSampleCount):add(1e-7)
   self._gw2:cdiv(self._counts:expandAs(self._gw2))
   self.gradWeight:add(self._gw2)
end

-- The same step straight into the centres: weight -= lr * (the gradient of this batch).
function Kmeans:accUpdateGradParameters(input, gradOutput, lr)
   local gw = self.gradWeight
   self._gwUpd = self._gwUpd or gw.new()
   self.gradWeight = self._gwUpd:resizeAs(gw):zero()
   self:accGradParameters(input, gradOutput)
   self.weight:add(-lr, self.gradWeight)
   self.gradWeight = gw
end

function Kmeans:type(tname, tensorCache)
   if not tname then return parent.type(self) end
   self:clearState()
   local idx = self._minIndx
   self._minIndx = nil
   parent.type(self, tname, tensorCache)
   self._minIndx = idx
   return self
end

function Kmeans:clearState()
   nn.utils.clear(self, '_dist', '_xx', '_cc', '_sq', '_minScore', '_ones', '_gw', '_gw2',
                  '_counts', '_gwUpd')
   return parent.clearState(self)
end

return Kmeans
