-- Tensor methods best written in Lua.
local torch = require 'torch.core'

for _, name in ipairs({'FloatTensor', 'DoubleTensor', 'LongTensor', 'ByteTensor'}) do
  local T = torch[name]
  -- x.new(...): a new tensor of x's type (Torch7's idiom for type-generic code)
  rawset(T, 'new', function(...) return T(...) end)
end

return torch
