-- nn.CDivTable(): output = input[1] / input[2] elementwise.
local nn = require 'nn'

local CDivTable, parent = torch.class('nn.CDivTable', 'nn.Module')

function CDivTable:__init()
   parent.__init(self)
   self.gradInput = {}
end

function CDivTable:updateOutput(input)
   nn.utils.checkTableOfTensors(self, input, 2)
   self.output:resizeAs(input[1]):copy(input[1]):cdiv(input[2])
   return self.output
end

-- d/dx1 = g / x2;  d/dx2 = -g * x1 / x2^2
function CDivTable:updateGradInput(input, gradOutput)
   nn.utils.checkGradOutput(self, gradOutput, input[1])
   self.gradInput[1] = self.gradInput[1] or input[1].new()
   self.gradInput[2] = self.gradInput[2] or input[1].new()
   self.gradInput[1]:resizeAs(input[1]):copy(gradOutput):cdiv(input[2])
   self.gradInput[2]:resizeAs(input[2]):copy(self.gradInput[1]):mul(-1)
      :cmul(input[1]):cdiv(input[2])
   for i = #input + 1, #self.gradInput do self.gradInput[i] = nil end
   return self.gradInput
end

return CDivTable
