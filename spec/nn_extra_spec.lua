-- Modules written in Lua over tensor operations (docs/nn_extra.md): MM, MV, CMaxTable,
-- CMinTable, DotProduct, CosineDistance, PairwiseDistance, Euclidean, Contiguous,
-- GradientReversal, L1Penalty, WeightedMSECriterion, CriterionTable, MapTable,
-- SpatialUpSamplingNearest, SpatialReflectionPadding, SpatialReplicationPadding.
-- Forward values are checked against numbers worked out by hand, gradients in float64
-- with nn.Jacobian, and error messages name the module and the sizes.
require 'torch'
require 'nn'
local H = require 'spec.helpers'

local function near(a, b, tol) H.near(a, b, tol or 1e-6) end
local function T(t) return torch.DoubleTensor(t) end
local D = torch.DoubleTensor
local vals = H.vals

local jac, jacp = H.jac, H.jacp
local function io_ok(m, input)
   local ef, eb = nn.Jacobian.testIO(m, input)
   assert.are.equal(0, ef)
   assert.are.equal(0, eb)
end

-- type() converts the buffers too, and a cleared module still works.
local function float_and_clear(m, input, check)
   m:float()
   local function tofloat(x)
      if torch.isTensor(x) then return x:float() end
      local t = {}
      for i = 1, #x do t[i] = tofloat(x[i]) end
      return t
   end
   local fin = tofloat(input)
   local out = m:forward(fin)
   local leaf = torch.isTensor(out) and out or out[1]
   assert.are.equal('torch.FloatTensor', leaf:type())
   m:backward(fin, nn.utils.recursiveFill(nn.utils.recursiveResizeAs(nil, out), 1))
   m:clearState()
   if torch.isTensor(m.output) then assert.are.equal(0, m.output:nElement()) end
   m:double()
   local again = m:forward(input)
   if check then check(again) end
   -- the gradient buffers emptied by clearState are made again
   m:backward(input, nn.utils.recursiveFill(nn.utils.recursiveResizeAs(nil, again), 1))
end

describe('nn.MM', function()
   local A, B = T{{1, 2}, {3, 4}}, T{{5, 6}, {7, 8}}

   it('multiplies, with either operand transposed', function()
      near(vals(nn.MM():double():forward({A, B})), {{19, 22}, {43, 50}})
      near(vals(nn.MM(true):double():forward({A, B})), {{26, 30}, {38, 44}})
      near(vals(nn.MM(false, true):double():forward({A, B})), {{17, 23}, {39, 53}})
      near(vals(nn.MM(true, true):double():forward({A, B})), {{23, 31}, {34, 46}})
   end)

   it('backward by hand', function()
      local m = nn.MM():double()
      m:forward({A, B})
      local g = m:backward({A, B}, T{{1, 1}, {1, 1}})
      near(vals(g[1]), {{11, 15}, {11, 15}})
      near(vals(g[2]), {{4, 4}, {6, 6}})
   end)

   it('multiplies 3D batches pairwise', function()
      local a = D(2, 2, 2)
      a[1]:copy(A); a[2]:copy(A):mul(2)
      local b = D(2, 2, 2)
      b[1]:copy(B); b[2]:copy(B)
      near(vals(nn.MM():double():forward({a, b})), {{{19, 22}, {43, 50}}, {{38, 44}, {86, 100}}})
   end)

   it('passes the gradient checks, 2D and 3D, transposed or not', function()
      for _, ta in ipairs({false, true}) do
         for _, tb in ipairs({false, true}) do
            local m = nn.MM(ta, tb):double()
            local a2 = ta and D(4, 3) or D(3, 4)
            local b2 = tb and D(5, 4) or D(4, 5)
            jac(m, {a2, b2})
            local a3 = ta and D(2, 4, 3) or D(2, 3, 4)
            local b3 = tb and D(2, 5, 4) or D(2, 4, 5)
            jac(m, {a3, b3})
         end
      end
   end)

   it('errors name the module and the sizes', function()
      local m = nn.MM():double()
      H.raises(function() m:forward({D(2, 3), D(4, 2)}) end,
               'nn.MM: cannot multiply 2x3 by 4x2 (transA=false, transB=false)')
      H.raises(function() m:forward({D(2, 3), D(2, 3, 2)}) end,
               'nn.MM: inputs of sizes 2x3 and 2x3x2')
      H.raises(function() m:forward({D(2, 2, 3), D(3, 3, 2)}) end, 'nn.MM: cannot multiply 2x2x3 by 3x3x2')
      H.raises(function() m:forward(D(2, 2)) end, 'nn.MM: expected a pair of tensors {A, B}')
      m:forward({A, B})
      H.raises(function() m:backward({A, B}, D(3, 2)) end, 'nn.MM: gradOutput of size 3x2, expected the output size 2x2')
   end)

   it('converts with type, clears its state and round-trips through serialization', function()
      float_and_clear(nn.MM(), {A, B}, function(out) near(vals(out), {{19, 22}, {43, 50}}) end)
      io_ok(nn.MM(true, false):double(), {D(2, 3, 2):uniform(), D(2, 3, 4):uniform()})
   end)
end)

