-- optim: each optimizer's first steps against values worked out from the published
-- formulas, minimisation of the Rosenbrock function, state reuse and errors.
require 'torch'
require 'optim'

local function raises(f, ...)
   local ok, err = pcall(f)
   assert.is_false(ok, 'expected an error')
   for _, s in ipairs({...}) do
      assert(tostring(err):find(s, 1, true),
             ('error %q does not contain %q'):format(tostring(err), s))
   end
end

-- f(x) = 0.5*(x1^2 + 2*x2^2): gradient (x1, 2*x2); from x0 = (1, -2), g0 = (1, -4).
local function quad(T)
   local g = T(2)
   return function(x)
      g[1] = x[1]
      g[2] = 2 * x[2]
      return 0.5 * (x[1] ^ 2 + 2 * x[2] ^ 2), g
   end
end

local function near(x, expect, tol)
   tol = tol or 1e-12
   for i = 1, #expect do
      assert(math.abs(x[i] - expect[i]) <= tol,
             ('element %d: %.17g, expected %.17g'):format(i, x[i], expect[i]))
   end
end

-- Runs name's steps from x0 = (1, -2) and checks x after each against expected[k].
local function steps(name, config, expected, tol, T)
   T = T or torch.DoubleTensor
   local x, f, state = T({1, -2}), quad(T), {}
   local results = {}
   for k = 1, #expected do
      local xr, fs = optim[name](f, x, config, state)
      assert.are.equal(x, xr)
      results[k] = fs
      near(x, expected[k], tol)
   end
   return state, results
end

describe('optim.sgd', function()
   it('plain steps, f before the step, evalCounter', function()
      local state, fs = steps('sgd', {learningRate = 0.1}, {{0.9, -1.6}, {0.81, -1.28}})
      assert.are.same({4.5}, fs[1])
      -- f(0.9, -1.6) = 0.5*(0.81 + 5.12)
      assert.is_true(math.abs(fs[2][1] - 2.965) < 1e-12)
      assert.are.equal(2, state.evalCounter)
   end)
   it('defaults: learningRate 1e-3', function()
      steps('sgd', {}, {{0.999, -1.996}})
   end)
   it('momentum without dampening', function()
      -- buf1 = g0 = (1, -4); g1 = (0.9, -3.2); buf2 = 0.9*buf1 + g1 = (1.8, -6.8)
      steps('sgd', {learningRate = 0.1, momentum = 0.9, dampening = 0},
            {{0.9, -1.6}, {0.72, -0.92}})
   end)
   it('momentum with the default dampening (= momentum)', function()
      -- buf2 = 0.9*(1, -4) + 0.1*(0.9, -3.2) = (0.99, -3.92)
      steps('sgd', {learningRate = 0.1, momentum = 0.9}, {{0.9, -1.6}, {0.801, -1.208}})
   end)
   it('nesterov', function()
      -- step 1: buf = (1, -4), g + 0.9*buf = (1.9, -7.6)
      -- step 2: g = (0.81, -2.48), buf = (1.71, -6.08), g + 0.9*buf = (2.349, -7.952)
      steps('sgd', {learningRate = 0.1, momentum = 0.9, dampening = 0, nesterov = true},
            {{0.81, -1.24}, {0.5751, -0.4448}})
   end)
   it('learningRateDecay', function()
      -- step 2 uses 0.1/(1 + 1*0.5) = 1/15 on g = (0.9, -3.2)
      steps('sgd', {learningRate = 0.1, learningRateDecay = 0.5},
            {{0.9, -1.6}, {0.84, -1.6 + 3.2 / 15}})
   end)
   it('weightDecay, learningRates, weightDecays', function()
      -- g = (1, -4) + 0.5*(1, -2) = (1.5, -5)
      steps('sgd', {learningRate = 0.1, weightDecay = 0.5}, {{0.85, -1.5}})
      steps('sgd', {learningRate = 0.1, learningRates = torch.DoubleTensor({1, 0.5})},
            {{0.9, -1.8}})
      steps('sgd', {learningRate = 0.1, weightDecays = torch.DoubleTensor({0.5, 0})},
            {{0.85, -1.6}})
   end)
   it('float tensors', function()
      steps('sgd', {learningRate = 0.1, momentum = 0.9, dampening = 0},
            {{0.9, -1.6}, {0.72, -0.92}}, 1e-6, torch.FloatTensor)
   end)
   it('does not write the gradient', function()
      local g = torch.DoubleTensor({1, -4})
      local x = torch.DoubleTensor({1, -2})
      optim.sgd(function() return 0, g end, x,
                {learningRate = 0.1, weightDecay = 1, momentum = 0.5, nesterov = true, dampening = 0})
      assert.are.same({1, -4}, g:totable())
   end)
   it('state defaults to config', function()
      local config = {learningRate = 0.1, momentum = 0.9}
      optim.sgd(quad(torch.DoubleTensor), torch.DoubleTensor({1, -2}), config)
      assert.are.equal(1, config.evalCounter)
      assert.is_true(torch.isTensor(config.dfdx))
   end)
end)

