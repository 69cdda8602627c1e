-- nn.PrintSize([prefix = 'PrintSize']): the identity, which prints the size of its input
-- on forward and of its gradOutput on backward (a table is printed as a table).
local nn = require 'nn'

local PrintSize, parent = torch.class('nn.PrintSize', 'nn.Module')

function PrintSize:__init(prefix)
   parent.__init(self)
   self.prefix = prefix or 'PrintSize'
end

local function sizeof(x)
   if x == nil then return 'missing size' end
   if torch.isTensor(x) then return x:size() end
   return x
end

function PrintSize:updateOutput(input)
   self.output = input
   print(self.prefix .. ':input\n', sizeof(input))
   return self.output
end

function PrintSize:updateGradInput(input, gradOutput)
   print(self.prefix .. ':gradOutput\n', sizeof(gradOutput))
   self.gradInput = gradOutput
   return self.gradInput
end

return PrintSize
