-- nn.DistanceRatioCriterion([sizeAverage = true]): the probabilistic triplet loss (Hoffer &
-- Ailon 2015): input {X, Y}, X the distances between similar pairs and Y between
-- dissimilar ones, loss = sum -log(exp(-X) / (exp(-X) + exp(-Y))) = sum softplus(X - Y),
-- divided by X:size(1) with sizeAverage. Computed in the stable form; the gradient is
-- {sigmoid(X - Y), -sigmoid(X - Y)} (over X:size(1) with sizeAverage).
local nn = require 'nn'
local utils = nn.utils

local DistanceRatioCriterion, parent = torch.class('nn.DistanceRatioCriterion', 'nn.Criterion')

function DistanceRatioCriterion:__init(sizeAverage)
   parent.__init(self)
   if sizeAverage ~= nil then self.sizeAverage = sizeAverage else self.sizeAverage = true end
   self.gradInput = {torch.Tensor(), torch.Tensor()}
   self._d = torch.Tensor()
   self._t = torch.Tensor()
end

function DistanceRatioCriterion:_pair(input)
   if type(input) ~= 'table' or torch.isTensor(input) or #input ~= 2 then
      self:_error('input must be a table of two tensors {X, Y}, got %s', torch.type(input))
   end
   local X, Y = input[1], input[2]
   self:_checkFloat(X, 'X')
   self:_checkFloat(Y, 'Y')
   if X:nElement() ~= Y:nElement() or X:dim() == 0 or X:size(1) ~= Y:size(1) then
      self:_error('X of size %s and Y of size %s do not match', utils.sizestr(X), utils.sizestr(Y))
   end
   if not self._d or self._d:type() ~= X:type() then self._d, self._t = X.new(), X.new() end
   -- d = X - Y
   self._d:resizeAs(X):copy(X):add(-1, Y:viewAs(X))
   return X, Y
end

function DistanceRatioCriterion:updateOutput(input)
   local X = self:_pair(input)
   -- softplus(d) = max(d, 0) + log(1 + exp(-|d|))
   self._t:resizeAs(self._d):copy(self._d):abs():mul(-1):exp():log1p()
   self._c = self._c and self._c:type() == X:type() and self._c or X.new()
   local loss = self._t:sum() + self._c:resizeAs(self._d):copy(self._d):clamp(0, math.huge):sum()
   self.output = self.sizeAverage and loss / X:size(1) or loss
   return self.output
end

function DistanceRatioCriterion:updateGradInput(input)
   local X, Y = self:_pair(input)
   local gX, gY = self.gradInput[1], self.gradInput[2]
   if not torch.isTensor(gX) or gX:type() ~= X:type() then
      gX, gY = X.new(), X.new()
      self.gradInput = {gX, gY}
   end
   gX:resizeAs(X):copy(self._d):sigmoid()
   if self.sizeAverage then gX:div(X:size(1)) end
   gY:resizeAs(Y):copy(gX):mul(-1)
   return self.gradInput
end

return DistanceRatioCriterion
