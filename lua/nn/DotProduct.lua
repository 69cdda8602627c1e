-- nn.DotProduct(): the dot product of a pair {x1, x2} of vectors (an output of size 1), or
-- of each row of a pair of n x d matrices (an output of size n).
local nn = require 'nn'

local DotProduct, parent = torch.class('nn.DotProduct', 'nn.Module')

function DotProduct:__init()
   parent.__init(self)
   self.gradInput = {torch.Tensor(), torch.Tensor()}
end

-- The two inputs as n x d matrices (views), checked.
function DotProduct:_rows(input)
   if type(input) ~= 'table' or torch.isTensor(input) or #input ~= 2 then
      self:_error('expected a pair of tensors, got %s', torch.type(input))
   end
   local x1, x2 = input[1], input[2]
   nn.utils.checkFloatTensor(self, x1, 'input[1]')
   nn.utils.checkFloatTensor(self, x2, 'input[2]')
   if (x1:dim() ~= 1 and x1:dim() ~= 2) or not x1:isSameSizeAs(x2) then
      self:_error('inputs of sizes %s and %s, expected two vectors or two matrices of one size',
                  nn.utils.sizestr(x1), nn.utils.sizestr(x2))
   end
   if x1:dim() == 1 then return x1:view(1, -1), x2:view(1, -1) end
   return x1, x2
end

function DotProduct:updateOutput(input)
   local x1, x2 = self:_rows(input)
   self.buffer = self.buffer or x1.new()
   self.buffer:resizeAs(x1):copy(x1):cmul(x2)
   self.output:sum(self.buffer, 2)
   self.output:resize(x1:size(1))
   return self.output
end

-- d/dx1 = g * x2 and d/dx2 = g * x1, g repeated along each row.
function DotProduct:updateGradInput(input, gradOutput)
   local x1, x2 = self:_rows(input)
   if gradOutput:nElement() ~= x1:size(1) then
      self:_error('gradOutput of size %s, expected %d elements', nn.utils.sizestr(gradOutput),
                  x1:size(1))
   end
   local g = gradOutput:contiguous():view(-1, 1):expandAs(x1)
   for i = 1, 2 do self.gradInput[i] = self.gradInput[i] or x1.new() end
   self.gradInput[1]:resizeAs(x1):copy(x2):cmul(g)
   self.gradInput[2]:resizeAs(x1):copy(x1):cmul(g)
   self.gradInput[1]:resizeAs(input[1])
   self.gradInput[2]:resizeAs(input[2])
   return self.gradInput
end

function DotProduct:clearState()
   nn.utils.clear(self, 'buffer')
   return parent.clearState(self)
end

return DotProduct