describe('optim.nag', function()
   it('takes the gradient at the look-ahead point', function()
      -- step 1: v = -0.1*(1, -4); step 2: look-ahead (0.9, -1.6) + 0.9*v = (0.81, -1.24),
      -- g = (0.81, -2.48), v = 0.9*v - 0.1*g = (-0.171, 0.608), x = (0.9, -1.6) + v
      local _, fs = steps('nag', {learningRate = 0.1, momentum = 0.9},
                          {{0.9, -1.6}, {0.729, -0.992}})
      -- f(0.81, -1.24) = 0.5*(0.6561 + 3.0752)
      assert.is_true(math.abs(fs[2][1] - 1.86565) < 1e-12)
   end)
end)

describe('optim.adam', function()
   it('bias-corrected steps', function()
      -- step 1: m = 0.1*g, v = 0.001*g^2, step = 0.1*sqrt(0.001)/0.1:
      -- x = x0 - 0.1*g/(|g| + 1e-8/sqrt(0.001)).
      -- step 2: g = (0.9, -3.8): m = (0.18, -0.74), v = (0.001809, 0.030424),
      -- step = 0.1*sqrt(1 - 0.999^2)/(1 - 0.9^2)
      steps('adam', {learningRate = 0.1},
            {{0.9000000316227665, -1.9000000079056933}, {0.8004122825258161, -1.8001664992234343}},
            1e-12)
   end)
   it('learningRateDecay: lr/(1 + (t-1)*decay)', function()
      -- the first step is as without decay; the second, from the same state, is half of
      -- the undecayed second step (decay 1, t - 1 = 1)
      local x1 = {0.9000000316227665, -1.9000000079056933}
      local x2 = {0.8004122825258161, -1.8001664992234343}
      steps('adam', {learningRate = 0.1, learningRateDecay = 1},
            {x1, {x1[1] + (x2[1] - x1[1]) / 2, x1[2] + (x2[2] - x1[2]) / 2}}, 1e-12)
   end)
end)

describe('optim.adamw', function()
   it('decays x before the Adam step', function()
      -- step 1: x = x0*(1 - 0.1*0.1) - 0.1*sign(g) = (0.99 - 0.1, -1.98 + 0.1)
      steps('adamw', {learningRate = 0.1, weightDecay = 0.1},
            {{0.8900000009999999, -1.88000000025}, {0.7815718569541609, -1.7614089505845592}},
            1e-12)
   end)
   it('default weightDecay is 1e-2', function()
      -- x0*(1 - 1e-3*1e-2) - 1e-3*sign(g), up to the epsilon
      steps('adamw', {}, {{1 - 1e-5 - 1e-3, -2 + 2e-5 + 1e-3}}, 1e-10)
   end)
   it('weightDecayMask: each element its share of the decay', function()
      -- element 1 decays (mask 1), element 2 does not (mask 0): step 1 is
      -- (1*(1 - 0.1*0.1) - 0.1, -2 + 0.1), the Adam step being lr*sign(g) up to epsilon
      local mask = torch.DoubleTensor({1, 0})
      steps('adamw', {learningRate = 0.1, weightDecay = 0.1, weightDecayMask = mask},
            {{0.8900000009999999, -1.90000000025}}, 1e-10)
      -- a half share decays by half as much
      steps('adamw', {learningRate = 0.1, weightDecay = 0.1,
                      weightDecayMask = torch.DoubleTensor({0.5, 0.5})},
            {{1 * (1 - 0.005) - 0.1, -2 * (1 - 0.005) + 0.1}}, 1e-8)
   end)
   it('weightDecayMask of the wrong size or type is an error naming it', function()
      local x = torch.DoubleTensor({1, -2})
      local f = quad(torch.DoubleTensor)
      local ok, err = pcall(optim.adamw, f, x, {weightDecayMask = torch.DoubleTensor(3)})
      assert.is_false(ok)
      assert.matches('optim.adamw: config.weightDecayMask has 3 elements', err, 1, true)
      ok, err = pcall(optim.adamw, f, x, {weightDecayMask = torch.FloatTensor(2)})
      assert.is_false(ok)
      assert.matches('config.weightDecayMask is a Float tensor but x is a Double tensor', err, 1, true)
   end)
end)

