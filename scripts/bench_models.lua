-- Model benchmark: training and inference throughput of the Fashion-MNIST MLP and CNN
-- (the networks of train_fmnist_mlp.lua and train_fmnist_cnn.lua), Adam 1e-3, batch 64.
-- scripts/bench_models.py does the same in PyTorch.
--   dlua scripts/bench_models.lua MODEL THREADS [TRAIN_SAMPLES [INFER_SAMPLES]]
-- MODEL is mlp or cnn. Prints "MODEL_train samples/s", "MODEL_infer samples/s" and
-- "peak_rss_kb N" (VmHWM at the end).
require 'torch'
require 'nn'
require 'optim'
require 'dl'

local which, threads = arg[1] or 'mlp', tonumber(arg[2]) or 1
local defaults = {mlp = {60000, 10000}, cnn = {6400, 2000}}
if not defaults[which] then error('bench_models: MODEL must be mlp or cnn, got ' .. which) end
local ntrain = tonumber(arg[3]) or defaults[which][1]
local ninfer = tonumber(arg[4]) or defaults[which][2]
local batch = 64
torch.setnumthreads(threads)
torch.setdefaulttensortype('torch.FloatTensor')
torch.manualSeed(1)

local function peak_rss_kb()
  local f = io.open('/proc/self/status')
  if not f then return 0 end
  local kb = f:read('a'):match('VmHWM:%s*(%d+)')
  f:close()
  return tonumber(kb) or 0
end

local dir = '/usr/share/datasets/fashion-mnist'
local x = torch._io.readIDX(dir .. '/train-images-idx3-ubyte.gz', 'float', 1 / 255)
local y = torch._io.readIDX(dir .. '/train-labels-idx1-ubyte.gz', 'long'):add(1)
ntrain, ninfer = math.min(ntrain, x:size(1)), math.min(ninfer, x:size(1))

local models = dofile((debug.getinfo(1, 'S').source:match('^@(.*/)') or './') .. 'fmnist_models.lua')
local model
if which == 'mlp' then
  x = x:view(-1, 784)
  model = models.mlp(10)
else
  if not (nn.SpatialConvolution and nn.SpatialMaxPooling) then
    print('cnn_train -'); print('cnn_infer -'); print('peak_rss_kb -')
    io.stderr:write('bench_models: nn.SpatialConvolution or nn.SpatialMaxPooling is missing, CNN skipped\n')
    return
  end
  x = x:view(-1, 1, 28, 28)
  model = models.cnn(10)
end
-- the data needs no gradient, so the first layer skips computing one (as PyTorch does
-- for inputs that do not require grad)
model.modules[1].gradInput = nil
local criterion = nn.CrossEntropyCriterion()
local params, grads = model:getParameters()
local config, state = {learningRate = 1e-3}, {}

local xb, yb
local function feval()
  grads:zero()
  local out = model:forward(xb)
  local loss = criterion:forward(out, yb)
  model:backward(xb, criterion:backward(out, yb))
  return loss, grads
end

-- consecutive batches (the data order does not change the cost)
local function train_steps(first, count)
  for s = 0, count - 1 do
    local i = (first + s * batch) % (ntrain - batch + 1) + 1
    xb, yb = x:narrow(1, i, batch), y:narrow(1, i, batch)
    optim.adam(feval, params, config, state)
  end
end

model:training()
train_steps(0, 5) -- warm-up: buffers, thread pool
local timer = torch.Timer()
local steps = ntrain // batch
train_steps(0, steps)
print(('%s_train %.1f'):format(which, steps * batch / timer:time().real))

model:evaluate()
model:forward(x:narrow(1, 1, batch))
timer:reset()
local isteps = ninfer // batch
for s = 0, isteps - 1 do model:forward(x:narrow(1, s * batch + 1, batch)) end
print(('%s_infer %.1f'):format(which, isteps * batch / timer:time().real))
print(('peak_rss_kb %d'):format(peak_rss_kb()))
