-- nn.Replicate(nFeature [, dim = 1 [, ndim]]): repeats the input nFeature times along a
-- new dimension dim (a view with stride 0, no copy). With ndim, an input with more
-- dimensions is a batch and dim shifts by one. Backward sums over the copies.
local nn = require 'nn'

local Replicate, parent = torch.class('nn.Replicate', 'nn.Module')

function Replicate:__init(nf, dim, ndim)
   parent.__init(self)
   self.nfeatures = nf
   self.dim = dim or 1
   self.ndim = ndim
   self._ones = torch.Tensor()
end

function Replicate:_rdim(input)
   local rdim = self.dim + ((self.ndim and input:dim() > self.ndim) and 1 or 0)
   if rdim > input:dim() + 1 then
      self:_error('not enough input dimensions (size %s) to replicate along dimension %d',
                  nn.utils.sizestr(input), rdim)
   end
   return rdim
end

function Replicate:updateOutput(input)
   local rdim = self:_rdim(input)
   local size = input:size():totable()
   table.insert(size, rdim, self.nfeatures)
   self.output = input:unsqueeze(rdim):expand(table.unpack(size))
   return self.output
end

-- The sum over the replicated dimension: gradOutput seen as A x n x B (A, B the input's
-- dimensions before and after it), moved to n x (A*B), times a vector of ones.
function Replicate:updateGradInput(input, gradOutput)
   local rdim = self:_rdim(input)
   nn.utils.checkGradOutput(self, gradOutput, input:nElement() * self.nfeatures)
   local n = self.nfeatures
   local a, b = 1, 1
   for i = 1, rdim - 1 do a = a * input:size(i) end
   for i = rdim, input:dim() do b = b * input:size(i) end
   if self._ones:nElement() ~= n then self._ones:resize(n):fill(1) end
   local g = gradOutput:contiguous():view(a, n, b):transpose(1, 2):contiguous():view(n, a * b)
   self.gradInput:resizeAs(input)
   self.gradInput:view(a * b):mv(g:t(), self._ones)
   return self.gradInput
end

return Replicate
