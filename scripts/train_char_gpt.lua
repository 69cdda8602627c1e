-- A character-level GPT on the licence texts every Debian machine has
-- (/usr/share/common-licenses, regular files in name order, 90/10 split), with nanoGPT's
-- CPU recipe for its Shakespeare example: 4 layers, 4 heads, embedding 128, block 64,
-- batch 12, dropout 0, AdamW lr 1e-3 (beta2 0.99, weight decay 0.1 on matrices only),
-- 100 warm-up steps then cosine to 1e-4, gradient clipping at norm 1, 2000 iterations.
-- Prints the train and validation loss every 250 iterations (20 batches each), a sample at
-- the end, and saves the model.
--   dlua scripts/train_char_gpt.lua [--iters 2000] [--save char_gpt.t7] [--seed 1]
require 'torch'
require 'nn'
require 'nn.attention'
require 'optim'
require 'dl'

local cmd = torch.CmdLine()
cmd:text('Train a character-level GPT on /usr/share/common-licenses.')
cmd:option('--data', '/usr/share/common-licenses', 'folder of text files (regular files only)')
cmd:option('--layers', 4, 'Transformer blocks')
cmd:option('--heads', 4, 'attention heads')
cmd:option('--dim', 128, 'embedding size')
cmd:option('--block', 64, 'context length')
cmd:option('--batch', 12, 'sequences per step')
cmd:option('--dropout', 0, 'dropout')
cmd:option('--iters', 2000, 'training iterations')
cmd:option('--lr', 1e-3, 'peak learning rate')
cmd:option('--minLr', 1e-4, 'learning rate at the end of the cosine')
cmd:option('--warmup', 100, 'warm-up iterations')
cmd:option('--weightDecay', 0.1, 'AdamW weight decay (matrices only)')
cmd:option('--clip', 1, 'global gradient norm clip')
cmd:option('--evalEvery', 250, 'iterations between loss estimates')
cmd:option('--evalIters', 20, 'batches per loss estimate')
cmd:option('--sample', 300, 'characters to sample at the end (0: none)')
cmd:option('--temperature', 0.8, 'sampling temperature')
cmd:option('--topK', 0, 'sample from the top k characters only (0: all)')
cmd:option('--save', 'char_gpt.t7', 'file the trained model is saved to ("" for none)')
cmd:option('--seed', 1, 'seed')
cmd:option('--threads', 0, 'threads (0: the default)')
local opt = cmd:parse(arg or {})
torch.manualSeed(opt.seed)
if opt.threads > 0 then torch.setnumthreads(opt.threads) end
torch.setdefaulttensortype('torch.FloatTensor')

-- ---- data: the regular files as one string, a vocabulary of its bytes, 90/10 split ------
local corpus = dl.datasets.text(opt.data, 0.9)
local vocab, index = corpus.vocab, corpus.index
local split = {train = corpus.train, val = corpus.valid}
print(string.format('%d files, %d characters (%d train, %d validation), vocabulary %d',
                    #corpus.files, corpus.codes:size(1), split.train:size(1),
                    split.val:size(1), #vocab))

-- a batch of random windows: x and the next characters y, batch x block each
local x, y = torch.LongTensor(opt.batch, opt.block), torch.LongTensor(opt.batch, opt.block)
local function batch(data)
   for b = 1, opt.batch do
      local s = math.random(1, data:size(1) - opt.block)
      x[b]:copy(data:narrow(1, s, opt.block))
      y[b]:copy(data:narrow(1, s + 1, opt.block))
   end
   return x, y
end

-- ---- model, loss, optimizer --------------------------------------------------------------
local model = nn.GPT(#vocab, opt.block, opt.dim, opt.layers, opt.heads, {dropout = opt.dropout})
local criterion = nn.CrossEntropyCriterion()
local params, grads = model:getParameters()
-- decoupled weight decay on the matrices (embedding, projections), not on biases or
-- LayerNorm weights: nanoGPT's two parameter groups, as a mask over the flat vector
local decayMask = dl.weightDecayMask(model, params)
print(string.format('%s: %d parameters', tostring(model), params:nElement()))

local function loss_of(xb, yb)
   local logits = model:forward(xb)
   local flat = logits:view(-1, #vocab)
   return criterion:forward(flat, yb:view(-1)), flat
end

local function estimate()
   model:evaluate()
   local out = {}
   for _, name in ipairs({'train', 'val'}) do
      local sum = 0
      for _ = 1, opt.evalIters do sum = sum + loss_of(batch(split[name])) end
      out[name] = sum / opt.evalIters
   end
   model:training()
   return out
end

local schedule = dl.schedule.cosine{warmup = opt.warmup, min = opt.minLr / opt.lr}
local state = {learningRate = opt.lr, beta1 = 0.9, beta2 = 0.99, weightDecay = opt.weightDecay,
               weightDecayMask = decayMask}
local timer = torch.Timer()
for it = 0, opt.iters - 1 do
   if it % opt.evalEvery == 0 then
      local l = estimate()
      print(string.format('iter %4d  train loss %.4f  val loss %.4f  (%.1fs)', it, l.train,
                          l.val, timer:time().real))
   end
   state.learningRate = opt.lr * schedule(it, opt.iters)
   local xb, yb = batch(split.train)
   local function feval()
      grads:zero()
      local loss, flat = loss_of(xb, yb)
      model:backward(xb, criterion:backward(flat, yb:view(-1)):view(opt.batch, opt.block, #vocab))
      dl.clipGradNorm(grads, opt.clip)
      return loss, grads
   end
   optim.adamw(feval, params, state)
end
local l = estimate()
print(string.format('iter %4d  train loss %.4f  val loss %.4f  (%.1fs, %.0f tokens/s)', opt.iters,
                    l.train, l.val, timer:time().real,
                    opt.iters * opt.batch * opt.block / timer:time().real))

if opt.save ~= '' then
   model:clearState() -- the training buffers (activations, gradients of them) are not saved
   torch.save(opt.save, model)
   print('saved ' .. opt.save)
end
if opt.sample > 0 then
   local prime = torch.LongTensor({index['T'] or 1})
   local n = math.min(opt.sample, opt.block - 1)
   local chars = {}
   -- windows of the block size, each started from the end of the last
   while #chars < opt.sample do
      local out = model:generate(prime, n, {temperature = opt.temperature,
                                            topK = opt.topK > 0 and opt.topK or nil})
      for i = 2, out:size(1) do chars[#chars + 1] = vocab[out[i]] end
      prime = out:narrow(1, out:size(1) - 7, 8):clone()
      n = math.min(opt.sample - #chars, opt.block - 8)
   end
   print('sample: ' .. table.concat(chars))
end
