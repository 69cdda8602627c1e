-- nn.CMinTable(): the elementwise minimum of a table of tensors of one size. The gradient
-- goes to the input that held the minimum (the first one on ties), as Torch7.
local nn = require 'nn'
require 'nn.CMaxTable'

local CMinTable, parent = torch.class('nn.CMinTable', 'nn.Module')

function CMinTable:__init()
   parent.__init(self)
   self.gradInput = {}
   self.minIdx = torch.Tensor()
end

function CMinTable:updateOutput(input)
   return nn.CMaxTable._forward(self, input, 'minIdx', torch.lt, function(o, x) o:cmin(x) end)
end

function CMinTable:updateGradInput(input, gradOutput)
   return nn.CMaxTable._backward(self, input, gradOutput, self.minIdx)
end

function CMinTable:clearState()
   nn.utils.clear(self, 'minIdx')
   return parent.clearState(self)
end

return CMinTable
