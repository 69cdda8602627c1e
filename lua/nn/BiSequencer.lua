-- nn.BiSequencer(fwd [, bwd, merge]): a bidirectional sequence module: fwd (a step module)
-- runs over the sequence from first to last step, bwd (default: a fresh copy of fwd) from
-- last to first, and merge (default nn.JoinTable(1, 1), i.e. concatenation of the features
-- of a batch; a number n means nn.JoinTable(1, n)) combines the two outputs of each step.
-- Input and output as nn.Sequencer's: a table of steps or a seqlen x batch x ... tensor.
local nn = require 'nn'
require 'nn.Sequencer'

local BiSequencer, parent = torch.class('nn.BiSequencer', 'nn.Container')

function BiSequencer:__init(fwd, bwd, merge)
   parent.__init(self)
   if not torch.isTypeOf(fwd, 'nn.Module') then
      error('nn.BiSequencer: expected a module, got ' .. torch.type(fwd), 2)
   end
   if not bwd then
      bwd = fwd:clone()
      bwd:reset()
   end
   merge = merge or 1
   if type(merge) == 'number' then merge = nn.JoinTable(1, merge) end
   self.fwdSeq, self.bwdSeq = nn.Sequencer(fwd), nn.Sequencer(bwd)
   self.mergeSeq = nn.Sequencer(merge)
   self.modules = {self.fwdSeq, self.bwdSeq, self.mergeSeq}
   self.output, self.gradInput = {}, {}
end

local function reversed(steps, buf)
   local n = #steps
   for t = 1, n do buf[t] = steps[n - t + 1] end
   for t = n + 1, #buf do buf[t] = nil end
   return buf
end

function BiSequencer:updateOutput(input)
   local steps, istensor = self.fwdSeq:_steps(input, 'input')
   self._istensor = istensor
   local fo = self.fwdSeq:updateOutput(steps)
   self._rev = reversed(steps, self._rev or {})
   local bo = self.bwdSeq:updateOutput(self._rev)
   self._pairs = self._pairs or {}
   local n = #steps
   for t = 1, n do self._pairs[t] = {fo[t], bo[n - t + 1]} end
   for t = n + 1, #self._pairs do self._pairs[t] = nil end
   local out = self.mergeSeq:updateOutput(self._pairs)
   if istensor then
      self._out = self._out or steps[1].new()
      self.output = self.fwdSeq:_stack(self._out, out)
   else
      self.output = out
   end
   return self.output
end

function BiSequencer:updateGradInput(input, gradOutput)
   if not self._pairs then self:_error('backward called before forward') end
   local steps = self.fwdSeq:_steps(input, 'input')
   local grads = self.fwdSeq:_steps(gradOutput, 'gradOutput')
   local gm = self.mergeSeq:updateGradInput(self._pairs, grads)
   local n = #steps
   self._gf, self._gb = self._gf or {}, self._gb or {}
   for t = 1, n do
      self._gf[t] = gm[t][1]
      self._gb[n - t + 1] = gm[t][2]
   end
   for t = n + 1, #self._gf do self._gf[t], self._gb[t] = nil, nil end
   self._grads = grads
   local gf = self.fwdSeq:updateGradInput(steps, self._gf)
   local gb = self.bwdSeq:updateGradInput(self._rev, self._gb)
   self._gi = self._gi or {}
   for t = 1, n do
      self._gi[t] = nn.utils.recursiveCopy(self._gi[t], gf[t])
      nn.utils.recursiveAdd(self._gi[t], gb[n - t + 1])
   end
   for t = n + 1, #self._gi do self._gi[t] = nil end
   if self._istensor then
      self._gt = self._gt or steps[1].new()
      self.gradInput = self.fwdSeq:_stack(self._gt, self._gi)
   else
      self.gradInput = self._gi
   end
   return self.gradInput
end

function BiSequencer:accGradParameters(input, gradOutput, scale)
   local steps = self.fwdSeq:_steps(input, 'input')
   self.mergeSeq:accGradParameters(self._pairs, self._grads, scale)
   self.fwdSeq:accGradParameters(steps, self._gf, scale)
   self.bwdSeq:accGradParameters(self._rev, self._gb, scale)
end

function BiSequencer:remember(mode)
   self.fwdSeq:remember(mode)
   return self
end

function BiSequencer:forget()
   self.fwdSeq:forget()
   self.bwdSeq:forget()
   return self
end

function BiSequencer:__tostring__()
   return 'nn.BiSequencer {\n  fwd: ' .. tostring(self.fwdSeq.module) .. '\n  bwd: '
      .. tostring(self.bwdSeq.module) .. '\n  merge: ' .. tostring(self.mergeSeq.module) .. '\n}'
end

return BiSequencer
