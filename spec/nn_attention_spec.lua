-- Attention: the fused kernel (src/nn/attention.c) against softmax(QK^T/sqrt(d) + mask) V
-- written here with tensor operations, float64 gradient checks of the kernel under each
-- kind of mask and of nn.MultiHeadAttention (self and cross, causal, padded), save/load
-- round trips, and error messages at this file's lines.
require 'torch'
require 'nn'
require 'nn.attention'
local H = require 'spec.helpers'

local D = torch.DoubleTensor
local jac, jacp = H.jac, H.jacp
local K = torch._nn

local near = require('spec.nn_rnn_helpers').near

-- The definition, one batch entry and head at a time (q B x H x T x D, k, v B x H x S x D).
local function reference(q, k, v, opts)
   local B, Hn, T, Dh = q:size(1), q:size(2), q:size(3), q:size(4)
   local S = k:size(3)
   local out = D(B, Hn, T, v:size(4)):zero()
   for b = 1, B do
      for h = 1, Hn do
         local s = torch.mm(q[b][h], k[b][h]:t()):div(math.sqrt(Dh))
         if opts.mask then s:add(opts.mask:dim() == 2 and opts.mask or opts.mask[b][h]) end
         for i = 1, T do
            for j = 1, S do
               if (opts.causal and j > i + S - T) or (opts.pad and opts.pad[b][j] ~= 0) then
                  s[i][j] = -math.huge
               end
            end
            local row, mx = s[i], s[i]:max()
            if mx == -math.huge then
               row:zero()
            else
               row:add(-mx):exp()
               row:div(row:sum())
            end
         end
         out[b][h]:copy(torch.mm(s, v[b][h]))
      end
   end
   return out
end

-- The kernel as a module of {q, k, v} with fixed masks, for nn.Jacobian.
local attnspec = {}
local Kernel = torch.class('attnspec.Kernel', 'nn.Module', attnspec)

function Kernel:__init(opts)
   nn.Module.__init(self)
   self.opts = opts
   self.probs, self.output = D(), D()
   self.gradInput = {D(), D(), D()}
end

function Kernel:updateOutput(x)
   local o = self.opts
   K.attention_forward(self.output, self.probs, x[1], x[2], x[3], o.mask, o.pad, o.drop, o.causal)
   return self.output
end

function Kernel:updateGradInput(x, go)
   local g = self.gradInput
   K.attention_backward(g[1], g[2], g[3], x[1], x[2], x[3], self.probs, self.opts.drop, go)
   return self.gradInput
end

-- m on {x, pad} with pad fixed, as a module of x alone (for nn.Jacobian).
local Padded = torch.class('attnspec.Padded', 'nn.Module', attnspec)

function Padded:__init(m, pad)
   nn.Module.__init(self)
   self.m, self.pad = m, pad
end

function Padded:updateOutput(x)
   self.output = self.m:forward({x, self.pad})
   return self.output
end

function Padded:updateGradInput(x, g)
   self.gradInput = self.m:updateGradInput({x, self.pad}, g)[1]
   return self.gradInput
end

function Padded:accGradParameters(x, g, scale) self.m:accGradParameters({x, self.pad}, g, scale) end

function Padded:parameters() return self.m:parameters() end

local function qkv(B, Hn, T, S, Dh)
   return {torch.randn(B, Hn, T, Dh):double(), torch.randn(B, Hn, S, Dh):double(),
           torch.randn(B, Hn, S, Dh):double()}
end

local function pad_mask(B, S)
   local p = torch.ByteTensor(B, S):zero()
   p[1][S] = 1
   if B > 1 then p[2][1] = 1; p[2][2] = 1 end
   return p
end