describe('nn.MV', function()
   local M, v = T{{1, 2}, {3, 4}}, T{1, -1}

   it('multiplies by hand, with the matrix transposed or not', function()
      near(vals(nn.MV():double():forward({M, v})), {-1, -1})
      near(vals(nn.MV(true):double():forward({M, v})), {-2, -2})
      local m = nn.MV():double()
      m:forward({M, v})
      local g = m:backward({M, v}, T{1, 2})
      near(vals(g[1]), {{1, -1}, {2, -2}})
      near(vals(g[2]), {7, 10})
      local mt = nn.MV(true):double()
      mt:forward({M, v})
      g = mt:backward({M, v}, T{1, 2})
      near(vals(g[1]), {{1, 2}, {-1, -2}})
      near(vals(g[2]), {5, 11})
   end)

   it('multiplies batches', function()
      local Mb = D(2, 2, 2)
      Mb[1]:copy(M); Mb[2]:copy(M):mul(-1)
      near(vals(nn.MV():double():forward({Mb, T{{1, -1}, {1, 1}}})), {{-1, -1}, {-3, -7}})
   end)

   it('passes the gradient checks', function()
      for _, tr in ipairs({false, true}) do
         local m = nn.MV(tr):double()
         jac(m, {tr and D(4, 3) or D(3, 4), D(4)})
         jac(m, {tr and D(2, 4, 3) or D(2, 3, 4), D(2, 4)})
      end
   end)

   it('errors name the module and the sizes', function()
      local m = nn.MV():double()
      H.raises(function() m:forward({D(2, 3), D(2)}) end,
               'nn.MV: cannot multiply a matrix of size 2x3 by a vector of size 2 (trans=false)')
      H.raises(function() m:forward({D(2, 3), D(2, 3)}) end, 'nn.MV: inputs of sizes 2x3 and 2x3')
      H.raises(function() m:forward({D(2, 2, 3), D(3, 3)}) end, 'nn.MV: cannot multiply a matrix of size 2x2x3 by a vector of size 3x3')
   end)

   it('converts, clears and round-trips', function()
      float_and_clear(nn.MV(), {M, v}, function(out) near(vals(out), {-1, -1}) end)
      io_ok(nn.MV():double(), {D(2, 3, 4):uniform(), D(2, 4):uniform()})
   end)
end)

