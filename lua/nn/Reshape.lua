-- nn.Reshape(d1, d2, ... [, batchMode]): output = input reshaped to d1 x d2 x ...; when the
-- input has more elements (or batchMode is true), its first dimension is a batch and is kept.
local nn = require 'nn'

local Reshape, parent = torch.class('nn.Reshape', 'nn.Module')

function Reshape:__init(...)
   parent.__init(self)
   local arg = {...}
   if type(arg[#arg]) == 'boolean' then
      self.batchMode = table.remove(arg)
   end
   if #arg == 1 and torch.typename(arg[1]) == 'torch.LongStorage' then arg = arg[1]:totable() end
   self.size = arg
   self.nelement = 1
   for _, s in ipairs(arg) do self.nelement = self.nelement * s end
   self._input = torch.Tensor()
   self._gradOutput = torch.Tensor()
end

function Reshape:updateOutput(input)
   if not input:isContiguous() then
      self._input = self._input:type() == input:type() and self._input or input.new()
      input = self._input:resizeAs(input):copy(input)
   end
   local n = input:nElement()
   if self.batchMode == false or (self.batchMode == nil and n == self.nelement and input:size(1) ~= 1) then
      if n ~= self.nelement then
         self:_error('input of size %s has %d elements, expected %d', nn.utils.sizestr(input), n,
                     self.nelement)
      end
      self.output = input:view(table.unpack(self.size))
   else
      if n ~= input:size(1) * self.nelement then
         self:_error('input of size %s, expected a batch of %d-element samples',
                     nn.utils.sizestr(input), self.nelement)
      end
      self.output = input:view(input:size(1), table.unpack(self.size))
   end
   return self.output
end

function Reshape:updateGradInput(input, gradOutput)
   nn.utils.checkGradOutput(self, gradOutput, input:nElement())
   if not gradOutput:isContiguous() then
      self._gradOutput = self._gradOutput:type() == gradOutput:type() and self._gradOutput or gradOutput.new()
      gradOutput = self._gradOutput:resizeAs(gradOutput):copy(gradOutput)
   end
   self.gradInput = gradOutput:viewAs(input)
   return self.gradInput
end

function Reshape:__tostring__()
   return torch.type(self) .. '(' .. table.concat(self.size, 'x') .. ')'
end

return Reshape
