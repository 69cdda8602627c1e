-- Tensor methods best written in Lua.
local torch = require 'torch.core'

for _, name in ipairs({'FloatTensor', 'DoubleTensor', 'LongTensor', 'ByteTensor', 'CharTensor',
                       'ShortTensor', 'IntTensor', 'HalfTensor'}) do
  local T = torch[name]
  -- x.new(...): a new tensor of x's type (Torch7's idiom for type-generic code)
  rawset(T, 'new', function(...) return T(...) end)
  -- x:real(): x as the default tensor type (Torch7's; a copy unless x already is one)
  rawset(T, 'real', function(self) return self:type(torch.getdefaulttensortype()) end)
  -- torch.Tensor.isTensor(x): torch.isTensor under the class (Torch7's alias)
  rawset(T, 'isTensor', function(x) return torch.isTensor(x) end)
end

return torch
