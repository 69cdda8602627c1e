-- nn.ClassSimplexCriterion(nClasses): multi-class classification by regression onto the
-- vertices of a regular simplex (Mroueh et al. 2015): class c is embedded as row c of
-- self.simplex (nClasses x nClasses, unit rows centred at the origin, the last coordinate
-- 0), and the loss is MSECriterion between the input (nClasses, or a batch N x nClasses)
-- and the embedding of the target (a class number, or a vector of N of them).
-- getPredictions(input) gives the inner products with every vertex, getTopPrediction(input)
-- the class of the largest.
local nn = require 'nn'
local utils = nn.utils

local ClassSimplexCriterion, parent = torch.class('nn.ClassSimplexCriterion', 'nn.MSECriterion')

-- The n + 1 vertices (rows) of a regular simplex in R^n, of norm 1, centred at 0.
local function regsplex(n)
   local a = torch.zeros(n + 1, n)
   for k = 1, n do
      if k == 1 then
         a[k][k] = 1
      else
         a[k][k] = math.sqrt(1 - a[{{k}, {1, k - 1}}]:norm() ^ 2)
      end
      local c = (a[k][k] ^ 2 - 1 - 1 / n) / a[k][k]
      a[{{k + 1, n + 1}, {k}}]:fill(c)
   end
   return a
end

function ClassSimplexCriterion:__init(nClasses)
   parent.__init(self)
   if math.type(nClasses) ~= 'integer' or nClasses < 2 then
      self:_error('nClasses must be an integer > 1, got %s', tostring(nClasses))
   end
   self.nClasses = nClasses
   local simp = regsplex(nClasses - 1)
   self.simplex = torch.cat(simp, torch.zeros(nClasses, 1), 2):type(self.gradInput:type())
   self._target = torch.Tensor(nClasses)
   self._idx = torch.LongTensor()
end

function ClassSimplexCriterion:_embed(input, target)
   self:_checkFloat(input, 'input')
   local k = self.nClasses
   self._idx = self._idx or torch.LongTensor()
   if type(target) == 'number' then
      self._idx:resize(1):fill(target)
   elseif torch.isTensor(target) and target:dim() == 1 then
      self._idx:resize(target:nElement()):copy(target)
   else
      self:_error('target must be a class number or a vector of them, got %s',
                  torch.isTensor(target) and utils.sizestr(target) or torch.type(target))
   end
   local lo, hi = self._idx:min(), self._idx:max()
   if lo < 1 or hi > k then
      self:_error('target %d out of range [1, %d]', lo < 1 and lo or hi, k)
   end
   if self.simplex:type() ~= input:type() then self.simplex = self.simplex:type(input:type()) end
   if not self._target or self._target:type() ~= input:type() then self._target = input.new() end
   self._target:index(self.simplex, 1, self._idx)
   if type(target) == 'number' then self._target:resize(k) end
   if input:nElement() ~= self._target:nElement() then
      self:_error('input of size %s, expected %d or %d x %d for %d targets', utils.sizestr(input),
                  k, self._idx:nElement(), k, self._idx:nElement())
   end
   return self._target:viewAs(input)
end

function ClassSimplexCriterion:updateOutput(input, target)
   return parent.updateOutput(self, input, self:_embed(input, target))
end

function ClassSimplexCriterion:updateGradInput(input, target)
   return parent.updateGradInput(self, input, self:_embed(input, target))
end

-- The inner products of each input row with the class vertices (N x nClasses).
function ClassSimplexCriterion:getPredictions(input)
   if input:dim() == 1 then input = input:view(1, -1) end
   return torch.mm(input, self.simplex:type(input:type()):t())
end

-- The class of the largest inner product, per row (a LongTensor of N).
function ClassSimplexCriterion:getTopPrediction(input)
   local prod = self:getPredictions(input)
   local _, maxs = prod:max(prod:dim())
   return maxs:view(-1)
end

function ClassSimplexCriterion:type(tname, tensorCache)
   if not tname then return parent.type(self) end
   local idx = self._idx
   self._idx = nil
   parent.type(self, tname, tensorCache)
   self._idx = idx
   return self
end

return ClassSimplexCriterion
