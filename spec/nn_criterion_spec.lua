-- Criteria: losses against the formulas written out here in Lua (and literal numbers),
-- gradients against central differences over every input element in float64, batch and
-- single inputs, sizeAverage, weights, and the error messages.
require 'torch'
require 'nn'
local H = require 'spec.helpers'

-- The values of a tensor in row-major order.
local function flat(t) return t:contiguous():view(t:nElement()):totable() end

local function near(got, want, tol, what)
   if type(want) == 'number' then got, want = {got}, {want} end
   assert(#got == #want, ('%s: %d values, expected %d'):format(what or '', #got, #want))
   for i = 1, #want do
      if math.abs(got[i] - want[i]) > tol then
         error(('%s: value %d is %.15g, expected %.15g'):format(what or '', i, got[i], want[i]), 2)
      end
   end
end

-- The largest difference between backward(input, target) and central differences of
-- forward over each element of the input (a DoubleTensor or a table of them).
local function grad_error(c, input, target)
   local eps = 1e-6
   local xs = torch.isTensor(input) and {input} or input
   c:forward(input, target)
   local gi = c:backward(input, target)
   local gs = torch.isTensor(gi) and {gi} or gi
   local maxerr = 0
   for k, x in ipairs(xs) do
      local analytic = flat(gs[k])
      local xf = x:view(x:nElement())
      for i = 1, x:nElement() do
         local v = xf[i]
         xf[i] = v + eps
         local lp = c:forward(input, target)
         xf[i] = v - eps
         local lm = c:forward(input, target)
         xf[i] = v
         maxerr = math.max(maxerr, math.abs((lp - lm) / (2 * eps) - analytic[i]))
      end
   end
   return maxerr
end

local X = {{0.2, 0.7, -0.4}, {1.9, 0.35, -1.6}}
local T = {{0.5, -0.3, 1.0}, {0.1, 0.6, 0.4}}
local Y = {{1, -1, 1}, {-1, -1, 1}} -- +-1 targets

-- sum over the elements of X, T (or Y) of f(x, t)
local function sum2(a, b, f)
   local s = 0
   for i = 1, #a do for j = 1, #a[i] do s = s + f(a[i][j], b[i][j], j) end end
   return s
end

local function D(t) return torch.DoubleTensor(t) end

describe('nn criteria', function()
   describe('MSECriterion, AbsCriterion, SmoothL1Criterion', function()
      it('give literal values on a small case', function()
         local x, t = D({1, 2}), D({0, 4})
         assert.are.equal(2.5, nn.MSECriterion():double():forward(x, t))
         assert.are.equal(1.5, nn.AbsCriterion():double():forward(x, t))
         assert.are.equal(1.0, nn.SmoothL1Criterion():double():forward(x, t))
         assert.are.equal(5, nn.MSECriterion(false):double():forward(x, t))
         near(flat(nn.MSECriterion():double():backward(x, t)), {1, -2}, 0)
         near(flat(nn.AbsCriterion():double():backward(x, t)), {0.5, -0.5}, 0)
         near(flat(nn.SmoothL1Criterion():double():backward(x, t)), {0.5, -0.5}, 0)
      end)

      it('average the formulas over a batch', function()
         local mse = sum2(X, T, function(x, t) return (x - t) ^ 2 end)
         local abs = sum2(X, T, function(x, t) return math.abs(x - t) end)
         local sl1 = sum2(X, T, function(x, t)
            local d = math.abs(x - t)
            return d < 1 and 0.5 * d * d or d - 0.5
         end)
         near(nn.MSECriterion():double():forward(D(X), D(T)), mse / 6, 1e-14)
         near(nn.AbsCriterion():double():forward(D(X), D(T)), abs / 6, 1e-14)
         near(nn.SmoothL1Criterion():double():forward(D(X), D(T)), sl1 / 6, 1e-14)
         local c = nn.AbsCriterion():double()
         c.sizeAverage = false
         near(c:forward(D(X), D(T)), abs, 1e-14)
         near(nn.MSECriterion():forward(torch.Tensor(X), torch.Tensor(T)), mse / 6, 1e-6)
      end)

      it('pass the gradient check', function()
         for _, name in ipairs({'MSECriterion', 'AbsCriterion', 'SmoothL1Criterion'}) do
            for _, sa in ipairs({true, false}) do
               local c = nn[name](sa):double()
               assert.is_true(grad_error(c, D(X), D(T)) < 1e-6, name)
               assert.is_true(grad_error(c, D(X[2]), D(T[2])) < 1e-6, name)
            end
         end
      end)

      it('accept a target of another shape with as many elements, or of another type', function()
         near(nn.MSECriterion():double():forward(D({{1, 2}}), torch.Tensor({0, 4})), 2.5, 0)
      end)

      it('name the criterion and the sizes on a mismatch', function()
         H.raises(function() nn.MSECriterion():forward(torch.Tensor(2, 3), torch.Tensor(5)) end,
                  'nn.MSECriterion: target of size 5, expected 6 elements for input of size 2x3')
         H.raises(function() nn.SmoothL1Criterion():forward(torch.Tensor(2), 'x') end,
                  'nn.SmoothL1Criterion: target must be a tensor or a number, got string')
      end)
   end)

   describe('ClassNLLCriterion', function()
      local lp = {{-1.2, -0.5, -2.0}, {-0.1, -2.2, -2.9}}

      it('averages -input[i][target_i] over the batch', function()
         local c = nn.ClassNLLCriterion():double()
         near(c:forward(D(lp), torch.LongTensor({2, 1})), (0.5 + 0.1) / 2, 1e-15)
         near(flat(c:backward(D(lp), torch.LongTensor({2, 1}))), {0, -0.5, 0, -0.5, 0, 0}, 0)
         -- targets as a DoubleTensor work too
         near(c:forward(D(lp), D({3, 3})), (2.0 + 2.9) / 2, 1e-15)
      end)

      it('takes a number or a 1-element tensor as target of one sample', function()
         local c = nn.ClassNLLCriterion():double()
         near(c:forward(D(lp[1]), 2), 0.5, 0)
         near(c:forward(D(lp[1]), torch.LongTensor({3})), 2.0, 0)
         near(flat(c:backward(D(lp[1]), 3)), {0, 0, -1}, 0)
      end)

      it('weights the classes and divides by the total weight', function()
         local c = nn.ClassNLLCriterion(D({1, 2, 3})):double()
         near(c:forward(D(lp), torch.LongTensor({2, 1})), (2 * 0.5 + 1 * 0.1) / 3, 1e-15)
         near(flat(c:backward(D(lp), torch.LongTensor({2, 1}))), {0, -2 / 3, 0, -1 / 3, 0, 0}, 1e-15)
         local s = nn.ClassNLLCriterion(D({1, 2, 3}), false):double()
         near(s:forward(D(lp), torch.LongTensor({2, 1})), 1.1, 1e-15)
         near(flat(s:backward(D(lp), torch.LongTensor({2, 1}))), {0, -2, 0, -1, 0, 0}, 0)
      end)

      it('ignores the targets equal to ignoreIndex', function()
         local c = nn.ClassNLLCriterion(nil, true, 0):double()
         near(c:forward(D(lp), torch.LongTensor({0, 3})), 2.9, 1e-15)
         near(flat(c:backward(D(lp), torch.LongTensor({0, 3}))), {0, 0, 0, 0, 0, -1}, 0)
         -- everything ignored: 0, as Torch7
         near(c:forward(D(lp), torch.LongTensor({0, 0})), 0, 0)
      end)

      it('passes the gradient check', function()
         for _, w in ipairs({false, true}) do
            local c = nn.ClassNLLCriterion(w and D({0.5, 2, 1}) or nil):double()
            assert.is_true(grad_error(c, D(lp), torch.LongTensor({3, 2})) < 1e-6)
         end
      end)

      it('rejects targets out of range and mismatched sizes', function()
         local c = nn.ClassNLLCriterion()
         H.raises(function() c:forward(torch.Tensor(lp), torch.LongTensor({4, 1})) end,
                  'nn.ClassNLLCriterion: target 4 out of range for 3 classes')
         H.raises(function() c:backward(torch.Tensor(lp), torch.LongTensor({1, 0})) end,
                  'nn.ClassNLLCriterion: target 0 out of range for 3 classes')
         H.raises(function() c:forward(torch.Tensor(lp), torch.LongTensor({1, 2, 3})) end,
                  'nn.ClassNLLCriterion: target of size 3, expected 2 elements for input of size 2x3')
         H.raises(function() c:forward(torch.Tensor(2, 3, 4), torch.LongTensor({1, 2})) end,
                  'nn.ClassNLLCriterion: input of size 2x3x4, expected 1D or 2D')
         H.raises(function() nn.ClassNLLCriterion(torch.Tensor(2)):forward(torch.Tensor(lp),
                                                                         torch.LongTensor({1, 2})) end,
                  'nn.ClassNLLCriterion: weights has 2 elements, expected 3')
      end)
   end)

   describe('CrossEntropyCriterion', function()
      local function ce(row, t)
         local s = 0
         for _, v in ipairs(row) do s = s + math.exp(v) end
         return math.log(s) - row[t]
      end

      it('is LogSoftMax then ClassNLL', function()
         local x = {{1, 2, 3}, {1, 5, 2}}
         local c = nn.CrossEntropyCriterion():double()
         near(c:forward(D(x), torch.LongTensor({3, 2})), (ce(x[1], 3) + ce(x[2], 2)) / 2, 1e-15)
         near(c:forward(D(x[1]), 1), ce(x[1], 1), 1e-15)
         -- the gradient is (softmax - onehot) / batch
         c:forward(D(x), torch.LongTensor({3, 2}))
         local g = flat(c:backward(D(x), torch.LongTensor({3, 2})))
         local e1 = {math.exp(1), math.exp(2), math.exp(3)}
         local s1 = e1[1] + e1[2] + e1[3]
         near({g[1], g[2], g[3]}, {e1[1] / s1 / 2, e1[2] / s1 / 2, (e1[3] / s1 - 1) / 2}, 1e-15)
      end)

      it('follows sizeAverage and weights, and passes the gradient check', function()
         local x = D({{0.3, -1, 2}, {0.1, 0.2, -0.4}})
         local c = nn.CrossEntropyCriterion():double()
         local mean = c:forward(x, torch.LongTensor({1, 3}))
         c.sizeAverage = false
         near(c:forward(x, torch.LongTensor({1, 3})), 2 * mean, 1e-14)
         assert.is_true(grad_error(c, x, torch.LongTensor({1, 3})) < 1e-6)
         local w = nn.CrossEntropyCriterion(D({1, 1, 3})):double()
         assert.is_true(grad_error(w, x, torch.LongTensor({1, 3})) < 1e-6)
      end)

      it('names the out-of-range target', function()
         H.raises(function() nn.CrossEntropyCriterion():forward(torch.Tensor(2, 3), torch.LongTensor({1, 7})) end,
                  'target 7 out of range for 3 classes')
      end)
   end)

   describe('BCECriterion and BCEWithLogitsCriterion', function()
      local P = {{0.1, 0.8, 0.35}, {0.6, 0.95, 0.5}}
      local B = {{0, 1, 1}, {0, 1, 0.3}}

      it('BCE: -(t log x + (1 - t) log(1 - x)), averaged, with weights per column', function()
         local bce = sum2(P, B, function(x, t) return -(t * math.log(x) + (1 - t) * math.log(1 - x)) end)
         near(nn.BCECriterion():double():forward(D(P), D(B)), bce / 6, 1e-10)
         near(nn.BCECriterion(nil, false):double():forward(D(P), D(B)), bce, 1e-10)
         local w = {1, 2, 0.5}
         local wbce = sum2(P, B, function(x, t, j)
            return -w[j] * (t * math.log(x) + (1 - t) * math.log(1 - x))
         end)
         near(nn.BCECriterion(D(w)):double():forward(D(P), D(B)), wbce / 6, 1e-10)
         -- literal: one prediction of 0.5 for a positive costs log 2
         near(nn.BCECriterion():double():forward(D({0.5}), D({1})), math.log(2), 1e-11)
         assert.is_true(grad_error(nn.BCECriterion():double(), D(P), D(B)) < 1e-6)
         assert.is_true(grad_error(nn.BCECriterion(D(w)):double(), D(P), D(B)) < 1e-6)
         assert.is_true(grad_error(nn.BCECriterion():double(), D(P[1]), D(B[1])) < 1e-6)
      end)

      it('BCEWithLogits equals BCE of the sigmoid, with weights and posWeight', function()
         local w, pw = {1, 2, 0.5}, {3, 1, 0.5}
         local function s(x) return 1 / (1 + math.exp(-x)) end
         local plain = sum2(X, B, function(x, t) return -(t * math.log(s(x)) + (1 - t) * math.log(1 - s(x))) end)
         near(nn.BCEWithLogitsCriterion():double():forward(D(X), D(B)), plain / 6, 1e-14)
         local full = sum2(X, B, function(x, t, j)
            return -w[j] * (pw[j] * t * math.log(s(x)) + (1 - t) * math.log(1 - s(x)))
         end)
         local c = nn.BCEWithLogitsCriterion(D(w), true, D(pw)):double()
         near(c:forward(D(X), D(B)), full / 6, 1e-14)
         assert.is_true(grad_error(c, D(X), D(B)) < 1e-6)
         assert.is_true(grad_error(nn.BCEWithLogitsCriterion(nil, false):double(), D(X[2]), D(B[2])) < 1e-6)
      end)

      it('BCEWithLogits is stable for large logits', function()
         local c = nn.BCEWithLogitsCriterion():double()
         -- log(1 + exp(1000)) = 1000 for both wrong answers
         near(c:forward(D({1000, -1000}), D({0, 1})), 1000, 1e-9)
         near(c:forward(D({1000, -1000}), D({1, 0})), 0, 1e-12)
         near(flat(c:backward(D({1000, -1000}), D({0, 1}))), {0.5, -0.5}, 1e-12)
      end)

      it('reject weights of the wrong size', function()
         H.raises(function() nn.BCECriterion(torch.Tensor(2):fill(1)):forward(torch.Tensor(P), torch.Tensor(B)) end,
                  'nn.BCECriterion: weights has 2 elements, expected 3')
         H.raises(function() nn.BCECriterion(5) end, 'nn.BCECriterion: weights must be a 1D tensor')
      end)
   end)

   describe('DistKLDivCriterion', function()
      it('sums t (log t - x) where t > 0, averaged over the elements', function()
         local lq = {math.log(0.2), math.log(0.5), math.log(0.3)}
         local p = {0.1, 0.9, 0}
         local kl = 0.1 * (math.log(0.1) - lq[1]) + 0.9 * (math.log(0.9) - lq[2])
         local c = nn.DistKLDivCriterion():double()
         near(c:forward(D(lq), D(p)), kl / 3, 1e-15)
         near(flat(c:backward(D(lq), D(p))), {-0.1 / 3, -0.9 / 3, 0}, 1e-15)
         assert.is_true(grad_error(c, D({{-1.2, -0.4}, {-2, -0.1}}), D({{0.3, 0.7}, {0.1, 0.9}})) < 1e-6)
      end)
   end)

   describe('MarginCriterion, SoftMarginCriterion, HingeEmbeddingCriterion', function()
      it('compute their formulas over +-1 targets', function()
         local mg = sum2(X, Y, function(x, y) return math.max(0, 1 - y * x) end)
         local mg2 = sum2(X, Y, function(x, y) return math.max(0, 0.5 - y * x) end)
         local sm = sum2(X, Y, function(x, y) return math.log(1 + math.exp(-y * x)) end)
         local hg = sum2(X, Y, function(x, y) return y == 1 and x or math.max(0, 1 - x) end)
         local hg2 = sum2(X, Y, function(x, y) return y == 1 and x or math.max(0, 2 - x) end)
         near(nn.MarginCriterion():double():forward(D(X), D(Y)), mg / 6, 1e-15)
         near(nn.MarginCriterion(0.5):double():forward(D(X), D(Y)), mg2 / 6, 1e-15)
         near(nn.SoftMarginCriterion():double():forward(D(X), D(Y)), sm / 6, 1e-15)
         near(nn.HingeEmbeddingCriterion():double():forward(D(X), D(Y)), hg / 6, 1e-15)
         near(nn.HingeEmbeddingCriterion(2):double():forward(D(X), D(Y)), hg2 / 6, 1e-15)
         -- literal: a distance 0.3 of a dissimilar pair costs 1 - 0.3
         near(nn.HingeEmbeddingCriterion():double():forward(D({0.3}), -1), 0.7, 1e-15)
         near(nn.HingeEmbeddingCriterion():double():forward(D({0.3}), 1), 0.3, 0)
      end)

      it('pass the gradient check', function()
         for _, c in ipairs({nn.MarginCriterion(), nn.MarginCriterion(0.5), nn.SoftMarginCriterion(),
                             nn.HingeEmbeddingCriterion(), nn.HingeEmbeddingCriterion(2)}) do
            c:double()
            assert.is_true(grad_error(c, D(X), D(Y)) < 1e-6, torch.type(c))
            assert.is_true(grad_error(c, D(X[1]), D(Y[1])) < 1e-6, torch.type(c))
         end
      end)
   end)

   describe('MultiMarginCriterion', function()
      local x = {{0.1, 0.9, 0.3}, {0.5, -0.2, 0.45}}

      it('sums the margin violations over the other classes, over the classes count', function()
         local t = torch.LongTensor({2, 1})
         -- sample 1: (1 - 0.9 + 0.1) + (1 - 0.9 + 0.3); sample 2: (1 - 0.5 - 0.2) + (1 - 0.5 + 0.45)
         near(nn.MultiMarginCriterion():double():forward(D(x), t), (0.6 + 1.25) / 3 / 2, 1e-15)
         near(nn.MultiMarginCriterion(2):double():forward(D(x), t),
              (0.2 ^ 2 + 0.4 ^ 2 + 0.3 ^ 2 + 0.95 ^ 2) / 3 / 2, 1e-15)
         -- margin 0.5 and class weights: only sample 2 against class 3 remains, weighted by w[1]
         near(nn.MultiMarginCriterion(1, D({2, 1, 0.5}), 0.5):double():forward(D(x), t),
              2 * 0.45 / 3 / 2, 1e-15)
         near(nn.MultiMarginCriterion():double():forward(D(x[1]), 2), 0.6 / 3, 1e-15)
      end)

      it('passes the gradient check for p = 1 and 2', function()
         for p = 1, 2 do
            local c = nn.MultiMarginCriterion(p, D({2, 1, 0.5})):double()
            assert.is_true(grad_error(c, D(x), torch.LongTensor({2, 1})) < 1e-6)
            assert.is_true(grad_error(c, D(x[2]), 1) < 1e-6)
         end
      end)

      it('rejects a bad p and targets out of range', function()
         H.raises(function() nn.MultiMarginCriterion(3):forward(torch.Tensor(x), torch.LongTensor({2, 1})) end,
                  'nn.MultiMarginCriterion: p must be 1 or 2, got 3')
         H.raises(function() nn.MultiMarginCriterion():forward(torch.Tensor(x), torch.LongTensor({4, 1})) end,
                  'nn.MultiMarginCriterion: target 4 out of range for 3 classes')
      end)
   end)

   describe('MultiLabelSoftMarginCriterion', function()
      it('is the mean logistic loss over every label', function()
         local t = {{0, 1, 1}, {1, 0, 0}}
         local function s(x) return 1 / (1 + math.exp(-x)) end
         local l = sum2(X, t, function(x, y) return -(y * math.log(s(x)) + (1 - y) * math.log(1 - s(x))) end)
         local c = nn.MultiLabelSoftMarginCriterion():double()
         near(c:forward(D(X), D(t)), l / 6, 1e-14)
         assert.is_true(grad_error(c, D(X), D(t)) < 1e-6)
         local w = nn.MultiLabelSoftMarginCriterion(D({1, 2, 3})):double()
         assert.is_true(grad_error(w, D(X), D(t)) < 1e-6)
      end)
   end)

   describe('MarginRankingCriterion', function()
      it('ranks pairs of scores', function()
         local c = nn.MarginRankingCriterion(0.1):double()
         local a, b, y = D({0.5, -0.2, 1.0, 0.3}), D({0.1, 0.4, 1.5, -0.6}), D({1, -1, 1, -1})
         -- max(0, -y (a - b) + 0.1) per pair: 0, 0, 0.6, 1.0
         near(c:forward({a, b}, y), 1.6 / 4, 1e-15)
         local g = c:backward({a, b}, y)
         near(flat(g[1]), {0, 0, -0.25, 0.25}, 0)
         near(flat(g[2]), {0, 0, 0.25, -0.25}, 0)
         -- one pair, the target a number
         near(c:forward({D({1}), D({2})}, 1), 1.1, 1e-15)
         near(nn.MarginRankingCriterion():double():forward({D({3}), D({2})}, 1), 0, 0)
         assert.is_true(grad_error(c, {D({0.5, -0.2, 1.0, 0.3}), D({0.1, 0.4, 1.5, -0.6})}, y) < 1e-6)
      end)

      it('rejects an input that is not a pair', function()
         H.raises(function() nn.MarginRankingCriterion():forward(torch.Tensor(2), 1) end,
                  'nn.MarginRankingCriterion: input must be a table of two tensors')
      end)
   end)

   describe('CosineEmbeddingCriterion', function()
      it('uses 1 - cos for similar pairs and max(0, cos - margin) for dissimilar ones', function()
         local x1, x2, y = D({{1, 0}, {1, 1}}), D({{1, 1}, {-1, 0.5}}), D({1, -1})
         local cos1 = 1 / math.sqrt(2)
         local cos2 = -0.5 / (math.sqrt(2) * math.sqrt(1.25))
         local c = nn.CosineEmbeddingCriterion(-0.5):double()
         near(c:forward({x1, x2}, y), ((1 - cos1) + (cos2 + 0.5)) / 2, 1e-11)
         near(nn.CosineEmbeddingCriterion():double():forward({x1, x2}, y), (1 - cos1) / 2, 1e-11)
         -- one pair of vectors, the target a number; parallel vectors are similar
         near(c:forward({D({1, 2, 3}), D({2, 4, 6})}, 1), 0, 1e-11)
         assert.is_true(grad_error(c, {x1, x2}, y) < 1e-6)
         assert.is_true(grad_error(c, {D({0.3, -1, 2}), D({1, 0.5, 0.2})}, -1) < 1e-6)
         assert.is_true(grad_error(c, {D({0.3, -1, 2}), D({1, 0.5, 0.2})}, 1) < 1e-6)
      end)

      it('names the sizes that differ', function()
         H.raises(function() nn.CosineEmbeddingCriterion():forward({torch.Tensor(2, 3), torch.Tensor(2, 4)}, torch.Tensor(2)) end,
                  'nn.CosineEmbeddingCriterion: input[2] of size 2x4, expected 2x3')
         H.raises(function() nn.CosineEmbeddingCriterion():forward({torch.Tensor(2, 3), torch.Tensor(2, 3)}, torch.Tensor(3)) end,
                  'nn.CosineEmbeddingCriterion: target of size 3, expected 2 elements for input[1] of size 2x3')
      end)
   end)

   describe('MultiCriterion and ParallelCriterion', function()
      local has_add = torch.DoubleTensor({1}).add ~= nil

      it('MultiCriterion sums weighted criteria of one input', function()
         local mse = sum2(X, T, function(x, t) return (x - t) ^ 2 end) / 6
         local abs = sum2(X, T, function(x, t) return math.abs(x - t) end) / 6
         local m = nn.MultiCriterion():add(nn.MSECriterion()):add(nn.AbsCriterion(), 0.5)
         m:double()
         near(m:forward(D(X), D(T)), mse + 0.5 * abs, 1e-14)
         if not has_add then pending('gradient: needs tensor:add (lt_math)') return end
         assert.is_true(grad_error(m, D(X), D(T)) < 1e-6)
      end)

      it('ParallelCriterion applies criterion i to input i and target i', function()
         local lp = D({{-1.2, -0.5, -2.0}, {-0.1, -2.2, -2.9}})
         local p = nn.ParallelCriterion():add(nn.ClassNLLCriterion()):add(nn.MSECriterion(), 0.5)
         p:double()
         local mse = sum2(X, T, function(x, t) return (x - t) ^ 2 end) / 6
         near(p:forward({lp, D(X)}, {torch.LongTensor({2, 1}), D(T)}), 0.3 + 0.5 * mse, 1e-14)
         local r = nn.ParallelCriterion(true):add(nn.MSECriterion()):add(nn.AbsCriterion(), 2):double()
         local abs = sum2(X, T, function(x, t) return math.abs(x - t) end) / 6
         near(r:forward({D(X), D(X)}, D(T)), mse + 2 * abs, 1e-14)
         H.raises(function() p:forward(D(X), D(T)) end, 'nn.ParallelCriterion: input must be a table of 2 inputs')
         if not has_add then pending('gradient: needs tensor:add (lt_math)') return end
         assert.is_true(grad_error(p, {lp, D(X)}, {torch.LongTensor({2, 1}), D(T)}) < 1e-6)
         assert.is_true(grad_error(r, {D(X), D(X)}, D(T)) < 1e-6)
      end)
   end)

   describe('buffers', function()
      it('gradInput is reused and forward returns a number', function()
         local c = nn.MSECriterion()
         local x, t = torch.Tensor(3, 2):fill(1), torch.Tensor(3, 2):fill(0)
         local l = c:forward(x, t)
         assert.are.equal('number', type(l))
         assert.are.equal(l, c.output)
         local g1 = c:backward(x, t)
         local g2 = c:backward(x, torch.Tensor(3, 2):fill(2))
         assert.are.equal(g1, g2)
         assert.are.equal(c.gradInput, g2)
      end)

      it('a Double input needs a converted criterion', function()
         H.raises(function() nn.MSECriterion():float():backward(D({1}), D({2})) end,
                  'nn.MSECriterion: gradInput is a Float tensor, input a Double tensor')
      end)
   end)
end)
