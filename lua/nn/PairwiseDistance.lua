-- nn.PairwiseDistance([p = 2]): the p-norm distance ||x1 - x2||_p of a pair {x1, x2} of
-- vectors (an output of size 1), or of each row of a pair of n x d matrices (size n).
local nn = require 'nn'
require 'nn.DotProduct'

local PairwiseDistance, parent = torch.class('nn.PairwiseDistance', 'nn.Module')

function PairwiseDistance:__init(p)
   parent.__init(self)
   self.gradInput = {}
   self.diff = torch.Tensor()
   self.norm = p or 2
   if type(self.norm) ~= 'number' or self.norm < 1 then
      self:_error('p must be a number >= 1, got %s', tostring(p))
   end
end

PairwiseDistance._rows = nn.DotProduct._rows

function PairwiseDistance:updateOutput(input)
   local x1, x2 = self:_rows(input)
   self.diff = self.diff or x1.new()
   self.diff:resizeAs(x1):copy(x1):add(-1, x2)
   self._pow = self._pow or x1.new()
   self._pow:resizeAs(x1):copy(self.diff):abs():pow(self.norm)
   self.output:sum(self._pow, 2):pow(1 / self.norm)
   self.output:resize(x1:size(1))
   return self.output
end

-- d/dx1 = sign(d) |d|^(p-1) / ||d||_p^(p-1) with d = x1 - x2, and d/dx2 = -d/dx1. Where
-- x1 = x2 the distance is not differentiable; the gradient there is 0 (Torch7 adds 1e-6
-- to the distance instead, which makes every gradient slightly too small).
function PairwiseDistance:updateGradInput(input, gradOutput)
   local x1 = self:_rows(input)
   local n, p = x1:size(1), self.norm
   if gradOutput:nElement() ~= n then
      self:_error('gradOutput of size %s, expected %d elements', nn.utils.sizestr(gradOutput), n)
   end
   local scale = self.output:clone():view(n, 1)
   local zero = scale:eq(0)
   scale:pow(1 - p):maskedFill(zero, 0):cmul(gradOutput:contiguous():view(n, 1))
   local g1 = self.gradInput[1] or x1.new()
   local g2 = self.gradInput[2] or x1.new()
   self.gradInput[1], self.gradInput[2] = g1, g2
   g1:resizeAs(x1):copy(self.diff):abs():pow(p - 1):cmul(self.diff:clone():sign())
   g1:cmul(scale:expandAs(x1))
   g2:resizeAs(x1):copy(g1):mul(-1)
   g1:resizeAs(input[1])
   g2:resizeAs(input[2])
   return self.gradInput
end

function PairwiseDistance:clearState()
   nn.utils.clear(self, 'diff', '_pow')
   return parent.clearState(self)
end

return PairwiseDistance
