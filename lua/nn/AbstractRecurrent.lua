-- nn.AbstractRecurrent([rho]): the base of the step modules (LSTM, GRU, Recurrent,
-- Recurrence, Recursor): each forward is the next time step of a sequence, and backward is
-- called in the reverse order of the forwards (backpropagation through time). State
-- carries from one forward to the next until forget().
--
-- The memory of a step lives in a slot; slots are kept in a ring of rho + 1 while training
-- (the last rho steps can be backpropagated, rho = maxBPTTstep) and of 2 while evaluating
-- (only the previous state is needed), and are reused from sequence to sequence, so that
-- a training loop allocates nothing once the ring is full.
local nn = require 'nn'
local cells = require 'nn.rnn_cells'

local AbstractRecurrent, parent = torch.class('nn.AbstractRecurrent', 'nn.Container')

function AbstractRecurrent:__init(rho)
   parent.__init(self)
   self.rho = rho or 9999
   self.step = 1
   self._slots = {}
   self._remember = 'both' -- a step module keeps its state until forget()
end

function AbstractRecurrent:_ringsize()
   return self.train ~= false and self.rho + 1 or 2
end

-- The slot of step t (created on first use by _newSlot).
function AbstractRecurrent:_slot(t)
   local i = (t - 1) % self:_ringsize() + 1
   local s = self._slots[i]
   if not s then
      s = self:_newSlot()
      self._slots[i] = s
   end
   return s
end

-- Called by forward before the step runs: backward counters restart, the slot is stamped.
function AbstractRecurrent:_beginStep()
   self._gradStep, self._accStep = nil, nil
   local s = self:_slot(self.step)
   s.step, s.gradDone = self.step, false
   return s
end

-- The slot backward works on next, counting down from the last forward step.
function AbstractRecurrent:_backSlot(counter, what)
   if self.step == 1 then self:_error('%s called before forward', what) end
   local t = self[counter] or self.step - 1
   if t < 1 then self:_error('%s called more times than forward (since forget)', what) end
   local s = self:_slot(t)
   -- step t reads its own slot and the previous step's (its input state)
   if s.step ~= t or (t > 1 and self:_slot(t - 1).step ~= t - 1) then
      self:_error('%s: step %d is beyond the %d steps kept for backpropagation (maxBPTTstep)',
                  what, t, self:_ringsize() - 1)
   end
   self[counter] = t - 1
   return s, t
end

function AbstractRecurrent:updateOutput(input)
   local s = self:_beginStep()
   self.output = self:_updateOutput(s, input)
   self._lastSlot = s
   self.step = self.step + 1
   return self.output
end

function AbstractRecurrent:updateGradInput(input, gradOutput)
   local s, t = self:_backSlot('_gradStep', 'backward')
   -- the gradient flowing into this step's state from the step after it, when that step
   -- was backpropagated in this same pass
   local nextSlot = t < self.step - 1 and self:_slot(t + 1) or nil
   self.gradInput = self:_updateGradInput(s, input, gradOutput, nextSlot, t)
   s.gradDone = true
   return self.gradInput
end

function AbstractRecurrent:accGradParameters(input, gradOutput, scale)
   local s, t = self:_backSlot('_accStep', 'accGradParameters')
   if not s.gradDone then
      self:_error('accGradParameters of step %d called before its updateGradInput', t)
   end
   self:_accGradParameters(s, input, gradOutput, scale or 1)
end

-- rewind(module, counter): the next updateGradInput ('_gradStep') or accGradParameters
-- ('_accStep') of every step module in module starts again from the last forward step, so
-- that a sequence can be backpropagated more than once after one forward.
function AbstractRecurrent.rewind(module, counter)
   module:apply(function(m)
      if torch.isTypeOf(m, 'nn.AbstractRecurrent') then m[counter] = nil end
   end)
end

-- forget(): the next forward is step 1 of a new sequence, from the initial state.
function AbstractRecurrent:forget()
   self.step = 1
   self._gradStep, self._accStep, self._lastSlot = nil, nil, nil
   -- step modules anywhere inside (a Sequential of LSTMs in a Recursor, say) forget too
   for _, child in ipairs(self.modules) do
      child:apply(function(m)
         if m ~= self and torch.isTypeOf(m, 'nn.AbstractRecurrent') then m:forget() end
      end)
   end
   return self
end

-- maxBPTTstep(rho): how many steps backward can go through (the ring of slots).
function AbstractRecurrent:maxBPTTstep(rho)
   if math.type(rho) ~= 'integer' or rho < 1 then
      self:_error('maxBPTTstep: expected a positive integer, got %s', tostring(rho))
   end
   if rho ~= self.rho then
      self.rho = rho
      self._slots = {}
      self:forget()
   end
   return self
end

-- remember([mode = 'both']): see docs/nn_rnn.md
AbstractRecurrent.remember = cells.remember
AbstractRecurrent._remembering = cells.remembering

-- Switching between training and evaluation changes the ring: the sequence restarts.
function AbstractRecurrent:training()
   if self.train == false then self._slots = {}; self:forget() end
   parent.training(self)
end

function AbstractRecurrent:evaluate()
   if self.train ~= false then self._slots = {}; self:forget() end
   parent.evaluate(self)
end

function AbstractRecurrent:clearState()
   self._slots = {}
   self:forget()
   return parent.clearState(self)
end

-- The batch size of x (first tensor, depth first) given nInputDim non-batch dimensions,
-- or nil when x is a single sample.
function AbstractRecurrent.batchSize(x, nInputDim)
   while type(x) == 'table' and not torch.isTensor(x) do x = x[1] end
   if torch.isTensor(x) and x:dim() > nInputDim then return x:size(1) end
   return nil
end

-- A copy of module for one time step: its own buffers, the prototype's parameters.
-- AbstractRecurrent modules inside it stay the same objects (they keep their own steps).
function AbstractRecurrent.stepClone(module)
   local memo = {}
   module:apply(function(m)
      if m ~= module and torch.isTypeOf(m, 'nn.AbstractRecurrent') then memo[m] = m end
   end)
   local c = nn.utils.deepcopy(module, memo)
   AbstractRecurrent.share(c, module)
   return c
end

-- Points the parameters of clone at the prototype's again (getParameters may have moved
-- the prototype's into a flat storage since the clone was made).
function AbstractRecurrent.share(clone, proto)
   local p1, g1 = proto:parameters()
   if not p1 then return end
   local p2, g2 = clone:parameters()
   for i = 1, #p1 do
      if p2[i] ~= p1[i] then p2[i]:set(p1[i]) end
      if g2[i] ~= g1[i] then g2[i]:set(g1[i]) end
   end
end

return AbstractRecurrent
