-- nn.MaskZero(module, nInputDim): zeroes the rows (samples) of module's output, and of the
-- gradients, where the input's row is all zeros: padding for sequences of different
-- lengths in one batch. nInputDim is the number of non-batch dimensions of the input (its
-- first tensor, depth first, for a table input). Inside a step module, prefer the module's
-- own maskZero (nn.LSTM:maskZero, SeqLSTM.maskzero), which also resets the state.
local nn = require 'nn'

local MaskZero, parent = torch.class('nn.MaskZero', 'nn.Container')

function MaskZero:__init(module, nInputDim)
   parent.__init(self)
   if not torch.isTypeOf(module, 'nn.Module') then
      error('nn.MaskZero: expected a module, got ' .. torch.type(module), 2)
   end
   if math.type(nInputDim) ~= 'integer' or nInputDim < 0 then
      error('nn.MaskZero: nInputDim must be a non-negative integer, got ' .. tostring(nInputDim), 2)
   end
   self.module, self.nInputDim = module, nInputDim
   self.modules[1] = module
end

local function first(x)
   while type(x) == 'table' and not torch.isTensor(x) do x = x[1] end
   return x
end

-- keep: 1 for a sample whose input row has a nonzero, 0 for a padding row, shaped to
-- broadcast over a batch x ... tensor.
function MaskZero:_keep(input)
   local x = first(input)
   if not torch.isTensor(x) then self:_error('input must be a tensor or a table of tensors') end
   if x:dim() == self.nInputDim then
      self._k = self._k or x.new()
      return self._k:resize(1):fill(x:ne(0):sum() > 0 and 1 or 0), false
   end
   if x:dim() ~= self.nInputDim + 1 then
      self:_error('input of size %s, expected %d dimensions (or %d with a batch)',
                  nn.utils.sizestr(x), self.nInputDim, self.nInputDim + 1)
   end
   local n = x:size(1)
   local rows = x:contiguous():view(n, -1)
   self._k = self._k or x.new()
   self._k:resize(n):copy(rows:ne(0):sum(2):gt(0))
   return self._k, true
end

local function masked(buf, x, keep, batched)
   if torch.isTensor(x) then
      buf = torch.isTensor(buf) and buf:type() == x:type() and buf or x.new()
      buf:resizeAs(x):copy(x)
      if x:nElement() == 0 then return buf end
      if batched then
         local shape = {x:size(1)}
         for _ = 2, x:dim() do shape[#shape + 1] = 1 end
         buf:cmul(keep:view(table.unpack(shape)):type(x:type()))
      else
         buf:mul(keep[1])
      end
      return buf
   end
   buf = type(buf) == 'table' and buf or {}
   for i = 1, #x do buf[i] = masked(buf[i], x[i], keep, batched) end
   for i = #x + 1, #buf do buf[i] = nil end
   return buf
end

function MaskZero:updateOutput(input)
   local keep, batched = self:_keep(input)
   local out = self.module:updateOutput(input)
   self.output = masked(self.output, out, keep, batched)
   return self.output
end

function MaskZero:updateGradInput(input, gradOutput)
   local keep, batched = self:_keep(input)
   self._go = masked(self._go, gradOutput, keep, batched)
   local gi = self.module:updateGradInput(input, self._go)
   self.gradInput = masked(self.gradInput, gi, keep, batched)
   return self.gradInput
end

function MaskZero:accGradParameters(input, gradOutput, scale)
   self.module:accGradParameters(input, self._go, scale)
end

function MaskZero:__tostring__()
   return 'nn.MaskZero @ ' .. tostring(self.module):gsub('\n', '\n  ')
end

return MaskZero