describe('attention kernel', function()
   it('matches softmax(QK^T/sqrt(d) + mask) V under every kind of mask', function()
      torch.manualSeed(1)
      for _, dims in ipairs({{2, 2, 5, 5, 4}, {2, 3, 3, 6, 2}}) do
         local x = qkv(table.unpack(dims))
         local B, Hn, T, S = dims[1], dims[2], dims[3], dims[4]
         local cases = {
            {}, {causal = true}, {mask = torch.randn(T, S):double()},
            {mask = torch.randn(B, Hn, T, S):double()}, {pad = pad_mask(B, S)},
            {causal = true, pad = pad_mask(B, S), mask = torch.randn(T, S):double()},
         }
         for _, o in ipairs(cases) do
            local out, probs = D(), D()
            K.attention_forward(out, probs, x[1], x[2], x[3], o.mask, o.pad, nil, o.causal)
            near(out, reference(x[1], x[2], x[3], o), 1e-12)
         end
      end
   end)

   it('gives zeros, not NaN, for a query whose every key is masked', function()
      local x = qkv(1, 1, 2, 2, 3)
      local mask = D{{-math.huge, -math.huge}, {0, 0}}
      local out, probs = D(), D()
      K.attention_forward(out, probs, x[1], x[2], x[3], mask)
      assert.are.equal(0, out[1][1][1]:abs():sum())
      assert.are.equal(0, probs[1][1][1]:abs():sum())
      assert(out:eq(out):all(), 'NaN in the output')
      local g = {D(), D(), D()}
      K.attention_backward(g[1], g[2], g[3], x[1], x[2], x[3], probs, nil, torch.randn(1, 1, 2, 3):double())
      for i = 1, 3 do assert(g[i]:eq(g[i]):all(), 'NaN in gradient ' .. i) end
   end)

   it('passes float64 gradient checks with each mask, cross lengths, and a fixed dropout mask', function()
      torch.manualSeed(2)
      local B, Hn, S, Dh = 2, 2, 4, 3
      for _, T in ipairs({3, S}) do -- fewer queries than keys, and self-attention's square
         local drop = torch.DoubleTensor(B, Hn, T, S):bernoulli(0.7):div(0.7)
         local cases = {
            {}, {causal = true}, {mask = torch.randn(T, S):double()}, {pad = pad_mask(B, S)},
            {mask = torch.randn(B, Hn, T, S):double(), causal = true}, {drop = drop},
            {drop = drop, pad = pad_mask(B, S), causal = true},
         }
         for _, o in ipairs(cases) do jac(attnspec.Kernel(o), qkv(B, Hn, T, S, Dh)) end
      end
   end)

   it('agrees in float with double', function()
      torch.manualSeed(3)
      local x = qkv(2, 2, 8, 8, 4)
      local od, of = D(), torch.FloatTensor()
      K.attention_forward(od, D(), x[1], x[2], x[3], nil, nil, nil, true)
      K.attention_forward(of, torch.FloatTensor(), x[1]:float(), x[2]:float(), x[3]:float(), nil,
                          nil, nil, true)
      near(of:double(), od, 1e-5)
   end)
   it('reads strided head views and writes into given views, as with contiguous copies', function()
      -- q, k, v as the heads of one B x T x 3 x H x D projection, out and the gradients as
      -- views of B x T x H x D buffers: the layouts nn.MultiHeadAttention passes
      torch.manualSeed(4)
      local B, Hn, T, Dh = 2, 3, 5, 4
      local proj = torch.randn(B, T, 3, Hn, Dh)
      local q, k, v = proj:select(3, 1):transpose(2, 3), proj:select(3, 2):transpose(2, 3),
                      proj:select(3, 3):transpose(2, 3)
      local go = torch.randn(B, T, Hn, Dh):transpose(2, 3)
      local out, pr = D(B, T, Hn, Dh), D()
      local outv = out:transpose(2, 3)
      K.attention_forward(outv, pr, q, k, v, nil, nil, nil, true)
      assert.are.equal(torch.pointer(out:storage()), torch.pointer(outv:storage()))
      local oc, pc = D(), D()
      K.attention_forward(oc, pc, q:contiguous(), k:contiguous(), v:contiguous(), nil, nil, nil, true)
      near(outv, oc, 1e-12)
      near(outv, reference(q, k, v, {causal = true}), 1e-12)
      local g = D(B, T, 3, Hn, Dh)
      K.attention_backward(g:select(3, 1):transpose(2, 3), g:select(3, 2):transpose(2, 3),
                           g:select(3, 3):transpose(2, 3), q, k, v, pr, nil, go)
      local gq, gk, gv = D(), D(), D()
      K.attention_backward(gq, gk, gv, q:contiguous(), k:contiguous(), v:contiguous(), pc, nil,
                           go:contiguous())
      near(g:select(3, 1):transpose(2, 3), gq, 1e-12)
      near(g:select(3, 2):transpose(2, 3), gk, 1e-12)
      near(g:select(3, 3):transpose(2, 3), gv, 1e-12)
   end)
   it('refuses a result that shares memory with an operand or with itself', function()
      local x = qkv(1, 2, 4, 4, 3)
      local ok, err = pcall(K.attention_forward, x[1], D(), x[1], x[2], x[3], nil, nil, nil, false)
      assert.is_false(ok)
      assert.matches('output shares memory with query', err, 1, true)
      -- an expanded result would write one element from many heads
      local e = D(1, 1, 4, 3):expand(1, 2, 4, 3)
      ok, err = pcall(K.attention_forward, e, D(), x[1], x[2], x[3], nil, nil, nil, false)
      assert.is_false(ok)
      assert.matches('non-contiguous view', err, 1, true)
   end)
end)

