-- Training throughput of the char LSTM (or GRU) of issue 12, in tokens per second: embedding
-- 64, two recurrent layers of 256, seq 64, batch 32, vocabulary 100, cross-entropy, Adam,
-- gradient norm clipped at 5, state carried between batches. Random tokens (throughput
-- only). scripts/bench_rnn.py is the same model in PyTorch; scripts/bench_rnn.sh runs both.
--   dlua scripts/bench_rnn.lua [--model lstm|gru] [--threads 1] [--steps 20] [--warmup 3]
require 'torch'
require 'nn'
require 'nn.rnn'
require 'optim'
require 'dl'

local cmd = torch.CmdLine()
cmd:option('--model', 'lstm', 'lstm or gru')
cmd:option('--threads', 1, 'threads')
cmd:option('--steps', 20, 'timed training steps')
cmd:option('--warmup', 3, 'untimed steps first')
cmd:option('--layers', 2, 'recurrent layers')
cmd:option('--ceiling', false, 'time only the GEMMs of a training step (their shapes, nothing else)')
local opt = cmd:parse(arg or {})
torch.setnumthreads(opt.threads)
torch.setdefaulttensortype('torch.FloatTensor')
torch.manualSeed(1)

local V, E, Hd, T, B = 100, 64, 256, 64, 32
local Seq = opt.model == 'gru' and nn.SeqGRU or nn.SeqLSTM
local model = nn.Sequential():add(nn.LookupTable(V, E))
local rnns = {}
for l = 1, opt.layers do
   rnns[l] = Seq(l == 1 and E or Hd, Hd):remember('both')
   model:add(rnns[l])
end
model:add(nn.View(-1, Hd)):add(nn.Linear(Hd, V))
local criterion = nn.CrossEntropyCriterion()
local params, grads = model:getParameters()
local data = torch.LongTensor(T + 1, B):random(1, V)
local x, y = data:narrow(1, 1, T), data:narrow(1, 2, T):reshape(T * B)
local state = {learningRate = 2e-3}

local function feval()
   grads:zero()
   local out = model:forward(x)
   local loss = criterion:forward(out, y)
   model:backward(x, criterion:backward(out, y))
   dl.clipGradNorm(grads, 5)
   return loss, grads
end

-- The GEMM-only ceiling: the same products with the same shapes, on preallocated tensors,
-- at the rate cblas_sgemm reaches for them (the issue's definition: OpenBLAS, whichever
-- GEMM the model itself runs on).
if opt.ceiling then
   torch.setgemm('openblas')
   local G = opt.model == 'gru' and 3 or 4
   local gemms = {}
   local function mm(m, k, n, count)
      gemms[#gemms + 1] = {torch.Tensor(m, n), torch.randn(m, k), torch.randn(k, n), count or 1}
   end
   for l = 1, opt.layers do
      local Din = l == 1 and E or Hd
      mm(T * B, Din, G * Hd)               -- input projection
      mm(B, Hd, G * Hd, T - 1)             -- recurrent, forward (none at t = 1 from zeros)
      mm(B, G * Hd, Hd, T)                 -- recurrent, backward
      mm(T * B, G * Hd, Din)               -- gradInput (the first layer's goes to the lookup)
      mm(G * Hd, T * B, Din)               -- gradWeight, input side
      mm(G * Hd, (T - 1) * B, Hd)          -- gradWeight, recurrent side
   end
   mm(T * B, Hd, V); mm(T * B, V, Hd); mm(V, T * B, Hd) -- the Linear
   local function run() for _, g in ipairs(gemms) do for _ = 1, g[4] do g[1]:mm(g[2], g[3]) end end end
   for _ = 1, opt.warmup do run() end
   local timer = torch.Timer()
   for _ = 1, opt.steps do run() end
   print(string.format('tokens/s %.1f rss_mb 0', opt.steps * T * B / timer:time().real))
   os.exit(0)
end

for _ = 1, opt.warmup do optim.adam(feval, params, state) end
local timer = torch.Timer()
for _ = 1, opt.steps do optim.adam(feval, params, state) end
local s = timer:time().real
local f = io.open('/proc/self/status')
local hwm = f and tonumber(f:read('a'):match('VmHWM:%s*(%d+)')) or 0
if f then f:close() end
print(string.format('tokens/s %.1f rss_mb %.0f', opt.steps * T * B / s, hwm / 1024))
