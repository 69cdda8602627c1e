-- nn.Module protocol: Linear, parameters, getParameters, share, clone, type, traversal,
-- printing, buffers, errors, and nn.Jacobian itself.
require 'torch'
require 'nn'
local H = require 'spec.helpers'

local function near(a, b, tol) H.near(a, b, tol or 1e-6) end

local sid = function(t) return torch._nn.storageid(t) end

-- A Linear(2 -> 3) with known weights, in double.
local function known_linear(bias)
   local m = nn.Linear(2, 3, bias):double()
   m.weight:copy(torch.DoubleTensor{{1, 2}, {3, 4}, {5, 6}})
   if m.bias then m.bias:copy(torch.DoubleTensor{0.5, -1, 2}) end
   return m
end

describe('nn.Linear', function()
   it('computes W x + b for one sample and for a batch', function()
      local m = known_linear()
      near(m:forward(torch.DoubleTensor{1, -1}):totable(), {-0.5, -2, 1})
      assert.are.equal(1, m.output:dim())
      near(m:forward(torch.DoubleTensor{{1, -1}, {2, 0}}):totable(),
           {{-0.5, -2, 1}, {2.5, 5, 12}})
   end)

   it('works without bias', function()
      local m = known_linear(false)
      assert.is_nil(m.bias)
      near(m:forward(torch.DoubleTensor{{1, -1}, {2, 0}}):totable(), {{-1, -1, -1}, {2, 6, 10}})
      local p = m:parameters()
      assert.are.equal(1, #p)
      assert.are.equal('nn.Linear(2 -> 3) without bias', tostring(m))
   end)

   it('computes gradInput, gradWeight and gradBias by hand', function()
      local m = known_linear()
      local x = torch.DoubleTensor{{1, -1}, {2, 0}}
      local g = torch.DoubleTensor{{1, 0, -1}, {0, 1, 0}}
      m:zeroGradParameters()
      m:forward(x)
      near(m:backward(x, g):totable(), {{-4, -4}, {3, 4}})
      near(m.gradWeight:totable(), {{1, -1}, {2, 0}, {-1, 1}})
      near(m.gradBias:totable(), {1, 1, -1})
      -- accumulates, with scale
      m:backward(x, g, 0.5)
      near(m.gradWeight:totable(), {{1.5, -1.5}, {3, 0}, {-1.5, 1.5}})
      near(m.gradBias:totable(), {1.5, 1.5, -1.5})
   end)

   it('takes non-contiguous input (a transposed view)', function()
      local m = known_linear()
      local xt = torch.DoubleTensor{{1, 2}, {-1, 0}}:t()
      near(m:forward(xt):totable(), {{-0.5, -2, 1}, {2.5, 5, 12}})
   end)

   it('initializes uniformly in +-1/sqrt(inputSize), through torch.manualSeed', function()
      torch.manualSeed(1)
      local a = nn.Linear(16, 8)
      torch.manualSeed(1)
      local b = nn.Linear(16, 8)
      local bound = 1 / math.sqrt(16)
      local lo, hi = math.huge, -math.huge
      for _, row in ipairs(a.weight:totable()) do
         for _, v in ipairs(row) do lo, hi = math.min(lo, v), math.max(hi, v) end
      end
      assert.is_true(lo >= -bound and hi <= bound)
      assert.is_true(hi - lo > bound) -- spread, not constant
      assert.are.same(a.weight:totable(), b.weight:totable())
      assert.are.same(a.bias:totable(), b.bias:totable())
   end)

   it('passes the gradient checks in float64 (batch and single sample)', function()
      local m = nn.Linear(5, 3):double()
      assert.is_true(nn.Jacobian.testJacobian(m, torch.DoubleTensor(4, 5)) < 1e-6)
      assert.is_true(nn.Jacobian.testJacobian(m, torch.DoubleTensor(5)) < 1e-6)
      assert.is_true(nn.Jacobian.testJacobianParameters(m, torch.DoubleTensor(4, 5), m.weight, m.gradWeight) < 1e-6)
      assert.is_true(nn.Jacobian.testJacobianParameters(m, torch.DoubleTensor(4, 5), m.bias, m.gradBias) < 1e-6)
      assert.is_true(nn.Jacobian.testJacobianParameters(m, torch.DoubleTensor(5), m.weight, m.gradWeight) < 1e-6)
      assert.is_true(nn.Jacobian.testJacobianUpdateParameters(m, torch.DoubleTensor(4, 5), m.weight) < 1e-6)
      local nb = nn.Linear(3, 2, false):double()
      assert.is_true(nn.Jacobian.testJacobianParameters(nb, torch.DoubleTensor(2, 3), nb.weight, nb.gradWeight) < 1e-6)
   end)

   it('raises errors naming the module and the sizes', function()
      local m = nn.Linear(4, 3):float()
      H.raises(function() m:forward(torch.FloatTensor(2, 5)) end,
               'nn.Linear: input of size 2x5, expected 4 features (weight 3x4)')
      H.raises(function() m:forward(torch.FloatTensor(5)) end,
               'nn.Linear: input of size 5, expected 4 features or a batch N x 4')
      H.raises(function() m:forward(torch.FloatTensor(2, 3, 4)) end, 'nn.Linear: input of size 2x3x4')
      H.raises(function() m:forward(torch.DoubleTensor(2, 4)) end,
               'nn.Linear: weight is a Float tensor, input a Double tensor (convert with :type())')
      H.raises(function() m:forward({}) end, 'nn.Linear: input must be a tensor')
      H.raises(function() nn.Linear(0, 3) end, 'nn.Linear: expected positive integer sizes')
   end)

   it('reuses its output and gradInput buffers from batch to batch', function()
      local m = nn.Linear(4, 3)
      local x, g = torch.Tensor(8, 4):uniform(), torch.Tensor(8, 3):uniform()
      m:forward(x)
      m:backward(x, g)
      local o, gi = sid(m.output), sid(m.gradInput)
      for _ = 1, 3 do
         m:forward(x)
         m:backward(x, g)
      end
      assert.are.equal(o, sid(m.output))
      assert.are.equal(gi, sid(m.gradInput))
   end)
end)

describe('nn.Module', function()
   it('forward, backward and __call__ follow the protocol', function()
      local m = known_linear()
      local x = torch.DoubleTensor{{1, -1}}
      local out, gin = m(x, torch.DoubleTensor{{1, 0, 0}})
      near(out:totable(), {{-0.5, -2, 1}})
      near(gin:totable(), {{1, 2}})
      assert.are.equal(m.output, m(x))
   end)

   it('parameters() lists weights and gradients in order', function()
      local s = nn.Sequential():add(nn.Linear(2, 3)):add(nn.Identity()):add(nn.Linear(3, 1, false))
      local p, g = s:parameters()
      assert.are.equal(3, #p)
      assert.are.equal(s.modules[1].weight, p[1])
      assert.are.equal(s.modules[1].bias, p[2])
      assert.are.equal(s.modules[3].weight, p[3])
      assert.are.equal(s.modules[1].gradWeight, g[1])
      assert.are.equal(s.modules[3].gradWeight, g[3])
      assert.is_nil(nn.Identity():parameters())
   end)

   it('zeroGradParameters and updateParameters', function()
      local m = known_linear()
      m.gradWeight:fill(1)
      m.gradBias:fill(2)
      m:updateParameters(0.5)
      near(m.weight:totable(), {{0.5, 1.5}, {2.5, 3.5}, {4.5, 5.5}})
      near(m.bias:totable(), {-0.5, -2, 1})
      m:zeroGradParameters()
      near(m.gradWeight:totable(), {{0, 0}, {0, 0}, {0, 0}})
      near(m.gradBias:totable(), {0, 0, 0})
   end)

   it('training() and evaluate() set the train flag through containers', function()
      local d = nn.Dropout(0.5)
      local s = nn.Sequential():add(nn.Linear(2, 2)):add(d)
      s:evaluate()
      assert.is_false(s.train)
      assert.is_false(d.train)
      s:training()
      assert.is_true(s.train)
      assert.is_true(d.train)
   end)

   it('user modules made with torch.class work like built-ins', function()
      local Twice, parent = torch.class('nn.SpecTwice', 'nn.Module')
      function Twice:updateOutput(input)
         self.output:resizeAs(input):copy(input)
         torch._nn.activation_forward(self.output, self.output, 'MulConstant', 2)
         return self.output
      end
      function Twice:updateGradInput(input, gradOutput)
         self.gradInput:resizeAs(gradOutput):copy(gradOutput)
         torch._nn.activation_forward(self.gradInput, self.gradInput, 'MulConstant', 2)
         return self.gradInput
      end
      local s = nn.Sequential():add(nn.SpecTwice()):add(nn.SpecTwice())
      near(s:forward(torch.Tensor{1, 2}):totable(), {4, 8})
      assert.is_true(torch.isTypeOf(s.modules[1], 'nn.Module'))
      assert.are.equal('nn.SpecTwice', tostring(s.modules[1]))
      assert.are.equal(2, #s:findModules('nn.SpecTwice'))
      assert.is_true(nn.Jacobian.testJacobian(nn.SpecTwice():double(), torch.DoubleTensor(3)) < 1e-6)
   end)
end)

describe('getParameters', function()
   local function mlp()
      return nn.Sequential():add(nn.Linear(3, 4)):add(nn.Identity()):add(nn.Linear(4, 2))
   end

   it('returns one flat tensor of every weight, in order, that the modules view', function()
      local s = mlp()
      local w1 = s.modules[1].weight:clone()
      local b2 = s.modules[3].bias:clone()
      local p, g = s:getParameters()
      assert.are.equal(1, p:dim())
      assert.are.equal(12 + 4 + 8 + 2, p:nElement())
      assert.are.equal(p:nElement(), g:nElement())
      -- values kept, in order
      assert.are.same(w1:totable(), p:narrow(1, 1, 12):view(4, 3):totable())
      assert.are.same(b2:totable(), p:narrow(1, 25, 2):totable())
      -- weights are views into p, gradients into g
      p[1] = 42
      assert.are.equal(42, s.modules[1].weight[1][1])
      g:fill(0)
      s.modules[3].gradBias[2] = 7
      assert.are.equal(7, g[26])
   end)

   it('a second call keeps sharing with the first flat tensors', function()
      local s = mlp()
      local p1, g1 = s:getParameters()
      local p2, g2 = s:getParameters()
      assert.are.equal(sid(p1), sid(p2))
      assert.are.equal(sid(g1), sid(g2))
      p1[5] = -3
      assert.are.equal(-3, p2[5])
      assert.are.equal(-3, s.modules[1].weight[2][2])
   end)

   it('an optimizer step on the flat tensor changes the modules weights', function()
      local s = mlp():double()
      local p, g = s:getParameters()
      local x = torch.DoubleTensor(5, 3):uniform(-1, 1)
      s:zeroGradParameters()
      s:forward(x)
      s:backward(x, torch.DoubleTensor(5, 2):fill(1))
      local before = s.modules[3].weight:clone()
      local gw = s.modules[3].gradWeight:clone()
      for i = 1, p:nElement() do p[i] = p[i] - 0.1 * g[i] end -- plain SGD on the flat view
      for i = 1, 2 do
         for j = 1, 4 do near(s.modules[3].weight[i][j], before[i][j] - 0.1 * gw[i][j], 1e-12) end
      end
      assert.is_true(math.abs(gw[1][1]) > 0)
   end)

   it('keeps shared parameters shared (counted once)', function()
      local a = nn.Linear(3, 3)
      local b = a:clone('weight', 'bias', 'gradWeight', 'gradBias')
      local s = nn.Sequential():add(a):add(b)
      local p = s:getParameters()
      assert.are.equal(12, p:nElement())
      p[1] = 9
      assert.are.equal(9, a.weight[1][1])
      assert.are.equal(9, b.weight[1][1])
   end)

   it('survives :double() (sharing is kept through type conversions)', function()
      local s = mlp()
      s:getParameters()
      s:double()
      local p = s:getParameters()
      assert.are.equal('torch.DoubleTensor', p:type())
      assert.are.equal(26, p:nElement())
      p[1] = 0.25
      assert.are.equal(0.25, s.modules[1].weight[1][1])
      assert.are.equal(sid(p), sid(s.modules[3].bias))
   end)

   it('raises when weights and gradients are not laid out alike', function()
      local a = nn.Linear(2, 2)
      local b = nn.Linear(2, 2)
      b:share(a, 'weight') -- weights shared, gradients not
      local s = nn.Sequential():add(a):add(b)
      H.raises(function() s:getParameters() end, 'getParameters', '8 parameters but 12 gradients')
   end)
end)

describe('share and clone', function()
   it('share makes the named tensors the same', function()
      local a, b = nn.Linear(2, 2), nn.Linear(2, 2)
      b:share(a, 'weight', 'bias')
      assert.are.equal(sid(a.weight), sid(b.weight))
      a.bias[1] = 3
      assert.are.equal(3, b.bias[1])
      assert.are_not.equal(sid(a.gradWeight), sid(b.gradWeight))
   end)

   it('clone is a deep copy; with names it shares those', function()
      local s = nn.Sequential():add(known_linear())
      local c = s:clone()
      c.modules[1].weight[1][1] = 100
      assert.are.equal(1, s.modules[1].weight[1][1])
      assert.are.equal('nn.Linear', torch.type(c.modules[1]))
      near(c:forward(torch.DoubleTensor{0, 1}):totable(), {2.5, 3, 8})
      local l = known_linear()
      local shared = l:clone('weight', 'bias')
      shared.weight[2][2] = -1
      assert.are.equal(-1, l.weight[2][2])
   end)

   it('shared modules save and load, and backwardUpdate moves the shared weights', function()
      local a = nn.Linear(2, 1):double()
      a.weight:copy(torch.DoubleTensor{{1, 2}})
      a.bias:fill(0.5)
      local b = a:clone('weight', 'bias')
      -- saved as data: a function field (Torch7's way of marking sharing) would be refused
      local again = torch.deserialize(torch.serialize(nn.Sequential():add(a):add(b)))
      assert.are.same({{1, 2}}, again.modules[2].weight:totable())
      -- d(out)/dW = x, so W -= lr * go * x, through the gradients of b
      b:backwardUpdate(torch.DoubleTensor{3, 4}, torch.DoubleTensor{1}, 0.1)
      near(a.weight:totable(), {{1 - 0.3, 2 - 0.4}})
      near(a.bias:totable(), {0.4})
   end)

   it('clone keeps the sharing inside the module (flat parameters)', function()
      local s = nn.Sequential():add(nn.Linear(2, 3)):add(nn.Linear(3, 1))
      local p = s:getParameters()
      local c = s:clone()
      local cp = c:getParameters()
      assert.are_not.equal(sid(p), sid(cp))
      assert.are.equal(sid(cp), sid(c.modules[2].weight))
      cp[1] = 77
      assert.are.equal(77, c.modules[1].weight[1][1])
      assert.are_not.equal(77, s.modules[1].weight[1][1])
   end)
end)

describe('type, float, double', function()
   it('starts modules in training mode, as Torch7', function()
      assert.is_true(nn.Linear(2, 2).train)
      assert.is_true(nn.Sequential().train)
   end)

   it('tells the type of criteria whose gradInput is a table', function()
      assert.are.equal('torch.FloatTensor', nn.MarginRankingCriterion():float():type())
      assert.are.equal('torch.DoubleTensor', nn.CosineEmbeddingCriterion():double():type())
   end)

   it('converts every tensor, and type() tells the type', function()
      local m = nn.Linear(2, 2):float()
      assert.are.equal('torch.FloatTensor', m:type())
      m:double()
      assert.are.equal('torch.DoubleTensor', m:type())
      assert.are.equal('torch.DoubleTensor', m.weight:type())
      assert.are.equal('torch.DoubleTensor', m.gradBias:type())
      assert.are.equal('torch.DoubleTensor', m.output:type())
      m:float()
      assert.are.equal('torch.FloatTensor', m.gradWeight:type())
   end)
end)

describe('traversal', function()
   local function tree()
      local inner = nn.Sequential():add(nn.Linear(2, 2)):add(nn.Identity())
      return nn.Sequential():add(nn.Linear(2, 2)):add(inner):add(nn.Identity()), inner
   end

   it('listModules lists depth first', function()
      local s, inner = tree()
      local l = s:listModules()
      assert.are.equal(6, #l)
      assert.are.equal(s, l[1])
      assert.are.equal(inner, l[3])
      assert.are.equal('nn.Identity', torch.type(l[5]))
   end)

   it('findModules returns the modules and their containers', function()
      local s, inner = tree()
      local found, containers = s:findModules('nn.Identity')
      assert.are.equal(2, #found)
      assert.are.equal(inner, containers[1])
      assert.are.equal(s, containers[2])
      assert.are.equal(0, #s:findModules('nn.Tanh'))
   end)

   it('apply visits every module', function()
      local s = tree()
      local n = 0
      s:apply(function(m) n = n + 1; m.visited = true end)
      assert.are.equal(6, n)
      assert.is_true(s.modules[2].modules[2].visited)
   end)

   it('replace swaps modules', function()
      local s = tree()
      s = s:replace(function(m)
         if torch.typename(m) == 'nn.Identity' then return nn.MulConstant(2) end
         return m
      end)
      assert.are.equal(2, #s:findModules('nn.MulConstant'))
      assert.are.equal(0, #s:findModules('nn.Identity'))
   end)

   it('clearState empties the buffers', function()
      local s = nn.Sequential():add(nn.Linear(3, 2))
      s:forward(torch.Tensor(4, 3):uniform())
      s:clearState()
      assert.are.equal(0, s.modules[1].output:nElement())
      assert.are.equal(0, s.output:nElement())
      assert.are.equal(2, s:forward(torch.Tensor(1, 3):uniform()):size(2))
   end)
end)

describe('printing', function()
   it('prints a Sequential as Torch7 does', function()
      local s = nn.Sequential():add(nn.Linear(4, 64)):add(nn.Linear(64, 3))
      assert.are.equal('nn.Sequential {\n  [input -> (1) -> (2) -> output]\n'
                       .. '  (1): nn.Linear(4 -> 64)\n  (2): nn.Linear(64 -> 3)\n}', tostring(s))
   end)

   it('indents nested containers', function()
      local s = nn.Sequential():add(nn.Sequential():add(nn.Identity()))
      assert.are.equal('nn.Sequential {\n  [input -> (1) -> output]\n  (1): nn.Sequential {\n'
                       .. '    [input -> (1) -> output]\n    (1): nn.Identity\n  }\n}', tostring(s))
   end)
end)

describe('nn.Jacobian', function()
   it('finds a wrong gradient', function()
      local Bad = torch.class('nn.SpecBadGrad', 'nn.Module')
      function Bad:updateOutput(input)
         self.output:resizeAs(input):copy(input)
         return self.output
      end
      function Bad:updateGradInput(input, gradOutput)
         self.gradInput:resizeAs(gradOutput):copy(gradOutput)
         torch._nn.activation_forward(self.gradInput, self.gradInput, 'MulConstant', 1.5)
         return self.gradInput
      end
      local err = nn.Jacobian.testJacobian(nn.SpecBadGrad():double(), torch.DoubleTensor(3))
      near(err, 0.5, 1e-6)
   end)

   it('returns the jacobians', function()
      local m = known_linear()
      local x = torch.DoubleTensor{1, 1}
      local jb = nn.Jacobian.backward(m, x)
      local jf = nn.Jacobian.forward(m, x)
      -- d out_j / d x_i = W[j][i]
      near(jb:totable(), {{1, 3, 5}, {2, 4, 6}})
      near(jf:totable(), {{1, 3, 5}, {2, 4, 6}}, 1e-6)
   end)
end)
