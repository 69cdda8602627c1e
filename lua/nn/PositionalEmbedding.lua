-- nn.PositionalEmbedding(maxLen, dim): not in Torch7; GPT-2's learned position embedding.
-- Adds weight[t] (maxLen x dim, initialized N(0, 0.02) as GPT-2) to every position t of a
-- B x T x dim input (T <= maxLen). m.offset (0) shifts the positions: a generation step with
-- a key/value cache feeds position offset + 1 alone.
local nn = require 'nn'

local PE, parent = torch.class('nn.PositionalEmbedding', 'nn.Module')

function PE:__init(maxLen, dim)
   parent.__init(self)
   if math.type(maxLen) ~= 'integer' or math.type(dim) ~= 'integer' or maxLen < 1 or dim < 1 then
      self:_error('expected positive integer maxLen and dim, got %s and %s', tostring(maxLen),
                  tostring(dim))
   end
   self.maxLen, self.dim, self.offset = maxLen, dim, 0
   self.weight = torch.Tensor(maxLen, dim)
   self.gradWeight = torch.Tensor(maxLen, dim):zero()
   self:reset()
end

function PE:reset(stdv)
   self.weight:normal(0, stdv or 0.02)
   return self
end

-- The rows of table for a B x T x dim input, checked against the table's length.
function PE:_rows(input, table, name)
   if not torch.isTensor(input) or input:dim() ~= 3 or input:size(3) ~= self.dim then
      self:_error('input of size %s, expected batch x length x %d',
                  torch.isTensor(input) and nn.utils.sizestr(input) or torch.type(input), self.dim)
   end
   local T = input:size(2)
   if self.offset + T > self.maxLen then
      self:_error('sequence of length %d%s is longer than the %s (maxLen %d)', T,
                  self.offset > 0 and (' at offset ' .. self.offset) or '', name, self.maxLen)
   end
   return table:narrow(1, self.offset + 1, T):view(1, T, self.dim):expandAs(input)
end

function PE:updateOutput(input)
   local rows = self:_rows(input, self.weight, 'position table')
   self.output:resizeAs(input):add(input, rows)
   return self.output
end

function PE:updateGradInput(input, gradOutput)
   self.gradInput:resizeAs(gradOutput):copy(gradOutput)
   return self.gradInput
end

function PE:accGradParameters(input, gradOutput, scale)
   local T = input:size(2)
   self.gradWeight:narrow(1, self.offset + 1, T):add(scale or 1, gradOutput:sum(1):view(T, self.dim))
end

function PE:__tostring__()
   return string.format('%s(%d, %d)', torch.type(self), self.maxLen, self.dim)
end

return PE
