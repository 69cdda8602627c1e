-- nn.Recurrence(module, outputSize, nInputDim [, rho]): a step module from any module
-- that maps {input(t), output(t-1)} to output(t). The first step gets zeros of outputSize
-- (a number, a torch.LongStorage, or a table of those for a table state) per sample;
-- nInputDim (the input's dimensions without the batch) tells a batch from one sample.
-- Initial state: userPrevOutput, else self.h0 (when set), else zeros.
local nn = require 'nn'
require 'nn.AbstractRecurrent'
local AR = nn.AbstractRecurrent

local Recurrence, parent = torch.class('nn.Recurrence', 'nn.AbstractRecurrent')

function Recurrence:__init(module, outputSize, nInputDim, rho)
   parent.__init(self, rho)
   if not torch.isTypeOf(module, 'nn.Module') then
      self:_error('expected a module, got %s', torch.type(module))
   end
   if math.type(nInputDim) ~= 'integer' or nInputDim < 0 then
      self:_error('nInputDim must be a non-negative integer, got %s', tostring(nInputDim))
   end
   self.recurrentModule = module
   self.modules[1] = module
   self.outputSize = outputSize
   self.nInputDim = nInputDim
end

function Recurrence:_newSlot()
   return {}
end

-- The module of slot s for a step (not the first, for nn.Recurrent).
function Recurrence:_stepModule(s, proto)
   if not s.module or s.proto ~= proto then
      s.module, s.proto = AR.stepClone(proto), proto
   else
      AR.share(s.module, proto)
   end
   return s.module
end

-- Zeros of size (batch x) outputSize, nested as outputSize is.
local function zeros(size, batch, proto, buf)
   if type(size) == 'table' and not torch.typename(size) then
      buf = type(buf) == 'table' and buf or {}
      for i, v in ipairs(size) do buf[i] = zeros(v, batch, proto, buf[i]) end
      return buf
   end
   local dims = type(size) == 'number' and {size} or size:totable()
   if batch then table.insert(dims, 1, batch) end
   buf = torch.isTensor(buf) and buf or proto.new()
   return buf:resize(table.unpack(dims)):zero()
end

local function copyInto(buf, x)
   if torch.isTensor(x) then
      buf = torch.isTensor(buf) and buf or x.new()
      return buf:resizeAs(x):copy(x)
   end
   buf = type(buf) == 'table' and buf or {}
   for i = 1, #x do buf[i] = copyInto(buf[i], x[i]) end
   return buf
end

-- The state before this step: the previous step's output, or the initial state.
function Recurrence:_prevOutput(s, input)
   local last = self._lastSlot
   if last then
      if last == s then
         s.hbuf = copyInto(s.hbuf, last.output)
         return s.hbuf
      end
      return last.output
   end
   local init = self.userPrevOutput or (torch.isTensor(self.h0) and self.h0:nElement() > 0 and self.h0)
   if init then
      s.hbuf = copyInto(s.hbuf, init)
      return s.hbuf
   end
   local proto = input
   while type(proto) == 'table' and not torch.isTensor(proto) do proto = proto[1] end
   if not torch.isTensor(proto) then self:_error('input must be a tensor or a table of tensors') end
   s.zero = zeros(self.outputSize, AR.batchSize(input, self.nInputDim), proto, s.zero)
   return s.zero
end

function Recurrence:_updateOutput(s, input)
   s.input, s.prev = input, self:_prevOutput(s, input)
   s.pair = s.pair or {}
   s.pair[1], s.pair[2] = input, s.prev
   s.output = self:_stepModule(s, self.recurrentModule):updateOutput(s.pair)
   return s.output
end

local function addInto(buf, a, b)
   if torch.isTensor(a) then
      buf = torch.isTensor(buf) and buf or a.new()
      buf:resizeAs(a):copy(a)
      if b then buf:add(b) end
      return buf
   end
   buf = type(buf) == 'table' and buf or {}
   for i = 1, #a do buf[i] = addInto(buf[i], a[i], b and b[i]) end
   return buf
end

-- gradOutput(t) plus what step t+1 sent back to output(t).
function Recurrence:_updateGradInput(s, input, gradOutput, nextSlot, t)
   s.gsum = addInto(s.gsum, gradOutput, nextSlot and nextSlot.gradPrev or self.gradPrevOutput)
   local gi = s.module:updateGradInput(s.pair, s.gsum)
   s.gradPrev = gi[2]
   if t == 1 then self.gradH0 = gi[2] end
   return gi[1]
end

function Recurrence:_accGradParameters(s, input, gradOutput, scale)
   s.module:accGradParameters(s.pair, s.gsum, scale)
end

function Recurrence:lastState()
   if not self._lastSlot then self:_error('lastState called before forward') end
   return self._lastSlot.output
end

function Recurrence:maskZero(nInputDim)
   self.recurrentModule = nn.MaskZero(self.recurrentModule, nInputDim)
   self.modules[1] = self.recurrentModule
   self._slots = {}
   return self
end

function Recurrence:__tostring__()
   return 'nn.Recurrence @ ' .. tostring(self.recurrentModule):gsub('\n', '\n  ')
end

return Recurrence
