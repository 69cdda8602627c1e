-- nn.ZeroGrad(): the identity forward, a zero gradient backward: stops backpropagation
-- along a path. Works on tensors and nested tables of tensors.
local nn = require 'nn'
local utils = nn.utils

local ZeroGrad, parent = torch.class('nn.ZeroGrad', 'nn.Module')

function ZeroGrad:updateOutput(input)
   if torch.isTensor(input) then
      self.output = torch.isTensor(self.output) and self.output:type() == input:type()
         and self.output or input.new()
      self.output:set(input)
   else
      self.output = input
   end
   return self.output
end

function ZeroGrad:updateGradInput(input, gradOutput)
   self.gradInput = utils.recursiveFill(utils.recursiveResizeAs(self.gradInput, input), 0)
   return self.gradInput
end

return ZeroGrad