describe('dl.weightDecayMask', function()
   require 'nn'
   require 'dl'
   it('1 on the matrices, 0 on biases and LayerNorm weights, one slot for a tied weight', function()
      local lin = nn.Linear(3, 2)
      local emb = nn.LookupTable(4, 3)
      local m = nn.Sequential():add(emb):add(nn.LayerNorm(3)):add(lin)
      local params = m:getParameters()
      local mask = dl.weightDecayMask(m, params)
      assert.are.equal(params:nElement(), mask:nElement())
      assert.are.equal(torch.typename(params), torch.typename(mask))
      -- layout: emb.weight (12), ln.weight (3), ln.bias (3), lin.weight (6), lin.bias (2)
      local want = {}
      for i = 1, 12 do want[#want + 1] = 1 end
      for i = 1, 6 do want[#want + 1] = 0 end
      for i = 1, 6 do want[#want + 1] = 1 end
      for i = 1, 2 do want[#want + 1] = 0 end
      assert.are.same(want, mask:totable())
      -- a rule of the caller's: decay nothing in a LayerNorm, everything else
      local mask2 = dl.weightDecayMask(m, params, function(p, mod)
         return torch.type(mod) ~= 'nn.LayerNorm'
      end)
      assert.are.equal(26 - 6, mask2:sum())
   end)
   it('a tied weight has one slot, decayed once', function()
      local emb, out = nn.LookupTable(4, 3), nn.Linear(3, 4, false)
      out:share(emb, 'weight', 'gradWeight')
      local m = nn.Sequential():add(emb):add(nn.Linear(3, 3)):add(out)
      local params = m:getParameters()
      assert.are.equal(12 + 12, params:nElement())
      local mask = dl.weightDecayMask(m, params)
      assert.are.equal(12 + 9, mask:sum())
   end)
   it('refuses parameters outside params', function()
      local m = nn.Linear(2, 2)
      local ok, err = pcall(dl.weightDecayMask, m, torch.DoubleTensor(6))
      assert.is_false(ok)
      assert.matches('dl.weightDecayMask: a parameter of nn.Linear (size 2x2) is not in params', err, 1, true)
      ok, err = pcall(dl.weightDecayMask, m, 3)
      assert.is_false(ok)
      assert.matches('argument 2 must be the flat parameter vector', err, 1, true)
   end)
end)

describe('optim.adamax', function()
   it('steps', function()
      -- step 2: m = (0.18, -0.74), u = max(0.999*|g0|, |g1|) = (0.999, 3.996),
      -- x -= 0.1/0.19 * m/u
      steps('adamax', {learningRate = 0.1},
            {{0.9, -1.9}, {0.9 - 0.1 / 0.19 * 0.18 / 0.999, -1.9 + 0.1 / 0.19 * 0.74 / 3.996}},
            1e-12)
   end)
   it('weightDecay, without writing the gradient', function()
      -- g0 = (1, -4) + 0.5*(1, -2) = (1.5, -5): m = (0.15, -0.5), u = |g0|, x -= m/u;
      -- g1 = (0.9, -3.8) + 0.5*(0.9, -1.9) = (1.35, -4.75): m = (0.27, -0.925),
      -- u = max(0.999*(1.5, 5), |g1|) = (1.4985, 4.995)
      steps('adamax', {learningRate = 0.1, weightDecay = 0.5},
            {{0.9, -1.9}, {0.9 - 0.1 / 0.19 * 0.27 / 1.4985, -1.9 + 0.1 / 0.19 * 0.925 / 4.995}},
            1e-12)
      local g = torch.DoubleTensor({1, -4})
      optim.adamax(function() return 0, g end, torch.DoubleTensor({1, -2}), {weightDecay = 0.5})
      assert.are.same({1, -4}, g:totable())
   end)
end)

describe('optim.adagrad', function()
   it('steps', function()
      -- var = g0^2 = (1, 16), then (1.81, 30.44)
      steps('adagrad', {learningRate = 0.1},
            {{0.9, -1.9}, {0.9 - 0.09 / math.sqrt(1.81), -1.9 + 0.38 / math.sqrt(30.44)}}, 1e-9)
   end)
end)

describe('optim.adadelta', function()
   it('steps', function()
      -- step 1: var = 0.1*g0^2, delta = sqrt(1e-6)/sqrt(var + 1e-6)*g0
      steps('adadelta', {},
            {{1 - 1e-3 / math.sqrt(0.1 + 1e-6), -2 + 4e-3 / math.sqrt(1.6 + 1e-6)},
             {0.9935981984076517, -1.993595728929903}}, 1e-12)
   end)
end)

describe('optim.rmsprop', function()
   it('steps', function()
      -- step 1: m = 0.01*g0^2, x -= 0.01*g0/(0.1*|g0| + 1e-8)
      steps('rmsprop', {learningRate = 0.01},
            {{1 - 0.01 / (0.1 + 1e-8), -2 + 0.04 / (0.4 + 1e-8)},
             {0.8329179752650592, -1.8309433291098638}}, 1e-12)
   end)
   it('initialMean: the first value of m', function()
      -- m = 0.99*1 + 0.01*g0^2 = (1, 1.15)
      steps('rmsprop', {learningRate = 0.01, initialMean = 1},
            {{1 - 0.01 / (1 + 1e-8), -2 + 0.04 / (math.sqrt(1.15) + 1e-8)}}, 1e-12)
   end)
end)

describe('optim.asgd', function()
   it('steps and the average', function()
      -- eta0 = lambda = 0.1, t0 = 0: step 1: x = 0.99*x0 - 0.1*g0 = (0.89, -1.58);
      -- the average starts at step 3 (mu = 1/2)
      local config = {eta0 = 0.1, lambda = 0.1, t0 = 0}
      local x, f, state = torch.DoubleTensor({1, -2}), quad(torch.DoubleTensor), {}
      local _, fs, ax = optim.asgd(f, x, config, state)
      near(x, {0.89, -1.58})
      near(ax, {0.89, -1.58})
      assert.are.equal(state.ax, ax)
      optim.asgd(f, x, config, state)
      near(x, {0.7928278836585425, -1.2506669233698102})
      _, fs, ax = optim.asgd(f, x, config, state)
      near(x, {0.7069025015395313, -0.9918987679545295})
      near(ax, {0.749865192599037, -1.12128284566217})
      assert.is_true(math.abs(state.eta_t - 0.1 / 1.03 ^ 0.75) < 1e-15)
      assert.are.equal(1 / 3, state.mu_t) -- 1/max(1, t - t0) after t = 3 steps
   end)
end)

describe('optim.rprop', function()
   it('grows the steps while the sign holds', function()
      -- steps 0.1, 0.12, 0.144
      steps('rprop', {}, {{0.9, -1.9}, {0.78, -1.78}, {0.636, -1.636}})
   end)
   it('shrinks the step and stands still when the sign flips', function()
      -- stepsize 1.5: x1 = (-0.5, -0.5); g1 = (-0.5, -1): x[1] flips (step 0.75, no move),
      -- x[2] keeps its sign (step 1.8); then g2 = (-0.5, 2.6): x[1] moves 0.75 (last g was
      -- zeroed), x[2] flips (step 0.9, no move)
      local state = steps('rprop', {stepsize = 1.5}, {{-0.5, -0.5}, {-0.5, 1.3}, {0.25, 1.3}})
      near(state.stepsize, {0.75, 0.9})
   end)
   it('niter steps per call, one f each', function()
      local x = torch.DoubleTensor({1, -2})
      local _, fs = optim.rprop(quad(torch.DoubleTensor), x, {niter = 3})
      near(x, {0.636, -1.636})
      assert.are.equal(3, #fs)
      assert.are.equal(4.5, fs[1])
   end)
end)

describe('optim.lbfgs', function()
   it('first steps with a fixed step', function()
      -- step 1: d = -g0, t = min(1, 1/|g0|_1) = 0.2: x = (0.8, -1.2).
      -- step 2: one (s, y) pair, s = (-0.2, 0.8), y = (-0.2, 1.6), Hdiag = s.y/y.y,
      -- two-loop recursion, t = 1.
      local x, f, state = torch.DoubleTensor({1, -2}), quad(torch.DoubleTensor), {}
      local config = {maxIter = 1}
      local _, fs, n = optim.lbfgs(f, x, config, state)
      near(x, {0.8, -1.2})
      assert.are.same({4.5}, fs)
      assert.are.equal(1, n)
      optim.lbfgs(f, x, config, state)
      near(x, {0.23123543123543122, 0.02890442890442868})
      assert.is_true(math.abs(state.Hdiag - 1.32 / 2.6) < 1e-15)
      assert.are.equal(2, state.nIter)
   end)
   it('stops at the optimum', function()
      local x = torch.DoubleTensor({0, 0})
      local _, fs, n = optim.lbfgs(quad(torch.DoubleTensor), x)
      assert.are.same({0}, fs)
      assert.are.equal(1, n)
   end)
end)

describe('optim.cg', function()
   it('minimises a quadratic in two line searches', function()
      local x = torch.DoubleTensor({1, -2})
      local _, fs, n = optim.cg(quad(torch.DoubleTensor), x, {maxIter = 20})
      near(x, {0, 0}, 1e-8)
      assert.are.equal(4.5, fs[1])
      assert.is_true(fs[#fs] < 1e-16)
      assert.is_true(n <= 25)
   end)
end)

-- f(x) = (1 - x1)^2 + 100*(x2 - x1^2)^2, minimum 0 at (1, 1)
local function rosenbrock(x)
   local a, b = x[1], x[2]
   local g = torch.DoubleTensor({-2 * (1 - a) - 400 * a * (b - a * a), 200 * (b - a * a)})
   return (1 - a) ^ 2 + 100 * (b - a * a) ^ 2, g
end

describe('Rosenbrock from (-1.5, 2)', function()
   local cases = {
      {'sgd', {learningRate = 1e-3, momentum = 0.9, dampening = 0}, 5000, 1e-6},
      {'sgd', {learningRate = 5e-4, momentum = 0.9, dampening = 0, nesterov = true}, 5000, 1e-3},
      {'nag', {learningRate = 5e-4, momentum = 0.9}, 5000, 1e-3},
      {'adam', {learningRate = 2e-2}, 5000, 1e-6},
      {'adamw', {learningRate = 2e-2, weightDecay = 0}, 5000, 1e-6},
      {'adamax', {learningRate = 2e-2}, 5000, 1e-6},
      {'adagrad', {learningRate = 2}, 20000, 1e-2},
      {'rmsprop', {learningRate = 1e-3}, 10000, 5e-3},
      {'asgd', {eta0 = 1e-3, t0 = 1e9}, 20000, 2e-3},
      {'rprop', {stepsize = 0.01}, 5000, 2e-3},
      {'lbfgs', {maxIter = 1000}, 1, 1e-4},
      {'cg', {maxIter = 100, maxEval = 500}, 1, 1e-6},
      -- Adadelta crawls along the valley: close, not converged
      {'adadelta', {rho = 0.999, eps = 1e-6}, 20000, 0.15},
   }
   for _, c in ipairs(cases) do
      local name, config, n, tol = c[1], c[2], c[3], c[4]
      it(name .. (config.nesterov and ' (nesterov)' or ''), function()
         local x, state = torch.DoubleTensor({-1.5, 2}), {}
         for _ = 1, n do optim[name](rosenbrock, x, config, state) end
         assert(math.abs(x[1] - 1) < tol and math.abs(x[2] - 1) < tol,
                ('%s ended at (%g, %g)'):format(name, x[1], x[2]))
      end)
   end
end)

describe('state', function()
   local buffers = {
      sgd = {{momentum = 0.9, learningRates = torch.DoubleTensor({1, 1})}, {'dfdx'}},
      nag = {{}, {'dfdx', 'x_copy'}},
      adam = {{}, {'m', 'v'}},
      adamw = {{}, {'m', 'v'}},
      adamax = {{}, {'m', 'u'}},
      adagrad = {{}, {'paramVariance'}},
      adadelta = {{}, {'paramVariance', 'accDelta'}},
      rmsprop = {{}, {'m'}},
      asgd = {{}, {'ax'}},
      rprop = {{}, {'delta', 'stepsize'}},
      lbfgs = {{maxIter = 2}, {'d', 'g_old'}},
      cg = {{maxIter = 2}, {'s', 'x0', 'df0'}},
   }
   for name, b in pairs(buffers) do
      it(name .. ' reuses its buffers', function()
         local x, f, state = torch.DoubleTensor({1, -2}), quad(torch.DoubleTensor), {}
         optim[name](f, x, b[1], state)
         local first = {}
         for _, field in ipairs(b[2]) do
            assert(torch.isTensor(state[field]), field .. ' is not a tensor')
            first[field] = state[field]
         end
         optim[name](f, x, b[1], state)
         optim[name](f, x, b[1], state)
         for _, field in ipairs(b[2]) do
            assert(rawequal(first[field], state[field]), field .. ' was replaced')
         end
      end)
   end
end)

describe('errors', function()
   it('x and dx of different sizes', function()
      local x = torch.DoubleTensor({1, 2})
      local function f() return 0, torch.DoubleTensor(3):zero() end
      raises(function() optim.sgd(f, x) end,
             'optim.sgd: dx has 3 elements (size 3) but x has 2 (size 2)')
      raises(function() optim.adam(f, x) end, 'optim.adam: dx has 3 elements')
   end)
   it('a non-contiguous x', function()
      local x = torch.DoubleTensor({{1, 2}, {3, 4}}):t()
      local function f() return 0, torch.DoubleTensor(4):zero() end
      raises(function() optim.rmsprop(f, x) end,
             'optim.rmsprop: x must be contiguous (size 2x2, stride 1x2)')
      raises(function() optim.sgd(f, x) end, 'optim.sgd: x must be contiguous')
   end)
   it('x and dx of different types', function()
      local x = torch.DoubleTensor({1, 2})
      local function f() return 0, torch.FloatTensor(2):zero() end
      raises(function() optim.adagrad(f, x) end,
             'optim.adagrad: dx is a Float tensor but x is a Double tensor')
   end)
   it('integer tensors', function()
      local x = torch.LongTensor({1, 2})
      raises(function() optim.sgd(function() return 0, x end, x) end,
             'optim.sgd: x must be a Float or Double tensor, got Long')
   end)
   it('feval without a gradient', function()
      raises(function() optim.adam(function() return 1 end, torch.DoubleTensor({1})) end,
             'optim.adam: feval must return f(x) and df/dx (a tensor), got nil')
   end)
   it('bad momentum settings', function()
      local x, f = torch.DoubleTensor({1, -2}), quad(torch.DoubleTensor)
      raises(function() optim.sgd(f, x, {nesterov = true, momentum = 0.9}) end,
             'Nesterov momentum requires a momentum and zero dampening')
      raises(function() optim.nag(f, x, {momentum = 0}) end,
             'Momentum must be positive')
   end)
   it('learningRates of the wrong length', function()
      local x, f = torch.DoubleTensor({1, -2}), quad(torch.DoubleTensor)
      raises(function() optim.sgd(f, x, {learningRates = torch.DoubleTensor(3)}) end,
             'optim.sgd: config.learningRates has 3 elements (size 3) but x has 2 (size 2)')
   end)
end)

describe('large tensors', function()
   it('the threaded loop matches the formula everywhere', function()
      local n = 100000
      local x, g = torch.FloatTensor(n), torch.FloatTensor(n)
      for i = 1, n do x[i] = (i % 7) - 3; g[i] = (i % 5) - 2 end
      optim.sgd(function() return 0, g end, x, {learningRate = 0.5, weightDecay = 0.5})
      local bad = 0
      for i = 1, n do
         local x0, g0 = (i % 7) - 3, (i % 5) - 2
         if math.abs(x[i] - (x0 - 0.5 * (g0 + 0.5 * x0))) > 1e-6 then bad = bad + 1 end
      end
      assert.are.equal(0, bad)
   end)
end)
