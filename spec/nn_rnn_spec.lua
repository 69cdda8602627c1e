-- Recurrent modules: values against a cell written here from tensor operations, the fused
-- sequence kernels against stepping, float64 gradient checks (input, parameters, initial
-- states; with and without masking) through nn.Jacobian, save/load round trips, state
-- carried across batches, and error messages at this file's lines.
require 'torch'
require 'nn'
require 'nn.rnn'
local H = require 'spec.helpers'

local D = torch.DoubleTensor
local jac, jacp = H.jac, H.jacp

local R = require 'spec.nn_rnn_helpers'
local near, io_ok = R.near, R.io_ok

-- The cells of docs/nn_rnn.md written with tensor operations, one step: returns h, c.
local function lstm_step(x, h, c, W, b)
   local Hn = h:size(2)
   local a = torch.mm(torch.cat(x, h, 2), W:t()) + b:view(1, -1):expand(x:size(1), 4 * Hn)
   local i, f = torch.sigmoid(a:narrow(2, 1, Hn)), torch.sigmoid(a:narrow(2, Hn + 1, Hn))
   local g, o = torch.tanh(a:narrow(2, 2 * Hn + 1, Hn)), torch.sigmoid(a:narrow(2, 3 * Hn + 1, Hn))
   local c2 = torch.cmul(f, c) + torch.cmul(i, g)
   return torch.cmul(o, torch.tanh(c2)), c2
end

local function gru_step(x, h, W, b)
   local Hn, Dn = h:size(2), x:size(2)
   local B = x:size(1)
   local gi = torch.mm(x, W:narrow(2, 1, Dn):t()) + b:narrow(1, 1, 3 * Hn):view(1, -1):expand(B, 3 * Hn)
   local gh = torch.mm(h, W:narrow(2, Dn + 1, Hn):t()) + b:narrow(1, 3 * Hn + 1, 3 * Hn):view(1, -1):expand(B, 3 * Hn)
   local r = torch.sigmoid(gi:narrow(2, 1, Hn) + gh:narrow(2, 1, Hn))
   local z = torch.sigmoid(gi:narrow(2, Hn + 1, Hn) + gh:narrow(2, Hn + 1, Hn))
   local n = torch.tanh(gi:narrow(2, 2 * Hn + 1, Hn) + torch.cmul(r, gh:narrow(2, 2 * Hn + 1, Hn)))
   return torch.cmul(-z + 1, n) + torch.cmul(z, h)
end

-- The reference over a sequence, with optional zero states and a padding mask (T x B).
local function reference(kind, x, W, b, h0, c0, mask)
   local T, B, Hn = x:size(1), x:size(2), W:size(2) - x:size(3)
   local h = h0 and h0:clone() or D(B, Hn):zero()
   local c = c0 and c0:clone() or D(B, Hn):zero()
   local out = D(T, B, Hn)
   for t = 1, T do
      if kind == 'lstm' then h, c = lstm_step(x[t], h, c, W, b) else h = gru_step(x[t], h, W, b) end
      if mask then
         for i = 1, B do if mask[t][i] ~= 0 then h[i]:zero(); c[i]:zero() end end
      end
      out[t]:copy(h)
   end
   return out, h, c
end

-- Gradients w.r.t. the initial states owner.h0 (and c0) that module m starts from; one
-- backward first, so that owner.gradH0 (gradC0) exist for the check to read.
local function initial_states(m, owner, x, cell)
   owner.h0:resize(x:size(2), owner.outputSize):uniform()
   if cell then owner.c0:resize(x:size(2), owner.outputSize):uniform() end
   m:forward(x); m:backward(x, m.output:clone():uniform())
   jacp(m, x, owner.h0, owner.gradH0)
   if cell then jacp(m, x, owner.c0, owner.gradC0) end
end

local kinds = {
   {name = 'lstm', Seq = nn.SeqLSTM, Step = nn.LSTM, cell = true},
   {name = 'gru', Seq = nn.SeqGRU, Step = nn.GRU, cell = false},
}

