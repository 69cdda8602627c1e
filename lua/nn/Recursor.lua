-- nn.Recursor(module [, rho]): makes any module a step module: each forward runs a copy of
-- module for that time step (its own buffers, shared parameters), so that backward can go
-- through the steps in reverse order. The copies live in the ring of slots and are reused
-- from sequence to sequence. Step modules inside module keep their own steps.
local nn = require 'nn'
require 'nn.AbstractRecurrent'

local Recursor, parent = torch.class('nn.Recursor', 'nn.AbstractRecurrent')

function Recursor:__init(module, rho)
   parent.__init(self, rho)
   if not torch.isTypeOf(module, 'nn.Module') then
      self:_error('expected a module, got %s', torch.type(module))
   end
   self.module = module
   self.modules[1] = module
end

function Recursor:_newSlot()
   return {}
end

function Recursor:_clone(s)
   if not s.module then
      s.module = torch.isTypeOf(self.module, 'nn.AbstractRecurrent') and self.module
         or nn.AbstractRecurrent.stepClone(self.module)
   elseif s.module ~= self.module then
      nn.AbstractRecurrent.share(s.module, self.module)
   end
   return s.module
end

function Recursor:_updateOutput(s, input)
   s.input = input
   return self:_clone(s):updateOutput(input)
end

function Recursor:_updateGradInput(s, input, gradOutput)
   return s.module:updateGradInput(s.input, gradOutput)
end

function Recursor:_accGradParameters(s, input, gradOutput, scale)
   s.module:accGradParameters(s.input, gradOutput, scale)
end

function Recursor:maskZero(nInputDim)
   self.module = nn.MaskZero(self.module, nInputDim)
   self.modules[1] = self.module
   self._slots = {}
   return self
end

function Recursor:__tostring__()
   return 'nn.Recursor @ ' .. tostring(self.module):gsub('\n', '\n  ')
end

return Recursor
