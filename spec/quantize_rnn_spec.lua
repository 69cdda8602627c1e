-- dl.quantize on recurrent modules (issue 15): the int8 LSTM and GRU, sequence and step,
-- against a float64 definition of the same quantized arithmetic, against the float modules
-- within the quantization error, step == sequence, states, containers, save/load, errors.
require 'nn'
require 'dl'

local F, D = torch.FloatTensor, torch.DoubleTensor
local Q = require 'spec.quantize_helpers'

local function sigm(t) return torch.cdiv(torch.ones(t:size()), (-t):exp():add(1)) end

-- One step of the quantized cell in double, from the kernel's own previous states (so that
-- the check is exact step by step): pre-activations from the per-row quantized x and
-- h_prev times the dequantized halves, then the float cell's gate arithmetic.
local function refStep(q, xt, hp, cp, mask)
   local Dn, H = q.inputSize, q.outputSize
   local w = q:dequantizedWeight():double()
   local wx, wh = w:narrow(2, 1, Dn), w:narrow(2, Dn + 1, H)
   local B = xt:size(1)
   local gx = Q.quantizeRows(xt) * wx:t()
   local gh = hp and Q.quantizeRows(hp) * wh:t() or D(B, wh:size(1)):zero()
   local bias = q.bias:double()
   local h, c
   local hprev = hp and hp:double() or D(B, H):zero()
   if q.cell.cell then -- LSTM: i, f, g, o
      local pre = gx + gh + bias:view(1, -1):expandAs(gx)
      local i, f = sigm(pre:narrow(2, 1, H)), sigm(pre:narrow(2, H + 1, H))
      local g, o = torch.tanh(pre:narrow(2, 2 * H + 1, H)), sigm(pre:narrow(2, 3 * H + 1, H))
      local cprev = cp and cp:double() or D(B, H):zero()
      c = torch.cmul(f, cprev) + torch.cmul(i, g)
      h = torch.cmul(o, torch.tanh(c))
   else -- GRU: r, z, n with b_hn inside r * (W_hn h + b_hn)
      local bi, bh = bias:narrow(1, 1, 3 * H), bias:narrow(1, 3 * H + 1, 3 * H)
      local ax = gx + bi:view(1, -1):expandAs(gx)
      local ah = gh + bh:view(1, -1):expandAs(gh)
      local r = sigm(ax:narrow(2, 1, H) + ah:narrow(2, 1, H))
      local z = sigm(ax:narrow(2, H + 1, H) + ah:narrow(2, H + 1, H))
      local n = torch.tanh(ax:narrow(2, 2 * H + 1, H) + torch.cmul(r, ah:narrow(2, 2 * H + 1, H)))
      h = torch.cmul(-z + 1, n) + torch.cmul(z, hprev)
   end
   if mask then
      for b = 1, B do
         if mask[b] ~= 0 then h[b]:zero(); if c then c[b]:zero() end end
      end
   end
   return h, c
end

local function maxrel(a, b) return Q.maxrel(a, b) end

local cases = {
   {cls = 'SeqLSTM', T = 5, B = 3}, {cls = 'SeqLSTM', T = 1, B = 1},
   {cls = 'SeqLSTM', T = 4, B = 2, states = true}, {cls = 'SeqLSTM', T = 6, B = 3, mask = true},
   {cls = 'SeqGRU', T = 5, B = 3}, {cls = 'SeqGRU', T = 1, B = 1},
   {cls = 'SeqGRU', T = 4, B = 2, states = true}, {cls = 'SeqGRU', T = 6, B = 3, mask = true},
}

