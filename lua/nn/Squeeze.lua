-- nn.Squeeze([dim [, numInputDims]]): removes the dimensions of size 1 (only dim when
-- given). With numInputDims, an input with more dimensions is a batch and dim shifts.
local nn = require 'nn'

local Squeeze, parent = torch.class('nn.Squeeze', 'nn.Module')

function Squeeze:__init(dim, numInputDims)
   parent.__init(self)
   self.dim = dim
   self.numInputDims = numInputDims
end

function Squeeze:updateOutput(input)
   local dim = self.dim
   if dim and self.numInputDims and input:dim() > self.numInputDims then
      dim = dim + input:dim() - self.numInputDims
   end
   if dim then
      self.output = input:size(dim) == 1 and input:dim() > 1 and input:squeeze(dim) or input
   else
      -- one element stays a tensor of size 1 (squeeze() would give the number)
      self.output = input:nElement() == 1 and input:view(1) or input:squeeze()
   end
   return self.output
end

function Squeeze:updateGradInput(input, gradOutput)
   nn.utils.checkGradOutput(self, gradOutput, input:nElement())
   self.gradInput = gradOutput:contiguous():viewAs(input)
   return self.gradInput
end

return Squeeze
