-- nngraph: graphs of modules (nn.gModule) against the same maths written as nn.Sequential
-- or by hand with tensor operations, float64 gradient checks (nn.Jacobian), the .t7 round
-- trip with Torch7's class names and sharing, the construction errors, and graph.dot.
require 'torch'
require 'nn'
require 'nngraph'
local H = require 'spec.helpers'

local D = torch.DoubleTensor
local near, vals, jac, jacp = H.near, H.vals, H.jac, H.jacp

local function line() return debug.getinfo(2, 'l').currentline end

-- max |a - b| over two tensors or nested tables of them
local function maxdiff(a, b)
   if torch.isTensor(a) then return (a - b):abs():max() end
   local m = 0
   assert.are.equal(#b, #a)
   for i = 1, #a do m = math.max(m, maxdiff(a[i], b[i])) end
   return m
end

-- float64 gradient checks w.r.t. the input and the flat parameters (of n elements)
local function gradcheck(m, input, n)
   jac(m, input)
   local p, dp = m:getParameters()
   assert.are.equal(n, p:nElement())
   jacp(m, input, p, dp)
end

local function mlp()
   local x = nn.Identity()()
   local l1 = nn.Linear(3, 4)(x)
   local y = nn.Linear(4, 2)(nn.Tanh()(l1))
   return nn.gModule({x}, {y}), x
end

-- The char-rnn LSTM cell: {x, prev_c, prev_h} -> {next_c, next_h}. With narrow, the gates
-- are cut with nn.Narrow instead of Reshape + SplitTable.
local function lstm(nin, nh, narrow)
   local x, prev_c, prev_h = nn.Identity()(), nn.Identity()(), nn.Identity()()
   local i2h = nn.Linear(nin, 4 * nh)(x):annotate{name = 'i2h'}
   local h2h = nn.Linear(nh, 4 * nh)(prev_h):annotate{name = 'h2h'}
   local sums = nn.CAddTable()({i2h, h2h})
   local n1, n2, n3, n4
   if narrow then
      n1, n2 = nn.Narrow(2, 1, nh)(sums), nn.Narrow(2, nh + 1, nh)(sums)
      n3, n4 = nn.Narrow(2, 2 * nh + 1, nh)(sums), nn.Narrow(2, 3 * nh + 1, nh)(sums)
   else
      n1, n2, n3, n4 = nn.SplitTable(2)(nn.Reshape(4, nh)(sums)):split(4)
   end
   local in_gate, forget_gate = nn.Sigmoid()(n1), nn.Sigmoid()(n2)
   local out_gate, in_transform = nn.Sigmoid()(n3), nn.Tanh()(n4)
   local next_c = nn.CAddTable()({nn.CMulTable()({forget_gate, prev_c}),
                                  nn.CMulTable()({in_gate, in_transform})})
   local next_h = nn.CMulTable()({out_gate, nn.Tanh()(next_c)})
   return nn.gModule({x, prev_c, prev_h}, {next_c, next_h})
end

local function findnamed(g, name)
   for _, node in ipairs(g.forwardnodes) do
      if node.data.annotations.name == name then return node.data.module end
   end
end

-- the LSTM step by hand, from the weights of the cell's i2h and h2h
local function lstmByHand(g, x, c, h, nh)
   local i2h, h2h = findnamed(g, 'i2h'), findnamed(g, 'h2h')
   local s = x * i2h.weight:t() + h * h2h.weight:t()
   s:add(i2h.bias:view(1, -1):expandAs(s)):add(h2h.bias:view(1, -1):expandAs(s))
   local function gate(k) return s:narrow(2, (k - 1) * nh + 1, nh) end
   local sig = function(t) return torch.cdiv(torch.ones(t:size()):typeAs(t), torch.exp(-t) + 1) end
   local i, f, o, t = sig(gate(1)), sig(gate(2)), sig(gate(3)), torch.tanh(gate(4))
   local nc = torch.cmul(f, c) + torch.cmul(i, t)
   return nc, torch.cmul(o, torch.tanh(nc))
end

describe('nngraph nodes', function()
   it('calling a module on nodes makes a node; on tensors it still runs forward', function()
      local x = nn.Identity()()
      assert.are.equal('nngraph.Node', torch.type(x))
      local lin = nn.Linear(3, 4)
      local h = lin(x)
      assert.are.equal(lin, h.data.module)
      assert.are.equal(x.data, h.data.mapindex[1])
      assert.are.equal(1, h.data.mapindex[x.data])
      assert.is_true(x.data.reverseMap[h])
      assert.are.equal(x, h.children[1])
      local s = nn.CAddTable()({h, x})
      assert.are.equal(2, #s.children)
      assert.are.equal(2, s.data.mapindex[x.data])
      -- forward through __call__ as before nngraph
      local m = nn.Linear(2, 1):double()
      m.weight:copy(D{{1, 2}}); m.bias:fill(0.5)
      near(vals(m(D{3, 4})), {11.5})
      local out, gin = m(D{3, 4}, D{2})
      near(vals(gin), {2, 4})
      local crit = nn.MSECriterion():double()
      near(crit(D{1, 2}, D{1, 4}), 2)
   end)

   it('annotate, split, and the node operators', function()
      local x = nn.Identity()()
      local named = nn.Tanh()(x):annotate{name = 'act', graphAttributes = {color = 'red'}}
      assert.are.equal('act', named.data.annotations.name)
      assert.are.equal('red', named.data.annotations.graphAttributes.color)
      assert.truthy(named.data.annotations._debugLabel:find('nngraph_spec.lua]:' .. (line() - 3), 1, true))
      local a, b, c = nn.SplitTable(1)(x):split(3)
      assert.are.equal(3, a.data.mapindex[1].nSplitOutputs)
      assert.are.same({1, 2, 3}, {a.data.selectindex, b.data.selectindex, c.data.selectindex})
      local only = nn.Identity()(x):split(1)
      assert.are.equal('nngraph.JustElement', torch.type(only.data.module))
      -- -module is a node without input, node - module chains
      local y = -nn.Identity()
      local z = y - nn.MulConstant(3) - nn.AddConstant(1)
      local g = nn.gModule({y}, {z}):double()
      near(vals(g:forward(D{1, 2})), {4, 7})
   end)

   it('nngraph.nest and nngraph.annotateNodes', function()
      local a, b = nn.Identity()(), nn.Identity()()
      local nested = nngraph.nest({a, {b}})
      local g = nn.gModule({a, b}, {nested}):double()
      local out = g:forward({D{1}, D{2}})
      near(vals(out), {{1}, {{2}}})
      local myHidden = nn.Tanh()(a)
      nngraph.annotateNodes()
      assert.are.equal('myHidden', myHidden.data.annotations.name)
   end)
end)

describe('nn.gModule', function()
   it('Linear -> Tanh -> Linear gives the numbers of the same nn.Sequential', function()
      local g = mlp():double()
      local lins = g:findModules('nn.Linear')
      assert.are.equal(2, #lins)
      local seq = nn.Sequential():add(lins[1]:clone()):add(nn.Tanh()):add(lins[2]:clone()):double()
      local x = torch.randn(5, 3):double()
      local gy = torch.randn(5, 2):double()
      assert.is_true(maxdiff(g:forward(x), seq:forward(x)) < 1e-12)
      g:zeroGradParameters(); seq:zeroGradParameters()
      assert.is_true(maxdiff(g:backward(x, gy), seq:backward(x, gy)) < 1e-12)
      local _, gp = g:parameters()
      local _, sp = seq:parameters()
      assert.are.equal(4, #gp)
      for i = 1, 4 do assert.is_true(maxdiff(gp[i], sp[i]) < 1e-12) end
      -- the same numbers written out: y = W2 tanh(W1 x + b1) + b2
      local h = torch.tanh(x * lins[1].weight:t() + lins[1].bias:view(1, 4):expand(5, 4))
      local y = h * lins[2].weight:t() + lins[2].bias:view(1, 2):expand(5, 2)
      assert.is_true(maxdiff(g.output, y) < 1e-12)
      -- scale accumulates
      g:zeroGradParameters()
      g:backward(x, gy, 0.5)
      assert.is_true(maxdiff(lins[1].gradWeight, sp[1] * 0.5) < 1e-12)
      gradcheck(g, D(4, 3), 3 * 4 + 4 + 4 * 2 + 2)
   end)

   it('fan-out: gradients from several consumers are summed', function()
      local x = nn.Identity()()
      local lin = nn.Linear(3, 3)
      local y = nn.CAddTable()({lin(x), nn.Tanh()(x), x})
      local g = nn.gModule({x}, {y}):double()
      local seq = nn.Sequential()
         :add(nn.ConcatTable():add(lin:clone()):add(nn.Tanh()):add(nn.Identity()))
         :add(nn.CAddTable()):double()
      local xin, gy = torch.randn(2, 3):double(), torch.randn(2, 3):double()
      assert.is_true(maxdiff(g:forward(xin), seq:forward(xin)) < 1e-12)
      local gi = g:backward(xin, gy)
      -- by hand: W^T gy + (1 - tanh^2) gy + gy
      local byhand = gy * lin.weight + torch.cmul(gy, -torch.cmul(torch.tanh(xin), torch.tanh(xin)) + 1) + gy
      assert.is_true(maxdiff(gi, byhand) < 1e-12)
      assert.is_true(maxdiff(gi, seq:backward(xin, gy)) < 1e-12)
      jac(g, D(2, 3))
   end)

   it('several inputs and outputs, nested tables', function()
      local a, b = nn.Identity()(), nn.Identity()()
      local p, q = b:split(2) -- b's input is the table {p, q}
      local sum = nn.CAddTable()({a, p})
      local prod = nn.CMulTable()({a, q})
      local pair = nn.Identity()({sum, prod}) -- one output that is a table
      local g = nn.gModule({a, b}, {nn.MulConstant(2)(a), pair}):double()
      assert.are.equal(2, g.nInputs)
      local out = g:forward({D{1, 2}, {D{10, 20}, D{3, 4}}})
      near(vals(out), {{2, 4}, {{11, 22}, {3, 8}}})
      local gi = g:backward({D{1, 2}, {D{10, 20}, D{3, 4}}}, {D{1, 1}, {D{1, 0}, D{0, 1}}})
      -- d/da: 2*1 + 1*[1,0] + q*[0,1] = {3, 2 + 4}; d/dp = [1,0]; d/dq = a*[0,1]
      near(vals(gi), {{3, 6}, {{1, 0}, {0, 2}}})
      jac(g, {D(3, 2), {D(3, 2), D(3, 2)}})
      H.raises(function() g:forward(D{1, 2}) end, 'nn.gModule: expected a table of 2 inputs, got a torch.DoubleTensor')
      H.raises(function() g:forward({D{1}}) end, 'nn.gModule: expected 2 inputs, got a table of 1')
      H.raises(function() g:backward({D{1, 2}, {D{1, 2}, D{1, 2}}}, {D{1, 1}}) end,
               'nn.gModule: expected 2 gradOutputs, got a table of 1')
   end)

   it('nodes and inputs without gradients', function()
      -- a module whose gradInput is nil: nothing flows back through it
      local pkg = {}
      local NoGrad = torch.class('nngraphspec.NoGrad', 'nn.Module', pkg)
      function NoGrad:updateOutput(input) self.output = input; return input end
      function NoGrad:updateGradInput() self.gradInput = nil; return nil end
      local x, c, idx = nn.Identity()(), nn.Identity()(), nn.Identity()()
      local blocked = nn.Linear(2, 2)
      local lin = nn.Linear(2, 2)
      local emb = nn.LookupTable(5, 2)
      local y = nn.CAddTable()({lin(x), pkg.NoGrad()(blocked(c)), emb(idx)})
      local g = nn.gModule({x, c, idx}, {y}):double()
      local xin, cin, iin = D{{1, 2}}, D{{3, 4}}, torch.LongTensor{{2, 2}}
      g:zeroGradParameters()
      g:forward({xin, cin, iin:view(1, 2):select(2, 1):view(1)})
      local gi = g:backward({xin, cin, iin:view(1, 2):select(2, 1):view(1)}, D{{1, -1}})
      near(vals(gi[1]), vals(D{{1, -1}} * lin.weight))
      near(vals(gi[2]), {{0, 0}})            -- no gradient reached c
      near(vals(gi[3]), {0})                  -- indices: LookupTable gives zeros
      near(vals(blocked.gradWeight), {{0, 0}, {0, 0}})
      near(vals(emb.gradWeight[2]), {1, -1})
      near(vals(lin.gradBias), {1, -1})
   end)

   it('a criterion on nodes becomes nn.ModuleFromCriterion', function()
      local pred, target = nn.Identity()(), nn.Identity()()
      local loss = nn.MSECriterion()({pred, target})
      assert.are.equal('nn.ModuleFromCriterion', torch.type(loss.data.module))
      local g = nn.gModule({pred, target}, {loss}):double()
      near(vals(g:forward({D{1, 2}, D{1, 4}})), {2})
      local gi = g:backward({D{1, 2}, D{1, 4}}, D{3})
      near(vals(gi), {{0, -6}, {0, 0}})   -- 3 * (p - t); no gradient w.r.t. the target
   end)

   it('an LSTM cell written the char-rnn way: by hand, and gradient checks', function()
      for _, narrow in ipairs({false, true}) do
         local nin, nh, B = 3, 4, 2
         local g = lstm(nin, nh, narrow):double()
         local x, c, h = torch.randn(B, nin):double(), torch.randn(B, nh):double(), torch.randn(B, nh):double()
         local out = g:forward({x, c, h})
         local nc, nhid = lstmByHand(g, x, c, h, nh)
         assert.is_true(maxdiff(out, {nc, nhid}) < 1e-12)
         local input = {D(B, nin), D(B, nh), D(B, nh)}
         gradcheck(g, input, nin * 4 * nh + 4 * nh + nh * 4 * nh + 4 * nh)
         -- a few steps over time with two clones sharing the parameters, as char-rnn does
         local clones = {g, g:clone('weight', 'bias', 'gradWeight', 'gradBias')}
         clones[2].modules[2].weight[1][1] = 0.25
         assert.are.equal(0.25, g.modules[2].weight[1][1])
         local s1 = clones[1]:forward({x, c, h})
         local s2 = clones[2]:forward({x, s1[1], s1[2]})
         local c1, h1 = lstmByHand(g, x, c, h, nh)
         local c2, h2 = lstmByHand(g, x, c1, h1, nh)
         assert.is_true(maxdiff(s2, {c2, h2}) < 1e-12)
      end
   end)

   it('the module protocol: training, type, clone, share, clearState, apply, replace', function()
      local x = nn.Identity()()
      local y = nn.Dropout(0.5)(nn.Linear(4, 4)(x))
      local g = nn.gModule({x}, {y}):float()
      assert.are.equal('torch.FloatTensor', g:type())
      g:evaluate()
      assert.is_false(g.modules[3].train)
      local xin = torch.randn(3, 4):float()
      local lin = g.modules[2]
      assert.is_true(maxdiff(g:forward(xin), lin:forward(xin)) < 1e-6)
      g:training()
      assert.is_true(g.modules[3].train)
      g:double()
      assert.are.equal('torch.DoubleTensor', g:type())
      assert.are.equal('torch.DoubleTensor', lin.weight:type())
      g:evaluate()
      assert.are.equal('torch.DoubleTensor', g:forward(xin:double()):type())
      -- clone: a deep copy; with names, shared
      local copy = g:clone()
      copy.modules[2].weight:fill(0)
      assert.is_true(lin.weight:abs():sum() > 0)
      assert.are_not.equal(copy.forwardnodes[2].data, g.forwardnodes[2].data)
      local tied = g:clone('weight', 'bias')
      tied.modules[2].weight:fill(7)
      assert.are.equal(7, lin.weight[1][1])
      local other = mlp():double()
      H.raises(function() other:share(g, 'weight') end, 'nn.gModule:share: expected an nn.gModule of the same structure')
      copy:share(g, 'weight', 'bias')
      assert.are.equal(7, copy.modules[2].weight[2][2])
      -- apply / listModules see the modules
      local n = 0
      g:apply(function() n = n + 1 end)
      assert.are.equal(4, n)
      assert.are.equal(4, #g:listModules())
      -- clearState empties the nodes' buffers
      g:forward(xin:double())
      g:backward(xin:double(), torch.randn(3, 4):double())
      g:clearState()
      for _, node in ipairs(g.forwardnodes) do
         assert.is_nil(node.data.input)
         assert.is_nil(node.data.gradOutput)
      end
      assert.are.equal(0, lin.output:nElement())
      H.raises(function() g:backward(xin:double(), torch.randn(3, 4):double()) end,
               'nn.gModule: backward (updateGradInput) called before forward')
      -- replace reaches the nodes
      g:replace(function(m) return torch.type(m) == 'nn.Dropout' and nn.Identity() or m end)
      assert.are.equal('nn.Identity', torch.type(g.forwardnodes[4].data.module))
      assert.are.equal('nn.Identity', torch.type(g.modules[3]))
      -- accUpdateGradParameters: w -= lr * dw
      local g2 = mlp():double()
      local w = g2.modules[2].weight:clone()
      local x2 = torch.randn(2, 3):double()
      g2:zeroGradParameters()
      g2:forward(x2); g2:backward(x2, torch.ones(2, 2):double())
      local dw = g2.modules[2].gradWeight:clone()
      g2:forward(x2); g2:accUpdateGradParameters(x2, torch.ones(2, 2):double(), 0.1)
      assert.is_true(maxdiff(g2.modules[2].weight, w - dw * 0.1) < 1e-12)
   end)

   it('a gModule inside a gModule and inside a Sequential', function()
      local inner = mlp():double()
      local x = nn.Identity()()
      local y = nn.Tanh()(inner(x))
      local outer = nn.gModule({x}, {y}):double()
      local seq = nn.Sequential():add(outer):add(nn.MulConstant(2)):double()
      local xin, gy = torch.randn(3, 3):double(), torch.randn(3, 2):double()
      local want = torch.tanh(inner:forward(xin)) * 2
      assert.is_true(maxdiff(seq:forward(xin), want) < 1e-12)
      seq:backward(xin, gy)
      gradcheck(seq, D(3, 3), 3 * 4 + 4 + 4 * 2 + 2)
   end)

   it('forwardnodes, backwardnodes, fg and bg', function()
      local g, x = mlp()
      assert.are.equal('graph.Graph', torch.type(g.fg))
      assert.are.equal('graph.Graph', torch.type(g.bg))
      assert.are.equal(6, #g.forwardnodes) -- input, Identity, Linear, Tanh, Linear, output
      local kinds = {}
      for i, node in ipairs(g.forwardnodes) do kinds[i] = torch.type(node.data.module) end
      assert.are.same({'nil', 'nn.Identity', 'nn.Linear', 'nn.Tanh', 'nn.Linear', 'nil'}, kinds)
      for i, node in ipairs(g.backwardnodes) do
         assert.are.equal(g.forwardnodes[#g.forwardnodes + 1 - i].data, node.data)
      end
      -- bg holds the nodes the script made; fg new nodes on the same data
      assert.are.equal(x, g.bg.nodes[g.bg.nodes[x]])
      assert.is_nil(g.fg.nodes[x])
      assert.are.equal(g.innode, g.forwardnodes[1])
      assert.are.equal(g.outnode, g.backwardnodes[1])
      for _, node in ipairs(g.forwardnodes) do
         assert.are.equal(node.id, node.data.forwardNodeId)
         assert.are.equal(node, g.fg.nodes[node.id])
      end
      assert.are.equal(5, #g.fg.edges)
      for _, e in ipairs(g.fg.edges) do assert.are.equal('graph.Edge', torch.type(e)) end
      assert.is_false(g.fg:hasCycle())
      assert.are.equal(1, #g.fg:roots())
      assert.are.equal(g.innode, g.fg:roots()[1])
      assert.are.equal(g.outnode, g.bg:roots()[1])
   end)

   it("the orders, ids and edges are those of Torch7's nngraph", function()
      -- recorded from torch/nngraph and torch/graph (their Lua code, run under dlua) on
      -- the same script: node id and kind in forwardnodes and backwardnodes, fg's edges
      local nin, nh = 3, 2
      local x, prev_c, prev_h = nn.Identity()(), nn.Identity()(), nn.Identity()()
      local i2h = nn.Linear(nin, 4 * nh)(x):annotate{name = 'i2h'}
      local h2h = nn.Linear(nh, 4 * nh)(prev_h):annotate{name = 'h2h'}
      local sums = nn.CAddTable()({i2h, h2h})
      local n1, n2, n3, n4 = nn.SplitTable(2)(nn.Reshape(4, nh)(sums)):split(4)
      local in_gate, forget_gate = nn.Sigmoid()(n1), nn.Sigmoid()(n2)
      local out_gate, in_transform = nn.Sigmoid()(n3), nn.Tanh()(n4)
      local next_c = nn.CAddTable()({nn.CMulTable()({forget_gate, prev_c}),
                                     nn.CMulTable()({in_gate, in_transform})})
      local next_h = nn.CMulTable()({out_gate, nn.Tanh()(next_c)})
      local y = nn.Linear(nh, 3)(next_h)
      local g = nn.gModule({x, prev_c, prev_h}, {next_c, next_h, y})
      local function kind(n)
         local d = n.data
         return n.id .. ':' .. (d.module and torch.type(d.module) or d.selectindex and ('sel' .. d.selectindex)
                                or d.nSplitOutputs and 'split' or '-')
      end
      local function list(nodes)
         local t = {}
         for i, n in ipairs(nodes) do t[i] = kind(n) end
         return table.concat(t, ' ')
      end
      assert.are.equal('21:- 19:split 28:sel1 26:nn.Identity 24:nn.Linear 29:sel3 27:nn.Identity 25:nn.Linear 23:nn.CAddTable 22:nn.Reshape 20:nn.SplitTable 18:split 14:sel2 9:nn.Sigmoid 15:sel2 10:nn.Identity 5:nn.CMulTable 16:sel1 11:nn.Sigmoid 17:sel4 12:nn.Tanh 6:nn.CMulTable 1:nn.CAddTable 13:sel3 7:nn.Sigmoid 8:nn.Tanh 3:nn.CMulTable 4:nn.Linear 2:-', list(g.forwardnodes))
      assert.are.equal('1:- 4:nn.Linear 3:nn.CMulTable 8:nn.Tanh 2:nn.CAddTable 5:nn.CMulTable 10:nn.Identity 15:sel2 7:nn.Sigmoid 13:sel3 9:nn.Sigmoid 14:sel2 6:nn.CMulTable 11:nn.Sigmoid 16:sel1 12:nn.Tanh 17:sel4 18:split 20:nn.SplitTable 22:nn.Reshape 23:nn.CAddTable 24:nn.Linear 26:nn.Identity 28:sel1 25:nn.Linear 27:nn.Identity 29:sel3 19:split 21:-', list(g.backwardnodes))
      local e = {}
      for i, edge in ipairs(g.fg.edges) do e[i] = edge.from.id .. '>' .. edge.to.id end
      assert.are.equal('1>2 3>2 4>2 5>1 6>1 7>3 8>3 3>4 9>5 10>5 11>6 12>6 13>7 1>8 14>9 15>10 16>11 17>12 18>13 18>14 19>15 18>16 18>17 20>18 21>19 22>20 23>22 24>23 25>23 26>24 27>25 28>26 29>27 19>28 19>29', table.concat(e, ' '))
      e = {}
      for i, edge in ipairs(g.bg.edges) do e[i] = edge.from.id .. '>' .. edge.to.id end
      assert.are.equal('1>2 1>3 1>4 2>5 2>6 3>7 3>8 4>3 5>9 5>10 6>11 6>12 7>13 8>2 9>14 10>15 11>16 12>17 13>18 14>18 15>19 16>18 17>18 18>20 19>21 20>22 22>23 23>24 23>25 24>26 25>27 26>28 27>29 28>19 29>19', table.concat(e, ' '))
      assert.are.same({21, 1, 1, 3}, {g.innode.id, #g.innode.children, g.outnode.id, #g.outnode.children})
   end)

   it('prints its nodes and their inputs', function()
      local a, b = nn.Identity()(), nn.Identity()()
      local s = nn.CAddTable()({nn.Linear(2, 2)(a), b}):annotate{name = 'sum'}
      local g = nn.gModule({a, b}, {s, nn.Tanh()(s)})
      assert.are.equal(table.concat({
         'nn.gModule {',
         '  (1): nn.Identity <- input[1]',
         '  (2): nn.Linear(2 -> 2) <- (1)',
         '  (3): nn.Identity <- input[2]',
         '  (4): nn.CAddTable "sum" <- (2), (3)',
         '  (5): nn.Tanh <- (4)',
         '  output <- (4), (5)',
         '}'}, '\n'), tostring(g))
   end)
end)

describe('nn.gModule saved and loaded', function()
   it('round trip with Torch7 class names, and sharing kept', function()
      local g = lstm(3, 2):double()
      local tied = g:clone('weight', 'bias', 'gradWeight', 'gradBias')
      local x = {torch.randn(2, 3):double(), torch.randn(2, 2):double(), torch.randn(2, 2):double()}
      local before = g:forward(x)
      before = {before[1]:clone(), before[2]:clone()}
      local file = os.tmpname()
      torch.save(file, {g = g, tied = tied})
      local raw = io.open(file, 'rb'):read('a')
      for _, name in ipairs({'nn.gModule', 'nngraph.Node', 'graph.Graph', 'graph.Edge'}) do
         assert.truthy(raw:find(name, 1, true), name)
      end
      local t = torch.load(file)
      os.remove(file)
      local g2, tied2 = t.g, t.tied
      assert.are.equal('nn.gModule', torch.type(g2))
      assert.are.equal('nngraph.Node', torch.type(g2.forwardnodes[1]))
      assert.are.equal('graph.Graph', torch.type(g2.fg))
      assert.are.equal('graph.Edge', torch.type(g2.bg.edges[1]))
      assert.is_true(maxdiff(g2:forward(x), before) < 1e-12)
      -- Torch7's fields
      for _, k in ipairs({'fg', 'bg', 'innode', 'outnode', 'forwardnodes', 'backwardnodes', 'modules', 'nInputs'}) do
         assert.is_not_nil(g2[k], k)
      end
      local d = g2.forwardnodes[3].data
      for _, k in ipairs({'annotations', 'mapindex', 'reverseMap', 'forwardNodeId'}) do
         assert.is_not_nil(d[k], k)
      end
      assert.are.equal(g2.modules[2], findnamed(g2, 'i2h'))
      -- the data are shared between fg and bg nodes, and reverse maps point at nodes
      assert.are.equal(g2.backwardnodes[#g2.backwardnodes].data, g2.innode.data)
      -- parameter sharing survives: the two modules still share storage
      g2.modules[2].weight:fill(0.5)
      assert.are.equal(0.5, tied2.modules[2].weight[1][1])
      tied2.modules[2].gradWeight:fill(2)
      assert.are.equal(2, g2.modules[2].gradWeight[2][3])
      -- a loaded module trains on: a backward pass and a gradient check
      jac(g2, {D(2, 3), D(2, 2), D(2, 2)})
      -- clearState before saving leaves weights only; loads and runs
      g2:clearState()
      local g3 = torch.deserialize(torch.serialize(g2))
      assert.is_true(maxdiff(g3:forward(x), g2:forward(x)) < 1e-12)
      -- very old files have no modules table: it is rebuilt from the nodes
      g3.modules = nil
      local g4 = torch.deserialize(torch.serialize(g3))
      assert.are.equal(#g2.modules, #g4.modules)
      assert.are.equal(findnamed(g4, 'h2h'), g4.modules[4])
      assert.is_true(maxdiff(g4:forward(x), g2:forward(x)) < 1e-12)
   end)

   it('torch.MemoryFile writeObject/readObject clones as char-rnn does', function()
      local g = mlp():double()
      local f = torch.MemoryFile('w'):binary()
      f:writeObject(g)
      local r = torch.MemoryFile(f:storage(), 'r'):binary()
      local c = r:readObject()
      r:close(); f:close()
      local x = torch.randn(2, 3):double()
      assert.is_true(maxdiff(c:forward(x), g:forward(x)) < 1e-12)
      c.modules[2].weight:zero()
      assert.is_true(g.modules[2].weight:abs():sum() > 0)
   end)
end)

describe('nn.gModule errors', function()
   local function raisesAt(f, ln, ...)
      local msg = H.raises(f, ...)
      assert.truthy(msg:find('nngraph_spec.lua:' .. ln .. ':', 1, true), msg)
      return msg
   end

   it('inputs and outputs that are not nodes', function()
      local x = nn.Identity()()
      local y = nn.Linear(2, 2)(x)
      raisesAt(function() nn.gModule({nn.Identity()}, {y}) end, line(),
               'nn.gModule: inputs[1] is an nn.Identity module, not a node: call it to make a node')
      raisesAt(function() nn.gModule({x, nil, x}, {y}) end, line(), 'nn.gModule: inputs[2] is nil')
      raisesAt(function() nn.gModule({x}, {torch.FloatTensor(2)}) end, line(),
               'nn.gModule: outputs[1] is a torch.FloatTensor, not an nngraph.Node')
      raisesAt(function() nn.gModule({x}, 'y') end, line(), 'nn.gModule: outputs must be a table of nodes, got string')
      raisesAt(function() nn.gModule({}, {y}) end, line(), 'nn.gModule: no inputs')
      raisesAt(function() nn.Linear(2, 2)(nn.Identity()) end, line(),
               'nn.Linear: input 1 is an nn.Identity module, not a node')
      raisesAt(function() nn.CAddTable()({x, nil, y}) end, line(), 'nn.CAddTable: input 2 is nil')
      raisesAt(function() nn.CAddTable()({}) end, line(), 'nn.CAddTable: an empty table of input nodes')
      raisesAt(function() nn.CAddTable()(x, y) end, line(), 'nn.CAddTable: pass several input nodes as one table')
   end)

   it('ambiguous double use', function()
      local x = nn.Identity()()
      local y = nn.Linear(2, 2)(x)
      raisesAt(function() nn.CAddTable()({x, x}) end, line(),
               'nn.CAddTable: inputs 1 and 2 are the same node')
      raisesAt(function() nn.gModule({x}, {y, y}) end, line(),
               'nn.gModule: outputs[2] is the same node as outputs[1]')
      raisesAt(function() nn.gModule({x, x}, {y}) end, line(),
               'nn.gModule: inputs[2] is the same node as inputs[1]')
      local lin = nn.Linear(2, 2)
      local a, b = lin(x), nil
      b = lin(y)
      raisesAt(function() nn.gModule({x}, {nn.CAddTable()({a, b})}) end, line(),
               'nn.gModule: one nn.Linear module is used by two nodes')
   end)

   it('a cycle, an output not reachable from the inputs, unused inputs and splits', function()
      local x = nn.Identity()()
      local b = nn.Linear(2, 2)(x)
      local c = nn.Tanh()(b)
      b:add(c, true) -- b now also takes input from c, which takes input from b
      local msg = raisesAt(function() nn.gModule({x}, {c}) end, line(), 'nn.gModule: the graph has a cycle')
      assert.truthy(msg:find('nn.Tanh (declared at', 1, true))

      local x2, stray = nn.Identity()(), nn.Identity()()
      local y2 = nn.CAddTable()({nn.Linear(2, 2)(x2), stray})
      raisesAt(function() nn.gModule({x2}, {y2}) end, line(),
               'nn.gModule: outputs[1] is not computed from the inputs alone: it depends on nn.Identity',
               'which takes no input and is not in the inputs table')
      local x3, unused = nn.Identity()(), nn.Identity()()
      local y3 = nn.Tanh()(x3)
      raisesAt(function() nn.gModule({x3, unused}, {y3}) end, line(),
               'nn.gModule: inputs[2], nn.Identity (declared at', 'is not used by any output')
      local x4 = nn.Identity()()
      local p = nn.SplitTable(1)(x4):split(3)
      local splitline = line() - 1
      raisesAt(function() nn.gModule({x4}, {p}) end, line(),
               'nn.gModule: 2 of the 3 outputs of split(3) at', 'nngraph_spec.lua:' .. splitline .. ' are unused')
      local x5 = nn.Identity()()
      local y5 = nn.Tanh()(x5)
      local _ = nn.Sigmoid()(x5) -- made but not an output
      raisesAt(function() nn.gModule({x5}, {y5}) end, line(),
               'nn.gModule: nn.Sigmoid (declared at', 'leads to no output')
      -- the failed constructions changed nothing: the graph still builds once fixed
      local x6 = nn.Identity()()
      local y6 = nn.Linear(2, 2)(x6)
      local stray6 = nn.Identity()()
      local z6 = nn.CAddTable()({y6, stray6})
      H.raises(function() nn.gModule({x6}, {z6}) end, 'not computed from the inputs alone')
      local g = nn.gModule({x6, stray6}, {z6})
      assert.are.equal(2, g.nInputs)
      -- an input that is already the input of another gModule
      raisesAt(function() nn.gModule({x6}, {y6}) end, line(), 'nn.gModule: inputs[1], nn.Identity',
               'takes input from another node')
   end)

   it('an error inside a module names the node', function()
      local g = mlp()
      local msg = H.raises(function() g:forward(torch.randn(5)) end, 'In node 4 of nn.gModule, nn.Linear (declared at', 'nn.Linear: input of size 5')
      assert.truthy(msg:find('nngraph_spec.lua', 1, true))
      local x = nn.Identity()()
      local a, b = x:split(2)
      local g2 = nn.gModule({x}, {nn.CAddTable()({a, b})})
      H.raises(function() g2:forward({torch.randn(2), torch.randn(2), torch.randn(2)}) end,
               'split(2) cannot split a table of 3 elements')
      H.raises(function() g2:forward(torch.randn(2):float()) end, 'split(2) cannot split a torch.FloatTensor')
   end)
end)

describe('graph', function()
   it('graph.Graph, graph.Node, graph.Edge: add, reverse, roots, leaves, topsort, cycles', function()
      local n = {}
      for i = 1, 4 do n[i] = graph.Node(i) end
      local g = graph.Graph()
      g:add(graph.Edge(n[1], n[2]))
      g:add({graph.Edge(n[1], n[3]), graph.Edge(n[2], n[4]), graph.Edge(n[3], n[4])})
      g:add(graph.Edge(n[1], n[2])) -- n[1] -> n[2] again: the nodes are not repeated
      assert.are.equal(4, #g.nodes)
      assert.are.equal(5, #g.edges)
      assert.are.same({1, 2, 3, 4}, {n[1].id, n[2].id, n[3].id, n[4].id})
      assert.are.equal(2, #n[1].children)
      assert.are.equal(n[1], g:roots()[1])
      assert.are.equal(n[4], g:leaves()[1])
      local order = {}
      for i, node in ipairs(g:topsort()) do order[i] = node.data end
      assert.are.same({1, 2, 3, 4}, order)
      local r, map = g:reverse()
      assert.are.equal(map[n[4]], r:roots()[1])
      assert.are.equal(4, map[n[4]].data)
      local seen = {}
      n[1]:bfs(function(node) seen[#seen + 1] = node.data end)
      assert.are.same({1, 2, 3, 4}, seen)
      seen = {}
      n[1]:dfs(function(node) seen[#seen + 1] = node.data end)
      assert.are.same({4, 2, 3, 1}, seen)
      assert.is_false(g:hasCycle())
      g:add(graph.Edge(n[4], n[1]))
      assert.is_true(g:hasCycle())
      assert.is_true(n[1]:hasCycle())
      H.raises(function() g:topsort() end, 'graph.Graph:topsort: the graph has a cycle')
      assert.are.equal(4, #g:clone().nodes)
   end)

   it('graph.dot writes the .dot file of a gModule', function()
      local x = nn.Identity()()
      local h = nn.Linear(3, 4)(x):annotate{name = 'hidden', graphAttributes = {color = 'red', style = 'filled'}}
      local y = nn.Tanh()(h)
      local g = nn.gModule({x}, {y})
      g:forward(torch.randn(3))
      local base = os.tmpname()
      os.remove(base)
      local dotpath, svgpath = graph.dot(g.fg, 'my net', base)
      assert.are.equal(base .. '.dot', dotpath)
      local text = io.open(dotpath):read('a')
      os.remove(dotpath)
      if svgpath then
         assert.truthy(io.open(svgpath):read('a'):find('<svg', 1, true))
         os.remove(svgpath)
      end
      assert.truthy(text:find('^digraph G {\n'))
      assert.truthy(text:find('label="my net";', 1, true))
      local id = h.data.forwardNodeId
      assert.truthy(text:find(string.format('n%d[label="hidden (%d)\\nmodule = nn.Linear(3 -> 4)\\linput = {Tensor[3]}" color=red style=filled tooltip="[', id, id), 1, true), text)
      local edges = {}
      for a, b in text:gmatch('\nn(%d+) %-> n(%d+);') do edges[#edges + 1] = {tonumber(a), tonumber(b)} end
      assert.are.equal(#g.fg.edges, #edges)
      for i, e in ipairs(g.fg.edges) do assert.are.same({e.from.id, e.to.id}, edges[i]) end
      local nodes = 0
      for _ in text:gmatch('\nn%d+%[label=') do nodes = nodes + 1 end
      assert.are.equal(#g.fg.nodes, nodes)
      assert.truthy(text:find('}\n$'))
      H.raises(function() graph.dot(g, 't', base) end, 'graph.dot: argument 1: expected a graph.Graph')
   end)

   it('nngraph.setDebug writes the graph with the failing node', function()
      local dir = os.tmpname()
      os.remove(dir)
      local g = mlp()
      g.name = dir
      nngraph.setDebug(true)
      local ok, msg = pcall(g.forward, g, torch.randn(5))
      nngraph.setDebug(false)
      assert.is_false(ok)
      assert.truthy(msg:find('graph written to ' .. dir .. '.dot', 1, true), msg)
      local text = io.open(dir .. '.dot'):read('a')
      os.remove(dir .. '.dot'); os.remove(dir .. '.svg')
      local id = g.forwardnodes[3].data.forwardNodeId
      assert.are.equal(g.modules[2], g.forwardnodes[3].data.module)
      assert.truthy(text:find(string.format('n%d[style=filled, fillcolor=red];', id), 1, true), text)
   end)
end)
