-- Transfer functions: forward values against the formulas written out here in Lua (or
-- literal numbers), gradients against central differences in float64, batch and single
-- inputs, strided inputs, float32, in-place variants, and the error messages.
require 'torch'
require 'nn'
-- until lua/nn/init.lua requires them all
for _, name in ipairs({'Threshold', 'HardTanh', 'Tanh', 'Sigmoid', 'ReLU', 'ReLU6', 'LeakyReLU',
                       'PReLU', 'ELU', 'SoftMax', 'SoftMin', 'LogSoftMax', 'LogSigmoid', 'SoftPlus',
                       'SoftSign', 'SoftShrink', 'HardShrink', 'TanhShrink', 'GELU'}) do
   require('nn.' .. name)
end
local H = require 'spec.helpers'

-- All values of a tensor, in row-major order.
local function flat(t)
   local out = {}
   local function rec(v)
      if type(v) == 'table' then
         for _, e in ipairs(v) do rec(e) end
      else
         out[#out + 1] = v
      end
   end
   rec(t:totable())
   return out
end

local function near(got, want, tol, what)
   assert(#got == #want, ('%s: %d values, expected %d'):format(what or '', #got, #want))
   for i = 1, #want do
      if math.abs(got[i] - want[i]) > tol then
         error(('%s: value %d is %.12g, expected %.12g'):format(what or '', i, got[i], want[i]), 2)
      end
   end
end

-- The largest difference between the backward pass and central differences of the
-- forward pass, over the full Jacobian (x: a contiguous DoubleTensor).
local function jacobian_error(m, x)
   local eps = 1e-6
   local n = x:nElement()
   local xf = x:view(n)
   local nout = m:forward(x):nElement()
   local numeric = {}
   for i = 1, n do
      local v = xf[i]
      xf[i] = v + eps
      local yp = flat(m:forward(x))
      xf[i] = v - eps
      local ym = flat(m:forward(x))
      xf[i] = v
      numeric[i] = {}
      for j = 1, nout do numeric[i][j] = (yp[j] - ym[j]) / (2 * eps) end
   end
   local maxerr = 0
   local y = m:forward(x)
   for j = 1, nout do
      local go = torch.DoubleTensor(y:size()):zero()
      go:view(nout)[j] = 1
      m:forward(x)
      local gi = flat(m:backward(x, go))
      for i = 1, n do maxerr = math.max(maxerr, math.abs(gi[i] - numeric[i][j])) end
   end
   return maxerr
end

-- Away from every kink of the functions tested (0, +-0.5, +-1, 6, 0.1).
local xs = {{-2.5, -1.2, -0.3, -0.05}, {0.07, 0.4, 1.3, 7.5}}

local function sigmoid(x) return 1 / (1 + math.exp(-x)) end
local function tanh(x) local e = math.exp(2 * x) return (e - 1) / (e + 1) end

-- name, constructor, the formula of one element
local cases = {
   {'Tanh', function() return nn.Tanh() end, tanh},
   {'Sigmoid', function() return nn.Sigmoid() end, sigmoid},
   {'HardTanh', function() return nn.HardTanh() end,
    function(x) return math.min(math.max(x, -1), 1) end},
   {'HardTanh(-2, 0.2)', function() return nn.HardTanh(-2, 0.2) end,
    function(x) return math.min(math.max(x, -2), 0.2) end},
   {'ReLU', function() return nn.ReLU() end, function(x) return math.max(x, 0) end},
   {'ReLU6', function() return nn.ReLU6() end, function(x) return math.min(math.max(x, 0), 6) end},
   {'LeakyReLU', function() return nn.LeakyReLU() end,
    function(x) return x > 0 and x or 0.01 * x end},
   {'LeakyReLU(0.2)', function() return nn.LeakyReLU(0.2) end,
    function(x) return x > 0 and x or 0.2 * x end},
   {'PReLU', function() return nn.PReLU() end, function(x) return x > 0 and x or 0.25 * x end},
   {'ELU', function() return nn.ELU() end, function(x) return x > 0 and x or math.exp(x) - 1 end},
   {'ELU(0.7)', function() return nn.ELU(0.7) end,
    function(x) return x > 0 and x or 0.7 * (math.exp(x) - 1) end},
   {'Threshold', function() return nn.Threshold() end, function(x) return x > 1e-6 and x or 0 end},
   {'Threshold(0.1, -2)', function() return nn.Threshold(0.1, -2) end,
    function(x) return x > 0.1 and x or -2 end},
   {'LogSigmoid', function() return nn.LogSigmoid() end, function(x) return math.log(sigmoid(x)) end},
   {'SoftPlus', function() return nn.SoftPlus() end,
    function(x) return math.log(1 + math.exp(x)) end},
   {'SoftPlus(2)', function() return nn.SoftPlus(2) end,
    function(x) return math.log(1 + math.exp(2 * x)) / 2 end},
   {'SoftSign', function() return nn.SoftSign() end, function(x) return x / (1 + math.abs(x)) end},
   {'SoftShrink', function() return nn.SoftShrink() end,
    function(x) return x > 0.5 and x - 0.5 or (x < -0.5 and x + 0.5 or 0) end},
   {'SoftShrink(1)', function() return nn.SoftShrink(1) end,
    function(x) return x > 1 and x - 1 or (x < -1 and x + 1 or 0) end},
   {'HardShrink', function() return nn.HardShrink() end,
    function(x) return math.abs(x) > 0.5 and x or 0 end},
   {'TanhShrink', function() return nn.TanhShrink() end, function(x) return x - tanh(x) end},
}

describe('nn transfer functions', function()
   for _, c in ipairs(cases) do
      local name, ctor, f = c[1], c[2], c[3]

      it(name .. ': forward of a batch and of a single input', function()
         local m = ctor()
         local want = {}
         for _, row in ipairs(xs) do for _, x in ipairs(row) do want[#want + 1] = f(x) end end
         near(flat(m:forward(torch.Tensor(xs))), want, 1e-6, name .. ' float batch')
         m:double()
         near(flat(m:forward(torch.DoubleTensor(xs))), want, 1e-12, name .. ' double batch')
         local single = {}
         for i = 1, 4 do single[i] = want[4 + i] end
         near(flat(m:forward(torch.DoubleTensor(xs[2]))), single, 1e-12, name .. ' single')
      end)

      it(name .. ': gradient by finite differences (float64)', function()
         local m = ctor():double()
         assert.is_true(jacobian_error(m, torch.DoubleTensor(xs)) < 1e-6)
         assert.is_true(jacobian_error(m, torch.DoubleTensor(xs[1])) < 1e-6)
         if nn.Jacobian and nn.Jacobian.testJacobian then
            assert.is_true(nn.Jacobian.testJacobian(m, torch.DoubleTensor(xs)) < 1e-6)
         end
      end)

      it(name .. ': strided input gives the values of its contiguous copy', function()
         local m = ctor():double()
         local x = torch.DoubleTensor(xs):t() -- 4x2, not contiguous
         assert.is_false(x:isContiguous())
         local want = flat(m:forward(x:contiguous()):clone())
         local g = torch.DoubleTensor({{1, 2}, {3, 4}, {5, 6}, {7, 8}})
         local wantg = flat(m:backward(x:contiguous(), g):clone())
         near(flat(m:forward(x)), want, 0, name)
         near(flat(m:backward(x, g)), wantg, 0, name)
      end)
   end

   it('GELU: forward against literal values of x * Phi(x), and its gradient', function()
      local m = nn.GELU():double()
      local y = m:forward(torch.DoubleTensor({-1, 0.5, 2, 0}))
      -- x * (1 + erf(x / sqrt 2)) / 2, from a table of erf
      near(flat(y), {-0.15865525393145707, 0.34573123063700656, 1.9544997361036416, 0}, 1e-12)
      -- the derivative Phi(x) + x phi(x) at 0 is 1/2, at 1 it is 0.8413447 + 0.2419707
      local x01 = torch.DoubleTensor({0, 1})
      m:forward(x01)
      local g = m:backward(x01, torch.DoubleTensor({1, 1}))
      near(flat(g), {0.5, 0.8413447460685429 + 0.24197072451914337}, 1e-12)
      assert.is_true(jacobian_error(m, torch.DoubleTensor(xs)) < 1e-6)
      near(flat(nn.GELU():forward(torch.Tensor({-1, 2}))), {-0.15865525393145707,
                                                             1.9544997361036416}, 1e-6)
   end)

   it('GELU in float (fastmath.h) keeps float precision, the tails included', function()
      -- x from -14 to 14, as floats; the double rows use libm's erfc, the reference here.
      -- Phi's tail for x < 0 is a relative quantity (1 + erf(x) would cancel), so the error
      -- is relative to |y|, where y is above float's exp range (1e-30).
      local xd = torch.linspace(-14, 14, 20001):float():double()
      local gd = torch.DoubleTensor(20001):uniform(-1, 1)
      local md, mf = nn.GELU():double(), nn.GELU():float()
      local yd = md:forward(xd):clone()
      local yf = mf:forward(xd:float()):double()
      local gid = md:backward(xd, gd):clone()
      local gif = mf:backward(xd:float(), gd:float()):double()
      local worst, worstg = 0, 0
      for i = 1, 20001 do
         local e = math.abs(yf[i] - yd[i]) / math.max(math.abs(yd[i]), 1e-30)
         if math.abs(yd[i]) > 1e-30 and e > worst then worst = e end
         -- the gradient g (Phi(x) + x phi(x)) is a sum of two terms of opposite signs for
         -- x < 0: its error is relative to the terms, not to their sum
         local x = xd[i]
         local phi = x ~= 0 and yd[i] / x or 0.5
         local terms = math.abs(gd[i]) * (phi + math.abs(x) * math.exp(-x * x / 2) / math.sqrt(2 * math.pi))
         if terms > 1e-30 then
            local eg = math.abs(gif[i] - gid[i]) / terms
            if eg > worstg then worstg = eg end
         end
      end
      assert.is_true(worst < 1e-6, 'GELU float forward relative error ' .. worst)
      -- the backward's phi(x) = exp(-x^2/2)/sqrt(2 pi) takes x^2 rounded to float: 4e-6 at |x| = 14
      assert.is_true(worstg < 5e-6, 'GELU float backward relative error ' .. worstg)
      near(flat(mf:forward(torch.FloatTensor({-800, 800, 0}))), {0, 800, 0}, 0)
   end)

   it('Tanh and Sigmoid in float (fastmath.h) keep float precision', function()
      -- x over [-20, 20] with tiny values too (tanh's small-x polynomial), against the
      -- double rows (libm); relative error, Sigmoid where its value is a normal float
      local xs = torch.linspace(-20, 20, 8001):totable()
      for _, v in ipairs({1e-30, -1e-20, 1e-8, -3e-5, 0.6249, 0.6251, -0.625}) do xs[#xs + 1] = v end
      local xd = torch.DoubleTensor(xs):float():double()
      for _, case in ipairs({{'Tanh', 2e-7 * 4}, {'Sigmoid', 2e-7 * 4}}) do
         local yd = nn[case[1]]():double():forward(xd):clone()
         local yf = nn[case[1]]():float():forward(xd:float()):double()
         local worst = 0
         for i = 1, xd:size(1) do
            if math.abs(yd[i]) > 1e-37 then
               worst = math.max(worst, math.abs(yf[i] - yd[i]) / math.abs(yd[i]))
            end
         end
         assert.is_true(worst < case[2], case[1] .. ' float relative error ' .. worst)
      end
      local t = nn.Tanh():float():forward(torch.FloatTensor({0 / 0, 1 / 0, -1 / 0}))
      assert.is_true(t[1] ~= t[1])
      near(flat(t:narrow(1, 2, 2)), {1, -1}, 0)
      near(flat(nn.Sigmoid():float():forward(torch.FloatTensor({-200, 200}))), {0, 1}, 1e-37)
   end)

   it('stable at extreme inputs', function()
      local x = torch.DoubleTensor({-800, 800})
      near(flat(nn.Sigmoid():double():forward(x)), {0, 1}, 0)
      near(flat(nn.LogSigmoid():double():forward(x)), {-800, 0}, 1e-9)
      near(flat(nn.SoftPlus():double():forward(x)), {0, 800}, 1e-9)
      near(flat(nn.Tanh():double():forward(x)), {-1, 1}, 0)
      near(flat(nn.GELU():double():forward(x)), {0, 800}, 0)
      near(flat(nn.ELU():double():forward(x)), {-1, 800}, 0)
   end)

   describe('in place', function()
      local inplace = {
         {'ReLU', function(ip) return nn.ReLU(ip) end},
         {'ReLU6', function(ip) return nn.ReLU6(ip) end},
         {'Threshold', function(ip) return nn.Threshold(0.1, -2, false) end,
          function(ip) return nn.Threshold(0.1, 0.05, ip) end},
         {'HardTanh', function(ip) return nn.HardTanh(-1, 1, ip) end},
         {'LeakyReLU', function(ip) return nn.LeakyReLU(0.1, ip) end},
         {'ELU', function(ip) return nn.ELU(0.5, ip) end},
      }
      for _, c in ipairs(inplace) do
         local name, ctor = c[1], c[3] or c[2]
         it(name .. ' overwrites its input and gives the same values and gradients', function()
            local ref = ctor(false):double()
            local x = torch.DoubleTensor(xs)
            local g = torch.DoubleTensor({{1, 2, 3, 4}, {5, 6, 7, 8}})
            local y = flat(ref:forward(x))
            local gi = flat(ref:backward(x, g))
            local m = ctor(true):double()
            assert.is_true(m.inplace)
            local xi, gg = x:clone(), g:clone()
            local out = m:forward(xi)
            near(flat(out), y, 0, name)
            near(flat(xi), y, 0, name .. ' input overwritten')
            local gin = m:backward(xi, gg)
            near(flat(gin), gi, 0, name)
            near(flat(gg), gi, 0, name .. ' gradOutput overwritten')
         end)
      end

      it('works on a strided view, writing through the strides', function()
         local base = torch.DoubleTensor({{-1, 2, -3}, {4, -5, 6}})
         local v = base:t()
         nn.ReLU(true):double():forward(v)
         near(flat(base), {0, 2, 0, 4, 0, 6}, 0)
      end)

      it('Threshold refuses a value above the threshold in place', function()
         H.raises(function() nn.Threshold(0, 1, true) end,
                  'nn.Threshold: in-place processing requires value (1) not to exceed threshold (0)')
      end)

      it('LeakyReLU with a negative slope is not in place', function()
         assert.is_false(nn.LeakyReLU(-0.1, true).inplace)
      end)
   end)

   describe('PReLU', function()
      it('has one learnt slope per plane, 0.25 at first', function()
         local m = nn.PReLU(3):double()
         near(flat(m.weight), {0.25, 0.25, 0.25}, 0)
         m.weight:copy(torch.DoubleTensor({0.1, 0.2, 0.3}))
         -- batch 2 x 3 planes
         local x = torch.DoubleTensor({{-1, 2, -3}, {4, -5, -6}})
         near(flat(m:forward(x)), {-0.1, 2, -0.9, 4, -1, -1.8}, 1e-15)
         -- one sample: dimension 1 holds the planes
         near(flat(m:forward(torch.DoubleTensor({-1, -1, -1}))), {-0.1, -0.2, -0.3}, 1e-15)
         -- 3D: planes x h x w
         local y = m:forward(torch.DoubleTensor(3, 2, 2):fill(-1))
         near(flat(y), {-0.1, -0.1, -0.1, -0.1, -0.2, -0.2, -0.2, -0.2, -0.3, -0.3, -0.3, -0.3}, 1e-15)
      end)

      it('accumulates the gradient of its weights', function()
         local m = nn.PReLU(3):double()
         m.weight:copy(torch.DoubleTensor({0.1, 0.2, 0.3}))
         local x = torch.DoubleTensor({{-1, 2, -3}, {4, -5, -6}})
         local g = torch.DoubleTensor({{1, 1, 1}, {2, 2, 2}})
         m:zeroGradParameters()
         m:forward(x)
         near(flat(m:backward(x, g)), {0.1, 1, 0.3, 2, 0.4, 0.6}, 1e-15)
         -- sum of g * x over the non-positive x of each plane
         near(flat(m.gradWeight), {-1, -10, -15}, 1e-15)
         m:backward(x, g, 0.5)
         near(flat(m.gradWeight), {-1.5, -15, -22.5}, 1e-15)
      end)

      it('passes a finite-difference check of its weights', function()
         local m = nn.PReLU(4):double()
         m.weight:copy(torch.DoubleTensor({0.1, 0.2, 0.3, 0.4}))
         local x = torch.DoubleTensor(xs)
         assert.is_true(jacobian_error(m, x) < 1e-6)
         -- d sum(g * y) / d w by central differences
         local g = torch.DoubleTensor({{1, -2, 3, 0.5}, {2, 1, -1, 4}})
         m:zeroGradParameters()
         m:forward(x)
         m:backward(x, g)
         local analytic = flat(m.gradWeight)
         local w = m.weight
         for c = 1, 4 do
            local function loss()
               local y, s = flat(m:forward(x)), 0
               local gf = flat(g)
               for i = 1, #y do s = s + y[i] * gf[i] end
               return s
            end
            local v = w[c]
            w[c] = v + 1e-6
            local lp = loss()
            w[c] = v - 1e-6
            local lm = loss()
            w[c] = v
            assert.is_true(math.abs((lp - lm) / 2e-6 - analytic[c]) < 1e-6)
         end
         if nn.Jacobian and nn.Jacobian.testJacobianParameters then
            assert.is_true(nn.Jacobian.testJacobianParameters(m, torch.DoubleTensor(xs),
                                                              m.weight, m.gradWeight) < 1e-6)
         end
      end)

      it('lists its parameters', function()
         local m = nn.PReLU(2)
         local p, gp = m:parameters()
         assert.are.equal(m.weight, p[1])
         assert.are.equal(m.gradWeight, gp[1])
      end)

      it('rejects an input with the wrong number of planes', function()
         H.raises(function() nn.PReLU(3):forward(torch.Tensor(2, 4)) end,
                  'nn.PReLU: input of size 2x4 has 4 planes in dimension 2, expected 3')
      end)
   end)

   describe('SoftMax, LogSoftMax, SoftMin', function()
      local function softmax(row, sign)
         local m, s, out = -math.huge, 0, {}
         for _, v in ipairs(row) do m = math.max(m, sign * v) end
         for i, v in ipairs(row) do out[i] = math.exp(sign * v - m) s = s + out[i] end
         for i = 1, #out do out[i] = out[i] / s end
         return out
      end

      it('normalise each row of a batch, and a single vector', function()
         local x = {{1, 2, 3}, {-1, 0.5, 0.25}}
         for _, kind in ipairs({'SoftMax', 'LogSoftMax', 'SoftMin'}) do
            local m = nn[kind]():double()
            local want = {}
            for _, row in ipairs(x) do
               local p = softmax(row, kind == 'SoftMin' and -1 or 1)
               for _, v in ipairs(p) do want[#want + 1] = kind == 'LogSoftMax' and math.log(v) or v end
            end
            near(flat(m:forward(torch.DoubleTensor(x))), want, 1e-12, kind)
            near(flat(m:forward(torch.DoubleTensor(x[2]))), {want[4], want[5], want[6]}, 1e-12, kind)
            near(flat(nn[kind]():forward(torch.Tensor(x))), want, 1e-6, kind .. ' float')
         end
         -- the classic example, literally
         near(flat(nn.SoftMax():double():forward(torch.DoubleTensor({1, 2, 3}))),
              {0.09003057317038046, 0.24472847105479767, 0.6652409557748219}, 1e-15)
      end)

      it('do not overflow on large inputs', function()
         local y = nn.SoftMax():double():forward(torch.DoubleTensor({1000, 1001, 1002}))
         near(flat(y), {0.09003057317038046, 0.24472847105479767, 0.6652409557748219}, 1e-15)
         local l = nn.LogSoftMax():double():forward(torch.DoubleTensor({-1000, 0}))
         near(flat(l), {-1000, 0}, 1e-12)
      end)

      it('work across the planes of a 3D input', function()
         local x = torch.DoubleTensor(2, 1, 2)
         x:view(4):copy(torch.DoubleTensor({0, 1, 0, 3}))
         local y = nn.SoftMax():double():forward(x)
         near(flat(y), {0.5, sigmoid(-2), 0.5, sigmoid(2)}, 1e-15)
      end)

      it('pass the finite-difference check', function()
         for _, kind in ipairs({'SoftMax', 'LogSoftMax', 'SoftMin'}) do
            local m = nn[kind]():double()
            assert.is_true(jacobian_error(m, torch.DoubleTensor({{0.3, -1.1, 0.8}, {2, 0.1, -0.4}})) < 1e-6)
            assert.is_true(jacobian_error(m, torch.DoubleTensor({0.3, -1.1, 0.8, 2})) < 1e-6)
            assert.is_true(jacobian_error(m, torch.DoubleTensor(2, 3, 2):fill(0.5)) < 1e-6)
         end
      end)

      it('reject an empty or 5D input', function()
         H.raises(function() nn.SoftMax():forward(torch.Tensor(1, 1, 1, 1, 2)) end,
                  'nn.SoftMax: input of size 1x1x1x1x2, expected a non-empty 1D, 2D, 3D or 4D input')
      end)
   end)

   describe('buffers and errors', function()
      it('reuse output and gradInput from call to call', function()
         local m = nn.Tanh()
         local x = torch.Tensor(4, 3):fill(0.5)
         local y1 = m:forward(x)
         local g1 = m:backward(x, torch.Tensor(4, 3):fill(1))
         local y2 = m:forward(torch.Tensor(4, 3):fill(-0.5))
         local g2 = m:backward(x, torch.Tensor(4, 3):fill(1))
         assert.are.equal(y1, y2)
         assert.are.equal(g1, g2)
         assert.are.equal(m.output, y2)
      end)

      it('name the module and the sizes on a mismatched gradOutput', function()
         local m = nn.Sigmoid()
         local x = torch.Tensor(2, 3):fill(0)
         m:forward(x)
         H.raises(function() m:backward(x, torch.Tensor(3, 2)) end,
                  'nn.Sigmoid: gradOutput of size 3x2, expected 2x3')
         local r = nn.ReLU()
         r:forward(x)
         H.raises(function() r:backward(x, torch.Tensor(6)) end,
                  'nn.ReLU: gradOutput of size 6, expected 2x3')
         local s = nn.LogSoftMax()
         s:forward(x)
         H.raises(function() s:backward(x, torch.Tensor(3)) end,
                  'nn.LogSoftMax: gradOutput of size 3, expected 2x3')
      end)

      it('name the module on a wrong type', function()
         H.raises(function() nn.Tanh():forward(torch.LongTensor({1, 2})) end,
                  'nn.Tanh: input must be a Float or Double tensor, got a Long tensor')
         H.raises(function() nn.GELU():float():forward(torch.DoubleTensor({1, 2})) end,
                  'nn.GELU: output is a Float tensor, input a Double tensor')
         H.raises(function() nn.ELU():forward('x') end, 'nn.ELU: expected a tensor, got string')
      end)

      it('HardTanh checks its range', function()
         H.raises(function() nn.HardTanh(1, -1) end,
                  'nn.HardTanh: max_value (-1) must be larger than min_value (1)')
      end)

      it('print their parameters where Torch7 does', function()
         assert.are.equal('nn.ELU (alpha:0.5)', tostring(nn.ELU(0.5)))
         assert.are.equal('nn.LeakyReLU(0.2)', tostring(nn.LeakyReLU(0.2)))
         assert.are.equal('nn.Tanh', tostring(nn.Tanh()))
      end)
   end)
end)
