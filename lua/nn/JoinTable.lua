-- nn.JoinTable(dimension [, nInputDims]): concatenates a table of tensors along dimension.
-- With nInputDims, an input with one more dimension is a batch (dimension shifts by one);
-- a negative dimension counts from the end.
local nn = require 'nn'

local JoinTable, parent = torch.class('nn.JoinTable', 'nn.Module')

function JoinTable:__init(dimension, nInputDims)
   parent.__init(self)
   self.size = {}
   self.dimension = dimension
   self.gradInput = {}
   self.nInputDims = nInputDims
end

function JoinTable:_getPositiveDimension(input)
   local dimension = self.dimension
   if dimension < 0 then
      dimension = input[1]:dim() + dimension + 1
   elseif self.nInputDims and input[1]:dim() == (self.nInputDims + 1) then
      dimension = dimension + 1
   end
   return dimension
end

function JoinTable:updateOutput(input)
   if type(input) ~= 'table' or torch.isTensor(input) or #input == 0 then
      self:_error('expected a non-empty table of tensors, got %s', torch.type(input))
   end
   for i = 2, #input do
      if torch.type(input[i]) ~= torch.type(input[1]) then
         self:_error('input %d is a %s, input 1 a %s', i, torch.type(input[i]),
                     torch.type(input[1]))
      end
   end
   local dim = self:_getPositiveDimension(input)
   local size
   for i = 1, #input do
      local t = input[i]
      if i == 1 then
         size = t:size():totable()
      else
         local ok = t:dim() == #size
         for d = 1, t:dim() do ok = ok and (d == dim or t:size(d) == size[d]) end
         if not ok then
            self:_error('input %d of size %s does not match input 1 of size %s '
                        .. '(joining along dimension %d)', i, nn.utils.sizestr(t),
                        nn.utils.sizestr(input[1]), dim)
         end
         size[dim] = size[dim] + t:size(dim)
      end
   end
   self.output:resize(size)
   local offset = 1
   for i = 1, #input do
      self.output:narrow(dim, offset, input[i]:size(dim)):copy(input[i])
      offset = offset + input[i]:size(dim)
   end
   return self.output
end

function JoinTable:updateGradInput(input, gradOutput)
   local dim = self:_getPositiveDimension(input)
   local size = input[1]:size():totable()
   for i = 2, #input do size[dim] = size[dim] + input[i]:size(dim) end
   nn.utils.checkGradOutput(self, gradOutput, size)
   for i = 1, #input do
      if not torch.isTensor(self.gradInput[i]) or self.gradInput[i]:type() ~= input[i]:type() then
         self.gradInput[i] = input[i].new()
      end
      self.gradInput[i]:resizeAs(input[i])
   end
   for i = #input + 1, #self.gradInput do self.gradInput[i] = nil end
   local offset = 1
   for i = 1, #input do
      local n = input[i]:size(dim)
      self.gradInput[i]:copy(gradOutput:narrow(dim, offset, n))
      offset = offset + n
   end
   return self.gradInput
end

function JoinTable:__tostring__()
   return torch.type(self) .. '(' .. self.dimension .. ')'
end

return JoinTable
