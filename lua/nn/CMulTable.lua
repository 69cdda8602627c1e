-- nn.CMulTable(): output = input[1] * input[2] * ... elementwise.
local nn = require 'nn'

local CMulTable, parent = torch.class('nn.CMulTable', 'nn.Module')

function CMulTable:__init()
   parent.__init(self)
   self.gradInput = {}
end

function CMulTable:updateOutput(input)
   nn.utils.checkTableOfTensors(self, input, 1)
   self.output:resizeAs(input[1]):copy(input[1])
   for i = 2, #input do self.output:cmul(input[i]) end
   return self.output
end

-- gradInput[i] = gradOutput * (product of the other inputs); computed without dividing
-- by input[i], so zeros in the input are fine.
function CMulTable:updateGradInput(input, gradOutput)
   nn.utils.checkGradOutput(self, gradOutput, input[1])
   for i = 1, #input do
      self.gradInput[i] = self.gradInput[i] or input[1].new()
      self.gradInput[i]:resizeAs(input[i]):copy(gradOutput)
      for j = 1, #input do
         if i ~= j then self.gradInput[i]:cmul(input[j]) end
      end
   end
   for i = #input + 1, #self.gradInput do self.gradInput[i] = nil end
   return self.gradInput
end

return CMulTable
