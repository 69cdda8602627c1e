-- nn.Sequencer(module): applies a step module to every element of a sequence, a table of
-- tensors or a seqlen x batch x ... tensor (batch x seqlen with batchfirst = true), in one
-- forward; backward goes through the steps in reverse order. A module that is not a step
-- module is decorated with nn.Recursor. Before each forward the module forgets its state,
-- unless remember() covers the current mode (training or evaluation).
local nn = require 'nn'
local cells = require 'nn.rnn_cells'
require 'nn.Recursor'

local Sequencer, parent = torch.class('nn.Sequencer', 'nn.Container')

function Sequencer:__init(module)
   parent.__init(self)
   if not torch.isTypeOf(module, 'nn.Module') then
      error('nn.Sequencer: expected a module, got ' .. torch.type(module), 2)
   end
   if not torch.isTypeOf(module, 'nn.AbstractRecurrent') then module = nn.Recursor(module) end
   self.module = module
   self.modules[1] = module
   self._remember = 'neither'
   self.batchfirst = false
   self.output, self.gradInput = {}, {}
end

-- remember([mode = 'both']): see docs/nn_rnn.md
Sequencer.remember = cells.remember
Sequencer._remembering = cells.remembering

function Sequencer:forget()
   self.module:forget()
   return self
end

-- The steps of a sequence: a table of tensors (views for a tensor sequence).
function Sequencer:_steps(seq, what)
   if torch.isTensor(seq) then
      if seq:dim() < 2 then
         self:_error('%s of size %s, expected seqlen x batch x ...', what, nn.utils.sizestr(seq))
      end
      if self.batchfirst then seq = seq:transpose(1, 2) end
      local steps = {}
      for t = 1, seq:size(1) do steps[t] = seq[t] end
      return steps, true
   end
   if type(seq) ~= 'table' then
      self:_error('%s must be a table of tensors or a tensor, got %s', what, torch.type(seq))
   end
   return seq, false
end

-- Step results into a seqlen x batch x ... tensor (batch x seqlen with batchfirst).
function Sequencer:_stack(buf, steps)
   if #steps == 0 then return buf:resize(0) end
   local size = steps[1]:size():totable()
   table.insert(size, 1, #steps)
   buf:resize(table.unpack(size))
   for t = 1, #steps do buf[t]:copy(steps[t]) end
   return self.batchfirst and buf:transpose(1, 2) or buf
end

function Sequencer:updateOutput(input)
   local steps, istensor = self:_steps(input, 'input')
   if not self:_remembering() then self.module:forget() end
   if #steps > self.module.rho then self.module:maxBPTTstep(#steps) end
   local out = {}
   for t = 1, #steps do out[t] = self.module:updateOutput(steps[t]) end
   self._tensor = istensor
   if istensor then
      self._out = self._out or steps[1].new()
      self.output = self:_stack(self._out, out)
   else
      self.output = out
   end
   self._n = #steps
   return self.output
end

function Sequencer:updateGradInput(input, gradOutput)
   local steps = self:_steps(input, 'input')
   local grads = self:_steps(gradOutput, 'gradOutput')
   if not self._n then self:_error('backward called before forward') end
   if #grads ~= #steps or #steps ~= self._n then
      self:_error('gradOutput has %d steps, input %d, the last forward %d', #grads, #steps, self._n)
   end
   nn.AbstractRecurrent.rewind(self.module, '_gradStep')
   local gi = {}
   for t = #steps, 1, -1 do gi[t] = self.module:updateGradInput(steps[t], grads[t]) end
   if self._tensor then
      self._gi = self._gi or steps[1].new()
      -- each step's gradInput is copied before the next step overwrites shared buffers
      self.gradInput = self:_stack(self._gi, gi)
   else
      self.gradInput = gi
   end
   return self.gradInput
end

function Sequencer:accGradParameters(input, gradOutput, scale)
   local steps = self:_steps(input, 'input')
   local grads = self:_steps(gradOutput, 'gradOutput')
   nn.AbstractRecurrent.rewind(self.module, '_accStep')
   for t = #steps, 1, -1 do self.module:accGradParameters(steps[t], grads[t], scale) end
end

function Sequencer:__tostring__()
   return 'nn.Sequencer @ ' .. tostring(self.module):gsub('\n', '\n  ')
end

return Sequencer
