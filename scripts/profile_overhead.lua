-- The profiler's overhead on the Fashion-MNIST CNN step (scripts/train_fmnist_cnn.lua's
-- model, batch 64, Adam): rounds of unprofiled and profiled steps, alternated so that a
-- change in the machine's load hits both, compared by their medians.
--   dlua scripts/profile_overhead.lua [--rounds 7] [--steps 10] [--batchSize 64]
require 'torch'
require 'nn'
local models = dofile((debug.getinfo(1, 'S').source:match('^@(.*/)') or './') .. 'fmnist_models.lua')
require 'optim'
require 'dl'

local cmd = torch.CmdLine()
cmd:option('--rounds', 7, 'alternated rounds')
cmd:option('--steps', 10, 'steps per round')
cmd:option('--batchSize', 64, 'samples per step')
cmd:option('--threads', 0, 'threads (0: the default)')
local opt = cmd:parse(arg or {})
if opt.threads > 0 then torch.setnumthreads(opt.threads) end

torch.manualSeed(1)
torch.setdefaulttensortype('torch.FloatTensor')
local model = models.cnn(10)
local criterion = nn.CrossEntropyCriterion()
local x = torch.randn(opt.batchSize, 1, 28, 28)
local y = torch.LongTensor(opt.batchSize):random(1, 10)
local params, grads = model:getParameters()
local config, state = {learningRate = 1e-3}, {}
local function feval()
  grads:zero()
  local out = model:forward(x)
  local loss = criterion:forward(out, y)
  model:backward(x, criterion:backward(out, y))
  return loss, grads
end
local now = torch._monitor.now
local function round(n)
  local t0 = now()
  for _ = 1, n do optim.adam(feval, params, config, state) end
  return (now() - t0) / n
end
local function median(t)
  table.sort(t)
  local n = #t
  return n % 2 == 1 and t[(n + 1) // 2] or (t[n // 2] + t[n // 2 + 1]) / 2
end

round(3) -- warm-up: buffers, BLAS threads
local plain, profiled = {}, {}
local prof = dl.Profiler()
for r = 1, opt.rounds do
  plain[r] = round(opt.steps)
  prof:attach(model, criterion)
  profiled[r] = round(opt.steps)
  prof:detach()
end
if os.getenv("PROFILE_ROUNDS") then for r = 1, opt.rounds do print(("round %d: %.2f ms, %.2f ms"):format(r, plain[r] * 1e3, profiled[r] * 1e3)) end end
local a, b = median(plain), median(profiled)
print(('CNN step, batch %d: %.2f ms unprofiled, %.2f ms profiled (medians of %d rounds of %d steps): overhead %+.1f%%')
  :format(opt.batchSize, a * 1e3, b * 1e3, opt.rounds, opt.steps, 100 * (b - a) / a))

-- The same figure from the cost of one span, which the machine's load disturbs less: a
-- profiled nn.Identity call against a plain one, times the spans of a step.
local id, input = nn.Identity(), torch.Tensor(1)
local function calls(n)
  local t0 = now()
  for _ = 1, n do id:updateOutput(input) end
  return (now() - t0) / n
end
local n = 200000
local base = median{calls(n), calls(n), calls(n)}
local p2 = dl.Profiler():attach(id)
local wrapped = median{calls(n), calls(n), calls(n)}
p2:detach()
local per_span = wrapped - base
local spans = 0
for _, r in ipairs(prof:report()) do
  if r.fwdCalls then spans = spans + r.fwdCalls + r.bwdCalls end
end
spans = spans / (opt.rounds * opt.steps)
print(('one span costs %.2f us; %d spans a step cost %.1f us, %.3f%% of the %.2f ms step')
  :format(per_span * 1e6, spans, spans * per_span * 1e6, 100 * spans * per_span / a, a * 1e3))
