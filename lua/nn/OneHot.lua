-- nn.OneHot(outputSize): indices in [1, outputSize] (a tensor of any shape and type) to
-- one-hot vectors: the output has the input's sizes plus outputSize, a 1 at each index and
-- 0 elsewhere, as char-rnn's OneHot builds its input. The input is not differentiable
-- (gradInput is zeros of its size).
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
   if not torch.isTensor(input) then
      self:_error('expected a tensor of indices, got %s', torch.type(input))
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

function OneHot:updateGradInput(input, gradOutput)
   self.gradInput = torch.isTensor(self.gradInput) and self.gradInput:type() == input:type()
      and self.gradInput or input.new()
   self.gradInput:resizeAs(input):zero()
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
