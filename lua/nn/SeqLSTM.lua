-- nn.SeqLSTM(inputSize, outputSize): an LSTM over a whole sequence, seqlen x batch x
-- inputSize in, seqlen x batch x outputSize out (batch x seqlen with batchfirst = true),
-- in one fused kernel call (src/nn/rnn.c). nn.SeqGRU is the same module with the GRU cell.
--
-- The input may also be {h0, x} or {c0, h0, x} (initial states as inputs; their gradients
-- are then part of gradInput). Otherwise the initial states are, in this order: the
-- one-shot userPrevOutput / userPrevCell, then self.h0 / self.c0 (empty means zeros).
-- remember() makes each forward start where the previous one ended: the last states are
-- copied into self.h0 / self.c0 after each forward (truncated BPTT, generation).
local nn = require 'nn'
local cells = require 'nn.rnn_cells'

local SeqLSTM, parent = torch.class('nn.SeqLSTM', 'nn.Module')
SeqLSTM.cell = cells.lstm

function SeqLSTM:__init(inputSize, outputSize)
   parent.__init(self)
   cells.init(self, self.cell, inputSize, outputSize)
   self.h0, self.c0 = torch.Tensor(), torch.Tensor()
   self.gradH0, self.gradC0 = torch.Tensor(), torch.Tensor()
   self._remember = 'neither'
   self.batchfirst = false
   self.maskzero = false
   self:_buffers()
   self:reset()
end

function SeqLSTM:_buffers()
   self._b = cells.buffers(self.weight)
   self._h0, self._c0 = self.weight.new(), self.weight.new()
   self._mask, self._maskbuf = torch.ByteTensor(), self.weight.new()
   self.gradH0 = self._b.gh0
   self.gradC0 = self._b.gc0
end

SeqLSTM.reset = cells.reset

-- remember([mode = 'both']): see docs/nn_rnn.md
SeqLSTM.remember = cells.remember
SeqLSTM._remembering = cells.remembering

-- forget(): the next forward starts from zero states.
function SeqLSTM:forget()
   self.h0:set()
   self.c0:set()
   return self
end

-- setZeroMask(mask): a ByteTensor seqlen x batch (batch x seqlen with batchfirst), 1 at the
-- padding steps, used by the following forward and backward calls; false clears it.
function SeqLSTM:setZeroMask(mask)
   self.zeroMask = mask or nil
   return self
end

-- The parts of the input: x (seqlen x batch x size), and h0, c0 when given in a table.
function SeqLSTM:_inputs(input)
   local x, h0, c0
   if torch.isTensor(input) then
      x = input
   elseif type(input) == 'table' and #input == 2 then
      h0, x = input[1], input[2]
   elseif type(input) == 'table' and #input == 3 and self.cell.cell then
      c0, h0, x = input[1], input[2], input[3]
   else
      self:_error('input must be a seqlen x batch x %d tensor, {h0, x}%s; got %s',
                  self.inputSize, self.cell.cell and ' or {c0, h0, x}' or '', torch.type(input))
   end
   if not torch.isTensor(x) or (h0 and not torch.isTensor(h0)) or (c0 and not torch.isTensor(c0)) then
      self:_error('input must hold tensors, got %s', torch.type(x))
   end
   if self.batchfirst then
      if x:dim() ~= 3 then
         self:_error('input of size %s, expected batch x seqlen x %d (batchfirst)',
                     nn.utils.sizestr(x), self.inputSize)
      end
      x = x:transpose(1, 2)
   end
   return x, h0, c0
end

-- The initial state to use: from the input table, once from user (then cleared), from the
-- module's own state, or nil (zeros). Copied, so that remembering may overwrite self.h0.
function SeqLSTM:_initial(given, userField, own, buf)
   if given then return given end
   local user = self[userField]
   if user then
      self[userField] = nil
      return buf:resizeAs(user):copy(user)
   end
   if own:nElement() > 0 then return buf:resizeAs(own):copy(own) end
   return nil
end

function SeqLSTM:_maskOf(x)
   if self.zeroMask then
      return self.batchfirst and self.zeroMask:transpose(1, 2) or self.zeroMask
   end
   if self.maskzero then return cells.zeroMask(self._mask, x, self._maskbuf) end
   return nil
end

-- The cell's kernel on a sequence into the buffers b (the int8 modules replace it).
function SeqLSTM:_cellForward(b, x, h0, c0, mask)
   self.cell.forward(b, x, h0, c0, self.weight, self.bias, mask)
end

function SeqLSTM:updateOutput(input)
   local x, h0, c0 = self:_inputs(input)
   local b = self._b
   h0 = self:_initial(h0, 'userPrevOutput', self.h0, self._h0)
   c0 = self.cell.cell and self:_initial(c0, 'userPrevCell', self.c0, self._c0) or nil
   local mask = self:_maskOf(x)
   self:_cellForward(b, x, h0, c0, mask)
   self._used = {h0 = h0, c0 = c0, mask = mask, form = torch.isTensor(input) and 1 or #input}
   if self:_remembering() then
      local hT, cT = self:lastState()
      self.h0:resizeAs(hT):copy(hT)
      if cT then self.c0:resizeAs(cT):copy(cT) end
   end
   self.output = self.batchfirst and b.out:transpose(1, 2) or b.out
   return self.output
end

-- lastState(): the hidden state (and the LSTM's cell state) after the last step of the
-- last forward, batch x outputSize views.
function SeqLSTM:lastState()
   local b = self._b
   if b.out:nElement() == 0 then self:_error('lastState called before forward') end
   local T = b.out:size(1)
   return b.out[T], self.cell.cell and b.cell[T] or nil
end

function SeqLSTM:updateGradInput(input, gradOutput)
   local x = self:_inputs(input)
   local used = self._used
   if not used then self:_error('backward called before forward') end
   if not torch.isTensor(gradOutput) then
      self:_error('gradOutput must be a tensor, got %s', torch.type(gradOutput))
   end
   if self.batchfirst and gradOutput:dim() == 3 then gradOutput = gradOutput:transpose(1, 2) end
   local b = self._b
   self.cell.backward(b, x, used.h0, used.c0, self.weight, gradOutput, self.gradPrevOutput,
                      self.userNextGradCell, used.mask)
   local gx = self.batchfirst and b.gx:transpose(1, 2) or b.gx
   if used.form == 1 then
      self.gradInput = gx
   elseif used.form == 2 then
      self.gradInput = {b.gh0, gx}
   else
      self.gradInput = {b.gc0, b.gh0, gx}
   end
   return self.gradInput
end

function SeqLSTM:accGradParameters(input, gradOutput, scale)
   local x = self:_inputs(input)
   if not self._used then self:_error('accGradParameters called before forward') end
   self.cell.params(self._b, self.gradWeight, self.gradBias, x, self._used.h0, scale or 1)
end

-- Buffers keep their types through type(): the mask stays a ByteTensor.
function SeqLSTM:type(tname, tensorCache)
   parent.type(self, tname, tensorCache)
   if tname then
      -- empty tensors have no storage to keep them shared: link the aliases again
      self.gradH0, self.gradC0 = self._b.gh0, self._b.gc0
      self._mask = torch.ByteTensor()
      if self.zeroMask then self.zeroMask = self.zeroMask:byte() end
   end
   return self
end

function SeqLSTM:clearState()
   self:_buffers()
   self._used = nil
   return parent.clearState(self)
end

function SeqLSTM:__tostring__()
   return string.format('%s(%d -> %d)', torch.type(self), self.inputSize, self.outputSize)
end

return SeqLSTM
