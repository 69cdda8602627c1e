-- nn.Maxout(inputSize, outputSize, maxoutNumber [, preprocess]): a maxout layer (Goodfellow
-- et al. 2013): nn.Linear(inputSize, outputSize * maxoutNumber), then the maximum over each
-- group of maxoutNumber units. preprocess, a module, is applied to the n x maxoutNumber x
-- outputSize view before the maximum (dropout, say). A Sequential of those modules.
local nn = require 'nn'

local Maxout, parent = torch.class('nn.Maxout', 'nn.Sequential')

function Maxout:__init(inputSize, outputSize, maxoutNumber, preprocess)
   parent.__init(self)
   if math.type(maxoutNumber) ~= 'integer' or maxoutNumber < 1 then
      self:_error('maxoutNumber must be a positive integer, got %s', tostring(maxoutNumber))
   end
   self:add(nn.Linear(inputSize, outputSize * maxoutNumber))
   self:add(nn.View(maxoutNumber, outputSize):setNumInputDims(1))
   if preprocess then self:add(preprocess) end
   self:add(nn.Max(1, 2))
end

return Maxout
