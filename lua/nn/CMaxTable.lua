-- nn.CMaxTable(): the elementwise maximum of a table of tensors of one size. The gradient
-- goes to the input that held the maximum (the first one on ties), as Torch7.
local nn = require 'nn'

local CMaxTable, parent = torch.class('nn.CMaxTable', 'nn.Module')

function CMaxTable:__init()
   parent.__init(self)
   self.gradInput = {}
   self.maxIdx = torch.Tensor()
end

-- Shared by CMinTable: better(a, b) is the ByteTensor mask where a beats b strictly; the
-- winners' positions go into the buffer self[idx].
function CMaxTable:_forward(input, idx, better, pick)
   nn.utils.checkTableOfTensors(self, input, 1)
   for i = 2, #input do
      if not input[i]:isSameSizeAs(input[1]) then
         self:_error('input %d of size %s does not match input 1 of size %s', i,
                     nn.utils.sizestr(input[i]), nn.utils.sizestr(input[1]))
      end
   end
   self[idx] = self[idx] or input[1].new()
   local where = self[idx]
   self.output:resizeAs(input[1]):copy(input[1])
   where:resizeAs(input[1]):fill(1)
   for i = 2, #input do
      where:maskedFill(better(input[i], self.output), i)
      pick(self.output, input[i])
   end
   return self.output
end

function CMaxTable:updateOutput(input)
   return self:_forward(input, 'maxIdx', torch.gt, function(out, x) out:cmax(x) end)
end

function CMaxTable:_backward(input, gradOutput, where)
   nn.utils.checkGradOutput(self, gradOutput, input[1], true)
   for i = 1, #input do
      self.gradInput[i] = self.gradInput[i] or input[i].new()
      self.gradInput[i]:resizeAs(input[i]):copy(gradOutput):maskedFill(where:ne(i), 0)
   end
   for i = #input + 1, #self.gradInput do self.gradInput[i] = nil end
   return self.gradInput
end

function CMaxTable:updateGradInput(input, gradOutput)
   return self:_backward(input, gradOutput, self.maxIdx)
end

function CMaxTable:clearState()
   nn.utils.clear(self, 'maxIdx')
   return parent.clearState(self)
end

return CMaxTable
