-- Throughput of the character GPT of issue 13 (scripts/train_char_gpt.lua's model and
-- recipe: 4 layers, 4 heads, embedding 128, block 64, batch 12, vocabulary 86, AdamW with
-- the decay mask, clip 1): training tokens/s (batch x block per step), and generation
-- tokens/s with the key/value cache (--generate: batch 1, a block of new tokens from a
-- one-token prompt). Random tokens (throughput only). scripts/bench_gpt.py is the same in
-- PyTorch; scripts/bench_gpt.sh runs both. --int8 generates with dl.quantize's model.
--   dlua scripts/bench_gpt.lua [--threads 1] [--steps 20] [--generate [--int8]]
require 'torch'
require 'nn'
require 'nn.attention'
require 'optim'
require 'dl'

local cmd = torch.CmdLine()
cmd:option('--threads', 1, 'threads')
cmd:option('--steps', 20, 'timed training steps (or generated sequences)')
cmd:option('--warmup', 3, 'untimed steps first')
cmd:option('--generate', false, 'time generation with the cache instead of training')
cmd:option('--int8', false, 'generate with the int8 model dl.quantize makes')
local opt = cmd:parse(arg or {})
torch.setnumthreads(opt.threads)
torch.setdefaulttensortype('torch.FloatTensor')
torch.manualSeed(1)

local V, T, C, L, H, B = 86, 64, 128, 4, 4, 12
local model = nn.GPT(V, T, C, L, H, {dropout = 0})
local criterion = nn.CrossEntropyCriterion()
local params, grads = model:getParameters()
local state = {learningRate = 1e-3, beta2 = 0.99, weightDecay = 0.1,
               weightDecayMask = dl.weightDecayMask(model, params)}
local x = torch.LongTensor(B, T):random(1, V)
local y = torch.LongTensor(B, T):random(1, V)

local function rss()
   local f = io.open('/proc/self/status')
   local hwm = f and tonumber(f:read('a'):match('VmHWM:%s*(%d+)')) or 0
   if f then f:close() end
   return hwm / 1024
end

if opt.generate then
   model:evaluate()
   if opt.int8 then model = dl.quantize(model) end
   local prompt = torch.LongTensor({1})
   for _ = 1, opt.warmup do model:generate(prompt, T - 1) end
   local timer = torch.Timer()
   for _ = 1, opt.steps do model:generate(prompt, T - 1) end
   print(string.format('tokens/s %.1f rss_mb %.0f', opt.steps * (T - 1) / timer:time().real, rss()))
   os.exit(0)
end

local yflat = y:view(-1)
local function feval()
   grads:zero()
   local flat = model:forward(x):view(-1, V)
   local loss = criterion:forward(flat, yflat)
   model:backward(x, criterion:backward(flat, yflat):view(B, T, V))
   dl.clipGradNorm(grads, 1)
   return loss, grads
end
for _ = 1, opt.warmup do optim.adamw(feval, params, state) end
local timer = torch.Timer()
for _ = 1, opt.steps do optim.adamw(feval, params, state) end
print(string.format('tokens/s %.1f rss_mb %.0f', opt.steps * B * T / timer:time().real, rss()))
