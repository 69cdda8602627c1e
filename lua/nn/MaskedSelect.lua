-- nn.MaskedSelect(): of a pair {input, mask} (mask a ByteTensor with as many elements as
-- input), the 1D tensor of the input elements where mask is 1, in row-major order, as
-- Torch7's input:maskedSelect(mask). The gradient is {gradient scattered back to the
-- selected places (0 elsewhere), a zero ByteTensor for the mask}.
local nn = require 'nn'

local MaskedSelect, parent = torch.class('nn.MaskedSelect', 'nn.Module')

function MaskedSelect:__init()
   parent.__init(self)
   self._maskIndices = torch.LongTensor()
   self._maskIndexBuffer = torch.LongTensor()
   self._gradBuffer = torch.Tensor()
   self._gradMask = torch.ByteTensor()
   self.gradInput = {self._gradBuffer, self._gradMask}
end

function MaskedSelect:_pair(input)
   if type(input) ~= 'table' or torch.isTensor(input) or #input ~= 2 then
      self:_error('expected a pair {input, mask}, got %s', torch.type(input))
   end
   local x, mask = input[1], input[2]
   nn.utils.checkFloatTensor(self, x, 'input[1]')
   if torch.type(mask) ~= 'torch.ByteTensor' then
      self:_error('the mask must be a torch.ByteTensor, got %s', torch.type(mask))
   end
   if mask:nElement() ~= x:nElement() then
      self:_error('mask of size %s does not match input of size %s', nn.utils.sizestr(mask),
                  nn.utils.sizestr(x))
   end
   return x, mask
end

function MaskedSelect:updateOutput(input)
   local x, mask = self:_pair(input)
   self.output:maskedSelect(x, mask)
   return self.output
end

function MaskedSelect:updateGradInput(input, gradOutput)
   local x, mask = self:_pair(input)
   -- the (1-based) row-major positions of the selected elements
   self._maskIndexBuffer = self._maskIndexBuffer or torch.LongTensor()
   self._maskIndices = self._maskIndices or torch.LongTensor()
   self._maskIndexBuffer:range(1, mask:nElement()):resize(mask:size())
   self._maskIndices:maskedSelect(self._maskIndexBuffer, mask)
   if gradOutput:nElement() ~= self._maskIndices:nElement() then
      self:_error('gradOutput of size %s, expected %d elements (the selected ones)',
                  nn.utils.sizestr(gradOutput), self._maskIndices:nElement())
   end
   self._gradBuffer = self._gradBuffer or x.new()
   self._gradMask = self._gradMask or torch.ByteTensor()
   self._gradBuffer:resize(x:nElement()):zero()
   if self._maskIndices:nElement() > 0 then
      self._gradBuffer:indexAdd(1, self._maskIndices, gradOutput:contiguous():view(-1))
   end
   self._gradBuffer:resize(x:size())
   self._gradMask:resize(mask:size()):zero()
   self.gradInput = {self._gradBuffer, self._gradMask}
   return self.gradInput
end

-- The index buffers stay LongTensors and the mask gradient a ByteTensor.
function MaskedSelect:type(tname, tensorCache)
   if not tname then return parent.type(self) end
   local keep = {}
   for _, k in ipairs({'_maskIndices', '_maskIndexBuffer', '_gradMask'}) do
      keep[k], self[k] = self[k], nil
   end
   self.gradInput = {}
   parent.type(self, tname, tensorCache)
   for k, v in pairs(keep) do self[k] = v end
   self.gradInput = {self._gradBuffer, self._gradMask}
   return self
end

function MaskedSelect:clearState()
   nn.utils.clear(self, '_maskIndices', '_maskIndexBuffer', '_gradBuffer', '_gradMask')
   parent.clearState(self)
   self.gradInput = {self._gradBuffer, self._gradMask}
   return self
end

return MaskedSelect
