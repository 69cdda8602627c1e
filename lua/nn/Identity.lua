-- nn.Identity(): output = input, gradInput = gradOutput (tensors or tables, not copied).
local nn = require 'nn'

local Identity, parent = torch.class('nn.Identity', 'nn.Module')

function Identity:updateOutput(input)
   self.output = input
   return self.output
end

function Identity:updateGradInput(input, gradOutput)
   self.gradInput = gradOutput
   return self.gradInput
end

function Identity:clearState()
   self.output = torch.Tensor()
   self.gradInput = torch.Tensor()
   return self
end

return Identity
