-- A character-level language model on the licence texts every Debian machine has
-- (/usr/share/common-licenses): embedding, two SeqLSTM (or SeqGRU) layers, Linear,
-- cross-entropy; truncated backpropagation through time with the state carried from batch
-- to batch, Adam with gradient clipping, held-out loss, then sampling with a temperature.
--   dlua scripts/train_char_lm.lua [--steps 300] [--model lstm|gru] [--temperature 0.8]
require 'torch'
require 'nn'
require 'nn.rnn'
require 'optim'
require 'dl'

local cmd = torch.CmdLine()
cmd:text('Train a character-level language model on /usr/share/common-licenses.')
cmd:option('--data', '/usr/share/common-licenses', 'folder of text files (regular files only)')
cmd:option('--model', 'lstm', 'lstm or gru')
cmd:option('--embed', 64, 'embedding size')
cmd:option('--hidden', 256, 'hidden units per layer')
cmd:option('--seq', 64, 'steps of backpropagation through time')
cmd:option('--batch', 32, 'parallel streams of text')
cmd:option('--steps', 300, 'training steps')
cmd:option('--lr', 2e-3, 'Adam learning rate')
cmd:option('--clip', 5, 'global gradient norm clip')
cmd:option('--evalEvery', 100, 'steps between held-out evaluations')
cmd:option('--sample', 300, 'characters to sample at the end (0: none)')
cmd:option('--temperature', 0.8, 'sampling temperature')
cmd:option('--prime', 'The ', 'text the sample starts from')
cmd:option('--seed', 1, 'seed')
cmd:option('--threads', 0, 'threads (0: the default)')
cmd:option('--int8', false, 'at the end, the held-out loss of the int8 model too (dl.quantize)')
local opt = cmd:parse(arg or {})
torch.manualSeed(opt.seed)
if opt.threads > 0 then torch.setnumthreads(opt.threads) end
torch.setdefaulttensortype('torch.FloatTensor')

-- ---- data: the regular files, in name order, as one string; a vocabulary of its bytes --
local corpus = dl.datasets.text(opt.data, 0.9)
local vocab, index, V = corpus.vocab, corpus.index, #corpus.vocab
print(string.format('%d files, %d characters, vocabulary %d; %d for training, %d held out',
                    #corpus.files, corpus.codes:size(1), V, corpus.train:size(1),
                    corpus.valid:size(1)))

-- B parallel streams, one per column: step t of every stream is row t.
local function streams(data, B)
   local L = math.floor(data:size(1) / B)
   return data:narrow(1, 1, L * B):view(B, L):t():contiguous()
end
local trainS = streams(corpus.train, opt.batch)
local validS = streams(corpus.valid, opt.batch)

-- ---- model -----------------------------------------------------------------------------
local Seq = opt.model == 'gru' and nn.SeqGRU or nn.SeqLSTM
local rnn1, rnn2 = Seq(opt.embed, opt.hidden), Seq(opt.hidden, opt.hidden)
local model = nn.Sequential()
   :add(nn.LookupTable(V, opt.embed))
   :add(rnn1):add(rnn2)
   :add(nn.View(-1, opt.hidden))
   :add(nn.Linear(opt.hidden, V))
rnn1:remember('both'); rnn2:remember('both') -- truncated BPTT: each batch continues the last
local criterion = nn.CrossEntropyCriterion()
local params, grads = model:getParameters()
print(model)
print(string.format('%d parameters', params:nElement()))

-- The recurrent layers of m (the model, or its int8 copy) start again from zero states.
local function forget(m)
   for _, r in ipairs((m or model).modules) do
      if r.forget then r:forget() end
   end
end

-- Mean loss of m (default: the model) over a stream tensor, from a fresh state.
local function evaluate(S, m)
   m = m or model
   m:evaluate(); forget(m)
   local total, n = 0, 0
   for i = 1, S:size(1) - opt.seq, opt.seq do
      local x, y = S:narrow(1, i, opt.seq), S:narrow(1, i + 1, opt.seq)
      total = total + criterion:forward(m:forward(x), y:reshape(y:nElement()))
      n = n + 1
   end
   m:training(); forget(m)
   return total / math.max(n, 1)
end

local function rss()
   local f = io.open('/proc/self/status')
   if not f then return 0 end
   local s = f:read('a'); f:close()
   return tonumber(s:match('VmRSS:%s*(%d+)')) / 1024
end

-- ---- training ----------------------------------------------------------------------------
local state, pos = {learningRate = opt.lr}, 1
local timer = torch.Timer()
for step = 1, opt.steps do
   if pos + opt.seq >= trainS:size(1) then pos = 1; forget() end
   local x, y = trainS:narrow(1, pos, opt.seq), trainS:narrow(1, pos + 1, opt.seq)
   pos = pos + opt.seq
   local target = y:reshape(y:nElement())
   local function feval()
      grads:zero()
      local out = model:forward(x)
      local loss = criterion:forward(out, target)
      model:backward(x, criterion:backward(out, target))
      dl.clipGradNorm(grads, opt.clip)
      return loss, grads
   end
   local _, loss = optim.adam(feval, params, state)
   if step % 20 == 0 or step == 1 then
      print(string.format('step %4d  loss %.4f  %.0f chars/s  RSS %.0f MB', step, loss[1],
                          step * opt.seq * opt.batch / timer:time().real, rss()))
   end
   if step % opt.evalEvery == 0 or step == opt.steps then
      print(string.format('step %4d  held-out loss %.4f', step, evaluate(validS)))
   end
end

if opt.int8 then
   local q = dl.quantize(model)
   print(string.format('held-out loss: float32 %.4f, int8 %.4f', evaluate(validS),
                       evaluate(validS, q)))
end

-- ---- sampling: one character at a time, the state carried by the SeqLSTMs --------------------
if opt.sample > 0 then
   model:evaluate(); forget()
   local out, last = {opt.prime}, nil
   for c in opt.prime:gmatch('.') do
      last = model:forward(torch.LongTensor{{index[c] or 1}})
   end
   for _ = 1, opt.sample do
      local p = nn.SoftMax():forward(last:view(V) / opt.temperature)
      local c = torch.multinomial(p:double(), 1)[1]
      out[#out + 1] = vocab[c]
      last = model:forward(torch.LongTensor{{c}})
   end
   print('--- sample (temperature ' .. opt.temperature .. ') ---')
   print(table.concat(out))
end