-- MultiHeadAttention written with tensor operations: projections, the reference, output.
local function mha_reference(m, q, k, v, opts)
   local C, Hn, Dh = m.embedDim, m.nHeads, m.headDim
   local function proj(x, i)
      local W = m.inWeight:narrow(1, (i - 1) * C + 1, C)
      local y = torch.mm(x:contiguous():view(-1, C), W:t())
      if m.inBias then y:add(m.inBias:narrow(1, (i - 1) * C + 1, C):view(1, C):expand(y:size(1), C)) end
      return y:view(x:size(1), x:size(2), Hn, Dh):transpose(2, 3):contiguous()
   end
   local ctx = reference(proj(q, 1), proj(k, 2), proj(v, 3), opts)
   local B, T = q:size(1), q:size(2)
   local y = torch.mm(ctx:transpose(2, 3):contiguous():view(B * T, C), m.weight:t())
   if m.bias then y:add(m.bias:view(1, C):expand(B * T, C)) end
   return y:view(B, T, C)
end

describe('nn.MultiHeadAttention', function()
   it('self-attention matches the projections and the reference', function()
      torch.manualSeed(4)
      local m = nn.MultiHeadAttention(8, 2, {causal = true}):double()
      m.inBias:uniform(); m.bias:uniform()
      local x = torch.randn(3, 5, 8):double()
      near(m:forward(x), mha_reference(m, x, x, x, {causal = true}), 1e-12)
   end)

   it('cross-attention with a key padding mask matches the reference', function()
      torch.manualSeed(5)
      local m = nn.MultiHeadAttention(6, 3):double()
      local q, k, v = torch.randn(2, 4, 6):double(), torch.randn(2, 5, 6):double(), torch.randn(2, 5, 6):double()
      local pad = pad_mask(2, 5)
      near(m:forward({q, k, v, pad}), mha_reference(m, q, k, v, {pad = pad}), 1e-12)
   end)

   it('self-attention on {x, keyPaddingMask} is cross-attention of x on itself, padded', function()
      torch.manualSeed(10)
      local m = nn.MultiHeadAttention(6, 2, {causal = true}):double()
      m.inBias:uniform()
      local x, pad = torch.randn(2, 5, 6):double(), pad_mask(2, 5)
      near(m:forward({x, pad}), mha_reference(m, x, x, x, {pad = pad, causal = true}), 1e-12)
      -- the input's gradient and the parameters', checked on x alone with the mask fixed
      local w = attnspec.Padded(m, pad)
      jac(w, x)
      jacp(w, x, m.inWeight, m.gradInWeight)
   end)

   it('takes length x batch x C when batchFirst is false', function()
      torch.manualSeed(6)
      local a = nn.MultiHeadAttention(4, 2):double()
      local b = nn.MultiHeadAttention(4, 2, {batchFirst = false}):double()
      b.inWeight:copy(a.inWeight); b.weight:copy(a.weight)
      local x = torch.randn(2, 3, 4):double()
      near(b:forward(x:transpose(1, 2):contiguous()):transpose(1, 2), a:forward(x), 1e-12)
      local g = torch.randn(2, 3, 4):double()
      a:backward(x, g)
      near(b:backward(x:transpose(1, 2):contiguous(), g:transpose(1, 2):contiguous()):transpose(1, 2),
           a.gradInput, 1e-12)
   end)

   it('passes float64 gradient checks: self, causal, additive mask, cross, no bias', function()
      torch.manualSeed(7)
      local x = torch.randn(2, 3, 4):double()
      for _, o in ipairs({{}, {causal = true}, {mask = torch.randn(3, 3):double()}, {bias = false}}) do
         local m = nn.MultiHeadAttention(4, 2, o):double()
         if m.inBias then m.inBias:uniform(); m.bias:uniform() end
         jac(m, x)
         jacp(m, x, m.inWeight, m.gradInWeight)
         jacp(m, x, m.weight, m.gradWeight)
         if m.inBias then
            jacp(m, x, m.inBias, m.gradInBias)
            jacp(m, x, m.bias, m.gradBias)
         end
      end
      local m = nn.MultiHeadAttention(4, 2):double()
      m.inBias:uniform()
      local c = {torch.randn(2, 3, 4):double(), torch.randn(2, 5, 4):double(), torch.randn(2, 5, 4):double()}
      jac(m, c)
      jacp(m, c, m.inWeight, m.gradInWeight)
      jacp(m, c, m.inBias, m.gradInBias)
   end)

   it('dropout zeroes weights in training and is off in evaluation', function()
      torch.manualSeed(8)
      local m = nn.MultiHeadAttention(4, 1, {dropout = 0.5, needWeights = true}):double()
      local x = torch.randn(1, 6, 4):double()
      local y1 = m:forward(x):clone()
      m:evaluate()
      local y2 = m:forward(x):clone()
      assert((y1 - y2):abs():max() > 1e-6, 'dropout changed nothing')
      assert(m.attnWeights and m.attnWeights:size(4) == 6)
      near(m.attnWeights:sum(4), D(1, 1, 6, 1):fill(1), 1e-12)
      local m0 = nn.MultiHeadAttention(4, 1, {dropout = 0}):double()
      m0.inWeight:copy(m.inWeight); m0.weight:copy(m.weight)
      near(m0:forward(x), y2, 1e-12)
   end)

   it('saves and loads (testIO)', function()
      torch.manualSeed(9)
      local fo, bo = nn.Jacobian.testIO(nn.MultiHeadAttention(4, 2, {causal = true}):double(),
                                       torch.randn(2, 3, 4):double())
      assert(fo < 1e-12 and bo < 1e-12)
   end)

   it('reports bad input at the caller line, naming the module and sizes', function()
      local line = debug.getinfo(1, 'l').currentline
      local msg = H.raises(function() nn.MultiHeadAttention(10, 3) end,
                           'nn.MultiHeadAttention: embedDim 10 is not divisible by nHeads 3')
      assert(msg:find('nn_attention_spec.lua:' .. (line + 1), 1, true), msg)
      local m = nn.MultiHeadAttention(4, 2):double()
      local x = torch.randn(2, 3, 4):double()
      line = debug.getinfo(1, 'l').currentline
      msg = H.raises(function() m:forward(torch.randn(2, 3, 5):double()) end,
                     'nn.MultiHeadAttention: input of size 2x3x5, expected batch x length x 4')
      assert(msg:find('nn_attention_spec.lua:' .. (line + 1), 1, true), msg)
      msg = H.raises(function() m:forward({x, torch.randn(2, 5, 4):double(), torch.randn(2, 4, 4):double()}) end,
                     'nn.MultiHeadAttention:', 'key length 5, value length 4')
      assert(msg:find('nn_attention_spec.lua:', 1, true) and not msg:find('attention.c'), msg)
      m.mask = torch.randn(3, 4):double()
      H.raises(function() m:forward(x) end, 'nn.MultiHeadAttention: mask of size 3x4, expected 3x3')
      m.mask = torch.ByteTensor(3, 3)
      H.raises(function() m:forward(x) end, 'nn.MultiHeadAttention: mask', 'Byte')
      m.mask = nil
      H.raises(function() m:forward({x, x, x, torch.DoubleTensor(2, 3)}) end,
               'nn.MultiHeadAttention: key padding mask must be a Byte tensor')
      H.raises(function() m:forward({x, x, x, torch.ByteTensor(3, 2)}) end,
               'nn.MultiHeadAttention: key padding mask of size 3x2, expected 2x3')
   end)
end)
