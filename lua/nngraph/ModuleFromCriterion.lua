-- nn.ModuleFromCriterion(criterion): a module over {prediction, target} whose output is a
-- one-element tensor holding the loss, so that a criterion can be a node of a graph
-- (calling a criterion on nodes makes one). The gradient w.r.t. the prediction is the
-- criterion's, times gradOutput[1]; the target gets a zero gradient.
local nn = require 'nn'

local ModuleFromCriterion, parent = torch.class('nn.ModuleFromCriterion', 'nn.Module')

function ModuleFromCriterion:__init(criterion)
   parent.__init(self)
   if not (type(criterion) == 'table' and torch.isTypeOf(criterion, 'nn.Criterion')) then
      error('nn.ModuleFromCriterion: expected an nn.Criterion, got ' .. torch.type(criterion), 3)
   end
   self.criterion = criterion
   self.output = torch.Tensor(1)
   self.gradInput = {torch.Tensor(), torch.Tensor()}
end

local function pair(self, input)
   if type(input) ~= 'table' or torch.typename(input) or input[1] == nil or input[2] == nil then
      self:_error('expected the table {prediction, target}, got %s', torch.type(input))
   end
   return input[1], input[2]
end

function ModuleFromCriterion:updateOutput(input)
   local prediction, target = pair(self, input)
   self.output:resize(1)
   self.output[1] = self.criterion:updateOutput(prediction, target)
   return self.output
end

-- dst = src * k over nested tables of tensors; returns dst.
local function scaled(dst, src, k)
   if torch.isTensor(src) then
      dst = torch.isTensor(dst) and dst:type() == src:type() and dst or src.new()
      return dst:resizeAs(src):copy(src):mul(k)
   end
   dst = (type(dst) == 'table' and not torch.typename(dst)) and dst or {}
   for i = 1, #src do dst[i] = scaled(dst[i], src[i], k) end
   for i = #src + 1, #dst do dst[i] = nil end
   return dst
end

local function zeros(dst, like)
   if torch.isTensor(like) then
      dst = torch.isTensor(dst) and dst:type() == like:type() and dst or like.new()
      return dst:resizeAs(like):zero()
   end
   dst = (type(dst) == 'table' and not torch.typename(dst)) and dst or {}
   for i = 1, #like do dst[i] = zeros(dst[i], like[i]) end
   return dst
end

function ModuleFromCriterion:updateGradInput(input, gradOutput)
   local prediction, target = pair(self, input)
   local g = self.criterion:updateGradInput(prediction, target)
   local k = torch.isTensor(gradOutput) and gradOutput[1] or gradOutput
   self.gradInput[1] = scaled(self.gradInput[1], g, k)
   self.gradInput[2] = zeros(self.gradInput[2], target)
   return self.gradInput
end

function ModuleFromCriterion:__tostring__()
   return 'nn.ModuleFromCriterion(' .. tostring(self.criterion) .. ')'
end

return ModuleFromCriterion
