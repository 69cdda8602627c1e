-- nn.ZipTableOneToMany(): input {v, {a, b, c}}; output {{v, a}, {v, b}, {v, c}}. The
-- gradient of v is the sum of the gradients of its copies.
local nn = require 'nn'

local ZipTableOneToMany, parent = torch.class('nn.ZipTableOneToMany', 'nn.Module')

function ZipTableOneToMany:__init()
   parent.__init(self)
   self.output = {}
   self.gradInput = {}
   self.gradInputEl = torch.Tensor()
end

function ZipTableOneToMany:_check(input)
   if type(input) ~= 'table' or torch.isTensor(input) or #input ~= 2 or not torch.isTensor(input[1])
      or type(input[2]) ~= 'table' or torch.isTensor(input[2]) then
      self:_error('expected a table {tensor, {elements}}, got %s', torch.type(input))
   end
end

function ZipTableOneToMany:updateOutput(input)
   self:_check(input)
   local v, list = input[1], input[2]
   for i = #self.output, #list + 1, -1 do self.output[i] = nil end
   for i, x in ipairs(list) do
      local pair = self.output[i] or {}
      pair[1], pair[2] = v, x
      self.output[i] = pair
   end
   return self.output
end

function ZipTableOneToMany:updateGradInput(input, gradOutput)
   self:_check(input)
   local v, list = input[1], input[2]
   if type(gradOutput) ~= 'table' or #gradOutput ~= #list then
      self:_error('expected a table of %d gradOutput pairs, got %s', #list, torch.type(gradOutput))
   end
   if self.gradInputEl:type() ~= v:type() then self.gradInputEl = v.new() end
   self.gradInputEl:resizeAs(v):zero()
   local rest = type(self.gradInput[2]) == 'table' and self.gradInput[2] or {}
   for i = #rest, #list + 1, -1 do rest[i] = nil end
   for i, g in ipairs(gradOutput) do
      if type(g) ~= 'table' or not torch.isTensor(g[1]) or g[1]:nElement() ~= v:nElement() then
         self:_error('gradOutput %d must be a pair {tensor of size %s, ...}', i, nn.utils.sizestr(v))
      end
      self.gradInputEl:add(g[1]:viewAs(v))
      rest[i] = g[2]
   end
   self.gradInput = {self.gradInputEl, rest}
   return self.gradInput
end

return ZipTableOneToMany
