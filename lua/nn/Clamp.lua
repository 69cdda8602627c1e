-- nn.Clamp(min, max): output = min(max(input, min), max); the gradient passes where
-- min < input < max, as Torch7's Clamp (a HardTanh with those bounds).
local nn = require 'nn'
local K = torch._nn

local Clamp, parent = torch.class('nn.Clamp', 'nn.Module')

function Clamp:__init(min_value, max_value)
   parent.__init(self)
   if type(min_value) ~= 'number' or type(max_value) ~= 'number' or min_value > max_value then
      error(string.format('nn.Clamp: expected bounds min <= max, got %s and %s',
                          tostring(min_value), tostring(max_value)), 2)
   end
   self.min_val, self.max_val = min_value, max_value
end

function Clamp:updateOutput(input)
   nn.utils.checkFloatTensor(self, input)
   K.pointwise_forward('clamp', self.output, input, self.min_val, self.max_val)
   return self.output
end

function Clamp:updateGradInput(input, gradOutput)
   K.pointwise_backward('clamp', self.gradInput, gradOutput, input, self.output, self.min_val,
                        self.max_val)
   return self.gradInput
end

function Clamp:__tostring__()
   return string.format('%s(%g, %g)', torch.type(self), self.min_val, self.max_val)
end

return Clamp
