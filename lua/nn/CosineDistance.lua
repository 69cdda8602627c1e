-- nn.CosineDistance(): the cosine similarity x1.x2 / (|x1| |x2|) of a pair {x1, x2} of
-- vectors (an output of size 1), or of each row of a pair of n x d matrices (size n).
-- As Torch7, 1e-12 is added to each squared norm, so a zero vector gives 0, not NaN.
local nn = require 'nn'
require 'nn.DotProduct'

local CosineDistance, parent = torch.class('nn.CosineDistance', 'nn.Module')

local EPS = 1e-12

function CosineDistance:__init()
   parent.__init(self)
   self.gradInput = {torch.Tensor(), torch.Tensor()}
end

CosineDistance._rows = nn.DotProduct._rows

-- Per-row sums of a*b, as an n x 1 tensor in buffer out.
local function rowdot(self, out, a, b)
   self.buffer = self.buffer or a.new()
   self.buffer:resizeAs(a):copy(a):cmul(b)
   return out:sum(self.buffer, 2)
end

function CosineDistance:updateOutput(input)
   local x1, x2 = self:_rows(input)
   for _, k in ipairs({'w1', 'w22', 'w32', 'w'}) do self[k] = self[k] or x1.new() end
   rowdot(self, self.w1, x1, x2)
   rowdot(self, self.w22, x1, x1):add(EPS):pow(-1)   -- 1 / |x1|^2
   rowdot(self, self.w32, x2, x2):add(EPS):pow(-1)   -- 1 / |x2|^2
   self.w:resizeAs(self.w22):copy(self.w22):cmul(self.w32):sqrt()
   self.output:resizeAs(self.w1):copy(self.w1):cmul(self.w)
   self.output:resize(x1:size(1))
   return self.output
end

-- d cos / d x1 = (x2 - (x1.x2) x1 / |x1|^2) / (|x1| |x2|), and symmetrically for x2.
function CosineDistance:updateGradInput(input, gradOutput)
   local x1, x2 = self:_rows(input)
   if gradOutput:nElement() ~= x1:size(1) then
      self:_error('gradOutput of size %s, expected %d elements', nn.utils.sizestr(gradOutput),
                  x1:size(1))
   end
   local n = x1:size(1)
   local g = gradOutput:contiguous():view(n, 1)
   local scale = self.w:clone():cmul(g):expandAs(x1)
   local function grad(out, a, b, inv)
      local coef = self.w1:clone():cmul(inv):expandAs(x1)
      out:resizeAs(x1):copy(b):addcmul(-1, coef, a):cmul(scale)
   end
   for i = 1, 2 do self.gradInput[i] = self.gradInput[i] or x1.new() end
   grad(self.gradInput[1], x1, x2, self.w22)
   grad(self.gradInput[2], x2, x1, self.w32)
   self.gradInput[1]:resizeAs(input[1])
   self.gradInput[2]:resizeAs(input[2])
   return self.gradInput
end

function CosineDistance:clearState()
   nn.utils.clear(self, 'buffer', 'w1', 'w22', 'w32', 'w')
   return parent.clearState(self)
end

return CosineDistance
