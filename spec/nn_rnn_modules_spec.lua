-- The generic recurrent containers (Recurrent, Recurrence, Recursor, Sequencer,
-- BiSequencer, Repeater), masking (MaskZero, LookupTableMaskZero, MaskZeroCriterion),
-- SequencerCriterion, OneHot and dl.clipGradNorm: values computed here, float64 gradient
-- checks, save/load round trips and error messages.
require 'torch'
require 'nn'
require 'nn.rnn'
require 'dl'
local H = require 'spec.helpers'

local D = torch.DoubleTensor
local jac, jacp = H.jac, H.jacp

local R = require 'spec.nn_rnn_helpers'
local near, io_ok = R.near, R.io_ok

local function simple_rnn()
   local inp, fb = nn.Linear(3, 2), nn.Linear(2, 2)
   return nn.Recurrent(2, inp, fb, nn.Tanh()), inp, fb
end

describe('nn.Recurrent', function()
   it('computes the classic RNN', function()
      local r, inp, fb = simple_rnn()
      r:double()
      local x = torch.randn(3, 4, 3):double()
      local out = nn.Sequencer(r):forward(x)
      local h = torch.tanh(inp:forward(x[1]) + r.startModule.bias:view(1, 2):expand(4, 2))
      near(out[1], h)
      for t = 2, 3 do
         h = torch.tanh(inp:forward(x[t]) + fb:forward(h))
         near(out[t], h)
      end
   end)

   it('gradients (input, parameters), testIO; userPrevOutput makes step 1 recurrent', function()
      local r, inp, fb = simple_rnn()
      local s = nn.Sequencer(r):double()
      local x = D(4, 2, 3)
      jac(s, x); jacp(s, x, inp.weight, inp.gradWeight); jacp(s, x, fb.weight, fb.gradWeight)
      jacp(s, x, r.startModule.bias, r.startModule.gradBias)
      io_ok(s, torch.randn(4, 2, 3):double())
      local params = s:parameters()
      assert(#params == 5, 'each parameter once: ' .. #params)
      r.userPrevOutput = torch.zeros(2, 2):double()
      local x1 = torch.randn(1, 2, 3):double()
      near(s:forward(x1)[1], torch.tanh(inp:forward(x1[1]) + fb:forward(torch.zeros(2, 2):double())))
   end)
end)

describe('nn.Recurrence', function()
   local function rec()
      local rm = nn.Sequential()
         :add(nn.ParallelTable():add(nn.Linear(3, 2)):add(nn.Linear(2, 2)))
         :add(nn.CAddTable()):add(nn.Sigmoid())
      return nn.Recurrence(rm, 2, 1), rm
   end
   it('starts from zeros and feeds its output back', function()
      local r, rm = rec()
      r:double()
      local x = torch.randn(3, 2, 3):double()
      local out = nn.Sequencer(r):forward(x)
      local ref = rm:clone()
      local h = torch.zeros(2, 2):double()
      for t = 1, 3 do
         h = ref:forward({x[t], h}):clone()
         near(out[t], h)
      end
   end)
   it('gradients, initial state, masking, testIO', function()
      local r, rm = rec()
      local s = nn.Sequencer(r):double()
      local x = D(4, 2, 3)
      jac(s, x)
      local lin = rm.modules[1].modules[2]
      jacp(s, x, lin.weight, lin.gradWeight)
      r.h0 = torch.rand(2, 2):double()
      s:forward(x); s:backward(x, torch.rand(4, 2, 2):double())
      jacp(s, x, r.h0, r.gradH0)
      io_ok(s, torch.randn(4, 2, 3):double())
      -- maskZero: a zero input row gives a zero output and restarts from zeros
      local m = rec():maskZero(1)
      local sm = nn.Sequencer(m):double()
      local y = torch.randn(3, 2, 3):double()
      y[2][1]:zero()
      local o = sm:forward(y)
      assert(o[2][1]:abs():max() == 0 and o[2][2]:abs():max() > 0)
      -- 1D samples (nInputDim 1)
      jac(nn.Sequencer(rec()):double(), {D(3), D(3)})
   end)
end)

describe('nn.Recursor and nn.Sequencer', function()
   it('apply a module at every step, tables or tensors, batchfirst', function()
      local lin = nn.Linear(3, 2):double()
      local s = nn.Sequencer(lin)
      assert(torch.type(s.module) == 'nn.Recursor')
      local x = torch.randn(4, 5, 3):double()
      local out = s:forward(x)
      for t = 1, 4 do near(out[t], lin:forward(x[t])) end
      local tab = s:forward({x[1], x[2]})
      assert(type(tab) == 'table' and #tab == 2)
      near(tab[2], lin:forward(x[2]))
      jac(s, D(4, 5, 3)); jacp(s, D(4, 5, 3), lin.weight, lin.gradWeight)
      jac(s, {D(2, 3), D(2, 3), D(2, 3)})
      s.batchfirst = true
      local bf = s:forward(x:transpose(1, 2):contiguous())
      near(bf:transpose(1, 2), out)
      jac(s, D(5, 4, 3))
      io_ok(nn.Sequencer(nn.Linear(3, 2)):double(), torch.randn(4, 5, 3):double())
   end)

   it('a stack of step modules in one Sequencer equals two SeqLSTMs', function()
      local a, b = nn.LSTM(3, 4):double(), nn.LSTM(4, 2):double()
      local s = nn.Sequencer(nn.Sequential():add(a):add(nn.Tanh()):add(b)):double()
      local sa, sb = nn.SeqLSTM(3, 4):double(), nn.SeqLSTM(4, 2):double()
      sa.weight:copy(a.weight); sa.bias:copy(a.bias); sb.weight:copy(b.weight); sb.bias:copy(b.bias)
      local ref = nn.Sequential():add(sa):add(nn.Tanh()):add(sb):double()
      local x, go = torch.randn(5, 3, 3):double(), torch.randn(5, 3, 2):double()
      s:zeroGradParameters(); ref:zeroGradParameters()
      near(s:forward(x), ref:forward(x), 1e-14)
      near(s:backward(x, go), ref:backward(x, go), 1e-13)
      near(a.gradWeight, sa.gradWeight, 1e-13); near(b.gradWeight, sb.gradWeight, 1e-13)
      jac(s, D(3, 2, 3))
   end)

   it('remember carries the step module state from sequence to sequence', function()
      local l = nn.LSTM(3, 4):double()
      local s = nn.Sequencer(l)
      local x = torch.randn(6, 2, 3):double()
      local whole = s:forward(x):clone()
      s:remember('both')
      s:forget()
      s:forward(x:narrow(1, 1, 3))
      near(s:forward(x:narrow(1, 4, 3)), whole:narrow(1, 4, 3), 1e-14)
      s:backward(x:narrow(1, 4, 3), torch.randn(3, 2, 4):double())
      s:remember('neither')
      near(s:forward(x:narrow(1, 1, 3)), whole:narrow(1, 1, 3), 1e-14)
   end)

   it('keeps gradients right after getParameters moved the parameters', function()
      local lin = nn.Linear(3, 2):double()
      local s = nn.Sequencer(lin)
      local x = torch.randn(3, 2, 3):double()
      s:forward(x)
      local p, g = s:getParameters()
      p:uniform(); g:zero()
      s:forward(x); s:backward(x, torch.ones(3, 2, 2):double())
      local want = torch.zeros(2, 3):double()
      for t = 1, 3 do want:add(torch.ones(2, 2):double():t() * x[t]) end
      near(lin.gradWeight, want)
      assert(g:abs():sum() > 0)
   end)

   it('errors name the module at this line', function()
      local s = nn.Sequencer(nn.LSTM(3, 4)):double()
      local msg = H.raises(function() s:backward(D(2, 2, 3), D(2, 2, 4)) end, 'nn.Sequencer: backward called before forward')
      assert(msg:find('nn_rnn_modules_spec.lua:%d+:'), msg)
      s:forward(D(2, 2, 3):zero())
      H.raises(function() s:backward(D(2, 2, 3), D(3, 2, 4)) end, 'nn.Sequencer: gradOutput has 3 steps, input 2')
      H.raises(function() s:forward(42) end, 'nn.Sequencer: input must be a table of tensors or a tensor')
      H.raises(function() s:remember('sometimes') end, "nn.Sequencer: remember: mode must be 'both'")
      local l = nn.LSTM(3, 4):double():maxBPTTstep(2)
      for _ = 1, 4 do l:forward(D(1, 3):zero()) end
      for _ = 1, 2 do l:backward(D(1, 3), D(1, 4):zero()) end
      H.raises(function() l:backward(D(1, 3), D(1, 4)) end, 'nn.LSTM: backward: step 2 is beyond the 2 steps kept')
   end)
end)

describe('nn.BiSequencer', function()
   it('joins a forward and a reversed pass', function()
      local f, b = nn.SeqLSTM(3, 2):double(), nn.SeqLSTM(3, 2):double()
      local fwd, bwd = nn.LSTM(3, 2):double(), nn.LSTM(3, 2):double()
      fwd.weight:copy(f.weight); fwd.bias:copy(f.bias); bwd.weight:copy(b.weight); bwd.bias:copy(b.bias)
      local bi = nn.BiSequencer(fwd, bwd):double()
      local x = torch.randn(4, 3, 3):double()
      local out = bi:forward(x)
      assert(out:size(1) == 4 and out:size(3) == 4)
      local rev = torch.DoubleTensor(4, 3, 3)
      for t = 1, 4 do rev[t]:copy(x[5 - t]) end
      local fo, bo = f:forward(x), b:forward(rev)
      for t = 1, 4 do
         near(out[t]:narrow(2, 1, 2), fo[t])
         near(out[t]:narrow(2, 3, 2), bo[5 - t])
      end
      jac(bi, D(4, 2, 3)); jacp(bi, D(4, 2, 3), bwd.weight, bwd.gradWeight)
      jac(bi, {D(2, 3), D(2, 3)})
      io_ok(nn.BiSequencer(nn.GRU(3, 2)):double(), torch.randn(3, 2, 3):double())
   end)
end)

describe('nn.Repeater', function()
   it('feeds the same input at every step', function()
      local l = nn.LSTM(3, 2):double()
      local r = nn.Repeater(l, 3)
      local x = torch.randn(2, 3):double()
      local out = r:forward(x)
      local seq = nn.SeqLSTM(3, 2):double()
      seq.weight:copy(l.weight); seq.bias:copy(l.bias)
      local rep = torch.DoubleTensor(3, 2, 3)
      for t = 1, 3 do rep[t]:copy(x) end
      local want = seq:forward(rep)
      for t = 1, 3 do near(out[t], want[t], 1e-14) end
      jac(r, D(2, 3)); jacp(r, D(2, 3), l.weight, l.gradWeight)
      io_ok(nn.Repeater(nn.GRU(3, 2), 2):double(), torch.randn(2, 3):double())
      H.raises(function() r:backward(x, {torch.zeros(2, 2):double()}) end, 'nn.Repeater: gradOutput must be a table of 3 tensors')
   end)
end)

describe('masking', function()
   it('nn.MaskZero zeroes the rows of padding samples, and their gradients', function()
      local lin = nn.Linear(3, 2):double()
      local m = nn.MaskZero(lin, 1)
      local x = torch.randn(4, 3):double()
      x[2]:zero()
      local out = m:forward(x)
      assert(out[2]:abs():max() == 0)
      near(out[1], lin:forward(x)[1])
      local gi = m:backward(x, torch.ones(4, 2):double())
      assert(gi[2]:abs():max() == 0)
      jac(m, D(4, 3)); jacp(m, D(4, 3), lin.weight, lin.gradWeight)
      io_ok(nn.MaskZero(nn.Linear(3, 2), 1):double(), x)
      H.raises(function() m:forward(D(2, 2, 3)) end, 'nn.MaskZero: input of size 2x2x3, expected 1 dimensions')
   end)

   it('nn.LookupTableMaskZero maps index 0 to zeros', function()
      local lt = nn.LookupTableMaskZero(5, 3):double()
      local idx = torch.LongTensor{{1, 0}, {5, 2}}
      local out = lt:forward(idx)
      assert(out[1][2]:abs():max() == 0)
      near(out[2][1], lt.weight[6])
      lt:zeroGradParameters()
      lt:backward(idx, torch.ones(2, 2, 3):double())
      assert(lt.gradWeight[1]:abs():max() == 0 and lt.gradWeight[2]:sum() == 3)
      jacp(lt, torch.LongTensor{0, 3, 3, 1}, lt.weight, lt.gradWeight)
      io_ok(lt, idx)
   end)

   it('nn.MaskZeroCriterion ignores padding rows', function()
      local c = nn.MaskZeroCriterion(nn.MSECriterion(), 1):double()
      local x = torch.DoubleTensor{{1, 2}, {0, 0}, {3, 1}}
      local y = torch.DoubleTensor{{0, 0}, {5, 5}, {1, 1}}
      local loss = c:forward(x, y)
      assert(math.abs(loss - (1 + 4 + 4 + 0) / 4) < 1e-12, loss)
      local g = c:backward(x, y)
      near(g, torch.DoubleTensor{{0.5, 1}, {0, 0}, {1, 0}})
      assert(c:forward(torch.zeros(2, 2):double(), y:narrow(1, 1, 2)) == 0)
   end)

   it('a masked SeqLSTM language model step: LookupTableMaskZero into SeqLSTM.maskzero', function()
      local model = nn.Sequential():add(nn.LookupTableMaskZero(6, 3)):add(nn.SeqLSTM(3, 4)):double()
      model.modules[2].maskzero = true
      local idx = torch.LongTensor{{1, 2}, {0, 3}, {4, 0}}
      local out = model:forward(idx)
      assert(out[2][1]:abs():max() == 0 and out[3][2]:abs():max() == 0)
      jacp(model, idx, model.modules[2].weight, model.modules[2].gradWeight)
      jacp(model, idx, model.modules[1].weight, model.modules[1].gradWeight)
   end)
end)

describe('nn.SequencerCriterion', function()
   it('sums (or averages) a criterion over the steps', function()
      local c = nn.SequencerCriterion(nn.MSECriterion()):double()
      local x, y = torch.randn(3, 2, 4):double(), torch.randn(3, 2, 4):double()
      local want, m = 0, nn.MSECriterion():double()
      for t = 1, 3 do want = want + m:forward(x[t], y[t]) end
      assert(math.abs(c:forward(x, y) - want) < 1e-12)
      local g = c:backward(x, y)
      for t = 1, 3 do near(g[t], m:backward(x[t], y[t])) end
      local avg = nn.SequencerCriterion(nn.MSECriterion(), true):double()
      assert(math.abs(avg:forward(x, y) - want / 3) < 1e-12)
      near(avg:backward(x, y)[2], m:backward(x[2], y[2]) / 3)
      local tg = c:backward({x[1], x[2]}, {y[1], y[2]})
      near(tg[1], m:backward(x[1], y[1])); near(tg[2], m:backward(x[2], y[2]))
      local ce = nn.SequencerCriterion(nn.CrossEntropyCriterion()):double()
      local logits, targets = torch.randn(2, 3, 5):double(), torch.LongTensor{{1, 2, 5}, {4, 4, 1}}
      local w2 = nn.CrossEntropyCriterion():double()
      assert(math.abs(ce:forward(logits, targets)
                      - w2:forward(logits[1], targets[1]) - w2:forward(logits[2], targets[2])) < 1e-12)
      H.raises(function() c:forward(x, y:narrow(1, 1, 2)) end, 'nn.SequencerCriterion: input has 3 steps, target 2')
   end)
end)

describe('nn.OneHot', function()
   it('builds one-hot vectors', function()
      local o = nn.OneHot(4)
      local out = o:forward(torch.LongTensor{{1, 4}, {2, 2}})
      assert(out:dim() == 3 and out:size(3) == 4)
      assert(out[1][1][1] == 1 and out[1][2][4] == 1 and out:sum() == 4)
      near(o:forward(torch.DoubleTensor{3}):double(), torch.DoubleTensor{{0, 0, 1, 0}})
      assert(o:backward(torch.LongTensor{1}, torch.ones(1, 4)):sum() == 0)
      H.raises(function() o:forward(torch.LongTensor{5}) end, 'nn.OneHot: index 5 out of range [1, 4]')
   end)
end)

describe('dl.clipGradNorm', function()
   it('scales the gradients to the global norm and returns the norm before', function()
      local a, b = torch.DoubleTensor{3, 0}, torch.DoubleTensor{0, 4}
      local n = dl.clipGradNorm({a, b}, 1)
      assert(math.abs(n - 5) < 1e-12)
      assert(math.abs(a[1] - 0.6) < 1e-6 and math.abs(b[2] - 0.8) < 1e-6)
      local c = torch.DoubleTensor{0.3, 0.4}
      assert(math.abs(dl.clipGradNorm(c, 1) - 0.5) < 1e-12 and c[1] == 0.3)
      H.raises(function() dl.clipGradNorm(c, 0) end, 'dl.clipGradNorm: maxNorm must be a positive number')
   end)
end)
