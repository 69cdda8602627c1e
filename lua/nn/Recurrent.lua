-- nn.Recurrent(start, input, feedback [, transfer = nn.Sigmoid(), rho]): the classic RNN
--   h(1) = transfer(start(input(x(1))))
--   h(t) = transfer(input(x(t)) + feedback(h(t-1)))
-- start is a module, or a size (then nn.Add(start), a learned initial bias). A step module
-- (nn.Recurrence with a different first step); each step runs its own copy of the modules,
-- sharing their parameters. With userPrevOutput or self.h0 set, step 1 is a recurrent step
-- from that state.
local nn = require 'nn'
require 'nn.Recurrence'

local Recurrent, parent = torch.class('nn.Recurrent', 'nn.Recurrence')

function Recurrent:__init(start, input, feedback, transfer, rho)
   if type(start) == 'number' or torch.typename(start) == 'torch.LongStorage' then
      start = nn.Add(type(start) == 'number' and start or start[1])
   end
   transfer = transfer or nn.Sigmoid()
   for _, m in ipairs{start, input, feedback, transfer} do
      if not torch.isTypeOf(m, 'nn.Module') then
         error(string.format('nn.Recurrent: expected modules, got %s', torch.type(m)), 2)
      end
   end
   local recurrent = nn.Sequential()
      :add(nn.ParallelTable():add(input):add(feedback))
      :add(nn.CAddTable()):add(transfer)
   parent.__init(self, recurrent, 0, 0, rho)
   self.startModule, self.inputModule, self.feedbackModule, self.transferModule =
      start, input, feedback, transfer
   self.initialModule = nn.Sequential():add(input):add(start):add(transfer)
   -- each module once, so that parameters() lists each parameter once
   self.modules = {start, input, feedback, transfer}
end

function Recurrent:_updateOutput(s, input)
   local init = self.userPrevOutput or (torch.isTensor(self.h0) and self.h0:nElement() > 0)
   if self._lastSlot or init then
      s.initial = false
      return parent._updateOutput(self, s, input)
   end
   s.initial, s.input = true, input
   s.output = self:_stepModule(s, self.initialModule):updateOutput(input)
   return s.output
end

function Recurrent:_updateGradInput(s, input, gradOutput, nextSlot, t)
   if not s.initial then return parent._updateGradInput(self, s, input, gradOutput, nextSlot, t) end
   s.gsum = nn.utils.recursiveCopy(s.gsum, gradOutput)
   local g = nextSlot and nextSlot.gradPrev or self.gradPrevOutput
   if g then s.gsum:add(g) end
   return s.module:updateGradInput(s.input, s.gsum)
end

function Recurrent:_accGradParameters(s, input, gradOutput, scale)
   if not s.initial then return parent._accGradParameters(self, s, input, gradOutput, scale) end
   s.module:accGradParameters(s.input, s.gsum, scale)
end

function Recurrent:maskZero(nInputDim)
   self:_error('maskZero is not supported (wrap the modules in nn.MaskZero instead)')
end

function Recurrent:__tostring__()
   return string.format('nn.Recurrent {\n  start: %s\n  input: %s\n  feedback: %s\n  transfer: %s\n}',
                        tostring(self.startModule), tostring(self.inputModule),
                        tostring(self.feedbackModule), tostring(self.transferModule))
end

return Recurrent
