-- nn.Repeater(module, nStep): forwards the same input nStep times through a step module
-- (decorated with nn.Recursor when it is not one) and outputs the table of the nStep
-- outputs; gradInput is the sum of the steps' gradInputs. The module forgets before each
-- forward.
local nn = require 'nn'
require 'nn.Recursor'

local Repeater, parent = torch.class('nn.Repeater', 'nn.Container')

function Repeater:__init(module, nStep)
   parent.__init(self)
   if math.type(nStep) ~= 'integer' or nStep < 1 then
      error('nn.Repeater: nStep must be a positive integer, got ' .. tostring(nStep), 2)
   end
   if not torch.isTypeOf(module, 'nn.AbstractRecurrent') then module = nn.Recursor(module) end
   self.module, self.nStep = module, nStep
   self.modules[1] = module
   self.output = {}
end

function Repeater:updateOutput(input)
   self.module:forget()
   if self.nStep > self.module.rho then self.module:maxBPTTstep(self.nStep) end
   for t = 1, self.nStep do self.output[t] = self.module:updateOutput(input) end
   self._ran = true
   return self.output
end

function Repeater:updateGradInput(input, gradOutput)
   if not self._ran then self:_error('backward called before forward') end
   if type(gradOutput) ~= 'table' or #gradOutput ~= self.nStep then
      self:_error('gradOutput must be a table of %d tensors, got %s', self.nStep, torch.type(gradOutput))
   end
   nn.AbstractRecurrent.rewind(self.module, '_gradStep')
   for t = self.nStep, 1, -1 do
      local gi = self.module:updateGradInput(input, gradOutput[t])
      if t == self.nStep then
         self.gradInput = nn.utils.recursiveCopy(self.gradInput, gi)
      else
         nn.utils.recursiveAdd(self.gradInput, gi)
      end
   end
   return self.gradInput
end

function Repeater:accGradParameters(input, gradOutput, scale)
   nn.AbstractRecurrent.rewind(self.module, '_accStep')
   for t = self.nStep, 1, -1 do self.module:accGradParameters(input, gradOutput[t], scale) end
end

function Repeater:__tostring__()
   return string.format('nn.Repeater(%d) @ ', self.nStep) .. tostring(self.module):gsub('\n', '\n  ')
end

return Repeater
