-- optim.cmaes, optim.de (derivative-free), optim.FistaLS (proximal) and optim.checkgrad.
-- Known minima: shifted spheres, Rosenbrock at (1, ..., 1), and a lasso problem whose
-- solution is worked out in closed form.
require 'torch'
require 'optim'
local H = require 'spec.helpers'

-- sum_i (x_i - c_i)^2, on tensors of any shape, counting its calls.
local function sphere(c)
   local calls = {n = 0}
   return function(x)
      calls.n = calls.n + 1
      local s, flat = 0, x:contiguous():view(-1)
      for i = 1, #c do s = s + (flat[i] - c[i]) ^ 2 end
      return s
   end, calls
end

-- sum_i 100*(x_(i+1) - x_i^2)^2 + (1 - x_i)^2, minimum 0 at (1, ..., 1).
local function rosenbrock(x)
   local s = 0
   for i = 1, x:size(1) - 1 do
      s = s + 100 * (x[i + 1] - x[i] ^ 2) ^ 2 + (1 - x[i]) ^ 2
   end
   return s
end

describe('optim.cmaes', function()
   it('finds the centre of a shifted sphere, x keeps its shape and type', function()
      torch.manualSeed(1)
      local c = {1, -2, 0.5, 3}
      local f, calls = sphere(c)
      local x = torch.FloatTensor(2, 2):zero()
      local xr, fs, n = optim.cmaes(f, x, {sigma = 1, ftarget = 1e-12})
      assert.are.equal(x, xr)
      assert.are.same({2, 2}, x:size():totable())
      H.near(x:view(-1):totable(), c, 1e-4)
      -- fs: f at the start (not counted in n), the best of each iteration, the best found
      H.near(fs[1], 1 + 4 + 0.25 + 9, 1e-12)
      assert.is_true(fs[#fs] <= 1e-12)
      assert.are.equal(n + 1, calls.n)
      -- 4 + floor(3*ln 4) = 8 candidates per iteration
      assert.are.equal(0, n % 8)
      assert.are.equal(n // 8 + 2, #fs)
   end)

   it('minimises the 4-D Rosenbrock function', function()
      torch.manualSeed(2)
      local x = torch.DoubleTensor(4):zero()
      local _, fs = optim.cmaes(rosenbrock, x, {sigma = 0.5, maxEval = 20000})
      H.near(x:totable(), {1, 1, 1, 1}, 1e-4)
      assert.is_true(fs[#fs] < 1e-8)
   end)

   it('stops at maxEval, and the seed makes runs repeatable', function()
      local function run()
         torch.manualSeed(7)
         local x = torch.DoubleTensor(3):fill(5)
         local _, fs, n = optim.cmaes(rosenbrock, x, {sigma = 1, maxEval = 50, popsize = 10})
         return x:totable(), fs, n
      end
      local x1, fs1, n1 = run()
      local x2, fs2 = run()
      assert.are.equal(50, n1)   -- 5 iterations of 10
      assert.are.same(x1, x2)
      assert.are.same(fs1, fs2)
   end)

   it('rejects bad arguments naming optim.cmaes', function()
      local x = torch.DoubleTensor(2):zero()
      H.raises(function() optim.cmaes(nil, x, {sigma = 1}) end, 'optim.cmaes', 'argument 1')
      H.raises(function() optim.cmaes(rosenbrock, torch.LongTensor(2), {sigma = 1}) end,
               'optim.cmaes', 'Float or Double')
      H.raises(function() optim.cmaes(rosenbrock, x, {}) end, 'optim.cmaes: config.sigma')
      H.raises(function() optim.cmaes(rosenbrock, x, {sigma = 1, popsize = 1}) end, 'popsize')
      H.raises(function() optim.cmaes(function() return 'no' end, x, {sigma = 1}) end,
               'optim.cmaes: opfunc must return f(x) as a number')
   end)
end)

describe('optim.de', function()
   it('finds the centre of a shifted sphere within maxFEs evaluations', function()
      local c = {1, -2, 0.5}
      local f, calls = sphere(c)
      local x = torch.DoubleTensor(3):zero()
      local xr, fx = optim.de(f, x, {popsize = 30, maxFEs = 6000})
      assert.are.equal(x, xr)
      H.near(x:totable(), c, 1e-4)
      assert.are.equal(6000, calls.n)
      assert.are.equal(6000, fx:size(1))
      H.near(fx:min(), f(x), 1e-15)
   end)

   it('stops exactly at maxFEs, inside a generation', function()
      local f, calls = sphere({0, 0})
      local _, fx = optim.de(f, torch.DoubleTensor(2), {popsize = 10, maxFEs = 25})
      assert.are.equal(25, calls.n)
      assert.are.equal(25, fx:size(1))
   end)

   it('draws from its own generator: the same seed, the same search', function()
      local f = sphere({1, 1})
      torch.manualSeed(1)
      local x1 = torch.DoubleTensor(2)
      local _, fx1 = optim.de(f, x1, {popsize = 10, maxFEs = 200})
      torch.manualSeed(99)   -- the default generator does not matter
      local x2 = torch.DoubleTensor(2)
      local _, fx2 = optim.de(f, x2, {popsize = 10, maxFEs = 200})
      assert.are.same(fx1:totable(), fx2:totable())
      local _, fx3 = optim.de(f, torch.DoubleTensor(2), {popsize = 10, maxFEs = 200, seed = 5})
      assert.are_not.same(fx1:totable(), fx3:totable())
      -- the initial population lies in [minRegion, maxRegion]
      local xs = {}
      optim.de(function(p) xs[#xs + 1] = p[1]; return 0 end, torch.DoubleTensor(2),
               {popsize = 20, maxFEs = 20, minRegion = 2, maxRegion = 3})
      for _, v in ipairs(xs) do assert.is_true(v >= 2 and v <= 3) end
   end)

   it('rejects bad arguments naming optim.de', function()
      local f = sphere({0})
      H.raises(function() optim.de('f', torch.DoubleTensor(1)) end, 'optim.de', 'argument 1')
      H.raises(function() optim.de(f, torch.DoubleTensor()) end, 'optim.de', 'argument 2')
      H.raises(function() optim.de(f, torch.DoubleTensor(1), {popsize = 2}) end,
               'optim.de: config.popsize')
      H.raises(function() optim.de(f, torch.DoubleTensor(1), {scaleFactor = 'a'}) end,
               'config.scaleFactor')
      H.raises(function() optim.de(f, torch.DoubleTensor(1), {minRegion = 1, maxRegion = 0}) end,
               'config.maxRegion')
   end)
end)

-- The lasso min_x |A x - b|^2 + lambda |x|_1 with A = Q D, Q an orthogonal Householder
-- matrix and D diagonal: |Q D x - b|^2 = |D x - Q'b|^2, so with c = Q'b the problem
-- separates, and x_i = sign(c_i) max(|d_i c_i| - lambda/2, 0) / d_i^2.
local function lasso()
   local v = torch.DoubleTensor({1, 2, -1, 0.5})
   local Q = torch.eye(4):double() - torch.ger(v, v) * (2 / v:dot(v))
   local d = {1, 2, 0.5, 1.5}
   local A = Q * torch.diag(torch.DoubleTensor(d))
   local c = {1, 0.1, 2, -0.5}
   local b = Q * torch.DoubleTensor(c)      -- Q is symmetric: Q'b = c
   local lambda = 1
   -- d_i c_i = 1, 0.2, 1, -0.75; shrunk by 0.5: 0.5, 0, 0.5, -0.25; over d_i^2
   local solution = {0.5, 0, 2, -0.25 / 2.25}
   local grad = torch.DoubleTensor(4)
   local problem = {solution = solution, lambda = lambda}
   function problem.f(x, mode)
      local r = A * x - b
      if mode == 'dx' then
         grad:copy(A:t() * r):mul(2)          -- one gradient tensor, reused
         return r:dot(r), grad
      end
      return r:dot(r)
   end
   function problem.g(x) return lambda * x:norm(1) end
   function problem.pl(x, L)
      local s = lambda / L
      x:apply(function(e)
         if e > s then return e - s elseif e < -s then return e + s end
         return 0
      end)
   end
   return problem
end

describe('optim.FistaLS', function()
   it('solves a lasso problem to its closed-form solution, exactly sparse', function()
      local p = lasso()
      local x = torch.DoubleTensor(4):zero()
      local params = {maxiter = 2000, errthres = 1e-15}
      local xr, history = optim.FistaLS(p.f, p.g, p.pl, x, params)
      assert.are.equal(x, xr)
      H.near(x:totable(), p.solution, 1e-5)
      assert.are.equal(0, x[2])
      -- F = |Ax - b|^2 + lambda|x|_1 at the solution: sum (d_i x_i - c_i)^2 + |x|_1
      local F = (0.5 - 1) ^ 2 + (0 - 0.1) ^ 2 + (1 - 2) ^ 2 + (-0.25 / 1.5 + 0.5) ^ 2
                + 0.5 + 2 + 0.25 / 2.25
      H.near(history[#history].F, F, 1e-9)
      -- the backtracking raised L from 0.1 (the gradient is 8-Lipschitz: 2*max d_i^2)
      assert.is_true(params.L > 0.1 and params.L == history[#history].L)
      for _, h in ipairs(history) do assert.is_true(h.nline >= 1 and h.F == h.Fply + h.Gply) end
      -- work tensors are kept in params for the next call
      assert.is_true(torch.isTensor(params.xkm) and torch.isTensor(params.y))
   end)

   it('ISTA (doFistaUpdate = false) reaches the same solution, in more iterations', function()
      local p = lasso()
      local function iterations(fista)
         local x = torch.DoubleTensor(4):fill(1)
         local _, h = optim.FistaLS(p.f, p.g, p.pl, x,
                                    {maxiter = 5000, errthres = 1e-10, doFistaUpdate = fista})
         H.near(x:totable(), p.solution, 1e-3)
         -- iterations until F is within 1e-6 of the optimum
         local best = (0.5 - 1) ^ 2 + 0.01 + 1 + (-0.25 / 1.5 + 0.5) ^ 2 + 0.5 + 2 + 0.25 / 2.25
         for i, e in ipairs(h) do if e.F - best < 1e-6 then return i end end
         return math.huge
      end
      local nf, ni = iterations(true), iterations(false)
      assert.is_true(nf < ni, nf .. ' FISTA iterations, ' .. ni .. ' ISTA')
      assert.are.equal(optim.FistaLS, optim.fista)
   end)

   it('rejects bad arguments naming optim.FistaLS', function()
      local p = lasso()
      local x = torch.DoubleTensor(4)
      H.raises(function() optim.FistaLS(1, p.g, p.pl, x) end, 'optim.FistaLS', 'argument 1 (f)')
      H.raises(function() optim.FistaLS(p.f, p.g, nil, x) end, 'argument 3 (pl)')
      H.raises(function() optim.FistaLS(p.f, p.g, p.pl, {}) end, 'argument 4 (xinit)')
      H.raises(function() optim.FistaLS(p.f, p.g, p.pl, x, {L = -1}) end, 'params.L')
      H.raises(function() optim.FistaLS(function() return 1 end, p.g, p.pl, x) end,
               "optim.FistaLS: f(x, 'dx') must return f(x) and df/dx")
      H.raises(function() optim.FistaLS(p.f, function() end, p.pl, x) end,
               'optim.FistaLS: g must return g(x)')
   end)
end)

describe('optim.checkgrad', function()
   -- f(x) = sum x_i^3, df/dx = 3 x^2
   local function cube(x)
      local g = x.new(x:size())
      local s = 0
      local xf, gf = x:contiguous():view(-1), g:view(-1)
      for i = 1, xf:size(1) do s = s + xf[i] ^ 3; gf[i] = 3 * xf[i] ^ 2 end
      return s, g
   end

   it('a correct gradient gives a tiny difference; a wrong one does not', function()
      local x = torch.DoubleTensor({{0.5, -1}, {2, 1.5}})
      local diff, dC, est = optim.checkgrad(cube, x)
      assert.is_true(diff < 1e-7)
      assert.are.same({2, 2}, est:size():totable())
      H.near(est:totable(), {{0.75, 3}, {12, 6.75}}, 1e-5)
      H.near(dC:totable(), {{0.75, 3}, {12, 6.75}}, 1e-12)
      assert.are.same({{0.5, -1}, {2, 1.5}}, x:totable())   -- x restored
      local function wrong(x) local f, g = cube(x); return f, g * 2 end
      -- |2g - g| / |2g + g| = 1/3
      H.near(optim.checkgrad(wrong, x), 1 / 3, 1e-6)
      -- a non-contiguous x
      local xt = torch.DoubleTensor({{0.5, 2}, {-1, 1.5}}):t()
      assert.is_true(optim.checkgrad(cube, xt, 1e-6) < 1e-6)
   end)

   it('rejects bad arguments naming optim.checkgrad', function()
      H.raises(function() optim.checkgrad(cube, 3) end, 'optim.checkgrad', 'argument 2')
      H.raises(function() optim.checkgrad(cube, torch.DoubleTensor(2), 0) end, 'argument 3')
      H.raises(function() optim.checkgrad(function() return 1 end, torch.DoubleTensor(2)) end,
               'optim.checkgrad: opfunc must return df/dx')
   end)
end)
