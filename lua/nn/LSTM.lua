-- nn.LSTM(inputSize, outputSize [, rho]): one LSTM step per forward (input batch x
-- inputSize or inputSize), through the same fused kernel as nn.SeqLSTM with a sequence of
-- one step: stepping it T times gives nn.SeqLSTM's numbers. No per-step clones: each step
-- keeps its input copy, gates and states in a slot of the ring (AbstractRecurrent).
-- Initial states: userPrevOutput / userPrevCell, else self.h0 / self.c0, else zeros.
-- nn.GRU is the same module with the GRU cell; nn.FastLSTM is nn.LSTM.
local nn = require 'nn'
local cells = require 'nn.rnn_cells'
require 'nn.AbstractRecurrent'

local LSTM, parent = torch.class('nn.LSTM', 'nn.AbstractRecurrent')
LSTM.cell = cells.lstm

function LSTM:__init(inputSize, outputSize, rho)
   parent.__init(self, rho)
   cells.init(self, self.cell, inputSize, outputSize)
   self.h0, self.c0 = torch.Tensor(), torch.Tensor()
   self.maskzero = false
   self:reset()
end

LSTM.reset = cells.reset
-- the parameters are the module's own, not those of children (it has none)
LSTM.parameters = nn.Module.parameters
LSTM.zeroGradParameters = nn.Module.zeroGradParameters
LSTM.updateParameters = nn.Module.updateParameters

function LSTM:_newSlot()
   local s = cells.buffers(self.weight)
   s.x, s.h0buf, s.c0buf = self.weight.new(), self.weight.new(), self.weight.new()
   s.mask, s.maskbuf = torch.ByteTensor(), self.weight.new()
   return s
end

-- maskZero(nInputDim): a step whose input row is all zeros outputs zeros and resets the
-- state (the fused kernel's mask), as nn.SeqLSTM's maskzero.
function LSTM:maskZero(nInputDim)
   self.maskzero = true
   return self
end

-- The state before step self.step, as batch x outputSize tensors or nil (zeros). A state
-- stored in the very slot about to be written is copied out of it first.
function LSTM:_prevState(s)
   local last = self._lastSlot
   if last then
      local h, c = last.out[1], self.cell.cell and last.cell[1] or nil
      if last == s then
         h = s.h0buf:resizeAs(h):copy(h)
         c = c and s.c0buf:resizeAs(c):copy(c)
      end
      return h, c
   end
   local h = self.userPrevOutput or (self.h0:nElement() > 0 and self.h0) or nil
   local c = self.userPrevCell or (self.c0:nElement() > 0 and self.c0) or nil
   if not self.cell.cell then c = nil end
   return h and s.h0buf:resizeAs(h):copy(h), c and s.c0buf:resizeAs(c):copy(c)
end

-- The cell's kernel on one step into the slot s (the int8 modules replace it).
function LSTM:_cellForward(s, x, h0, c0, mask)
   self.cell.forward(s, x, h0, c0, self.weight, self.bias, mask)
end

function LSTM:_updateOutput(s, input)
   if not torch.isTensor(input) or (input:dim() ~= 1 and input:dim() ~= 2) then
      self:_error('input must be a batch x %d or %d tensor, got %s', self.inputSize,
                  self.inputSize, torch.isTensor(input) and nn.utils.sizestr(input) or torch.type(input))
   end
   s.single = input:dim() == 1
   local x = s.single and input:view(1, 1, input:size(1)) or input:view(1, input:size(1), input:size(2))
   s.x:resizeAs(x):copy(x)
   s.hp, s.cp = self:_prevState(s)
   s.m = self.maskzero and cells.zeroMask(s.mask, s.x, s.maskbuf) or nil
   self:_cellForward(s, s.x, s.hp, s.cp, s.m)
   return s.single and s.out:view(self.outputSize) or s.out[1]
end

function LSTM:_updateGradInput(s, input, gradOutput, nextSlot, t)
   if not torch.isTensor(gradOutput) then
      self:_error('gradOutput must be a tensor, got %s', torch.type(gradOutput))
   end
   local B, H = s.x:size(2), self.outputSize
   if gradOutput:nElement() ~= B * H or gradOutput:dim() ~= (s.single and 1 or 2) then
      self:_error('gradOutput of size %s, expected %s', nn.utils.sizestr(gradOutput),
                  s.single and tostring(H) or (B .. 'x' .. H))
   end
   local go = gradOutput:contiguous():view(1, B, H)
   local ght, gct
   if nextSlot then
      ght, gct = nextSlot.gh0, self.cell.cell and nextSlot.gc0 or nil
   else
      ght, gct = self.gradPrevOutput, self.userNextGradCell
   end
   self.cell.backward(s, s.x, s.hp, s.cp, self.weight, go, ght, gct, s.m)
   if t == 1 then self.gradH0, self.gradC0 = s.gh0, self.cell.cell and s.gc0 or nil end
   return s.single and s.gx:view(self.inputSize) or s.gx[1]
end

function LSTM:_accGradParameters(s, input, gradOutput, scale)
   self.cell.params(s, self.gradWeight, self.gradBias, s.x, s.hp, scale)
end

-- lastState(): the hidden (and cell) state after the last step, batch x outputSize.
function LSTM:lastState()
   local s = self._lastSlot
   if not s then self:_error('lastState called before forward') end
   return s.out[1], self.cell.cell and s.cell[1] or nil
end

-- The state is carried in the slots: forget() also drops the one-shot user states' use.
function LSTM:type(tname, tensorCache)
   parent.type(self, tname, tensorCache)
   if tname then self._slots = {}; self:forget() end
   return self
end

function LSTM:__tostring__()
   return string.format('%s(%d -> %d)', torch.type(self), self.inputSize, self.outputSize)
end

return LSTM
