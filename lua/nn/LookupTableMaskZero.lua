-- nn.LookupTableMaskZero(nIndex, nOutput): nn.LookupTable where index 0 is padding: its
-- rows of the output are zeros and get no gradient. weight has nIndex + 1 rows, row 1
-- being the (zero) padding row, as in Element-Research's rnn.
local nn = require 'nn'

local LookupTableMaskZero, parent = torch.class('nn.LookupTableMaskZero', 'nn.LookupTable')

function LookupTableMaskZero:__init(nIndex, nOutput)
   parent.__init(self, nIndex + 1, nOutput, 1)
   self._shifted = torch.LongTensor()
end

function LookupTableMaskZero:reset(stdv)
   parent.reset(self, stdv)
   self.weight[1]:zero()
   return self
end

function LookupTableMaskZero:_indicesOf(input)
   if not torch.isTensor(input) then
      self:_error('expected a tensor of indices, got %s', torch.type(input))
   end
   self._shifted:resize(input:size()):copy(input):add(1)
   return self._shifted
end

function LookupTableMaskZero:updateOutput(input)
   self.weight[1]:zero() -- an update step may have moved it
   return parent.updateOutput(self, input)
end

function LookupTableMaskZero:type(tname, tensorCache)
   parent.type(self, tname, tensorCache)
   self._shifted = torch.LongTensor()
   return self
end

function LookupTableMaskZero:__tostring__()
   return string.format('%s(%d -> %d)', torch.type(self), self.weight:size(1) - 1, self.weight:size(2))
end

return LookupTableMaskZero
