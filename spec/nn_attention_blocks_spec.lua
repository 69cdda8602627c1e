-- Transformer blocks and position encodings: the blocks against the same maths written with
-- the modules one by one, float64 gradient checks (input and every parameter), testIO, and
-- errors at this file's lines.
require 'torch'
require 'nn'
require 'nn.attention'
local H = require 'spec.helpers'

local D = torch.DoubleTensor
local jac = H.jac
local near = require('spec.nn_rnn_helpers').near

local function flatcall(m, x) -- a 2D module on B x T x C
   return m:forward(x:contiguous():view(-1, x:size(3))):view(x:size(1), x:size(2), -1)
end

-- parameter check of every parameter of m through getParameters
local function jac_params(m, x)
   local p, g = m:getParameters()
   H.jacp(m, x, p, g)
end

describe('nn.TransformerBlock', function()
   it('is x + Attn(LN1(x)), then h + MLP(LN2(h)) with GELU', function()
      torch.manualSeed(1)
      local m = nn.TransformerBlock(8, 2):double()
      local x = torch.randn(2, 5, 8):double()
      local y = m:forward(x):clone()
      local h = x + m.attn:forward(m.ln1:forward(x)):clone()
      local f1, f2 = m.ff:get(1), m.ff:get(3)
      local ref = h + flatcall(f2, nn.GELU():double():forward(flatcall(f1, m.ln2:forward(h))))
      near(y, ref, 1e-12)
      assert(m.attn.causal and m.ff:get(1).weight:size(1) == 32)
   end)

   it('is causal: a later position does not change an earlier output', function()
      torch.manualSeed(2)
      local m = nn.TransformerBlock(4, 2):double()
      local x = torch.randn(1, 6, 4):double()
      local y = m:forward(x):clone()
      x[1][6]:uniform()
      near(m:forward(x):narrow(2, 1, 5), y:narrow(2, 1, 5), 1e-12)
   end)

   it('passes float64 gradient checks (input and parameters) and testIO', function()
      torch.manualSeed(3)
      local m = nn.TransformerBlock(4, 2):double()
      local x = torch.randn(2, 3, 4):double()
      jac(m, x)
      jac_params(m, x)
      local fo, bo = nn.Jacobian.testIO(m, x)
      assert(fo < 1e-12 and bo < 1e-12)
   end)
end)

describe('nn.TransformerEncoderLayer', function()
   it('post-norm by default: LN1(x + Attn(x)), then LN2(h + FF(h)) with ReLU', function()
      torch.manualSeed(4)
      local m = nn.TransformerEncoderLayer(6, 3, 10):double()
      m:evaluate() -- dropout 0.1 is off
      local x = torch.randn(2, 4, 6):double()
      local y = m:forward(x):clone()
      local h = m.ln1:forward(x + m.attn:forward(x)):clone()
      local f = flatcall(m.ff:get(4), nn.ReLU():double():forward(flatcall(m.ff:get(1), h)))
      near(y, m.ln2:forward(h + f), 1e-12)
   end)

   it('passes float64 gradient checks, post-norm and normFirst, and testIO', function()
      torch.manualSeed(5)
      local x = torch.randn(2, 3, 4):double()
      for _, o in ipairs({{dropout = 0}, {dropout = 0, normFirst = true, activation = 'gelu'},
                          {dropout = 0, causal = true, batchFirst = false}}) do
         local m = nn.TransformerEncoderLayer(4, 2, 6, o):double()
         for _, b in ipairs({m.ln1.bias, m.ln2.bias, m.attn.inBias, m.attn.bias}) do b:uniform() end
         jac(m, x)
         jac_params(m, x)
         local fo, bo = nn.Jacobian.testIO(m, x)
         assert(fo < 1e-12 and bo < 1e-12)
      end
   end)

   it('{x, keyPaddingMask}: padded positions are not attended to; gradients with the mask', function()
      torch.manualSeed(8)
      for _, o in ipairs({{dropout = 0}, {dropout = 0, normFirst = true}}) do
         local m = nn.TransformerEncoderLayer(4, 2, 6, o):double()
         local x = torch.randn(2, 5, 4):double()
         local pad = torch.ByteTensor(2, 5):zero()
         pad[1][5] = 1; pad[1][4] = 1; pad[2][5] = 1
         local y = m:forward({x, pad}):clone()
         -- the unpadded positions of each sequence give what the sequence cut to them gives
         -- (the feed-forward part is position-wise, and nothing else mixes positions)
         for b, len in ipairs({3, 4}) do
            local yb = m:forward(x[b]:narrow(1, 1, len):view(1, len, 4))
            near(y[b]:narrow(1, 1, len), yb[1], 1e-12)
         end
         m:forward({x, pad})
         local gi = m:backward({x, pad}, torch.randn(2, 5, 4):double())
         assert.are.equal('table', type(gi))
         assert.are.equal(0, gi[2]:sum())
         -- float64 checks of the input and parameters with the mask held fixed: a module
         -- that pairs its input with the mask in front of the layer
         local fix = nn.Module()
         function fix:updateOutput(t) self.output = {t, pad}; return self.output end
         function fix:updateGradInput(t, g) self.gradInput = g[1]; return self.gradInput end
         local wrap = nn.Sequential():add(fix):add(m)
         jac(wrap, x)
         local p, g = wrap:getParameters()
         H.jacp(wrap, x, p, g)
      end
   end)

   it('dropout acts in training only', function()
      torch.manualSeed(6)
      local m = nn.TransformerEncoderLayer(4, 2, 8, {dropout = 0.5}):double()
      local x = torch.randn(2, 5, 4):double()
      local a = m:forward(x):clone()
      m:evaluate()
      local b = m:forward(x):clone()
      near(m:forward(x), b, 0)
      assert((a - b):abs():max() > 1e-6)
   end)
end)

