-- optim.polyinterp and optim.lswolfe, and optim.lbfgs with the Wolfe line search.
-- Expected values are worked out by hand below each case.
require 'torch'
require 'optim'
local H = require 'spec.helpers'

local nan = 0 / 0

-- f(x, y) = 100*(y - x^2)^2 + (1 - x)^2 and its gradient, in double.
local function rosenbrock(x)
   local a, b = x[1], x[2]
   local g = torch.DoubleTensor({-400 * a * (b - a * a) - 2 * (1 - a), 200 * (b - a * a)})
   return 100 * (b - a * a) ^ 2 + (1 - a) ^ 2, g
end

describe('optim.polyinterp', function()
   -- p(x) = x^3 - 3x, p'(x) = 3x^2 - 3: local minimum at x = 1 (p = -2), maximum at -1.
   -- Two points (0, 0, -3) and (2, 2, 9) determine it exactly.
   it('two points, no bounds: the closed-form cubic minimiser', function()
      -- d1 = -3 + 9 - 3*(0 - 2)/(0 - 2) = 3, d2 = sqrt(9 + 27) = 6,
      -- t = 2 - 2*(9 + 6 - 3)/(9 + 3 + 12) = 1
      local t, fmin = optim.polyinterp({{0, 0, -3}, {2, 2, 9}})
      H.near(t, 1, 1e-12)
      assert.is_nil(fmin)   -- Torch7's closed form returns the position only
      -- the order of the points does not matter, nor a tensor instead of a table
      H.near(optim.polyinterp(torch.DoubleTensor({{2, 2, 9}, {0, 0, -3}})), 1, 1e-12)
   end)

   it('two points: clamped to the points, the mean without a critical point', function()
      -- (2, 2, 9), (3, 18, 24) on the same cubic: d1 = 33 - 48 = -15, d2 = 3,
      -- t = 3 - (24 + 3 + 15)/(24 - 9 + 6) = 1, clamped into [2, 3]
      H.near(optim.polyinterp({{2, 2, 9}, {3, 18, 24}}), 2, 1e-12)
      -- p = x^3 + 3x rises everywhere: (0, 0, 3), (1, 4, 6) give d1 = -3, d1^2 - 18 < 0
      H.near(optim.polyinterp({{0, 0, 3}, {1, 4, 6}}), 0.5, 1e-12)
   end)

   it('with bounds: the minimum of the polynomial over the bounds, and its value', function()
      -- on [-1, 3]: p(-1) = 2, p(3) = 18, p(0) = 0, p(2) = 2, p(1) = -2
      local t, fmin = optim.polyinterp({{0, 0, -3}, {2, 2, 9}}, -1, 3)
      H.near(t, 1, 1e-9)
      H.near(fmin, -2, 1e-9)
      -- extrapolation, as lswolfe asks: points at 0 and 0.5 (p(0.5) = -1.375,
      -- p'(0.5) = -2.25), bounds beyond them
      t, fmin = optim.polyinterp(torch.Tensor({{0, 0, -3}, {0.5, -1.375, -2.25}}), 0.505, 5)
      H.near(t, 1, 1e-6)
      H.near(fmin, -2, 1e-6)
      -- a bound below the minimum: the polynomial decreases up to the bound 0.8
      t, fmin = optim.polyinterp({{0, 0, -3}, {2, 2, 9}}, 0.2, 0.8)
      H.near(t, 0.8, 1e-9)
      H.near(fmin, 0.8 ^ 3 - 2.4, 1e-9)
   end)

   it('three points with values and slopes: the quintic through them', function()
      -- q(x) = x^5/5 - x (q' = x^4 - 1): at -2, 0, 2 the values -4.4, 0, 4.4 and
      -- slopes 15, -1, 15; on [-2, 2] its minimum is q(1) = -0.8 (q(-2) = -4.4 is lower
      -- only at the bound, which is a candidate too)
      local pts = {}
      for _, x in ipairs({-2, 0, 2}) do pts[#pts + 1] = {x, x ^ 5 / 5 - x, x ^ 4 - 1} end
      local t, fmin = optim.polyinterp(pts)
      H.near(t, -2, 1e-9)
      H.near(fmin, -4.4, 1e-9)
      t, fmin = optim.polyinterp(pts, -1.5, 2)
      H.near(t, 1, 1e-9)
      H.near(fmin, -0.8, 1e-9)
   end)

   it('unknown values as NaN: a quadratic through three values', function()
      -- (x - 2)^2 at 0, 1, 4: 4, 1, 4
      local t, fmin = optim.polyinterp({{0, 4, nan}, {1, 1, nan}, {4, 4, nan}})
      H.near(t, 2, 1e-9)
      H.near(fmin, 0, 1e-9)
   end)

   it('a singular system gives the middle of the bounds', function()
      -- two points at the same x with different slopes
      local t, fmin = optim.polyinterp({{1, 0, 1}, {1, 0, 2}, {3, 1, 0}})
      H.near(t, 2, 1e-12)
      assert.are.equal(math.huge, fmin)
   end)

   it('rejects what it cannot interpolate', function()
      H.raises(function() optim.polyinterp('x') end, 'optim.polyinterp', 'argument 1')
      H.raises(function() optim.polyinterp(torch.Tensor(2, 2)) end, 'optim.polyinterp',
               'Nx3', '2x2')
      H.raises(function() optim.polyinterp({{0, 1}}) end, 'optim.polyinterp', 'point 1')
      H.raises(function() optim.polyinterp({}) end, 'optim.polyinterp: no points')
      H.raises(function() optim.polyinterp({{nan, 1, 1}}) end, 'point 1 has no finite x')
      H.raises(function() optim.polyinterp({{0, 0, -3}, {2, 2, 9}}, 'a') end, 'argument 2')
      H.raises(function() optim.polyinterp({{0, 0, -3}, {2, 2, 9}}, 0, nan) end, 'argument 3')
   end)
end)

-- Runs lswolfe on Rosenbrock from (-1.2, 1) along the steepest descent with first step
-- t0; checks what it returns against a fresh evaluation and the strong Wolfe conditions.
local function wolfe(t0, opts)
   local calls = 0
   local function feval(x) calls = calls + 1; return rosenbrock(x) end
   local x = torch.DoubleTensor({-1.2, 1})
   local x0 = x:clone()
   local f, g = rosenbrock(x)
   local d = -g
   local gtd = g:dot(d)
   local fn, gn, xr, t, n = optim.lswolfe(feval, x, t0, d, f, g, gtd, opts)
   assert.are.equal(x, xr)
   assert.are.equal(calls, n)
   -- x is x0 + t*d, and f_new, g_new are f and df/dx there
   H.near(x:totable(), (x0 + d * t):totable(), 1e-12)
   local fx, gx = rosenbrock(x)
   H.near(fn, fx, 1e-12)
   H.near(gn:totable(), gx:totable(), 1e-9)
   local c1, c2 = (opts or {}).c1 or 1e-4, (opts or {}).c2 or 0.9
   assert.is_true(fn <= f + c1 * t * gtd, 'sufficient decrease')
   assert.is_true(math.abs(gn:dot(d)) <= -c2 * gtd, 'curvature')
   return t, n
end

describe('optim.lswolfe', function()
   it('a first step far too long is shrunk (zoom) to a Wolfe step', function()
      -- |d| = |g(-1.2, 1)| = |(-215.6, -88)|: a step of 1 overshoots the valley
      local t, n = wolfe(1)
      assert.is_true(t < 0.01 and n > 2)
   end)

   it('a first step far too short is grown (bracketing) to a Wolfe step', function()
      -- with c2 = 0.1 the curvature condition needs the slope reduced tenfold
      local t = wolfe(1e-5, {c2 = 0.1})
      assert.is_true(t > 1e-4)
   end)

   it('a Wolfe step at once is kept, after one evaluation', function()
      local t, n = wolfe(1e-4, {c2 = 0.9})
      assert.are.equal(1e-4, t)
      assert.are.equal(1, n)
   end)

   it('strict curvature: c2 = 0.01', function()
      wolfe(0.01, {c2 = 0.01})
   end)

   it('stops at maxIter evaluations with the best point seen', function()
      -- from t = 1 the zoom shrinks the step about threefold per evaluation (f = 2e11,
      -- 2.6e9, 3.2e7): after two more, nothing is below f(x0) and x stays at x0
      local x = torch.DoubleTensor({-1.2, 1})
      local f, g = rosenbrock(x)
      local fn, gn, _, t, n = optim.lswolfe(rosenbrock, x, 1, -g, f, g, g:dot(-g),
                                            {maxIter = 2, c2 = 1e-6})
      assert.are.equal(3, n)   -- the first step and two more
      assert.are.equal(0, t)
      assert.are.equal(f, fn)
      assert.are.same({-1.2, 1}, x:totable())
      assert.are.same(g:totable(), gn:totable())
      -- with 20 evaluations it gets below f(x0)
      fn, _, _, t = optim.lswolfe(rosenbrock, x, 1, -g, f, g, g:dot(-g), {c2 = 1e-6})
      assert.is_true(fn < f and t > 0)
   end)

   it('does not keep the caller gradient tensor, which feval may reuse', function()
      local shared = torch.DoubleTensor(2)
      local function feval(x)
         local fx, g = rosenbrock(x)
         shared:copy(g)
         return fx, shared
      end
      local x = torch.DoubleTensor({-1.2, 1})
      local f, g = feval(x)
      local g0 = g:clone()
      local _, gn = optim.lswolfe(feval, x, 1, -g0, f, g, g0:dot(-g0))
      local _, gx = rosenbrock(x)
      H.near(gn:totable(), gx:totable(), 1e-9)
   end)

   it('rejects bad arguments naming optim.lswolfe', function()
      local x = torch.DoubleTensor({-1.2, 1})
      local f, g = rosenbrock(x)
      H.raises(function() optim.lswolfe(1, x, 1, -g, f, g, -1) end, 'optim.lswolfe',
               'argument 1 (opfunc)')
      H.raises(function() optim.lswolfe(rosenbrock, {}, 1, -g, f, g, -1) end, 'argument 2 (x)')
      H.raises(function() optim.lswolfe(rosenbrock, x, nil, -g, f, g, -1) end, 'argument 3 (t)')
      H.raises(function() optim.lswolfe(rosenbrock, x, 1, -g, f, g, 1) end,
               'not a descent direction')
      H.raises(function() optim.lswolfe(rosenbrock, x, 1, torch.DoubleTensor(3), f, g, -1) end,
               'as many elements')
      H.raises(function() optim.lswolfe(function() return 'a' end, x, 1, -g, f, g, -1) end,
               'opfunc must return f(x)')
   end)
end)

describe('optim.lbfgs with lineSearch = optim.lswolfe', function()
   it('calls the line search with Torch7 argument order', function()
      local seen
      local opts = {c2 = 0.5}
      local function spy(opfunc, x, t, d, f, g, gtd, o)
         seen = {opfunc = opfunc, t = t, f = f, gtd = gtd, dg = d:dot(g), o = o,
                 x = x:clone(), g = g:clone()}
         return optim.lswolfe(opfunc, x, t, d, f, g, gtd, o)
      end
      local x = torch.DoubleTensor({0, 0})
      optim.lbfgs(rosenbrock, x, {maxIter = 1, lineSearch = spy, lineSearchOptions = opts})
      assert.are.equal(rosenbrock, seen.opfunc)
      assert.are.equal(opts, seen.o)
      -- first iteration: d = -g, t = min(1, 1/|g|_1) with g(0, 0) = (-2, 0)
      H.near(seen.t, 0.5, 1e-12)
      H.near(seen.f, 1, 1e-12)
      H.near(seen.gtd, -4, 1e-12)
      H.near(seen.dg, -4, 1e-12)
      H.near(seen.g:totable(), {-2, 0}, 1e-12)
   end)

   it('minimises Rosenbrock to its minimum (1, 1) with few evaluations', function()
      local x = torch.DoubleTensor({0, 0})
      local _, fs, n = optim.lbfgs(rosenbrock, x, {maxIter = 100, lineSearch = optim.lswolfe})
      H.near(x:totable(), {1, 1}, 1e-5)
      assert.is_true(fs[#fs] < 1e-10)
      assert.is_true(fs[1] == 1)
      -- the fixed-step version needs all its 100 iterations and is still far off
      local y = torch.DoubleTensor({0, 0})
      local _, gs = optim.lbfgs(rosenbrock, y, {maxIter = 100, learningRate = 0.1})
      assert.is_true(n < 60 and gs[#gs] > fs[#fs])
   end)
end)
