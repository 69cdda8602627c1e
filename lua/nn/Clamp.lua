-- nn.Clamp(min, max): output = min(max(input, min), max); the gradient passes where
-- min < input < max. As in Torch7, a HardTanh with those bounds (its kernel row).
local nn = require 'nn'
require 'nn.HardTanh'

local Clamp, parent = torch.class('nn.Clamp', 'nn.HardTanh')

function Clamp:__init(min_value, max_value)
   nn.Module.__init(self)
   if type(min_value) ~= 'number' or type(max_value) ~= 'number' or min_value > max_value then
      self:_error('expected bounds min <= max, got %s and %s', tostring(min_value),
                  tostring(max_value))
   end
   self.min_val, self.max_val = min_value, max_value
   self.inplace = false
end

function Clamp:__tostring__()
   return string.format('%s(%g, %g)', torch.type(self), self.min_val, self.max_val)
end

return Clamp
