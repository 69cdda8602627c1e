-- Tensor benchmarks: elementwise add and mul on 10 million floats (GB/s moved), mm
-- (GFLOP/s). Prints one line per measurement: "name value unit". Best of several runs.
require 'torch'
torch.setdefaulttensortype('torch.FloatTensor') -- float32, as the PyTorch side measures

local threads = tonumber(arg[1]) or 1
torch.setnumthreads(threads)
local function best(reps, f)
  local t = torch.Timer()
  local b = math.huge
  f()
  for _ = 1, reps do
    t:reset()
    f()
    b = math.min(b, t:time().real)
  end
  return b
end

local n = 10000000
local x, y, r = torch.FloatTensor(n):fill(1.5), torch.FloatTensor(n):fill(2), torch.FloatTensor(n)
local bytes = 3 * 4 * n
print(('add %.2f GB/s'):format(bytes / best(20, function() torch.add(r, x, y) end) / 1e9))
print(('mul %.2f GB/s'):format(bytes / best(20, function() torch.cmul(r, x, y) end) / 1e9))

local function mm(m, k, nn)
  local a, b, c = torch.FloatTensor(m, k):fill(0.5), torch.FloatTensor(k, nn):fill(0.25), torch.FloatTensor(m, nn)
  local s = best(10, function() torch.mm(c, a, b) end)
  print(('mm_%dx%dx%d %.2f GFLOP/s'):format(m, k, nn, 2 * m * k * nn / s / 1e9))
end
mm(1024, 1024, 1024)
mm(64, 784, 256)

-- nn.Linear forward + backward (three GEMMs of the same size), against the raw GEMM rate
require 'nn'
local lin = nn.Linear(784, 256)
local input, gradOut = torch.FloatTensor(64, 784):fill(0.1), torch.FloatTensor(64, 256):fill(0.01)
local s = best(20, function()
  lin:zeroGradParameters()
  lin:forward(input)
  lin:backward(input, gradOut)
end)
print(('linear_64x784x256 %.2f GFLOP/s'):format(3 * 2 * 64 * 784 * 256 / s / 1e9))