for _, k in ipairs(kinds) do
   describe(k.Seq.__typename or k.name, function()
      it('matches the cell written with tensor operations, with and without h0, c0', function()
         torch.manualSeed(1)
         local m = k.Seq(3, 4):double()
         local x = torch.randn(5, 2, 3):double()
         near(m:forward(x), (reference(k.name, x, m.weight, m.bias)))
         local h0, c0 = torch.randn(2, 4):double(), torch.randn(2, 4):double()
         local input = k.cell and {c0, h0, x} or {h0, x}
         near(m:forward(input), (reference(k.name, x, m.weight, m.bias, h0, k.cell and c0)))
         local hT, cT = m:lastState()
         local _, rh, rc = reference(k.name, x, m.weight, m.bias, h0, k.cell and c0)
         near(hT, rh)
         if k.cell then near(cT, rc) end
      end)

      it('stepping the step module gives the sequence module numbers', function()
         torch.manualSeed(2)
         local seq = k.Seq(3, 4):double()
         local step = k.Step(3, 4):double()
         step.weight:copy(seq.weight); step.bias:copy(seq.bias)
         local x, go = torch.randn(6, 3, 3):double(), torch.randn(6, 3, 4):double()
         local sq = nn.Sequencer(step)
         seq:zeroGradParameters(); sq:zeroGradParameters()
         near(seq:forward(x), sq:forward(x), 1e-14)
         near(seq:backward(x, go), sq:backward(x, go), 1e-14)
         near(seq.gradWeight, step.gradWeight, 1e-13)
         near(seq.gradBias, step.gradBias, 1e-13)
         -- by hand, one forward per step, backward in reverse order
         step:forget()
         local outs = {}
         for t = 1, 6 do outs[t] = step:forward(x[t]):clone() end
         for t = 1, 6 do near(outs[t], seq.output[t], 1e-14) end
         local gis = {}
         for t = 6, 1, -1 do gis[t] = step:backward(x[t], go[t]):clone() end
         for t = 1, 6 do near(gis[t], seq.gradInput[t], 1e-14) end
      end)

      it('gradients w.r.t. input, weight, bias (float64), sequence form', function()
         local m = k.Seq(3, 4):double()
         local x = D(4, 2, 3)
         jac(m, x); jacp(m, x, m.weight, m.gradWeight); jacp(m, x, m.bias, m.gradBias)
         m.batchfirst = true
         jac(m, D(2, 4, 3)); jacp(m, D(2, 4, 3), m.weight, m.gradWeight)
      end)

      it('gradients w.r.t. the initial states, as inputs and as the module state', function()
         local m = k.Seq(3, 4):double()
         local x, h0, c0 = torch.randn(4, 2, 3):double(), torch.randn(2, 4):double(), torch.randn(2, 4):double()
         jac(m, k.cell and {c0, h0, x} or {h0, x})
         initial_states(m, m, x, k.cell)
      end)

      it('gradients with masking (maskzero and setZeroMask), sequence and step form', function()
         local m = k.Seq(3, 4):double()
         m.maskzero = true
         local x = torch.randn(5, 3, 3):double()
         x[2][1]:zero(); x[4][3]:zero()
         local mask = torch.ByteTensor(5, 3):zero()
         mask[2][1], mask[4][3] = 1, 1
         local want = (reference(k.name, x, m.weight, m.bias, nil, nil, mask))
         near(m:forward(x), want)
         assert(m.output[2][1]:abs():max() == 0)
         -- the check perturbs the input, but only inside [0.5, 1]: zero rows stay zero
         local function masked_input()
            local y = D(5, 3, 3):uniform(0.5, 1)
            y[2][1]:zero(); y[4][3]:zero()
            return y
         end
         local function check(mod, y, p, dp)
            local err = p and nn.Jacobian.testJacobianParameters(mod, y, p, dp, 0.5, 1)
               or nn.Jacobian.testJacobian(mod, y, 0.5, 1)
            assert(err < 1e-6, 'jacobian error ' .. err)
         end
         -- Jacobian refills the input uniformly: keep the zero rows by masking explicitly
         local e = k.Seq(3, 4):double():setZeroMask(mask)
         e.weight:copy(m.weight); e.bias:copy(m.bias)
         near(e:forward(x), want)
         check(e, masked_input()); check(e, masked_input(), e.weight, e.gradWeight)
         local step = k.Step(3, 4):double():maskZero(1)
         step.weight:copy(m.weight); step.bias:copy(m.bias)
         local sq = nn.Sequencer(step)
         near(sq:forward(x), want, 1e-14)
         -- a step module masks from its input rows, which Jacobian keeps at zero only where
         -- they are zero after its fill; compare gradients with the sequence module instead
         local go = torch.randn(5, 3, 4):double()
         m:zeroGradParameters(); step:zeroGradParameters()
         near(m:backward(x, go), sq:backward(x, go), 1e-14)
         near(m.gradWeight, step.gradWeight, 1e-13)
         assert(m.gradInput[2][1]:abs():max() == 0)
      end)

      it('gradients in step form: step module in a Sequencer, initial states', function()
         local step = k.Step(3, 4):double()
         local sq = nn.Sequencer(step)
         local x = D(4, 2, 3)
         jac(sq, x); jacp(sq, x, step.weight, step.gradWeight); jacp(sq, x, step.bias, step.gradBias)
         initial_states(sq, step, x, k.cell)
         -- one sample (1D steps) and a table sequence
         local t1 = {D(3), D(3), D(3)}
         jac(nn.Sequencer(k.Step(3, 2):double()), t1)
      end)

      it('saves and loads (testIO), sequence and step form', function()
         io_ok(k.Seq(3, 4):double(), torch.randn(4, 2, 3):double())
         io_ok(nn.Sequencer(k.Step(3, 4)):double(), torch.randn(4, 2, 3):double())
         local m = k.Seq(3, 4)
         m:forward(torch.randn(4, 2, 3))
         local again = torch.deserialize(torch.serialize(m))
         near(again:forward(torch.ones(2, 2, 3)), m:forward(torch.ones(2, 2, 3)), 0)
      end)

      it('carries state across batches (truncated BPTT) with remember, and forgets', function()
         torch.manualSeed(3)
         local m = k.Seq(3, 4):double():remember('both')
         local x = torch.randn(8, 2, 3):double()
         local whole = (reference(k.name, x, m.weight, m.bias))
         local a = m:forward(x:narrow(1, 1, 4)):clone()
         local b = m:forward(x:narrow(1, 5, 4)):clone()
         near(a, whole:narrow(1, 1, 4)); near(b, whole:narrow(1, 5, 4))
         -- backward of the second chunk uses the carried state as its h0
         m:backward(x:narrow(1, 5, 4), torch.randn(4, 2, 4):double())
         near(m.h0, (m:lastState()))
         m:forget()
         near(m:forward(x:narrow(1, 5, 4)), (reference(k.name, x:narrow(1, 5, 4), m.weight, m.bias)))
         -- evaluate-only memory
         m:remember('eval'); m:training(); m:forget()
         m:forward(x:narrow(1, 1, 4))
         assert(m.h0:nElement() == 0)
         -- generation step by step with a step module in evaluation mode
         local step = k.Step(3, 4):double()
         step.weight:copy(m.weight); step.bias:copy(m.bias)
         step:evaluate()
         for t = 1, 8 do step:forward(x[t]) end
         near((step:lastState()), whole[8], 1e-14)
         assert(#step._slots <= 2)
      end)

      it('reuses its buffers from batch to batch', function()
         local step = k.Step(3, 4):double()
         local sq = nn.Sequencer(step)
         local x, go = torch.randn(5, 2, 3):double(), torch.randn(5, 2, 4):double()
         sq:forward(x); sq:backward(x, go)
         local slots = {}
         for i, s in pairs(step._slots) do slots[i] = {s, s.gates:storage()} end
         for _ = 1, 3 do sq:forward(x); sq:backward(x, go) end
         for i, s in pairs(step._slots) do
            assert(slots[i][1] == s and slots[i][2] == s.gates:storage())
         end
         local seq = k.Seq(3, 4):double()
         seq:forward(x); seq:backward(x, go)
         local st = seq._b.gates:storage()
         seq:forward(x); seq:backward(x, go)
         assert(st == seq._b.gates:storage())
      end)

      it('bad input gives an error naming the module at this line', function()
         local m = k.Seq(3, 4):double()
         local name = torch.type(m)
         local msg = H.raises(function() m:forward(D(5, 2, 7)) end,
                              name .. ': input of size 5x2x7, expected seqlen x batch x 3')
         assert(msg:find('nn_rnn_spec.lua:%d+:') and not msg:find('lua/nn/'), msg)
         H.raises(function() m:forward({D(3, 4), D(5, 2, 3)}) end,
                  name .. ': initial hidden state of size 3x4, expected 2x4')
         H.raises(function() k.Seq(3, 4):double():backward(D(5, 2, 3), D(5, 2, 4)) end,
                  name .. ': backward called before forward')
         m:forward(D(5, 2, 3):zero())
         H.raises(function() m:backward(D(5, 2, 3), D(5, 2, 5)) end,
                  name .. ': gradOutput of size 5x2x5, expected 5x2x4')
         m:setZeroMask(torch.ByteTensor(5, 3):zero())
         msg = H.raises(function() m:forward(D(5, 2, 3)) end,
                        name .. ': mask (seqlen x batch) of size 5x3, expected 5x2')
         assert(msg:find('nn_rnn_spec.lua:%d+:'), msg)
         m:setZeroMask(false)
         -- stacked modules whose sizes do not match
         local stack = nn.Sequential():add(k.Seq(3, 4)):add(k.Seq(5, 2)):double()
         H.raises(function() stack:forward(D(2, 2, 3)) end, 'input of size 2x2x4, expected seqlen x batch x 5')
         local step = k.Step(3, 4):double()
         H.raises(function() step:backward(D(2, 3), D(2, 4)) end,
                  torch.type(step) .. ': backward called before forward')
         step:forward(D(2, 3))
         msg = H.raises(function() step:forward(D(2, 5)) end, torch.type(step) .. ': input of size 1x2x5')
         assert(msg:find('nn_rnn_spec.lua:%d+:'), msg)
         H.raises(function() step:backward(D(2, 3), D(2, 5)) end,
                  torch.type(step) .. ': gradOutput of size 2x5, expected 2x4')
         H.raises(function() k.Seq(0, 4) end, torch.type(m) .. ': expected positive integer sizes')
      end)
   end)
end

describe('float', function()
   it('SeqLSTM and SeqGRU in float agree with double', function()
      for _, k in ipairs(kinds) do
         local m = k.Seq(5, 6)
         local d = m:clone():double()
         local x = torch.randn(7, 3, 5)
         near(m:forward(x):double(), d:forward(x:double()), 1e-5)
         local go = torch.randn(7, 3, 6)
         near(m:backward(x, go):double(), d:backward(x:double(), go:double()), 1e-5)
      end
   end)
end)

-- PyTorch 1.13's torch.nn.LSTM / GRU (Debian's python3-torch), run once in float64 on this case:
-- weights 0.1 * sin(1..n) in PyTorch's weight_ih, weight_hh, bias_ih, bias_hh order, input
-- 0.5 * cos(1..n) of size 3 x 2 x 2 (seqlen x batch x input), hidden 3, zero states.
describe('against PyTorch', function()
   local function fill(t, f, scale)
      local v = t:view(t:nElement())
      for i = 1, v:size(1) do v[i] = scale * f(i) end
      return t
   end
   local function build(m, G)
      local Hn, Dn = 3, 2
      local wih = fill(D(G * Hn, Dn), math.sin, 0.1)
      local off = G * Hn * Dn
      local whh = fill(D(G * Hn, Hn), function(i) return math.sin(i + off) end, 0.1)
      off = off + G * Hn * Hn
      local bih = fill(D(G * Hn), function(i) return math.sin(i + off) end, 0.1)
      off = off + G * Hn
      local bhh = fill(D(G * Hn), function(i) return math.sin(i + off) end, 0.1)
      m.weight:copy(torch.cat(wih, whh, 2))
      if G == 4 then m.bias:copy(bih + bhh) else m.bias:copy(torch.cat(bih, bhh, 1)) end
      return m
   end
   it('LSTM', function()
      local m = build(nn.SeqLSTM(2, 3):double(), 4)
      local x = fill(D(3, 2, 2), math.cos, 0.5)
      local want = {
         {{-0.033259540132, -0.041874673394, -0.021674307385}, {-0.04130784521, -0.051647313511, -0.00064412267}},
         {{-0.037945707967, -0.070126683484, -0.040468084125}, {-0.051245246204, -0.071591788275, -0.025287140466}},
         {{-0.061218278856, -0.088317626247, -0.021853239495}, {-0.050011695416, -0.087571319048, -0.038043428228}},
      }
      near(m:forward(x), D(want), 1e-11)
   end)
   it('GRU', function()
      local m = build(nn.SeqGRU(2, 3):double(), 3)
      local x = fill(D(3, 2, 2), math.cos, 0.5)
      local want = {
         {{0.020597426427, 0.012882122932, -0.028707437081}, {-0.000441605638, -0.009696336426, 0.01171781628}},
         {{0.059310606801, 0.007124815905, -0.063922237894}, {0.028961198169, 0.009241805921, -0.033055736496}},
         {{0.022155970981, -0.001139141042, -0.023103191854}, {0.058208383515, 0.001833892208, -0.0572900267}},
      }
      near(m:forward(x), D(want), 1e-11)
   end)
end)
