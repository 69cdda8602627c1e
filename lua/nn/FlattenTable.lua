-- nn.FlattenTable(): a nested table of tensors into a flat table, depth first
-- ({x1, {x2, {x3}}} -> {x1, x2, x3}); gradInput gets the nested shape back. The output
-- table is rebuilt only when the input's structure or tensors change (Torch7).
local nn = require 'nn'

local FlattenTable, parent = torch.class('nn.FlattenTable', 'nn.Module')

function FlattenTable:__init()
   parent.__init(self)
   self.output = {}
   self.input_map = {}
   self.gradInput = {}
end

-- Appends input's tensors to output; returns the map of where each went.
local function flatten(output, input)
   if torch.type(input) == 'table' then
      local map = {}
      for i = 1, #input do map[#map + 1] = flatten(output, input[i]) end
      return map
   end
   output[#output + 1] = input
   return #output
end

-- True when output and map still describe input: the same structure and the same
-- tensors at the mapped places (then the tables are kept, as Torch7 keeps them).
local function unchanged(output, input, map)
   if torch.type(input) == 'table' then
      if type(map) ~= 'table' or #map ~= #input then return false end
      for i = 1, #input do
         if not unchanged(output, input[i], map[i]) then return false end
      end
      return true
   end
   return math.type(map) == 'integer' and output[map] == input
end

local function inverseFlatten(gradOutput, map)
   if type(map) == 'table' then
      local gradInput = {}
      for i = 1, #map do gradInput[#gradInput + 1] = inverseFlatten(gradOutput, map[i]) end
      return gradInput
   end
   return gradOutput[map]
end

function FlattenTable:updateOutput(input)
   if type(input) ~= 'table' then
      self:_error('expected a table input, got %s', torch.type(input))
   end
   if not unchanged(self.output, input, self.input_map) then
      self.output = {}
      self.input_map = flatten(self.output, input)
   end
   return self.output
end

function FlattenTable:updateGradInput(input, gradOutput)
   if type(gradOutput) ~= 'table' or #gradOutput ~= #self.output then
      self:_error('gradOutput does not match the flattened output')
   end
   self.gradInput = inverseFlatten(gradOutput, self.input_map)
   return self.gradInput
end

function FlattenTable:type(tname, tensorCache)
   self.output = {}
   self.gradInput = {}
   self.input_map = {}
   return parent.type(self, tname, tensorCache)
end

return FlattenTable
