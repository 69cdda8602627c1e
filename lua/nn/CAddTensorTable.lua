-- nn.CAddTensorTable(): input {v, {t1, ..., tn}}; output {t1 + v, ..., tn + v}, each ti of
-- v's size. The gradient of v is the sum of the gradOutputs, that of each ti its own.
local nn = require 'nn'
local utils = nn.utils

local CAddTensorTable, parent = torch.class('nn.CAddTensorTable', 'nn.Module')

function CAddTensorTable:__init()
   parent.__init(self)
   self.output = {}
   self.gradInput = {}
end

function CAddTensorTable:_check(input)
   if type(input) ~= 'table' or torch.isTensor(input) or not torch.isTensor(input[1])
      or type(input[2]) ~= 'table' or torch.isTensor(input[2]) then
      self:_error('expected a table {tensor, {tensors}}, got %s', torch.type(input))
   end
   local v = input[1]
   utils.checkFloatTensor(self, v, 'the vector')
   for i, t in ipairs(input[2]) do
      utils.checkFloatTensor(self, t, 'tensor ' .. i)
      if t:nElement() ~= v:nElement() then
         self:_error('tensor %d of size %s does not match the vector of size %s', i,
                     utils.sizestr(t), utils.sizestr(v))
      end
   end
end

local function buffer(list, i, like)
   local b = list[i]
   if not torch.isTensor(b) or b:type() ~= like:type() then
      b = like.new()
      list[i] = b
   end
   return b
end

function CAddTensorTable:updateOutput(input)
   self:_check(input)
   local v, ts = input[1], input[2]
   for i, t in ipairs(ts) do
      buffer(self.output, i, v):resizeAs(v):copy(t):add(v)
   end
   for i = #self.output, #ts + 1, -1 do self.output[i] = nil end
   return self.output
end

function CAddTensorTable:updateGradInput(input, gradOutput)
   self:_check(input)
   local v, ts = input[1], input[2]
   if type(gradOutput) ~= 'table' or #gradOutput ~= #ts then
      self:_error('expected a table of %d gradOutputs, got %s', #ts, torch.type(gradOutput))
   end
   local gv = buffer(self.gradInput, 1, v):resizeAs(v):zero()
   self.gradInput[2] = type(self.gradInput[2]) == 'table' and self.gradInput[2] or {}
   local gts = self.gradInput[2]
   for i = 1, #ts do
      if not torch.isTensor(gradOutput[i]) or gradOutput[i]:nElement() ~= v:nElement() then
         self:_error('gradOutput %d of size %s, expected %s', i, utils.sizestr(gradOutput[i]),
                     utils.sizestr(v))
      end
      gv:add(gradOutput[i]:viewAs(v))
      buffer(gts, i, v):resizeAs(ts[i]):copy(gradOutput[i])
   end
   for i = #gts, #ts + 1, -1 do gts[i] = nil end
   return self.gradInput
end

return CAddTensorTable