describe('nn.CMaxTable and nn.CMinTable', function()
   local function inputs() return {T{1, 5, 3}, T{4, 2, 3}, T{0, 6, -1}} end

   it('take the elementwise max, the gradient going to the first winner', function()
      local m = nn.CMaxTable():double()
      near(vals(m:forward(inputs())), {4, 6, 3})
      local g = m:backward(inputs(), T{10, 20, 30})
      near(vals(g[1]), {0, 0, 30})
      near(vals(g[2]), {10, 0, 0})
      near(vals(g[3]), {0, 20, 0})
   end)

   it('take the elementwise min', function()
      local m = nn.CMinTable():double()
      near(vals(m:forward(inputs())), {0, 2, -1})
      local g = m:backward(inputs(), T{10, 20, 30})
      near(vals(g[1]), {0, 0, 0})
      near(vals(g[2]), {0, 20, 0})
      near(vals(g[3]), {10, 0, 30})
   end)

   it('pass the gradient checks (ties have probability 0)', function()
      jac(nn.CMaxTable():double(), {D(2, 3), D(2, 3), D(2, 3)})
      jac(nn.CMinTable():double(), {D(4), D(4)})
   end)

   it('shrink gradInput when the table shrinks', function()
      local m = nn.CMaxTable():double()
      m:forward(inputs()); m:backward(inputs(), T{1, 1, 1})
      local two = {T{1, 2}, T{2, 1}}
      m:forward(two)
      assert.are.equal(2, #m:backward(two, T{1, 1}))
   end)

   it('errors name the module and the sizes', function()
      H.raises(function() nn.CMaxTable():double():forward({T{1, 2}, T{1, 2, 3}}) end,
               'nn.CMaxTable: input 2 of size 3 does not match input 1 of size 2')
      H.raises(function() nn.CMinTable():double():forward({D(2, 3), D(3, 2)}) end,
               'nn.CMinTable: input 2 of size 3x2 does not match input 1 of size 2x3')
      H.raises(function() nn.CMinTable():forward(D(2)) end, 'nn.CMinTable: expected a table')
   end)

   it('convert, clear and round-trip', function()
      float_and_clear(nn.CMaxTable(), inputs(), function(out) near(vals(out), {4, 6, 3}) end)
      float_and_clear(nn.CMinTable(), inputs(), function(out) near(vals(out), {0, 2, -1}) end)
      io_ok(nn.CMaxTable():double(), {D(2, 3):uniform(), D(2, 3):uniform()})
      io_ok(nn.CMinTable():double(), {D(2, 3):uniform(), D(2, 3):uniform()})
   end)
end)

describe('nn.DotProduct', function()
   it('dots vectors and rows', function()
      local m = nn.DotProduct():double()
      near(vals(m:forward({T{1, 2, 3}, T{4, 5, 6}})), {32})
      local x1, x2 = T{{1, 2}, {3, 4}}, T{{1, 1}, {2, 0}}
      near(vals(m:forward({x1, x2})), {3, 6})
      local g = m:backward({x1, x2}, T{1, 2})
      near(vals(g[1]), {{1, 1}, {4, 0}})
      near(vals(g[2]), {{1, 2}, {6, 8}})
      g = m:backward({T{1, 2, 3}, T{4, 5, 6}}, T{2})
      near(vals(g[1]), {8, 10, 12})
   end)

   it('passes the gradient checks', function()
      jac(nn.DotProduct():double(), {D(5), D(5)})
      jac(nn.DotProduct():double(), {D(3, 4), D(3, 4)})
   end)

   it('errors name the module and the sizes', function()
      H.raises(function() nn.DotProduct():double():forward({D(3), D(4)}) end,
               'nn.DotProduct: inputs of sizes 3 and 4, expected two vectors or two matrices of one size')
      H.raises(function() nn.DotProduct():double():forward({D(2, 2, 2), D(2, 2, 2)}) end,
               'nn.DotProduct: inputs of sizes 2x2x2 and 2x2x2')
   end)

   it('converts, clears and round-trips', function()
      float_and_clear(nn.DotProduct(), {T{1, 2, 3}, T{4, 5, 6}}, function(out) near(vals(out), {32}) end)
      io_ok(nn.DotProduct():double(), {D(2, 3):uniform(), D(2, 3):uniform()})
   end)
end)

describe('nn.CosineDistance', function()
   it('gives the cosine of vectors and rows', function()
      local m = nn.CosineDistance():double()
      near(vals(m:forward({T{1, 0}, T{1, 1}})), {0.70710678})
      near(vals(m:forward({T{{1, 0}, {3, 4}}, T{{1, 1}, {4, 3}}})), {0.70710678, 0.96})
      m:forward({T{1, 0}, T{1, 1}})
      local g = m:backward({T{1, 0}, T{1, 1}}, T{1})
      near(vals(g[1]), {0, 0.70710678})
      near(vals(g[2]), {0.35355339, -0.35355339})
   end)

   it('gives 0, not NaN, for a zero vector', function()
      near(vals(nn.CosineDistance():double():forward({T{0, 0}, T{1, 1}})), {0})
   end)

   it('passes the gradient checks', function()
      jac(nn.CosineDistance():double(), {D(4), D(4)})
      jac(nn.CosineDistance():double(), {D(3, 4), D(3, 4)})
   end)

   it('errors name the module and the sizes', function()
      H.raises(function() nn.CosineDistance():double():forward({D(2, 3), D(2, 4)}) end,
               'nn.CosineDistance: inputs of sizes 2x3 and 2x4')
   end)

   it('converts, clears and round-trips', function()
      float_and_clear(nn.CosineDistance(), {T{3, 4}, T{4, 3}}, function(out) near(vals(out), {0.96}) end)
      io_ok(nn.CosineDistance():double(), {D(2, 3):uniform(), D(2, 3):uniform()})
   end)
end)

describe('nn.PairwiseDistance', function()
   it('gives the p-norm distance of vectors and rows', function()
      local x1, x2 = T{1, 2}, T{4, 6}
      near(vals(nn.PairwiseDistance(2):double():forward({x1, x2})), {5})
      near(vals(nn.PairwiseDistance():double():forward({x1, x2})), {5})
      near(vals(nn.PairwiseDistance(1):double():forward({x1, x2})), {7})
      near(vals(nn.PairwiseDistance(3):double():forward({x1, x2})), {4.497941445})
      near(vals(nn.PairwiseDistance(2):double():forward({T{{0, 0}, {1, 1}}, T{{3, 4}, {1, 1}}})), {5, 0})
   end)

   it('backward by hand, 0 where the points meet', function()
      local m = nn.PairwiseDistance(2):double()
      local x = {T{{1, 2}, {1, 1}}, T{{4, 6}, {1, 1}}}
      m:forward(x)
      local g = m:backward(x, T{1, 1})
      near(vals(g[1]), {{-0.6, -0.8}, {0, 0}})
      near(vals(g[2]), {{0.6, 0.8}, {0, 0}})
      local m1 = nn.PairwiseDistance(1):double()
      m1:forward({T{1, 2}, T{4, 1}})
      near(vals(m1:backward({T{1, 2}, T{4, 1}}, T{2})[1]), {-2, 2})
   end)

   it('passes the gradient checks for several p', function()
      for _, p in ipairs({1, 1.5, 2, 3}) do
         jac(nn.PairwiseDistance(p):double(), {D(4), D(4)})
         jac(nn.PairwiseDistance(p):double(), {D(3, 4), D(3, 4)})
      end
   end)

   it('errors name the module and the sizes', function()
      H.raises(function() nn.PairwiseDistance(2):double():forward({D(3), D(2)}) end,
               'nn.PairwiseDistance: inputs of sizes 3 and 2')
      H.raises(function() nn.PairwiseDistance(0.5) end, 'nn.PairwiseDistance: p must be a number >= 1, got 0.5')
   end)

   it('converts, clears and round-trips', function()
      float_and_clear(nn.PairwiseDistance(2), {T{1, 2}, T{4, 6}}, function(out) near(vals(out), {5}) end)
      io_ok(nn.PairwiseDistance(3):double(), {D(2, 3):uniform(), D(2, 3):uniform()})
   end)
end)

describe('nn.Euclidean', function()
   local function known()
      local m = nn.Euclidean(2, 3):double()
      m.weight:copy(T{{0, 1, 3}, {0, 1, 4}})
      return m
   end

   it('gives the distance to each weight column', function()
      local m = known()
      near(vals(m:forward(T{0, 0})), {0, 1.41421356, 5})
      near(vals(m:forward(T{{0, 0}, {3, 4}})), {{0, 1.41421356, 5}, {5, 3.605551275, 0}})
   end)

   it('backward by hand (a zero distance contributes 0)', function()
      local m = known()
      m:zeroGradParameters()
      m:forward(T{0, 0})
      near(vals(m:backward(T{0, 0}, T{1, 1, 1})), {-1.30710678, -1.50710678})
      near(vals(m.gradWeight), {{0, 0.70710678, 0.6}, {0, 0.70710678, 0.8}})
   end)

   it('passes the gradient checks', function()
      local m = nn.Euclidean(4, 3):double()
      jac(m, D(4))
      jac(m, D(2, 4))
      jacp(m, D(4), m.weight, m.gradWeight)
      jacp(m, D(2, 4), m.weight, m.gradWeight)
   end)

   it('errors name the module and the sizes', function()
      H.raises(function() known():forward(D(3)) end, 'nn.Euclidean: input of size 3, expected 2 or n x 2')
      H.raises(function() known():forward(D(2, 2, 2)) end, 'nn.Euclidean: input of size 2x2x2')
      H.raises(function() nn.Euclidean(0, 2) end, 'nn.Euclidean: sizes must be positive integers')
   end)

   it('converts, clears, round-trips and prints', function()
      float_and_clear(known(), T{0, 0}, function(out) near(vals(out), {0, 1.41421356, 5}) end)
      io_ok(nn.Euclidean(3, 2):double(), D(2, 3):uniform())
      assert.are.equal('nn.Euclidean', tostring(nn.Euclidean(2, 3)))
      local w, gw = nn.Euclidean(2, 3):getParameters()
      assert.are.equal(6, w:nElement())
      assert.are.equal(6, gw:nElement())
   end)
end)

describe('nn.Contiguous', function()
   it('shares a contiguous input and copies a strided one', function()
      local m = nn.Contiguous():double()
      local x = T{{1, 2}, {3, 4}}
      local out = m:forward(x)
      assert.are.equal(nn.utils.storageid(x), nn.utils.storageid(out))
      local xt = x:t()
      out = m:forward(xt)
      assert.is_true(out:isContiguous())
      assert.are_not.equal(nn.utils.storageid(x), nn.utils.storageid(out))
      near(vals(out), {{1, 3}, {2, 4}})
      -- a copy never writes over the input it was a view of before
      near(vals(x), {{1, 2}, {3, 4}})
      near(vals(m:backward(xt, T{{1, 2}, {3, 4}}:t())), {{1, 3}, {2, 4}})
   end)

   it('passes the gradient check', function()
      jac(nn.Contiguous():double(), D(3, 4))
   end)

   it('errors name the module', function()
      H.raises(function() nn.Contiguous():forward({}) end, 'nn.Contiguous: input must be a tensor, got table')
   end)

   it('converts, clears and round-trips', function()
      float_and_clear(nn.Contiguous(), T{{1, 2}, {3, 4}}:t(), function(out) near(vals(out), {{1, 3}, {2, 4}}) end)
      io_ok(nn.Contiguous():double(), D(2, 3):uniform())
   end)
end)

describe('nn.GradientReversal', function()
   it('passes the input and reverses the gradient, scaled by lambda', function()
      local m = nn.GradientReversal(2):double()
      near(vals(m:forward(T{1, -2})), {1, -2})
      near(vals(m:backward(T{1, -2}, T{3, 4})), {-6, -8})
      m:setLambda(0.5)
      near(vals(m:backward(T{1, -2}, T{3, 4})), {-1.5, -2})
      near(vals(nn.GradientReversal():double():backward(T{1}, T{3})), {-3})
   end)

   it('with lambda = -1 it is the identity, whose gradient check passes', function()
      jac(nn.GradientReversal(-1):double(), D(2, 3))
   end)

   it('errors name the module', function()
      H.raises(function() nn.GradientReversal('a') end, 'nn.GradientReversal: lambda must be a number, got string')
   end)

   it('converts, clears and round-trips', function()
      float_and_clear(nn.GradientReversal(), T{1, 2}, function(out) near(vals(out), {1, 2}) end)
      io_ok(nn.GradientReversal(0.3):double(), D(2, 3):uniform())
   end)
end)

describe('nn.L1Penalty', function()
   it('passes the input on, keeps the loss and adds its gradient', function()
      local x = T{1, -2, 0}
      local m = nn.L1Penalty(0.5):double()
      assert.are.equal(x, m:forward(x))
      near(m.loss, 1.5)
      near(vals(m:backward(x, T{1, 1, 1})), {1.5, 0.5, 1})
      local avg = nn.L1Penalty(0.5, true):double()
      avg:forward(x)
      near(avg.loss, 0.5)
      near(vals(avg:backward(x, T{0, 0, 0})), {1 / 6, -1 / 6, 0})
      local last = nn.L1Penalty(0.5, false, false):double()
      last:forward(x)
      near(vals(last:backward(x, T{7, 7, 7})), {0.5, -0.5, 0})
   end)

   it('its gradient is that of gradOutput . output + loss (finite differences)', function()
      local m = nn.L1Penalty(0.7):double()
      local x = D(5):uniform(-2, 2)
      local g = D(5):uniform(-1, 1)
      local gi = m:backward(x, g):clone()
      local function f(y) m:forward(y); return g:dot(y) + m.loss end
      for i = 1, 5 do
         local y = x:clone()
         y[i] = x[i] + 1e-6
         local up = f(y)
         y[i] = x[i] - 1e-6
         local down = f(y)
         near((up - down) / 2e-6, gi[i], 1e-6)
      end
   end)

   it('errors name the module and the sizes', function()
      H.raises(function() nn.L1Penalty() end, 'nn.L1Penalty: l1weight must be a number, got nil')
      local m = nn.L1Penalty(1):double()
      m:forward(D(3))
      H.raises(function() m:backward(D(3), D(4)) end, 'nn.L1Penalty: gradOutput of size 4, expected the input size 3')
   end)

   it('converts, clears and round-trips', function()
      float_and_clear(nn.L1Penalty(1), T{1, 2}, function(out) near(vals(out), {1, 2}) end)
      io_ok(nn.L1Penalty(0.1):double(), D(2, 3):uniform())
   end)
end)

describe('nn.WeightedMSECriterion', function()
   it('compares the input with the weighted target', function()
      local c = nn.WeightedMSECriterion(T{1, 2}):double()
      near(c:forward(T{1, 1}, T{1, 1}), 0.5)
      near(vals(c:backward(T{1, 1}, T{1, 1})), {0, -1})
      near(c:forward(T{{1, 1}, {0, 0}}, T{{1, 1}, {1, 1}}), 1.5)
      local s = nn.WeightedMSECriterion(T{1, 2}):double()
      s.sizeAverage = false
      near(s:forward(T{{1, 1}, {0, 0}}, T{{1, 1}, {1, 1}}), 6)
      assert.is_true(torch.isTypeOf(c, 'nn.MSECriterion'))
   end)

   it('its gradient matches finite differences', function()
      local c = nn.WeightedMSECriterion(T{0.5, 2, -1}):double()
      local x, t = D(2, 3):uniform(-1, 1), D(2, 3):uniform(-1, 1)
      local gi = c:backward(x, t):clone()
      for i = 1, 2 do
         for j = 1, 3 do
            local y = x:clone()
            y[i][j] = x[i][j] + 1e-6
            local up = c:forward(y, t)
            y[i][j] = x[i][j] - 1e-6
            near((up - c:forward(y, t)) / 2e-6, gi[i][j], 1e-6)
         end
      end
   end)

   it('errors name the module and the sizes', function()
      local c = nn.WeightedMSECriterion(T{1, 2}):double()
      H.raises(function() c:forward(D(3), D(3)) end,
               'nn.WeightedMSECriterion: weight of size 2 fits neither an input of size 3 nor its samples')
      H.raises(function() c:forward(D(2), D(3)) end, 'nn.WeightedMSECriterion: target of size 3, expected the input size 2')
      H.raises(function() nn.WeightedMSECriterion() end, 'nn.WeightedMSECriterion: weight must be a tensor, got nil')
   end)

   it('converts and round-trips', function()
      local c = nn.WeightedMSECriterion(T{1, 2}):float()
      near(c:forward(torch.FloatTensor{1, 1}, torch.FloatTensor{1, 1}), 0.5)
      assert.are.equal('torch.FloatTensor', c.weight:type())
      local c2 = torch.deserialize(torch.serialize(c:double()))
      near(c2:forward(T{1, 1}, T{1, 1}), 0.5)
   end)
end)

describe('nn.CriterionTable', function()
   it('makes a criterion a module of {input, target}', function()
      local m = nn.CriterionTable(nn.MSECriterion():double())
      near(m:forward({T{1, 2}, T{3, 2}}), 2)
      local g = m:backward({T{1, 2}, T{3, 2}})
      assert.are.equal(1, #g)
      near(vals(g[1]), {-2, 0})
   end)

   it('its gradient matches finite differences', function()
      local m = nn.CriterionTable(nn.MSECriterion():double())
      local x, t = D(4):uniform(-1, 1), D(4):uniform(-1, 1)
      local gi = m:backward({x, t})[1]:clone()
      for i = 1, 4 do
         local y = x:clone()
         y[i] = x[i] + 1e-6
         local up = m:forward({y, t})
         y[i] = x[i] - 1e-6
         near((up - m:forward({y, t})) / 2e-6, gi[i], 1e-6)
      end
   end)

   it('errors name the module', function()
      H.raises(function() nn.CriterionTable(nn.Linear(2, 2)) end, 'nn.CriterionTable: expected an nn.Criterion, got nn.Linear')
      H.raises(function() nn.CriterionTable(nn.MSECriterion()):forward(D(2)) end,
               'nn.CriterionTable: expected a table {input, target}')
   end)

   it('converts, clears, round-trips and prints', function()
      local m = nn.CriterionTable(nn.MSECriterion()):float()
      near(m:forward({torch.FloatTensor{1, 2}, torch.FloatTensor{3, 2}}), 2)
      assert.are.equal('torch.FloatTensor', m:backward({torch.FloatTensor{1, 2}, torch.FloatTensor{3, 2}})[1]:type())
      m:clearState()
      m:double()
      local m2 = torch.deserialize(torch.serialize(m))
      near(m2:forward({T{1, 2}, T{3, 2}}), 2)
      near(vals(m2:backward({T{1, 2}, T{3, 2}})[1]), {-2, 0})
      assert.are.equal('nn.CriterionTable', tostring(m))
   end)
end)

describe('nn.MapTable', function()
   local function known()
      local lin = nn.Linear(2, 1):double()
      lin.weight:copy(T{{1, 2}})
      lin.bias:fill(0.5)
      return nn.MapTable(lin)
   end

   it('applies one module, with shared weights, to every entry', function()
      local m = known()
      local x = {T{1, 1}, T{2, 0}}
      near(vals(m:forward(x)), {{3.5}, {2.5}})
      assert.are.equal(2, #m.modules)
      assert.are.equal(nn.utils.storageid(m.modules[1].weight), nn.utils.storageid(m.modules[2].weight))
      m:zeroGradParameters()
      local g = m:backward(x, {T{1}, T{1}})
      near(vals(g), {{1, 2}, {1, 2}})
      near(vals(m.module.gradWeight), {{3, 1}})
      near(vals(m.module.gradBias), {2})
      m:updateParameters(1)
      near(vals(m.modules[2].weight), {{-2, 1}})
      near(vals(m:forward({T{1, 1}, T{1, 1}, T{0, 1}})), {{-2.5}, {-2.5}, {-0.5}})
      assert.are.equal(3, #m.modules)
      m:resize(1)
      assert.are.equal(1, #m.modules)
   end)

   it('accUpdateGradParameters updates the shared weights once by the summed gradient', function()
      local m = known()
      local x = {T{1, 1}, T{2, 0}}
      m:zeroGradParameters()
      m:forward(x)
      m:updateGradInput(x, {T{1}, T{1}})
      m:accUpdateGradParameters(x, {T{1}, T{1}}, 0.5)
      near(vals(m.module.weight), {{1 - 1.5, 2 - 0.5}})
      near(vals(m.module.bias), {0.5 - 1})
      near(vals(m.module.gradWeight), {{0, 0}})
      near(vals(m.modules[2].weight), {{-0.5, 1.5}})
   end)

   it('passes the gradient checks, for the input and the shared parameters', function()
      local m = nn.MapTable(nn.Linear(3, 2)):double()
      local x = {D(2, 3), D(2, 3), D(2, 3)}
      jac(m, x)
      jacp(m, x, m.module.weight, m.module.gradWeight)
      jacp(m, x, m.module.bias, m.module.gradBias)
      local p, gp = m:getParameters()
      assert.are.equal(8, p:nElement())
      assert.are.equal(8, gp:nElement())
   end)

   it('errors name the module and the place', function()
      local m = nn.MapTable(nn.Linear(2, 1):double())
      H.raises(function() m:forward({D(2), D(3)}) end, 'In 2 module of nn.MapTable', 'nn.Linear')
      H.raises(function() m:forward(D(2)) end, 'nn.MapTable: expected a table input, got torch.DoubleTensor')
      H.raises(function() m:add(nn.Identity()) end, 'nn.MapTable: add: a MapTable holds a single module')
      H.raises(function() nn.MapTable():forward({D(2)}) end, 'nn.MapTable: no module to map')
   end)

   it('converts, clears, round-trips and prints', function()
      local m = known()
      m:forward({T{1, 1}, T{2, 0}})
      m:clearState()
      assert.are.equal(1, #m.modules)
      m:float()
      local out = m:forward({torch.FloatTensor{1, 1}, torch.FloatTensor{2, 0}})
      assert.are.equal('torch.FloatTensor', out[2]:type())
      near(vals(out), {{3.5}, {2.5}})
      io_ok(nn.MapTable(nn.Linear(3, 2)):double(), {D(2, 3):uniform(), D(2, 3):uniform()})
      assert.are.equal('nn.MapTable {\n  nn.Linear(2 -> 1)\n}', tostring(known()))
      -- Torch7 indents the child's later lines by 8 spaces (tab .. extlast)
      assert.are.equal('nn.MapTable {\n  nn.Sequential {\n          [input -> (1) -> output]\n' ..
                       '          (1): nn.Identity\n        }\n}',
                       tostring(nn.MapTable(nn.Sequential():add(nn.Identity()))))
   end)
end)

describe('nn.SpatialUpSamplingNearest', function()
   it('repeats each pixel in a scale x scale block', function()
      local m = nn.SpatialUpSamplingNearest(2):double()
      local x = T{{{1, 2}, {3, 4}}}
      near(vals(m:forward(x)), {{{1, 1, 2, 2}, {1, 1, 2, 2}, {3, 3, 4, 4}, {3, 3, 4, 4}}})
      local g = torch.range(1, 16):double():view(1, 4, 4)
      near(vals(m:backward(x, g)), {{{14, 22}, {46, 54}}})
      local b = m:forward(D(2, 3, 2, 5):zero())
      assert.are.same({2, 3, 4, 10}, b:size():totable())
      near(vals(nn.SpatialUpSamplingNearest(3):double():forward(T{{{7}}})), {{{7, 7, 7}, {7, 7, 7}, {7, 7, 7}}})
   end)

   it('passes the gradient checks', function()
      jac(nn.SpatialUpSamplingNearest(2):double(), D(2, 2, 3))
      jac(nn.SpatialUpSamplingNearest(3):double(), D(2, 1, 2, 2))
   end)

   it('errors name the module and the sizes', function()
      H.raises(function() nn.SpatialUpSamplingNearest(1.5) end,
               'nn.SpatialUpSamplingNearest: scale_factor must be an integer >= 1, got 1.5')
      H.raises(function() nn.SpatialUpSamplingNearest(2):double():forward(D(2, 3)) end,
               'nn.SpatialUpSamplingNearest: input of size 2x3, expected 3D (C x H x W) or 4D (N x C x H x W)')
      local m = nn.SpatialUpSamplingNearest(2):double()
      m:forward(D(1, 2, 2))
      H.raises(function() m:backward(D(1, 2, 2), D(1, 4, 3)) end,
               'nn.SpatialUpSamplingNearest: gradOutput of size 1x4x3, expected 1x4x4')
   end)

   it('converts, clears and round-trips', function()
      float_and_clear(nn.SpatialUpSamplingNearest(2), T{{{1}}}, function(out) near(vals(out), {{{1, 1}, {1, 1}}}) end)
      io_ok(nn.SpatialUpSamplingNearest(2):double(), D(2, 2, 3, 3):uniform())
   end)
end)

describe('nn.SpatialReflectionPadding and nn.SpatialReplicationPadding', function()
   local x = T{{{1, 2, 3}, {4, 5, 6}}}

   it('reflect the border', function()
      local m = nn.SpatialReflectionPadding(1):double()
      near(vals(m:forward(x)), {{{5, 4, 5, 6, 5}, {2, 1, 2, 3, 2}, {5, 4, 5, 6, 5}, {2, 1, 2, 3, 2}}})
      near(vals(m:backward(x, D(1, 4, 5):fill(1))), {{{2, 6, 2}, {2, 6, 2}}})
      near(vals(nn.SpatialReflectionPadding(2, 0, 0, 0):double():forward(x)), {{{3, 2, 1, 2, 3}, {6, 5, 4, 5, 6}}})
      near(vals(nn.SpatialReflectionPadding(-1, 0, 0, -1):double():forward(x)), {{{2, 3}}})
   end)

   it('replicate the border', function()
      local m = nn.SpatialReplicationPadding(1):double()
      near(vals(m:forward(x)), {{{1, 1, 2, 3, 3}, {1, 1, 2, 3, 3}, {4, 4, 5, 6, 6}, {4, 4, 5, 6, 6}}})
      near(vals(m:backward(x, D(1, 4, 5):fill(1))), {{{4, 2, 4}, {4, 2, 4}}})
      near(vals(nn.SpatialReplicationPadding(0, 3, 0, 0):double():forward(x)), {{{1, 2, 3, 3, 3, 3}, {4, 5, 6, 6, 6, 6}}})
      near(vals(nn.SpatialReplicationPadding(-1, 0, 0, 0):double():forward(x)), {{{2, 3}, {5, 6}}})
      assert.is_false(torch.isTypeOf(m, 'nn.SpatialReflectionPadding'))
   end)

   it('pass the gradient checks, single and batched', function()
      jac(nn.SpatialReflectionPadding(1, 2, 0, 1):double(), D(2, 3, 4))
      jac(nn.SpatialReflectionPadding(1):double(), D(2, 1, 3, 3))
      jac(nn.SpatialReplicationPadding(2, 1, 3, 0):double(), D(2, 2, 3))
      jac(nn.SpatialReplicationPadding(-1, 1, 1, -1):double(), D(2, 1, 3, 3))
   end)

   it('errors name the module and the sizes', function()
      H.raises(function() nn.SpatialReflectionPadding(3):double():forward(x) end,
               'nn.SpatialReflectionPadding: pads (l=3, r=3, t=3, b=3) must be smaller than the input planes, input of size 1x2x3')
      H.raises(function() nn.SpatialReplicationPadding(1):double():forward(D(3, 3)) end,
               'nn.SpatialReplicationPadding: input of size 3x3, expected 3D (C x H x W) or 4D (N x C x H x W)')
      H.raises(function() nn.SpatialReplicationPadding(-2, -1, 0, 0):double():forward(x) end,
               'nn.SpatialReplicationPadding: width of size 3 is cropped to nothing by pads -2 and -1')
      H.raises(function() nn.SpatialReflectionPadding(0.5) end, 'nn.SpatialReflectionPadding: pads must be integers, got 0.5')
      local m = nn.SpatialReplicationPadding(1):double()
      m:forward(x)
      H.raises(function() m:backward(x, D(1, 4, 4)) end,
               'nn.SpatialReplicationPadding: gradOutput of size 1x4x4, expected 1x4x5')
   end)

   it('convert, clear, round-trip and print as Torch7', function()
      float_and_clear(nn.SpatialReflectionPadding(1), T{{{1, 2}, {3, 4}}}, function(out) near(vals(out[1][1]), {4, 3, 4, 3}) end)
      float_and_clear(nn.SpatialReplicationPadding(1), T{{{1, 2}, {3, 4}}}, function(out) near(vals(out[1][1]), {1, 1, 2, 2}) end)
      io_ok(nn.SpatialReflectionPadding(1, 0, 1, 1):double(), D(2, 2, 3, 3):uniform())
      io_ok(nn.SpatialReplicationPadding(2):double(), D(2, 3, 3):uniform())
      assert.are.equal('nn.SpatialReflectionPadding(l=1,r=2,t=3,b=4)', tostring(nn.SpatialReflectionPadding(1, 2, 3, 4)))
      assert.are.equal('nn.SpatialReplicationPadding(l=2,r=2,t=2,b=2)', tostring(nn.SpatialReplicationPadding(2)))
   end)
end)

describe('printing as Torch7', function()
   it('modules without a __tostring__ print their class name', function()
      for _, name in ipairs({'MM', 'MV', 'CMaxTable', 'CMinTable', 'DotProduct', 'CosineDistance',
                             'PairwiseDistance', 'Contiguous', 'GradientReversal'}) do
         assert.are.equal('nn.' .. name, tostring(nn[name]()))
      end
      assert.are.equal('nn.L1Penalty', tostring(nn.L1Penalty(1)))
      assert.are.equal('nn.SpatialUpSamplingNearest', tostring(nn.SpatialUpSamplingNearest(2)))
      assert.are.equal('nn.WeightedMSECriterion', tostring(nn.WeightedMSECriterion(T{1})))
   end)
end)
