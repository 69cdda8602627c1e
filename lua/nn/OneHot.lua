-- nn.OneHot(outputSize): indices in [1, outputSize] (a tensor of any shape and type) to
-- one-hot vectors: the output has the input's sizes plus outputSize, a 1 at each index and
-- 0 elsewhere, as char-rnn's OneHot builds its input. The input is not differentiable
-- (gradInput is zeros of its size, of the module's type). A number input gives one
-- vector of outputSize.
local nn = require 'nn'

local OneHot, parent = torch.class('nn.OneHot', 'nn.Module')

function OneHot:__init(outputSize)
   parent.__init(self)
   if math.type(outputSize) ~= 'integer' or outputSize < 1 then
      error('nn.OneHot: outputSize must be a positive integer, got ' .. tostring(outputSize), 2)
   end
   self.outputSize = outputSize
   self._idx = torch.LongTensor()
end

function OneHot:updateOutput(input)
   if type(input) == 'number' then
      -- one index (Torch7): the vector of outputSize with a 1 there
      if math.tointeger(input) == nil or input < 1 or input > self.outputSize then
         self:_error('index %s out of range [1, %d]', tostring(input), self.outputSize)
      end
      self.output = torch.isTensor(self.output) and self.output or torch.Tensor()
      self.output:resize(self.outputSize):zero()[math.tointeger(input)] = 1
      return self.output
   end
   if not torch.isTensor(input) then
      self:_error('expected a tensor of indices or a number, got %s', torch.type(input))
   end
   local n = input:nElement()
   self._idx:resize(n, 1):copy(input:contiguous():view(n, 1))
   if n > 0 then
      local lo, hi = self._idx:min(), self._idx:max()
      if lo < 1 or hi > self.outputSize then
         self:_error('index %d out of range [1, %d]', lo < 1 and lo or hi, self.outputSize)
      end
   end
   local size = input:size():totable()
   size[#size + 1] = self.outputSize
   self.output:resize(n, self.outputSize):zero()
   if n > 0 then self.output:scatter(2, self._idx, 1) end
   self.output = self.output:view(table.unpack(size))
   return self.output
end

-- Zeros of the input's size, in the module's type (Torch7's: the indices are not
-- differentiable, and the gradient is a tensor like the module's others).
function OneHot:updateGradInput(input, gradOutput)
   if not torch.isTensor(self.gradInput) then self.gradInput = self.output.new() end
   if type(input) == 'number' then return self.gradInput:resize(1):zero() end
   self.gradInput:resize(input:size()):zero()
   return self.gradInput
end

function OneHot:type(tname, tensorCache)
   parent.type(self, tname, tensorCache)
   self._idx = torch.LongTensor()
   return self
end

function OneHot:__tostring__()
   return string.format('nn.OneHot(%d)', self.outputSize)
end

return OneHot
