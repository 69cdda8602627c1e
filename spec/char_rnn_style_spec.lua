-- A program in the style of karpathy/char-rnn (written for this spec, not char-rnn's code):
-- an LSTM cell built with nngraph, cloned over time through a MemoryFile and sharing its
-- parameters with Tensor:set, trained a few steps by BPTT, against the same cell as the
-- fused nn.LSTM given the same weights; and a checkpoint of the protos saved with
-- torch.save that loads back and samples the same text from the same seed.
require 'torch'
require 'nn'
require 'nn.rnn'
require 'nngraph'
require 'optim'

local D = torch.DoubleTensor

-- {x, prev_c, prev_h} -> {next_c, next_h, logprobs}, gates in char-rnn's order i, f, o, g.
-- h2h has no bias, so that the cell has one bias per gate as nn.LSTM has (two biases that
-- receive the same gradient would move twice as fast under SGD).
local function cell(V, H, narrow)
   local x, prev_c, prev_h = nn.Identity()(), nn.Identity()(), nn.Identity()()
   local i2h = nn.Linear(V, 4 * H)(x):annotate{name = 'i2h'}
   local h2h = nn.Linear(H, 4 * H, false)(prev_h):annotate{name = 'h2h'}
   local sums = nn.CAddTable()({i2h, h2h})
   local gates = {}
   if narrow then
      for k = 1, 4 do gates[k] = nn.Narrow(2, (k - 1) * H + 1, H)(sums) end
   else
      gates = {nn.SplitTable(2)(nn.Reshape(4, H)(sums)):split(4)}
   end
   local squash = {nn.Sigmoid, nn.Sigmoid, nn.Sigmoid, nn.Tanh}
   for k = 1, 4 do gates[k] = squash[k]()(gates[k]) end
   local i, f, o, g = table.unpack(gates)
   local next_c = nn.CAddTable()({nn.CMulTable()({f, prev_c}), nn.CMulTable()({i, g})})
   local next_h = nn.CMulTable()({o, nn.Tanh()(next_c)})
   local proj = nn.Linear(H, V)(next_h):annotate{name = 'decoder'}
   local logsoft = nn.LogSoftMax()(proj)
   return nn.gModule({x, prev_c, prev_h}, {next_c, next_h, logsoft})
end

local function named(g, name)
   for _, node in ipairs(g.forwardnodes) do
      if node.data.annotations.name == name then return node.data.module end
   end
   error('no node named ' .. name)
end

-- char-rnn's way of cloning: write the prototype once, read it back T times, and make each
-- clone's parameters and gradients views of the prototype's (Tensor:set).
local function cloneManyTimes(net, T)
   local params, grads = net:parameters()
   local mem = torch.MemoryFile('w'):binary()
   mem:writeObject(net)
   local clones = {}
   for t = 1, T do
      local reader = torch.MemoryFile(mem:storage(), 'r'):binary()
      local clone = reader:readObject()
      reader:close()
      local cp, cg = clone:parameters()
      for i = 1, #params do
         cp[i]:set(params[i])
         cg[i]:set(grads[i])
      end
      clones[t] = clone
   end
   mem:close()
   return clones
end

local function onehot(idx, V)
   local x = D(idx:size(1), V):zero()
   for b = 1, idx:size(1) do x[b][idx[b]] = 1 end
   return x
end

-- a tiny corpus: T steps of B sequences over V characters, targets the next character
local V, H, T, B = 5, 4, 6, 3
local function corpus()
   local text = {1, 2, 3, 4, 5, 1, 3, 5, 2, 4, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 4, 3, 2}
   local x, y = torch.LongTensor(T, B), torch.LongTensor(T, B)
   for b = 1, B do
      for t = 1, T do
         x[t][b] = text[(b - 1) * T + t]
         y[t][b] = text[(b - 1) * T + t + 1]
      end
   end
   return x, y
end

describe('a char-rnn style LSTM (nngraph, cloned through a MemoryFile)', function()
   local saved
   before_each(function()
      saved = torch.getdefaulttensortype()
      torch.setdefaulttensortype('torch.DoubleTensor')
   end)
   after_each(function() torch.setdefaulttensortype(saved) end)

   for _, narrow in ipairs({false, true}) do
      it('trains to the same losses as the fused nn.LSTM' .. (narrow and ' (Narrow gates)' or ''),
         function()
         torch.manualSeed(7)
         local proto = cell(V, H, narrow)
         local params, grads = proto:getParameters()
         params:uniform(-0.5, 0.5)
         local clones = cloneManyTimes(proto, T)
         local crits = {}
         for t = 1, T do crits[t] = nn.ClassNLLCriterion() end

         -- the same cell fused: nn.LSTM weight is 4H x (V + H), gates i, f, g, o
         local lstm = nn.LSTM(V, H)
         local seq = nn.Sequencer(lstm)
         local dec = nn.Sequential():add(nn.Linear(H, V)):add(nn.LogSoftMax())
         local fcrit = nn.ClassNLLCriterion()
         local i2h, h2h = named(proto, 'i2h'), named(proto, 'h2h')
         local fused_of = {1, 2, 4, 3}   -- graph gate k (i, f, o, g) -> fused block
         for k = 1, 4 do
            local rows = {(fused_of[k] - 1) * H + 1, fused_of[k] * H}
            local src = {(k - 1) * H + 1, k * H}
            lstm.weight[{rows, {1, V}}]:copy(i2h.weight[{src, {}}])
            lstm.weight[{rows, {V + 1, V + H}}]:copy(h2h.weight[{src, {}}])
            lstm.bias[{rows}]:copy(i2h.bias[{src}])
         end
         dec.modules[1].weight:copy(named(proto, 'decoder').weight)
         dec.modules[1].bias:copy(named(proto, 'decoder').bias)
         local fparams, fgrads = nn.Sequential():add(seq):add(dec):getParameters()
         assert.are.equal(params:nElement(), fparams:nElement())

         local x, y = corpus()
         local xs = {}
         for t = 1, T do xs[t] = onehot(x[t], V) end
         local X = D(T, B, V)
         for t = 1, T do X[t]:copy(xs[t]) end
         local Y = y:view(T * B)

         -- the graph: forward through the clones, BPTT in reverse, grads / T (char-rnn)
         local function feval_graph(p)
            if p ~= params then params:copy(p) end
            grads:zero()
            local c, h = {[0] = D(B, H):zero()}, {[0] = D(B, H):zero()}
            local lsm, loss = {}, 0
            for t = 1, T do
               clones[t]:training()
               local out = clones[t]:forward({xs[t], c[t - 1], h[t - 1]})
               c[t], h[t], lsm[t] = out[1], out[2], out[3]
               loss = loss + crits[t]:forward(lsm[t], y[t])
            end
            local dc, dh = D(B, H):zero(), D(B, H):zero()
            for t = T, 1, -1 do
               local dlsm = crits[t]:backward(lsm[t], y[t])
               local gin = clones[t]:backward({xs[t], c[t - 1], h[t - 1]}, {dc, dh, dlsm})
               dc, dh = gin[2], gin[3]
            end
            grads:div(T)
            return loss / T, grads
         end

         local function feval_fused(p)
            if p ~= fparams then fparams:copy(p) end
            fgrads:zero()
            local hs = seq:forward(X)
            local out = dec:forward(hs:view(T * B, H))
            local loss = fcrit:forward(out, Y)
            local gout = dec:backward(hs:view(T * B, H), fcrit:backward(out, Y))
            seq:backward(X, gout:view(T, B, H))
            return loss, fgrads
         end

         local sg, sf = {learningRate = 0.05}, {learningRate = 0.05}
         local lg, lf = {}, {}
         for step = 1, 5 do
            local _, a = optim.rmsprop(feval_graph, params, sg)
            local _, b = optim.rmsprop(feval_fused, fparams, sf)
            lg[step], lf[step] = a[1], b[1]
            assert.is_true(math.abs(a[1] - b[1]) < 1e-6,
               ('step %d: graph %.12f fused %.12f'):format(step, a[1], b[1]))
         end
         assert.is_true(lg[5] < lg[1], 'training lowers the loss')
         -- the clones still share the prototype's storage after the steps
         for t = 1, T do
            local cp = clones[t]:parameters()
            local pp = proto:parameters()
            for i = 1, #pp do assert.is_true(torch.pointer(cp[i]:storage()) ==
               torch.pointer(pp[i]:storage()) or cp[i]:storage() == pp[i]:storage()) end
         end
      end)
   end

   -- sample n characters as char-rnn's sampler does: prime, then draw from exp(lsm / temp)
   local function sample(protos, vocab, seed, n, temperature)
      local ivocab = {}
      for ch, i in pairs(vocab) do ivocab[i] = ch end
      torch.manualSeed(seed)
      protos.rnn:evaluate()
      local state = {torch.zeros(1, protos.opt_H):double(), torch.zeros(1, protos.opt_H):double()}
      local prediction
      local out = {}
      for ch in ('ab'):gmatch('.') do
         local lst = protos.rnn:forward({onehot(torch.LongTensor{vocab[ch]}, #ivocab),
                                         state[1], state[2]})
         state = {lst[1]:clone(), lst[2]:clone()}
         prediction = lst[3]
      end
      for _ = 1, n do
         local probs = torch.exp(torch.div(prediction, temperature)):squeeze()
         probs:div(probs:sum())
         local idx = torch.multinomial(probs:float(), 1):resize(1):long()
         out[#out + 1] = ivocab[idx[1]]
         local lst = protos.rnn:forward({onehot(idx, #ivocab), state[1], state[2]})
         state = {lst[1]:clone(), lst[2]:clone()}
         prediction = lst[3]
      end
      return table.concat(out)
   end

   it('saves a checkpoint of protos, opt, vocab and losses that samples the same text', function()
      torch.manualSeed(3)
      local vocab = {a = 1, b = 2, c = 3, d = 4, [' '] = 5}
      local protos = {rnn = cell(V, H), criterion = nn.ClassNLLCriterion(), opt_H = H}
      protos.rnn:getParameters():uniform(-1, 1)
      local file = os.tmpname()
      local checkpoint = {protos = protos, opt = {rnn_size = H, model = 'lstm', seed = 3},
                          vocab = vocab, train_losses = {4.1, 3.9}, val_losses = {[2] = 3.8},
                          epoch = 0.5, i = 2}
      torch.save(file, checkpoint)
      local back = torch.load(file)
      os.remove(file)
      assert.are.equal('nn.gModule', torch.typename(back.protos.rnn))
      assert.are.equal('nn.ClassNLLCriterion', torch.typename(back.protos.criterion))
      assert.are.same(checkpoint.opt, back.opt)
      assert.are.same(vocab, back.vocab)
      assert.are.same(checkpoint.train_losses, back.train_losses)
      assert.are.equal(3.8, back.val_losses[2])
      local a = sample(protos, vocab, 11, 40, 0.8)
      local b = sample(back.protos, back.vocab, 11, 40, 0.8)
      assert.are.equal(40, #a)
      assert.are.equal(a, b)
      -- a clone set made from the loaded prototype computes what the original does
      local x = onehot(torch.LongTensor{1, 3}, V)
      local z = D(2, H):zero()
      local o1 = protos.rnn:forward({x, z, z})[3]:clone()
      local o2 = cloneManyTimes(back.protos.rnn, 2)[2]:forward({x, z, z})[3]
      assert.is_true((o1 - o2):abs():max() < 1e-12)
   end)
end)
