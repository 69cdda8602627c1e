-- nn.Transpose({d1, d2}, {d3, d4}, ...): swaps each pair of dimensions in turn; the output
-- is a contiguous copy.
local nn = require 'nn'

local Transpose, parent = torch.class('nn.Transpose', 'nn.Module')

function Transpose:__init(...)
   parent.__init(self)
   self.permutations = {...}
   for i, p in ipairs(self.permutations) do
      if type(p) ~= 'table' or #p ~= 2 then
         self:_error('argument %s must be a pair of dimensions {d1, d2}', i)
      end
   end
end

function Transpose:updateOutput(input)
   for _, perm in ipairs(self.permutations) do
      if math.max(perm[1], perm[2]) > input:dim() then
         self:_error('dimensions %d and %d out of range for an input of size %s', perm[1],
                     perm[2], nn.utils.sizestr(input))
      end
   end
   for _, perm in ipairs(self.permutations) do input = input:transpose(perm[1], perm[2]) end
   self.output:resizeAs(input):copy(input)
   return self.output
end

function Transpose:updateGradInput(input, gradOutput)
   nn.utils.checkGradOutput(self, gradOutput, input:nElement())
   for i = #self.permutations, 1, -1 do
      local perm = self.permutations[i]
      gradOutput = gradOutput:transpose(perm[1], perm[2])
   end
   self.gradInput:resizeAs(gradOutput):copy(gradOutput)
   return self.gradInput
end

function Transpose:__tostring__()
   local s = {}
   for i, p in ipairs(self.permutations) do s[i] = '{' .. p[1] .. ', ' .. p[2] .. '}' end
   return torch.type(self) .. '(' .. table.concat(s, ', ') .. ')'
end

return Transpose
