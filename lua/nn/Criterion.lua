-- nn.Criterion: the base class of losses. forward(input, target) returns a number (the
-- loss, also in self.output); backward(input, target) returns its gradient w.r.t. input.
local nn = require 'nn'
require 'nn.Module'
local utils = nn.utils

local Criterion = torch.class('nn.Criterion')
Criterion.__initargs = utils.integralArgs -- as nn.Module's

function Criterion:__init()
   self.gradInput = torch.Tensor()
   self.output = 0
end

function Criterion:updateOutput(input, target)
end

function Criterion:forward(input, target)
   return self:updateOutput(input, target)
end

function Criterion:backward(input, target)
   return self:updateGradInput(input, target)
end

function Criterion:updateGradInput(input, target)
end

function Criterion:clone()
   return utils.deepcopy(self)
end

function Criterion:type(tname, tensorCache)
   if not tname then
      if self._type then return self._type end
      -- criteria of tables (CosineEmbedding, MarginRanking, ...) have a table gradInput
      local g = torch.isTensor(self.gradInput) and self.gradInput or self.gradInput[1]
      return torch.isTensor(g) and g:type() or torch.getdefaulttensortype()
   end
   return nn.Module.type(self, tname, tensorCache) -- converts every field, as a module's
end

function Criterion:float()
   return self:type('torch.FloatTensor')
end

function Criterion:double()
   return self:type('torch.DoubleTensor')
end

function Criterion:clearState()
   return utils.clear(self, 'gradInput')
end

function Criterion:__call__(input, target)
   self.output = self:forward(input, target)
   self.gradInput = self:backward(input, target)
   return self.output, self.gradInput
end

-- Printing and error messages as modules have them: "nn.ClassNLLCriterion: target 4 out
-- of range for 3 classes", raised at the script's line.
Criterion.__tostring__ = nn.Module.__tostring__
Criterion._error = nn.Module._error

-- "Float" for a torch.FloatTensor, as the kernels' messages name types.
local function short(t) return t:type():match('^torch%.(%a+)Tensor$') or t:type() end

-- For the criteria written in Lua (the C kernels check their own operands): t is a Float
-- or Double tensor, in the kernels' words.
function Criterion:_checkFloat(t, what)
   what = what or 'input'
   if not torch.isTensor(t) then self:_error('%s must be a tensor, got %s', what, torch.type(t)) end
   local ty = t:type()
   if ty ~= 'torch.FloatTensor' and ty ~= 'torch.DoubleTensor' then
      self:_error('%s must be a Float or Double tensor, got a %s tensor', what, short(t))
   end
end

-- For the criteria written in Lua: input has the type of the gradInput buffer, in the
-- kernels' words.
function Criterion:_checkGradType(input)
   local g = self.gradInput
   if torch.isTensor(g) and g:type() ~= input:type() then
      self:_error('gradInput is a %s tensor, input a %s tensor (convert with :type())',
                  short(g), short(input))
   end
end

-- weights, when given (to a constructor), is a 1D tensor.
function Criterion:_checkWeights(weights)
   if weights ~= nil and not (torch.isTensor(weights) and weights:dim() == 1) then
      self:_error('weights must be a 1D tensor, got %s', torch.type(weights))
   end
end

local K = torch._nn

-- Gives class the methods of a pointwise criterion of src/nn/loss.c, whose kernels are
-- torch._nn[kernel .. '_forward'] and [kernel .. '_backward']; its options are the fields
-- sizeAverage, margin, weights and posWeight (nil where they do not apply).
function Criterion._pointwise(class, kernel)
   local forward, backward = K[kernel .. '_forward'], K[kernel .. '_backward']
   function class:updateOutput(input, target)
      self.output = forward(input, target, self.sizeAverage, self.margin, self.weights,
                            self.posWeight)
      return self.output
   end
   function class:updateGradInput(input, target)
      backward(self.gradInput, input, target, self.sizeAverage, self.margin, self.weights,
               self.posWeight)
      return self.gradInput
   end
end

-- Gives class the methods of a criterion of a pair {x1, x2} against targets y
-- (MarginRankingCriterion, CosineEmbeddingCriterion): __init(margin), with margin 0 and
-- sizeAverage true; gradInput is a pair of tensors of the input's type.
function Criterion._pair(class, kernel)
   local forward, backward = K[kernel .. '_forward'], K[kernel .. '_backward']
   local parent = nn.Criterion
   function class:__init(margin)
      parent.__init(self)
      self.margin = margin or 0
      self.sizeAverage = true
      self.gradInput = {torch.Tensor(), torch.Tensor()}
   end
   local function pair(self, input)
      if type(input) ~= 'table' or not torch.isTensor(input[1]) or not torch.isTensor(input[2]) then
         self:_error('input must be a table of two tensors, got %s', torch.type(input))
      end
      return input[1], input[2]
   end
   function class:updateOutput(input, y)
      local x1, x2 = pair(self, input)
      self.output = forward(x1, x2, y, self.margin, self.sizeAverage)
      return self.output
   end
   function class:updateGradInput(input, y)
      local x1, x2 = pair(self, input)
      local g = self.gradInput
      for i = 1, 2 do
         if not torch.isTensor(g[i]) or g[i]:type() ~= x1:type() then g[i] = x1.new() end
      end
      backward(g[1], g[2], x1, x2, y, self.margin, self.sizeAverage)
      return self.gradInput
   end
end

return Criterion
