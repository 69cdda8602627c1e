-- nn.Index(dimension): for the input {t, indices} (indices a LongTensor), output =
-- t:index(dimension, indices): the slices of t at those 1-based indices. The gradient
-- w.r.t. t adds gradOutput's slices back at the indices; the indices get zeros.
local nn = require 'nn'

local Index, parent = torch.class('nn.Index', 'nn.Module')

function Index:__init(dimension)
   parent.__init(self)
   self.dimension = dimension
   self.gradInput = {self.gradInput, torch.LongTensor()}
end

function Index:_check(input)
   local t, idx = input[1], input[2]
   if not torch.isTensor(t) or torch.type(idx) ~= 'torch.LongTensor' or idx:dim() ~= 1 then
      self:_error('expected the input {tensor, 1D LongTensor of indices}')
   end
   local n = t:size(self.dimension)
   for i = 1, idx:size(1) do
      local k = idx[i]
      if k < 1 or k > n then
         self:_error('index %d (position %d) out of range [1, %d] in dimension %d of size %s', k,
                     i, n, self.dimension, nn.utils.sizestr(t))
      end
   end
   return t, idx
end

-- Slice k of t along the dimension (a narrow keeps 1D tensors tensors).
local function slice(t, dim, k)
   return t:narrow(dim, k, 1)
end

function Index:updateOutput(input)
   local t, idx = self:_check(input)
   local size = t:size():totable()
   size[self.dimension] = idx:size(1)
   self.output:resize(size)
   for i = 1, idx:size(1) do
      slice(self.output, self.dimension, i):copy(slice(t, self.dimension, idx[i]))
   end
   return self.output
end

function Index:updateGradInput(input, gradOutput)
   local t, idx = self:_check(input)
   local size = t:size():totable()
   size[self.dimension] = idx:size(1)
   nn.utils.checkGradOutput(self, gradOutput, size)
   -- clearState (or :type) may have left a plain tensor: the gradient is a pair again
   if torch.isTensor(self.gradInput) or type(self.gradInput) ~= 'table' then
      self.gradInput = {t.new(), torch.LongTensor()}
   end
   if torch.type(self.gradInput[1]) ~= torch.type(t) then self.gradInput[1] = t.new() end
   if torch.type(self.gradInput[2]) ~= 'torch.LongTensor' then
      self.gradInput[2] = torch.LongTensor()
   end
   local gi = self.gradInput[1]
   gi:resizeAs(t):zero()
   for i = 1, idx:size(1) do
      local dst = slice(gi, self.dimension, idx[i])
      dst:add(slice(gradOutput, self.dimension, i))
   end
   self.gradInput[2]:resize(idx:size()):zero()
   return self.gradInput
end

return Index
