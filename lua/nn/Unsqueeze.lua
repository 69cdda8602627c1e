-- nn.Unsqueeze(pos [, numInputDims]): inserts a dimension of size 1 at pos. With
-- numInputDims, an input with more dimensions is a batch and pos shifts.
local nn = require 'nn'

local Unsqueeze, parent = torch.class('nn.Unsqueeze', 'nn.Module')

function Unsqueeze:__init(pos, numInputDims)
   parent.__init(self)
   self.pos = pos or self:_error('expected a position')
   self.numInputDims = numInputDims
end

function Unsqueeze:updateOutput(input)
   local pos = self.pos
   if self.numInputDims and input:dim() > self.numInputDims then
      pos = pos + input:dim() - self.numInputDims
   end
   if pos < 1 or pos > input:dim() + 1 then
      self:_error('position %d out of range for an input of size %s', self.pos,
                  nn.utils.sizestr(input))
   end
   self.output = input:unsqueeze(pos)
   return self.output
end

function Unsqueeze:updateGradInput(input, gradOutput)
   nn.utils.checkGradOutput(self, gradOutput, input:nElement())
   self.gradInput = gradOutput:contiguous():viewAs(input)
   return self.gradInput
end

function Unsqueeze:__tostring__()
   return torch.type(self) .. '(dim ' .. self.pos .. ')'
end

return Unsqueeze
