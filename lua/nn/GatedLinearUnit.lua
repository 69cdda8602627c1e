-- nn.GatedLinearUnit([dim]): the gated linear unit (Dauphin et al. 2016). The input is
-- split in two halves a, b along dim (the last dimension by default), and the output is
-- a .* sigmoid(b), of half the size along dim.
local nn = require 'nn'
local utils = nn.utils

local GatedLinearUnit, parent = torch.class('nn.GatedLinearUnit', 'nn.Module')

function GatedLinearUnit:__init(dim)
   parent.__init(self)
   if dim ~= nil and (math.type(dim) ~= 'integer' or dim < 1) then
      self:_error('dim must be a positive integer, got %s', tostring(dim))
   end
   self.dim = dim
end

-- The dimension to split, and the size of a half.
function GatedLinearUnit:_split(input)
   utils.checkFloatTensor(self, input)
   local dim = self.dim or input:dim()
   if dim > input:dim() then
      self:_error('input of size %s has no dimension %d', utils.sizestr(input), dim)
   end
   local n = input:size(dim)
   if n % 2 ~= 0 then
      self:_error('input of size %s: size %d of dimension %d is not even', utils.sizestr(input),
                  n, dim)
   end
   return dim, n // 2
end

function GatedLinearUnit:updateOutput(input)
   local dim, h = self:_split(input)
   self._gate = self._gate or input.new()
   self._gate:resizeAs(input:narrow(dim, h + 1, h)):copy(input:narrow(dim, h + 1, h)):sigmoid()
   self.output:resizeAs(self._gate):cmul(input:narrow(dim, 1, h), self._gate)
   return self.output
end

-- d/da = gradOutput .* s, d/db = gradOutput .* a .* s .* (1 - s), s = sigmoid(b).
function GatedLinearUnit:updateGradInput(input, gradOutput)
   local dim, h = self:_split(input)
   local size = input:size()
   size[dim] = h
   utils.checkGradOutput(self, gradOutput, size:totable())
   self._gate = self._gate or input.new()
   self._gate:resizeAs(gradOutput):copy(input:narrow(dim, h + 1, h)):sigmoid()
   self.gradInput:resizeAs(input)
   local ga, gb = self.gradInput:narrow(dim, 1, h), self.gradInput:narrow(dim, h + 1, h)
   ga:cmul(gradOutput, self._gate)
   gb:fill(1):add(-1, self._gate):cmul(self._gate):cmul(input:narrow(dim, 1, h)):cmul(gradOutput)
   return self.gradInput
end

function GatedLinearUnit:clearState()
   nn.utils.clear(self, '_gate')
   return parent.clearState(self)
end

return GatedLinearUnit
