-- nn.GPT: the key/value cache gives the uncached forward's logits, weight tying (one tensor,
-- one gradient, counted and saved once), float64 gradient checks of the parameters, testIO,
-- generation reproducible from a seed after a save and load, errors at this file's lines.
require 'torch'
require 'nn'
require 'nn.attention'
local H = require 'spec.helpers'
local near = require('spec.nn_rnn_helpers').near

local function model()
   torch.manualSeed(1)
   return nn.GPT(11, 8, 8, 2, 2):double()
end

describe('nn.GPT', function()
   it('cached steps give the uncached forward logits', function()
      local m = model()
      local x = torch.LongTensor(2, 7):random(1, 11)
      local y = m:forward(x):clone()
      m:evaluate()
      m:resetCache()
      near(m:step(x:narrow(2, 1, 3)), y:narrow(2, 1, 3), 1e-12)
      for t = 4, 7 do near(m:step(x:narrow(2, t, 1)), y:narrow(2, t, 1), 1e-12) end
      -- the blocks' own step agrees with their forward too (post-norm encoder layer)
      local enc = nn.TransformerEncoderLayer(4, 2, 6, {causal = true}):double()
      enc:evaluate()
      local e = torch.randn(1, 5, 4):double()
      local ey = enc:forward(e):clone()
      enc:resetCache()
      near(enc:step(e:narrow(2, 1, 2)), ey:narrow(2, 1, 2), 1e-12)
      near(enc:step(e:narrow(2, 3, 3)), ey:narrow(2, 3, 3), 1e-12)
   end)

   it('grows the attention cache past its first capacity and checks the batch', function()
      torch.manualSeed(3)
      local m = nn.MultiHeadAttention(6, 2, {causal = true, batchFirst = true}):double()
      m:evaluate()
      local x = torch.randn(2, 37, 6):double()
      local y = m:forward(x):clone()
      m:resetCache()
      near(m:step(x:narrow(2, 1, 5)), y:narrow(2, 1, 5), 1e-12)
      for t = 6, 37 do near(m:step(x:narrow(2, t, 1)), y:narrow(2, t, 1), 1e-12) end
      local ok, err = pcall(function() m:step(torch.randn(3, 1, 6):double()) end)
      assert(not ok and err:find('nn_attention_gpt_spec.lua:%d+: nn.MultiHeadAttention: step: input batch of 3, but the cache holds a batch of 2'), err)
      m:resetCache()
      near(m:step(x:narrow(2, 1, 4)), y:narrow(2, 1, 4), 1e-12)
   end)

   it('ties the output projection to the token embedding', function()
      local m = model()
      local p, g = m:getParameters()
      assert(m.head.weight == m.tok.weight and m.head.gradWeight == m.tok.gradWeight)
      local n = 0
      local ps = m:parameters()
      local seen = {}
      for _, t in ipairs(ps) do
         if not seen[t] then seen[t] = true; n = n + t:nElement() end
      end
      assert.are.equal(n, p:nElement())
      local x = torch.LongTensor(2, 5):random(1, 11)
      H.jacp(m, x, p, g)
      local file = os.tmpname()
      torch.save(file, m)
      local again = torch.load(file)
      os.remove(file)
      assert(again.head.weight == again.tok.weight, 'tying lost in save/load')
      near(again:forward(x), m:forward(x), 0)
      local fo, bo = nn.Jacobian.testIO(m, x)
      assert(fo < 1e-12)
      -- clearState drops the buffers only: the same logits after, tying kept
      local y = m:forward(x):clone()
      m:backward(x, y:clone():uniform())
      m:clearState()
      assert(m.blocks[1].attn._probs == nil and m.head.weight == m.tok.weight)
      near(m:forward(x), y, 0)
   end)

   it('generates the same text from the same seed after a save and load', function()
      local m = model()
      local file = os.tmpname()
      torch.save(file, m)
      local again = torch.load(file)
      os.remove(file)
      torch.manualSeed(5)
      local a = m:generate(torch.LongTensor{1, 2}, 6, {temperature = 0.8, topK = 4})
      torch.manualSeed(5)
      local b = again:generate(torch.LongTensor{1, 2}, 6, {temperature = 0.8, topK = 4})
      assert.are.same(a:totable(), b:totable())
      assert.are.equal(8, a:size(1))
      assert(m.train, 'generate leaves training mode as it found it')
   end)

   it('reports a prompt beyond the block size at the caller line', function()
      local m = model()
      local line = debug.getinfo(1, 'l').currentline
      local msg = H.raises(function() m:generate(torch.LongTensor{1, 2, 3}, 6) end,
                           'nn.GPT: prompt of 3 and 6 new tokens exceed the block size 8')
      assert(msg:find('nn_attention_gpt_spec.lua:' .. (line + 1), 1, true), msg)
      H.raises(function() m:forward(torch.LongTensor(1, 9):fill(1)) end,
               'nn.PositionalEmbedding: sequence of length 9 is longer than the position table '
               .. '(maxLen 8)')
   end)
end)
