-- nn.Contiguous(): passes its input through, copied into contiguous memory when it is not
-- contiguous (a contiguous input is shared, not copied); likewise for the gradient.
local nn = require 'nn'

local Contiguous, parent = torch.class('nn.Contiguous', 'nn.Module')

-- out becomes x itself (contiguous) or a contiguous copy; a buffer that was a view of x's
-- memory is detached first, so the copy does not write over x.
local function contiguous(out, x)
   if x:isContiguous() then
      out:set(x)
   else
      if nn.utils.storageid(out) and nn.utils.storageid(out) == nn.utils.storageid(x) then
         out:set()
      end
      out:resizeAs(x):copy(x)
   end
   return out
end

function Contiguous:updateOutput(input)
   if not torch.isTensor(input) then
      self:_error('input must be a tensor, got %s', torch.type(input))
   end
   return contiguous(self.output, input)
end

function Contiguous:updateGradInput(input, gradOutput)
   nn.utils.checkGradOutput(self, gradOutput, input:nElement())
   return contiguous(self.gradInput, gradOutput)
end

return Contiguous
