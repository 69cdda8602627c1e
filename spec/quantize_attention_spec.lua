-- dl.quantize on attention (issue 15): nn.QuantizedMultiHeadAttention's projections against
-- the float64 definition of the quantized arithmetic, the whole module and a GPT within the
-- quantization error of the float ones, the key/value cache, save/load, printing, errors.
require 'nn'
require 'dl'

local F, D = torch.FloatTensor, torch.DoubleTensor
local Q = require 'spec.quantize_helpers'

-- The attention of q on k, v (B x H x L x D each, double) with an optional causal mask.
local function attend(q, k, v, causal)
   local B, H, T, Dh = q:size(1), q:size(2), q:size(3), q:size(4)
   local S = k:size(3)
   local ctx = D(B, H, T, Dh)
   for b = 1, B do
      for h = 1, H do
         local s = q[b][h] * k[b][h]:t() / math.sqrt(Dh)
         if causal then
            for t = 1, T do
               for j = t + S - T + 1, S do s[t][j] = -math.huge end
            end
         end
         local p = (s - s:max(2):expandAs(s)):exp()
         p:cdiv(p:sum(2):expandAs(p))
         ctx[b][h] = p * v[b][h]
      end
   end
   return ctx
end

-- The quantized module's whole forward in double: each projection on its input quantized
-- per row, the attention in double, the output projection on its quantized input.
local function reference(qm, x, kx, vx)
   local B, T, C, H = x:size(1), x:size(2), qm.embedDim, qm.nHeads
   local function heads(t, L) return t:view(B, L, H, C // H):transpose(2, 3):contiguous() end
   local function proj(i, t)
      local L = t:size(2)
      return heads(Q.reference(qm.qin[i], t:contiguous():view(B * L, C)), L)
   end
   kx, vx = kx or x, vx or x
   local ctx = attend(proj(1, x), proj(2, kx), proj(3, vx), qm.causal)
   local rows = ctx:transpose(2, 3):contiguous():view(B * T, C)
   return Q.reference(qm.qout, rows:float()):view(B, T, C)
end

describe('dl.quantize on attention', function()
   before_each(function() torch.manualSeed(11) end)

   it('quantizes the four projections, each within half a step of its weights', function()
      local m = nn.MultiHeadAttention(16, 4):float()
      local q = dl.quantize(m)
      assert.equal('nn.QuantizedMultiHeadAttention', torch.type(q))
      local win, wout = q:dequantizedWeight()
      assert.same({48, 16}, win:size():totable())
      for j = 1, 48 do
         local step = m.inWeight[j]:clone():abs():max() / 127
         assert.is_true((win[j] - m.inWeight[j]):abs():max() <= step / 2 + 1e-7)
      end
      local step = torch.abs(m.weight):max(2):view(-1) / 127
      assert.is_true(((wout - m.weight):abs():max(2):view(-1) - step / 2):max() <= 1e-7)
      assert.is_nil(q.inWeight)
      assert.is_nil(q:parameters())
   end)

   it('computes the quantized arithmetic (float64 reference): self, causal and cross', function()
      for _, case in ipairs{{causal = false}, {causal = true}, {cross = true}} do
         local m = nn.MultiHeadAttention(16, 2, {causal = case.causal}):float()
         local q = dl.quantize(m)
         local x = F(3, 5, 16):normal()
         local out, ref
         if case.cross then
            local kv = F(3, 7, 16):normal()
            out = q:forward({x, kv, kv})
            ref = reference(q, x:double(), kv:double(), kv:double())
         else
            out = q:forward(x)
            ref = reference(q, x:double())
         end
         -- each projection exactly (to float rounding): the queries from x, and the output
         -- from the module's own attention result
         local B, T, C = 3, 5, 16
         local pq = Q.reference(q.qin[1], x:view(B * T, C)):view(B, T, 2, 8):transpose(2, 3)
         assert.is_true(Q.maxrel(q._Q, pq) < 1e-6)
         assert.is_true(Q.maxrel(out, Q.reference(q.qout, q._ctx2:view(B * T, C)):view(B, T, C)) < 1e-6)
         -- the whole in double: the attention runs in float32, so the output projection's
         -- input may round to the neighbouring step in a few places
         local err = (out:double() - ref):abs():max()
         assert.is_true(err < 2e-3 * (1 + torch.abs(ref):max()), tostring(err))
         assert.is_true(Q.maxrel(out, ref) < 1e-3)
      end
   end)

   it('stays within the quantization error of the float module', function()
      local m = nn.MultiHeadAttention(32, 4, {causal = true}):float()
      m:evaluate()
      local x = F(2, 9, 32):normal()
      local y = m:forward(x):clone()
      local yq = dl.quantize(m):forward(x)
      -- weights within 1/254 of their row's range, inputs within 1/510 of theirs: a few
      -- percent of the output's scale at most
      assert.is_true((yq - y):abs():max() < 0.03 * torch.abs(y):max(),
                     tostring((yq - y):abs():max()))
   end)

   it('quantizes a GPT: blocks, head, generation through the cache, save and load', function()
      torch.setdefaulttensortype('torch.FloatTensor')
      local ok, err = pcall(function()
         local g = nn.GPT(40, 16, 32, 2, 4)
         g:evaluate()
         local x = torch.LongTensor(2, 12):random(1, 40)
         local y = g:forward(x):clone()
         local q = dl.quantize(g)
         for _, b in ipairs(q.blocks) do
            assert.equal('nn.QuantizedMultiHeadAttention', torch.type(b.attn))
            assert.equal('nn.QuantizedLinear', torch.type(b.ff.modules[1]))
         end
         assert.equal(q.blocks[1], q.modules[4])
         assert.equal('nn.QuantizedLinear', torch.type(q.head))
         assert.equal('nn.MultiHeadAttention', torch.type(g.blocks[1].attn)) -- g unchanged
         local yq = q:forward(x):clone()
         assert.is_true((yq - y):abs():max() < 0.05 * torch.abs(y):max())
         -- the cache gives the forward's numbers: each row is quantized on its own
         q:resetCache()
         local s1 = q:step(x:narrow(2, 1, 7))
         local s2 = q:step(x:narrow(2, 8, 5))
         assert.is_true((torch.cat(s1, s2, 2) - yq):abs():max() < 1e-5)
         local prompt = torch.LongTensor{3, 1, 4}
         torch.manualSeed(5)
         local a = q:generate(prompt, 6)
         assert.equal(9, a:size(1))
         local file = os.tmpname()
         torch.save(file, q)
         local l = torch.load(file)
         os.remove(file)
         assert.equal(0, (l:forward(x) - yq):abs():max())
         torch.manualSeed(5)
         assert.same(a:totable(), l:generate(prompt, 6):totable())
         l:float() -- the head stays int8, not re-tied to the embedding
         assert.is_nil(l.head.weight)
      end)
      torch.setdefaulttensortype('torch.DoubleTensor')
      assert(ok, err)
   end)

   it('prints, clears its state, and reports misuse at the caller', function()
      local q = dl.quantize(nn.MultiHeadAttention(8, 2, {causal = true, bias = false}))
      assert.equal('nn.QuantizedMultiHeadAttention(8, 2 heads, causal, no bias, int8 dynamic)',
                   tostring(q))
      q:forward(F(1, 3, 8):normal())
      q:clearState()
      assert.equal(0, q.qin[1].output:nElement())
      local line = debug.getinfo(1, 'l').currentline + 1
      local ok, err = pcall(function() q:forward(F(1, 3, 7)) end)
      assert.is_false(ok)
      assert.truthy(err:find('quantize_attention_spec.lua:' .. line ..
                             ': nn.QuantizedMultiHeadAttention: input of size 1x3x7', 1, true), err)
      ok, err = pcall(function() q:forward(D(1, 3, 8)) end)
      assert.truthy(err:find('Float', 1, true), err)
      ok, err = pcall(function() q:double() end)
      assert.truthy(err:find('nn.QuantizedMultiHeadAttention: a quantized module runs in Float only', 1, true), err)
      ok, err = pcall(function() q:backward(F(1, 3, 8), F(1, 3, 8)) end)
      assert.truthy(err:find('for inference only', 1, true), err)
      ok, err = pcall(function() nn.QuantizedMultiHeadAttention(nn.Linear(2, 2)) end)
      assert.truthy(err:find('expected an nn.MultiHeadAttention to quantize, got nn.Linear', 1, true), err)
      ok, err = pcall(function() nn.QuantizedMultiHeadAttention(nn.MultiHeadAttention(8, 2), {mode = 'static'}) end)
      assert.truthy(err:find('mode must be dynamic', 1, true), err)
   end)
end)
