-- Writes the models tests/test_capi.c loads through the C API (run once from the project
-- root: dlua tests/corpus/capi/make_models.lua). The weights follow formulas that the C
-- test computes again in plain C, so its reference is independent of dlua:
--   Linear(4, 3): W1[i][j] = 0.1 i - 0.2 j + 0.05, b1[i] = 0.01 i   (1-based i, j)
--   Tanh
--   Linear(3, 2): W2[i][j] = 0.3 j - 0.1 i,        b2[i] = -0.02 i
require 'nn'
local dir = (debug.getinfo(1, 'S').source:match('^@(.*/)') or './')

local function mlp(tensortype)
  local m = nn.Sequential():add(nn.Linear(4, 3)):add(nn.Tanh()):add(nn.Linear(3, 2))
  local l1, l2 = m:get(1), m:get(3)
  for i = 1, 3 do
    l1.bias[i] = 0.01 * i
    for j = 1, 4 do l1.weight[i][j] = 0.1 * i - 0.2 * j + 0.05 end
  end
  for i = 1, 2 do
    l2.bias[i] = -0.02 * i
    for j = 1, 3 do l2.weight[i][j] = 0.3 * j - 0.1 * i end
  end
  return m:type(tensortype):clearState()
end

torch.save(dir .. 'mlp.t7', mlp('torch.FloatTensor'))
torch.save(dir .. 'mlp_double.t7', mlp('torch.DoubleTensor'))
torch.save(dir .. 'mlp_ascii.t7', mlp('torch.FloatTensor'), 'ascii')
torch.save(dir .. 'table.t7', {1, 2, 3})
-- a model whose output is a table of two tensors, which the C API cannot return
torch.save(dir .. 'concat.t7', nn.ConcatTable():add(nn.Identity()):add(nn.Identity()):float())