describe('dl.quantize on recurrent modules', function()
   before_each(function() torch.manualSeed(13) end)

   it('computes the quantized arithmetic (float64 reference), every case', function()
      for _, case in ipairs(cases) do
         local lstm = case.cls == 'SeqLSTM'
         local m = nn[case.cls](7, 6):float()
         local q = dl.quantize(m)
         assert.equal('nn.Quantized' .. case.cls, torch.type(q))
         local x = F(case.T, case.B, 7):normal()
         local input, h0, c0, mask = x, nil, nil, nil
         if case.states then
            h0, c0 = F(case.B, 6):normal(), F(case.B, 6):normal()
            input = lstm and {c0, h0, x} or {h0, x}
         end
         if case.mask then
            mask = torch.ByteTensor(case.T, case.B):zero()
            mask[2][1], mask[4][3], mask[5][2] = 1, 1, 1
            q:setZeroMask(mask)
         end
         local out = q:forward(input)
         local hT, cT = q:lastState()
         for t = 1, case.T do
            local hp = t > 1 and out[t - 1] or h0
            local cp = lstm and (t > 1 and q._b.cell[t - 1] or c0) or nil
            local h, c = refStep(q, x[t], hp, cp, mask and mask[t])
            assert.is_true(maxrel(out[t], h) < 1e-5, case.cls .. ' step ' .. t)
            if lstm then assert.is_true(maxrel(q._b.cell[t], c) < 1e-5) end
         end
         assert.equal(0, (hT - out[case.T]):abs():max())
         if lstm then assert.equal(0, (cT - q._b.cell[case.T]):abs():max()) end
      end
   end)

   it('stays within the quantization error of the float modules', function()
      for _, cls in ipairs{'SeqLSTM', 'SeqGRU'} do
         local m = nn[cls](32, 24):float()
         local x = F(20, 4, 32):normal()
         local y = m:forward(x):clone()
         local yq = dl.quantize(m):forward(x)
         -- weights within 1/254 and inputs within 1/510 of their rows' ranges, through 20
         -- steps of the recurrence: a few hundredths of the outputs' scale (tanh-bounded)
         assert.is_true((yq - y):abs():max() < 0.03, cls .. ' ' .. (yq - y):abs():max())
      end
   end)

   it('steps as the sequence module does, and carries states as the float ones', function()
      for _, pair in ipairs{{'SeqLSTM', 'LSTM'}, {'SeqGRU', 'GRU'}, {'SeqLSTM', 'FastLSTM'}} do
         local seq = nn[pair[1]](5, 4):float()
         local step = nn[pair[2]](5, 4):float()
         step.weight:copy(seq.weight)
         step.bias:copy(seq.bias)
         local qs, qt = dl.quantize(seq), dl.quantize(step)
         assert.equal('nn.Quantized' .. (pair[2] == 'FastLSTM' and 'LSTM' or pair[2]), torch.type(qt))
         local x = F(6, 2, 5):normal()
         local ys = qs:forward(x):clone()
         for t = 1, 6 do assert.equal(0, (qt:forward(x[t]) - ys[t]):abs():max()) end
         -- a vector input is a batch of one
         qt:forget()
         assert.same({4}, qt:forward(x[1][1]):size():totable())
         -- remember: two halves give the whole sequence
         qs:remember('both')
         qs:forget()
         local a = qs:forward(x:narrow(1, 1, 3)):clone()
         local b = qs:forward(x:narrow(1, 4, 3)):clone()
         assert.is_true((torch.cat(a, b, 1) - ys):abs():max() < 1e-6)
      end
   end)

   it('is reached inside containers, saves and loads, prints, clears its state', function()
      local model = nn.Sequential()
         :add(nn.LookupTable(20, 8))
         :add(nn.SeqLSTM(8, 16))
         :add(nn.SeqGRU(16, 12))
         :add(nn.Sequencer(nn.Linear(12, 20)))
      local rec = nn.Sequencer(nn.FastLSTM(8, 6))
      local q = dl.quantize(model)
      assert.equal('nn.QuantizedSeqLSTM', torch.type(q.modules[2]))
      assert.equal('nn.QuantizedSeqGRU', torch.type(q.modules[3]))
      assert.equal('nn.SeqLSTM', torch.type(model.modules[2])) -- the model given is unchanged
      local qr = dl.quantize(rec)
      assert.truthy(tostring(qr):find('nn.QuantizedLSTM(8 -> 6, int8 dynamic)', 1, true), tostring(qr))
      local idx = torch.LongTensor(9, 2):random(1, 20)
      local y = q:forward(idx):clone()
      local file = os.tmpname()
      torch.save(file, q)
      local back = torch.load(file)
      os.remove(file)
      assert.equal(0, (back:forward(idx) - y):abs():max())
      assert.equal('nn.QuantizedSeqLSTM(8 -> 16, int8 dynamic)', tostring(q.modules[2]))
      assert.equal(0, q.modules[2].weight:nElement()) -- the float weight is gone
      assert.is_nil(q.modules[2]:parameters())
      q:clearState()
      assert.equal(0, (q:forward(idx) - y):abs():max())
      local xs = F(4, 3, 8):normal()
      assert.same({4, 3, 6}, qr:forward(xs):size():totable())
   end)

   it('reports misuse at the caller, naming the module', function()
      local q = dl.quantize(nn.SeqLSTM(4, 3))
      local line = debug.getinfo(1, 'l').currentline + 1
      local ok, err = pcall(function() q:forward(F(5, 2, 6)) end)
      assert.is_false(ok)
      assert.truthy(err:find('quantize_rnn_spec.lua:' .. line ..
                             ': nn.QuantizedSeqLSTM: input of size 5x2x6, expected seqlen x batch x 4', 1, true), err)
      ok, err = pcall(function() q:forward(D(5, 2, 4)) end)
      assert.truthy(err:find('nn.QuantizedSeqLSTM: input must be a Float tensor', 1, true), err)
      ok, err = pcall(function() q:forward({F(3, 3), F(2, 2), F(5, 2, 4)}) end)
      assert.truthy(err:find('nn.QuantizedSeqLSTM: initial', 1, true), err)
      ok, err = pcall(function() q:setZeroMask(torch.ByteTensor(4, 2)); q:forward(F(5, 2, 4)) end)
      assert.truthy(err:find('mask', 1, true), err)
      q:setZeroMask(false)
      ok, err = pcall(function() q:backward(F(5, 2, 4), F(5, 2, 3)) end)
      assert.truthy(err:find('for inference only', 1, true), err)
      ok, err = pcall(function() q:double() end)
      assert.truthy(err:find('nn.QuantizedSeqLSTM: a quantized module runs in Float only', 1, true), err)
      local g = dl.quantize(nn.GRU(4, 3))
      ok, err = pcall(function() g:forward(F(2, 5)) end)
      assert.truthy(err:find('nn.QuantizedGRU: input of size 1x2x5', 1, true), err)
      ok, err = pcall(function() nn.QuantizedSeqGRU(nn.SeqLSTM(2, 2)) end)
      assert.truthy(err:find('nn.QuantizedSeqGRU: expected an nn.SeqGRU to quantize, got nn.SeqLSTM', 1, true), err)
      ok, err = pcall(function() nn.QuantizedLSTM(nn.LSTM(2, 2), {mode = 'static'}) end)
      assert.truthy(err:find('mode must be dynamic', 1, true), err)
   end)
end)