describe('position encodings', function()
   it('nn.PositionalEmbedding adds its first T rows; gradients and testIO', function()
      torch.manualSeed(7)
      local m = nn.PositionalEmbedding(5, 3):double()
      local x = torch.randn(2, 4, 3):double()
      local y = m:forward(x)
      for b = 1, 2 do near(y[b], x[b] + m.weight:narrow(1, 1, 4), 1e-15) end
      jac(m, x)
      H.jacp(m, x, m.weight, m.gradWeight)
      local fo, bo = nn.Jacobian.testIO(m, x)
      assert(fo < 1e-12 and bo < 1e-12)
      m.offset = 1
      near(m:forward(x)[1], x[1] + m.weight:narrow(1, 2, 4), 1e-15)
   end)

   it('nn.SinusoidalPositionalEncoding adds sin/cos of the position; testIO', function()
      local m = nn.SinusoidalPositionalEncoding(4, 10):double()
      local x = D(1, 3, 4):zero()
      local y = m:forward(x)
      near(y[1][1], D{0, 1, 0, 1}, 1e-15)
      near(y[1][3], D{math.sin(2), math.cos(2), math.sin(2 / 100), math.cos(2 / 100)}, 1e-15)
      assert(m:parameters() == nil, 'no parameters')
      jac(m, torch.randn(2, 3, 4):double())
      local fo, bo = nn.Jacobian.testIO(m, torch.randn(2, 3, 4):double())
      assert(fo < 1e-12 and bo < 1e-12)
   end)

   it('reports a sequence longer than the table, and a wrong width, at the caller line', function()
      local m = nn.PositionalEmbedding(4, 3):double()
      local line = debug.getinfo(1, 'l').currentline
      local msg = H.raises(function() m:forward(torch.randn(1, 5, 3):double()) end,
                           'nn.PositionalEmbedding: sequence of length 5 is longer than the '
                           .. 'position table (maxLen 4)')
      assert(msg:find('nn_attention_blocks_spec.lua:' .. (line + 1), 1, true), msg)
      H.raises(function() m:forward(torch.randn(1, 2, 4):double()) end,
               'nn.PositionalEmbedding: input of size 1x2x4, expected batch x length x 3')
      local s = nn.SinusoidalPositionalEncoding(4, 3):double()
      H.raises(function() s:forward(torch.randn(1, 5, 4):double()) end,
               'nn.SinusoidalPositionalEncoding: sequence of length 5 is longer than the '
               .. 'encoding table (maxLen 3)')
      H.raises(function() nn.TransformerBlock(6, 4) end,
               'nn.MultiHeadAttention: embedDim 6 is not divisible by nHeads 4')
      local b = nn.TransformerBlock(4, 2):double()
      H.raises(function() b:forward(torch.randn(2, 3, 5):double()) end,
               'nn.MultiHeadAttention: input of size 2x3x5, expected batch x length x 4')
   end)
end)
