-- The second batch of Lua modules over tensor operations (docs/nn_extra.md): DepthConcat,
-- Cosine, WeightedEuclidean, MaskedSelect, RReLU, MultiLabelMarginCriterion,
-- L1HingeEmbeddingCriterion, SpatialClassNLLCriterion, SpatialLPPooling,
-- SpatialUpSamplingBilinear, SpatialCrossMapLRN, SpatialSubtractiveNormalization,
-- SpatialDivisiveNormalization, SpatialContrastiveNormalization. Forward values are checked against numbers worked out by
-- hand, gradients in float64 with nn.Jacobian (criteria: by central differences here),
-- and error messages name the module and the sizes.
require 'torch'
require 'nn'
local H = require 'spec.helpers'

local function near(a, b, tol) H.near(a, b, tol or 1e-6) end
local function T(t) return torch.DoubleTensor(t) end
local D = torch.DoubleTensor
local vals = H.vals
local jac, jacp = H.jac, H.jacp

-- Largest difference between a criterion's gradInput and central differences of its loss.
local function critgrad(c, input, target)
   local g = c:backward(input, target):clone()
   local flat = input:view(-1)
   local worst = 0
   for i = 1, flat:nElement() do
      local v = flat[i]
      flat[i] = v + 1e-6
      local fp = c:forward(input, target)
      flat[i] = v - 1e-6
      local fm = c:forward(input, target)
      flat[i] = v
      worst = math.max(worst, math.abs((fp - fm) / 2e-6 - g:view(-1)[i]))
   end
   return worst
end

describe('nn.DepthConcat', function()
   local x = D(1, 3, 3)
   for i = 1, 9 do x:view(9)[i] = i end

   it('centres smaller outputs in zeros, by hand', function()
      local centre = nn.Sequential():add(nn.Narrow(2, 2, 1)):add(nn.Narrow(3, 2, 1))
      local m = nn.DepthConcat(1):add(nn.Identity()):add(centre):double()
      local out = m:forward(x)
      near(vals(out), {{{1, 2, 3}, {4, 5, 6}, {7, 8, 9}}, {{0, 0, 0}, {0, 5, 0}, {0, 0, 0}}})
      local g = m:backward(x, D(2, 3, 3):fill(1))
      near(vals(g), {{{1, 1, 1}, {1, 2, 1}, {1, 1, 1}}})
   end)

   it('pads 4 in 9 by 2 before and 3 after, as Torch7', function()
      local m = nn.DepthConcat(1):add(nn.Identity()):add(nn.Narrow(2, 1, 4)):double()
      local out = m:forward(D(1, 9):fill(1))
      near(vals(out[2]), {0, 0, 1, 1, 1, 1, 0, 0, 0})
   end)

   it('passes the gradient checks, single and batched', function()
      local m = nn.DepthConcat(1):add(nn.SpatialConvolution(2, 3, 3, 3))
         :add(nn.SpatialConvolution(2, 2, 1, 1)):double()
      jac(m, D(2, 5, 5))
      jacp(m, D(2, 5, 5), m.modules[1].weight, m.modules[1].gradWeight)
      jacp(m, D(2, 5, 5), m.modules[2].bias, m.modules[2].gradBias)
      local mb = nn.DepthConcat(2):add(nn.SpatialConvolution(2, 1, 3, 3))
         :add(nn.SpatialConvolution(2, 2, 1, 1)):double()
      jac(mb, D(2, 2, 4, 5))
      assert.are.same({2, 3, 4, 5}, mb.output:size():totable())
   end)

   it('errors name the module and the sizes', function()
      local m = nn.DepthConcat(3):add(nn.Identity()):double()
      H.raises(function() m:forward(D(2, 2)) end, 'nn.DepthConcat: output 1 of size 2x2 has no dimension 3')
      local m2 = nn.DepthConcat(1):add(nn.Identity()):add(nn.View(-1)):double()
      H.raises(function() m2:forward(D(2, 2)) end, 'nn.DepthConcat: output 2 of size 4 has not the 2 dimensions')
   end)

   it('prints as a container, converts and round-trips', function()
      local m = nn.DepthConcat(1):add(nn.Identity())
      assert.truthy(tostring(m):find('^nn.DepthConcat {'))
      m:float()
      assert.are.equal('torch.FloatTensor', m:forward(torch.FloatTensor(1, 2, 2)):type())
      m:clearState()
      assert.are.equal(0, m.output:nElement())
   end)
end)

describe('nn.Cosine', function()
   local function fixed()
      local m = nn.Cosine(2, 2):double()
      m.weight:copy(T{{1, 0}, {1, 1}})
      return m
   end

   it('computes cosines by hand, single and batched', function()
      near(vals(fixed():forward(T{3, 4})), {0.6, 7 / (math.sqrt(2) * 5)})
      near(vals(fixed():forward(T{{3, 4}, {0, 2}})), {{0.6, 7 / (math.sqrt(2) * 5)},
                                                       {0, 1 / math.sqrt(2)}})
   end)

   it('backward by hand', function()
      -- y1 = x1/|x|: dy1/dx at (3, 4) = (1, 0)/5 - 0.6 (3, 4)/25 = (0.128, -0.096)
      local m = fixed()
      m:forward(T{3, 4})
      near(vals(m:backward(T{3, 4}, T{1, 0})), {0.128, -0.096})
      -- dy1/dw1 = x/(|w1||x|) - y1 w1/|w1|^2 = (0.6, 0.8) - 0.6 (1, 0) = (0, 0.8)
      near(vals(m.gradWeight[1]), {0, 0.8})
      near(vals(m.gradWeight[2]), {0, 0})
   end)

   it('passes the gradient checks', function()
      local m = nn.Cosine(4, 3):double()
      jac(m, D(4)); jac(m, D(2, 4))
      jacp(m, D(4), m.weight, m.gradWeight)
      jacp(m, D(3, 4), m.weight, m.gradWeight)
   end)

   it('errors name the module and the sizes', function()
      local m = nn.Cosine(2, 3):double()
      H.raises(function() m:forward(D(3)) end, 'nn.Cosine: input of size 3, expected 2 or n x 2')
      H.raises(function() m:forward(D(2, 2, 2)) end, 'nn.Cosine: input of size 2x2x2')
      m:forward(D(2))
      H.raises(function() m:backward(D(2), D(2)) end, 'nn.Cosine: gradOutput of size 2, expected the output size 3')
      H.raises(function() nn.Cosine(0, 2) end, 'nn.Cosine: sizes must be positive integers')
   end)

   it('converts, clears and round-trips', function()
      local m = fixed():float()
      near(vals(m:forward(torch.FloatTensor{3, 4})), {0.6, 7 / (math.sqrt(2) * 5)}, 1e-6)
      m:clearState()
      assert.are.equal(0, m.output:nElement())
      assert.are.equal('nn.Cosine', tostring(m))
   end)
end)

describe('nn.WeightedEuclidean', function()
   local function fixed()
      local m = nn.WeightedEuclidean(2, 1):double()
      m.weight:fill(1)
      m.diagCov:copy(T{{2}, {1}})
      return m
   end

   it('computes weighted distances by hand, single and batched', function()
      -- ||(2 * 3, 1 * 4)|| = sqrt(52)
      near(vals(fixed():forward(T{4, 5})), {math.sqrt(52)})
      near(vals(fixed():forward(T{{4, 5}, {1, 1}, {2, 1}})), {{math.sqrt(52)}, {0}, {2}})
   end)

   it('backward by hand', function()
      local m = fixed()
      m:forward(T{4, 5})
      m:zeroGradParameters()
      -- dy/dx = c^2 (x - w) / y = (4 * 3, 1 * 4) / sqrt(52); dy/dc = c (x - w)^2 / y
      near(vals(m:backward(T{4, 5}, T{1})), {12 / math.sqrt(52), 4 / math.sqrt(52)})
      near(vals(m.gradWeight), {{-12 / math.sqrt(52)}, {-4 / math.sqrt(52)}})
      near(vals(m.gradDiagCov), {{18 / math.sqrt(52)}, {16 / math.sqrt(52)}})
   end)

   it('passes the gradient checks', function()
      local m = nn.WeightedEuclidean(3, 2):double()
      m.diagCov:uniform(0.5, 1.5)
      jac(m, D(3)); jac(m, D(4, 3))
      jacp(m, D(3), m.weight, m.gradWeight)
      jacp(m, D(4, 3), m.diagCov, m.gradDiagCov)
      local p = m:parameters()
      assert.are.equal(2, #p)
   end)

   it('errors name the module and the sizes', function()
      local m = nn.WeightedEuclidean(2, 3):double()
      H.raises(function() m:forward(D(4)) end, 'nn.WeightedEuclidean: input of size 4, expected 2 or n x 2')
      m:forward(D(2))
      H.raises(function() m:backward(D(2), D(4)) end, 'nn.WeightedEuclidean: gradOutput of size 4, expected the output size 3')
   end)

   it('converts and clears', function()
      local m = fixed():float()
      near(vals(m:forward(torch.FloatTensor{4, 5})), {math.sqrt(52)}, 1e-5)
      m:backward(torch.FloatTensor{4, 5}, torch.FloatTensor{1})
      m:clearState()
      assert.are.equal(0, m.output:nElement())
   end)
end)

describe('nn.MaskedSelect', function()
   local x, mask = T{{1, 2}, {3, 4}}, torch.ByteTensor{{1, 0}, {0, 1}}

   it('selects and scatters back, by hand', function()
      local m = nn.MaskedSelect():double()
      near(vals(m:forward({x, mask})), {1, 4})
      local g = m:backward({x, mask}, T{10, 20})
      near(vals(g[1]), {{10, 0}, {0, 20}})
      assert.are.equal('torch.ByteTensor', g[2]:type())
      assert.are.same({{0, 0}, {0, 0}}, g[2]:totable())
   end)

   it('passes the gradient check (mask held fixed)', function()
      local Wrap = torch.class('nn.TestMaskedSelectWrap', 'nn.Module')
      function Wrap:__init(mask) nn.Module.__init(self); self.m = nn.MaskedSelect(); self.mask = mask end
      function Wrap:updateOutput(x) self.output = self.m:forward({x, self.mask}); return self.output end
      function Wrap:updateGradInput(x, g) self.gradInput = self.m:backward({x, self.mask}, g)[1]; return self.gradInput end
      local w = nn.TestMaskedSelectWrap():double()
      w.mask = torch.ByteTensor{{1, 0, 1}, {1, 1, 0}}   -- after :double(), which would convert it
      jac(w, D(2, 3))
   end)

   it('errors name the module and the sizes', function()
      local m = nn.MaskedSelect():double()
      H.raises(function() m:forward({x, torch.ByteTensor{1, 0, 1}}) end, 'nn.MaskedSelect: mask of size 3 does not match input of size 2x2')
      H.raises(function() m:forward({x, T{{1, 0}, {0, 1}}}) end, 'nn.MaskedSelect: the mask must be a torch.ByteTensor')
      H.raises(function() m:forward(x) end, 'nn.MaskedSelect: expected a pair {input, mask}')
      m:forward({x, mask})
      H.raises(function() m:backward({x, mask}, T{1, 2, 3}) end, 'nn.MaskedSelect: gradOutput of size 3, expected 2 elements')
   end)

   it('keeps its index buffers Long under type() and clears', function()
      local m = nn.MaskedSelect():float()
      near(vals(m:forward({x:float(), mask})), {1, 4})
      m:backward({x:float(), mask}, torch.FloatTensor{1, 1})
      assert.are.equal('torch.LongTensor', m._maskIndices:type())
      assert.are.equal('torch.FloatTensor', m.gradInput[1]:type())
      m:clearState()
      m:double()
      near(vals(m:backward({x, mask}, T{5, 6})[1]), {{5, 0}, {0, 6}})
   end)
end)

describe('nn.RReLU', function()
   it('uses the mean slope in evaluation, exactly', function()
      local m = nn.RReLU(0.1, 0.3):double()
      m:evaluate()
      local x = T{-2, 0, 3, -0.5}
      near(vals(m:forward(x)), {-0.4, 0, 3, -0.1}, 1e-15)
      near(vals(m:backward(x, T{1, 1, 1, 2})), {0.2, 0.2, 1, 0.4}, 1e-15)
      jac(m, D(3, 4))
   end)

   it('draws a slope in [l, u] per negative element in training and reuses it', function()
      local m = nn.RReLU(0.1, 0.3):double()
      local x = D(200):uniform(-1, 1)
      torch.manualSeed(7)
      local out = m:forward(x):clone()
      local g = D(200):uniform(-1, 1)
      local gi = m:backward(x, g)
      local slopes = {}
      for i = 1, 200 do
         if x[i] > 0 then
            assert.are.equal(x[i], out[i]); assert.are.equal(g[i], gi[i])
         else
            local r = out[i] / x[i]
            assert(r >= 0.1 - 1e-12 and r <= 0.3 + 1e-12, 'slope ' .. r .. ' outside [0.1, 0.3]')
            near(gi[i], g[i] * r, 1e-12)
            slopes[#slopes + 1] = r
         end
      end
      assert(#slopes > 50)
      assert.are_not.equal(slopes[1], slopes[2])
      -- torch's generator: the same seed gives the same slopes
      torch.manualSeed(7)
      near(vals(nn.RReLU(0.1, 0.3):double():forward(x)), vals(out), 0)
   end)

   it('works in place', function()
      local m = nn.RReLU(0.2, 0.2, true):double()
      local x = T{-1, 2}
      local out = m:forward(x)
      near(vals(x), {-0.2, 2}, 1e-15)
      assert.are.equal(nn.utils.storageid(x), nn.utils.storageid(out))
      local g = T{1, 1}
      m:backward(x, g)
      near(vals(g), {0.2, 1}, 1e-15)
   end)

   it('prints, checks its arguments, converts and clears', function()
      assert.are.equal('nn.RReLU (l:0.125000, u:0.333333)', tostring(nn.RReLU()))
      H.raises(function() nn.RReLU(0.5, 0.1) end, 'nn.RReLU: expected 0 <= lower <= upper, got lower=0.5, upper=0.1')
      local m = nn.RReLU():float()
      m:forward(torch.FloatTensor{-1, 1})
      assert.are.equal('torch.FloatTensor', m.noise:type())
      H.raises(function() m:backward(torch.FloatTensor{-1, 1}, torch.FloatTensor(3)) end, 'nn.RReLU: gradOutput of size 3')
      m:clearState()
      assert.are.equal(0, m.noise:nElement())
   end)
end)

describe('nn.MultiLabelMarginCriterion', function()
   local x, y = T{0.1, 0.2, 0.4, 0.8}, torch.LongTensor{4, 1, 0, 0}

   it('computes the loss and gradient by hand', function()
      -- labels 4, 1 against 2, 3: (0.4 + 0.6 + 1.1 + 1.3) / 4
      local c = nn.MultiLabelMarginCriterion():double()
      near(c:forward(x, y), 0.85)
      near(vals(c:backward(x, y)), {-0.5, 0.5, 0.5, -0.5})
      -- the labels after the first 0 are ignored
      near(c:forward(x, torch.LongTensor{4, 0, 1, 0}), (0.3 + 0.4 + 0.6) / 4)
   end)

   it('averages over a batch, or sums', function()
      local c = nn.MultiLabelMarginCriterion():double()
      local xb = D(2, 4); xb[1]:copy(x); xb[2]:copy(x)
      local yb = torch.LongTensor{{4, 1, 0, 0}, {4, 1, 0, 0}}
      near(c:forward(xb, yb), 0.85)
      near(vals(c:backward(xb, yb)[1]), {-0.25, 0.25, 0.25, -0.25})
      c.sizeAverage = false
      near(c:forward(xb, yb), 1.7)
      assert(critgrad(c, D(3, 5):uniform(-0.2, 0.2), torch.LongTensor{{2, 0, 0, 0, 0}, {1, 3, 5, 0, 0}, {0, 1, 1, 1, 1}}) < 1e-7)
   end)

   it('errors name the module and the sizes', function()
      local c = nn.MultiLabelMarginCriterion():double()
      H.raises(function() c:forward(x, torch.LongTensor{4, 1}) end, 'nn.MultiLabelMarginCriterion: input of size 4 and target of size 2')
      H.raises(function() c:forward(x, torch.LongTensor{5, 0, 0, 0}) end, 'target 5 of frame 1 is not a class in 1..4')
   end)
end)

describe('nn.L1HingeEmbeddingCriterion', function()
   local x1, x2 = T{1, 2}, T{2, 4}

   it('computes the loss and gradient by hand', function()
      local c = nn.L1HingeEmbeddingCriterion(5):double()
      near(c:forward({x1, x2}, 1), 3)
      local g = c:backward({x1, x2}, 1)
      near(vals(g[1]), {-1, -1}); near(vals(g[2]), {1, 1})
      near(c:forward({x1, x2}, -1), 2)
      g = c:backward({x1, x2}, -1)
      near(vals(g[1]), {1, 1}); near(vals(g[2]), {-1, -1})
      local c1 = nn.L1HingeEmbeddingCriterion():double()
      near(c1:forward({x1, x2}, -1), 0)
      near(vals(c1:backward({x1, x2}, -1)[1]), {0, 0})
   end)

   it('errors name the criterion and the sizes', function()
      local c = nn.L1HingeEmbeddingCriterion():double()
      H.raises(function() c:forward({x1, T{1, 2, 3}}, 1) end, 'nn.L1HingeEmbeddingCriterion: inputs of sizes 2 and 3 differ')
      H.raises(function() c:forward({x1, x2}, 0) end, 'nn.L1HingeEmbeddingCriterion: the label must be 1 or -1, got 0')
      H.raises(function() c:forward(x1, 1) end, 'nn.L1HingeEmbeddingCriterion: expected a pair of tensors')
   end)

   it('converts and clears', function()
      local c = nn.L1HingeEmbeddingCriterion():float()
      assert.are.equal('torch.FloatTensor', c:type())
      c:forward({x1:float(), x2:float()}, 1)
      assert.are.equal('torch.FloatTensor', c:backward({x1:float(), x2:float()}, 1)[1]:type())
      c:clearState()
      assert.are.equal('nn.L1HingeEmbeddingCriterion', tostring(c))
   end)
end)

describe('nn.SpatialClassNLLCriterion', function()
   -- 1 image, 2 classes, 1 x 2 pixels; targets 1 and 2
   local x = T{{{{-0.1, -0.2}}, {{-2, -3}}}}
   local t = torch.LongTensor{{{1, 2}}}

   it('computes the loss and gradient by hand, with and without weights', function()
      local c = nn.SpatialClassNLLCriterion():double()
      near(c:forward(x, t), (0.1 + 3) / 2)
      near(vals(c:backward(x, t)), {{{{-0.5, 0}}, {{0, -0.5}}}})
      local cw = nn.SpatialClassNLLCriterion(T{1, 3}):double()
      near(cw:forward(x, t), (0.1 + 9) / 4)
      near(cw.totalWeight, 4)
      near(vals(cw:backward(x, t)), {{{{-0.25, 0}}, {{0, -0.75}}}})
      local cs = nn.SpatialClassNLLCriterion(T{1, 3}, false):double()
      near(cs:forward(x, t), 9.1)
      near(vals(cs:backward(x, t)), {{{{-1, 0}}, {{0, -3}}}})
   end)

   it('takes a single C x H x W image, and matches differences', function()
      near(nn.SpatialClassNLLCriterion():double():forward(x[1], t[1]), (0.1 + 3) / 2, 1e-12)
      local c = nn.SpatialClassNLLCriterion(T{0.5, 2, 1}):double()
      local xb = D(2, 3, 2, 3):uniform(-2, 0)
      local tb = torch.LongTensor{{{1, 2, 3}, {3, 3, 1}}, {{2, 2, 2}, {1, 3, 2}}}
      assert(critgrad(c, xb, tb) < 1e-7)
      assert.are.same({2, 3, 2, 3}, c.gradInput:size():totable())
      c.sizeAverage = false
      assert(critgrad(c, xb[1], tb[1]) < 1e-7)
      assert.are.same({3, 2, 3}, c.gradInput:size():totable())
   end)

   it('errors name the criterion and the sizes', function()
      local c = nn.SpatialClassNLLCriterion():double()
      H.raises(function() c:forward(x, torch.LongTensor{{1, 2, 1}}) end,
               'nn.SpatialClassNLLCriterion: input of size 1x2x1x2 and target of size 1x3')
      H.raises(function() c:forward(x, torch.LongTensor{{{1, 3}}}) end,
               'nn.SpatialClassNLLCriterion: target 3 out of range [1, 2]')
      H.raises(function() nn.SpatialClassNLLCriterion(T{1, 2, 3}):double():forward(x, t) end,
               'nn.SpatialClassNLLCriterion: weights of size 3 for 2 classes')
      H.raises(function() nn.SpatialClassNLLCriterion(5) end, 'weights must be a 1D tensor')
   end)

   it('converts', function()
      local c = nn.SpatialClassNLLCriterion(T{1, 3}):float()
      near(c:forward(x:float(), t), (0.1 + 9) / 4, 1e-6)
      assert.are.equal('torch.FloatTensor', c:backward(x:float(), t):type())
      assert.are.equal('torch.FloatTensor', c.weights:type())
   end)
end)

describe('nn.SpatialLPPooling', function()
   it('computes p-norms of windows by hand, single and batched', function()
      local m = nn.SpatialLPPooling(1, 2, 2, 2):double()
      near(vals(m:forward(T{{{3, 4, 1}, {0, 0, 1}, {2, 2, 2}}})), {{{5}}})
      local m3 = nn.SpatialLPPooling(1, 3, 2, 1, 1, 1):double()
      near(vals(m3:forward(T{{{1, 2, 2, 1}}})), {{{9 ^ (1 / 3), 16 ^ (1 / 3), 9 ^ (1 / 3)}}})
      local xb = D(2, 1, 2, 2)
      xb[1]:copy(T{{{3, 4}, {0, 0}}}); xb[2]:copy(T{{{1, 1}, {1, 1}}})
      near(vals(m:forward(xb)), {{{{5}}}, {{{2}}}})
   end)

   it('backward by hand, and the gradient checks', function()
      local m = nn.SpatialLPPooling(1, 2, 2, 2):double()
      local x = T{{{3, 4}, {0, 0}}}
      m:forward(x)
      -- d sqrt(sum x^2) / dx = x / 5
      near(vals(m:backward(x, T{{{1}}})), {{{0.6, 0.8}, {0, 0}}})
      jac(nn.SpatialLPPooling(2, 2, 2, 2):double(), D(2, 4, 4), 0.5, 2)
      jac(nn.SpatialLPPooling(2, 3, 2, 2, 1, 1):double(), D(2, 2, 3, 3), 0.5, 2)
      local params = nn.SpatialLPPooling(2, 2, 2, 2):parameters()
      assert.is_true(params == nil or #params == 0)
   end)

   it('errors name the module and the sizes', function()
      H.raises(function() nn.SpatialLPPooling(1, 0, 2, 2) end, 'nn.SpatialLPPooling: pnorm must be a positive number, got 0')
      local msg = H.raises(function() nn.SpatialLPPooling(1, 2, 3, 3):double():forward(D(1, 2, 2)) end)
      assert.truthy(msg:find('nn.SpatialAveragePooling', 1, true) and msg:find('2x2', 1, true), msg)
   end)

   it('prints as Torch7 (a Sequential), converts and clears', function()
      local m = nn.SpatialLPPooling(1, 2, 2, 2)
      assert.truthy(tostring(m):find('^nn.Sequential {'))
      m:float()
      near(vals(m:forward(torch.FloatTensor{{{3, 4}, {0, 0}}})), {{{5}}}, 1e-6)
      m:clearState()
      assert.are.equal(0, m.modules[1].output:nElement())
   end)
end)

describe('nn.SpatialUpSamplingBilinear', function()
   local x = T{{{1, 2}, {3, 4}}}

   it('interpolates with aligned corners by hand, single and batched', function()
      local m = nn.SpatialUpSamplingBilinear(2):double()
      near(vals(m:forward(x)), {{{1, 1.5, 2}, {2, 2.5, 3}, {3, 3.5, 4}}})
      local xb = D(2, 1, 2, 2); xb[1]:copy(x); xb[2]:copy(x):mul(-1)
      local out = m:forward(xb)
      assert.are.same({2, 1, 3, 3}, out:size():totable())
      near(vals(out[2]), {{{-1, -1.5, -2}, {-2, -2.5, -3}, {-3, -3.5, -4}}})
      -- an explicit size: columns at 0, 2/3, 4/3, 2 of the input's
      local mo = nn.SpatialUpSamplingBilinear({oheight = 2, owidth = 4}):double()
      near(vals(mo:forward(T{{{1, 2, 3}, {3, 4, 5}}})), {{{1, 5 / 3, 7 / 3, 3}, {3, 11 / 3, 13 / 3, 5}}})
      -- one output pixel samples the top-left corner
      near(vals(nn.SpatialUpSamplingBilinear({oheight = 1, owidth = 1}):double():forward(x)), {{{1}}})
   end)

   it('backward by hand, and the gradient checks', function()
      local m = nn.SpatialUpSamplingBilinear(2):double()
      m:forward(x)
      -- each corner gets weights (1 + 0.5) along each axis
      near(vals(m:backward(x, D(1, 3, 3):fill(1))), {{{2.25, 2.25}, {2.25, 2.25}}})
      jac(nn.SpatialUpSamplingBilinear(3):double(), D(2, 3, 2))
      jac(nn.SpatialUpSamplingBilinear({oheight = 5, owidth = 3}):double(), D(2, 2, 3, 4))
   end)

   it('errors name the module and the sizes', function()
      local m = nn.SpatialUpSamplingBilinear(2):double()
      H.raises(function() m:forward(D(2, 2)) end, 'nn.SpatialUpSamplingBilinear: input of size 2x2, expected 3D')
      m:forward(x)
      H.raises(function() m:backward(x, D(1, 2, 2)) end, 'nn.SpatialUpSamplingBilinear: gradOutput of size 1x2x2, expected 1x3x3')
      H.raises(function() nn.SpatialUpSamplingBilinear(1.5) end, 'scale_factor must be an integer >= 1, got 1.5')
      H.raises(function() nn.SpatialUpSamplingBilinear({oheight = 2}) end, 'oheight and owidth must be positive integers')
   end)

   it('prints as Torch7, converts and clears', function()
      assert.are.equal('nn.SpatialUpSamplingBilinear(2)', tostring(nn.SpatialUpSamplingBilinear(2)))
      assert.are.equal('nn.SpatialUpSamplingBilinear(4, 6)',
                       tostring(nn.SpatialUpSamplingBilinear({oheight = 4, owidth = 6})))
      local m = nn.SpatialUpSamplingBilinear(2):double()
      m:forward(x)
      m:float()
      near(vals(m:forward(x:float())), {{{1, 1.5, 2}, {2, 2.5, 3}, {3, 3.5, 4}}})
      m:clearState()
      assert.are.equal(0, m.output:nElement())
      assert.is_nil(m._Ah)
   end)
end)

describe('nn.SpatialCrossMapLRN', function()
   -- size 3, alpha 3 (alpha / size = 1), beta 0.5, k 1: y_c = x_c / sqrt(1 + window sum)
   local x = T{{{1}}, {{2}}, {{3}}}

   it('normalizes across a window of channels by hand, single and batched', function()
      local m = nn.SpatialCrossMapLRN(3, 3, 0.5, 1):double()
      local want = {{{1 / math.sqrt(6)}}, {{2 / math.sqrt(15)}}, {{3 / math.sqrt(14)}}}
      near(vals(m:forward(x)), want)
      local xb = D(2, 3, 1, 1); xb[1]:copy(x); xb[2]:copy(x)
      near(vals(m:forward(xb)), {want, want})
      -- size 2: the window of c is {c, c + 1}
      local m2 = nn.SpatialCrossMapLRN(2, 2, 1, 0):double()
      near(vals(m2:forward(x)), {{{1 / 5}}, {{2 / 13}}, {{3 / 9}}})
   end)

   it('backward by hand, and the gradient checks', function()
      -- one channel, size 1, alpha 1, beta 1, k 1: y = x / (1 + x^2), dy/dx = (1 - x^2) / (1 + x^2)^2
      local m = nn.SpatialCrossMapLRN(1, 1, 1, 1):double()
      local x1 = T{{{2}}}
      m:forward(x1)
      near(vals(m:backward(x1, T{{{1}}})), {{{-3 / 25}}})
      jac(nn.SpatialCrossMapLRN(3, 3, 0.5, 1):double(), D(4, 2, 3))
      jac(nn.SpatialCrossMapLRN(4, 2, 0.75, 2):double(), D(2, 5, 2, 3))
      jac(nn.SpatialCrossMapLRN(5):double(), D(3, 2, 2))
   end)

   it('errors name the module and the sizes', function()
      local m = nn.SpatialCrossMapLRN(3):double()
      H.raises(function() m:forward(D(3, 4)) end, 'nn.SpatialCrossMapLRN: input of size 3x4, expected 3D')
      m:forward(D(3, 2, 2))
      H.raises(function() m:backward(D(3, 2, 2), D(3, 2, 3)) end, 'nn.SpatialCrossMapLRN: gradOutput of size 3x2x3, expected 3x2x2')
      H.raises(function() nn.SpatialCrossMapLRN(0) end, 'nn.SpatialCrossMapLRN: size must be a positive integer, got 0')
   end)

   it('has Torch7 defaults, prints, converts and clears', function()
      local m = nn.SpatialCrossMapLRN(5)
      assert.are.same({5, 0.0001, 0.75, 1}, {m.size, m.alpha, m.beta, m.k})
      assert.are.equal('nn.SpatialCrossMapLRN', tostring(m))
      m = nn.SpatialCrossMapLRN(3, 3, 0.5, 1):float()
      near(vals(m:forward(x:float())), {{{1 / math.sqrt(6)}}, {{2 / math.sqrt(15)}}, {{3 / math.sqrt(14)}}}, 1e-6)
      m:backward(x:float(), x:float())
      m:clearState()
      assert.is_nil(m.scale)
      assert.are.equal(0, m.output:nElement())
   end)
end)

describe('nn.Spatial{Subtractive,Divisive,Contrastive}Normalization', function()
   local x = T{{{1, 2, 3}, {4, 5, 6}, {7, 8, 9}}}

   it('subtracts the local mean, corrected at the borders, by hand', function()
      local m = nn.SpatialSubtractiveNormalization(1, torch.ones(3, 3)):double()
      -- corner: mean of {1, 2, 4, 5} = 3; edge: mean of {1..6} = 3.5; centre: 5
      near(vals(m:forward(x)), {{{-2, -1.5, -1}, {-0.5, 0, 0.5}, {1, 1.5, 2}}})
      near(vals(m.coef), {{{4 / 9, 6 / 9, 4 / 9}, {6 / 9, 1, 6 / 9}, {4 / 9, 6 / 9, 4 / 9}}})
      -- two planes share one mean: of {1, 2} and {3, 6} at the one pixel with a 1x1 kernel
      local m2 = nn.SpatialSubtractiveNormalization(2, torch.ones(1)):double()
      near(vals(m2:forward(T{{{1, 3}}, {{2, 6}}})), {{{-0.5, -1.5}}, {{0.5, 1.5}}})
      -- a 1D kernel is applied along both axes: {1, 2, 1} (x) {1, 2, 1} at the centre
      local m1 = nn.SpatialSubtractiveNormalization(1, T{1, 2, 1}):double()
      local c = m1:forward(x)[1][2][2]
      near(c, 5 - (1 + 2 * 2 + 3 + 2 * 4 + 4 * 5 + 2 * 6 + 7 + 2 * 8 + 9) / 16)
      -- backward of a constant-mean-free map: gradOutput 1 everywhere on a 1x1 kernel, 2 planes
      m2:forward(T{{{1, 3}}, {{2, 6}}})
      near(vals(m2:backward(T{{{1, 3}}, {{2, 6}}}, T{{{1, 0}}, {{0, 0}}})), {{{0.5, 0}}, {{-0.5, 0}}})
   end)

   it('divides by the local deviation as Torch7, by hand', function()
      local m = nn.SpatialDivisiveNormalization(1, torch.ones(3, 3)):double()
      local out = m:forward(x)
      -- corner: sqrt((1 + 4 + 16 + 25) / 9) / (4 / 9); centre: sqrt(285 / 9) / 1
      near(out[1][1][1], 1 / (math.sqrt(46 / 9) / (4 / 9)))
      near(out[1][2][2], 5 / math.sqrt(285 / 9))
      -- below the threshold the divisor is thresval
      local mt = nn.SpatialDivisiveNormalization(1, torch.ones(1), 10, 4):double()
      near(vals(mt:forward(T{{{2, 12}}})), {{{0.5, 1}}})
   end)

   it('pass the gradient checks, single and batched, 2D and 1D kernels', function()
      for _, k in ipairs({torch.ones(3, 3), T{1, 2, 1}, T{{1, 2, 1}, {0, 1, 0}, {1, 1, 1}}}) do
         jac(nn.SpatialSubtractiveNormalization(2, k):double(), D(2, 4, 5))
         jac(nn.SpatialSubtractiveNormalization(2, k):double(), D(3, 2, 4, 5))
         jac(nn.SpatialDivisiveNormalization(2, k):double(), D(2, 4, 5))
         jac(nn.SpatialDivisiveNormalization(2, k):double(), D(3, 2, 4, 5))
         jac(nn.SpatialContrastiveNormalization(2, k):double(), D(3, 2, 4, 5))
      end
      jac(nn.SpatialContrastiveNormalization(1, torch.ones(5, 5)):double(), D(1, 6, 6))
   end)

   it('contrastive is subtractive then divisive', function()
      local k = torch.ones(3, 3)
      local xb = D(2, 2, 4, 4):uniform(-1, 1)
      local want = nn.SpatialDivisiveNormalization(2, k):double():forward(
         nn.SpatialSubtractiveNormalization(2, k):double():forward(xb))
      near(vals(nn.SpatialContrastiveNormalization(2, k):double():forward(xb)), vals(want), 1e-12)
   end)

   it('errors name the module and the sizes', function()
      for _, name in ipairs({'SpatialSubtractiveNormalization', 'SpatialDivisiveNormalization'}) do
         local m = nn[name](2, torch.ones(3, 3)):double()
         H.raises(function() m:forward(D(3, 4, 4)) end, 'nn.' .. name .. ': input of size 3x4x4 has 3 planes, expected 2')
         m:forward(D(2, 4, 4))
         H.raises(function() m:backward(D(2, 4, 4), D(2, 4, 3)) end, 'nn.' .. name .. ': gradOutput of size 2x4x3, expected 2x4x4')
         H.raises(function() nn[name](1, torch.ones(2, 3)) end, 'nn.' .. name .. ': the averaging kernel must have odd sizes, got 2x3')
         H.raises(function() nn[name](1, torch.ones(1, 1, 1)) end, 'nn.' .. name .. ': the averaging kernel must be 1D or 2D')
      end
   end)

   it('keep the caller kernel, have no parameters, convert and clear', function()
      local k = torch.ones(3, 3)
      local m = nn.SpatialContrastiveNormalization(1, k)
      near(vals(k), vals(torch.ones(3, 3)), 0)
      assert.is_true(m:parameters() == nil or #m:parameters() == 0)
      assert.are.equal('nn.SpatialContrastiveNormalization', tostring(m))
      m:float()
      local out = m:forward(x:float())
      assert.are.equal('torch.FloatTensor', out:type())
      m:backward(x:float(), out)
      m:clearState()
      m:double()
      -- its weights went through float: so do the reference's
      local want = nn.SpatialDivisiveNormalization(1, k):float():double():forward(
         nn.SpatialSubtractiveNormalization(1, k):float():double():forward(x))
      near(vals(m:forward(x)), vals(want), 1e-12)
   end)
end)

describe('nn.SpatialMaxUnpooling', function()
   it('puts each value back where its pooling found it, zeros elsewhere', function()
      local x = D{{{1, 5, 2, 0}, {3, 4, 8, 6}, {0, 0, 1, 1}, {2, 9, 1, 3}}}
      local pool = nn.SpatialMaxPooling(2, 2, 2, 2):double()
      local un = nn.SpatialMaxUnpooling(pool):double()
      local y = pool:forward(x)
      near(y:totable(), {{{5, 8}, {9, 3}}})
      near(un:forward(y):totable(), {{{0, 5, 0, 0}, {0, 0, 8, 0}, {0, 0, 0, 0}, {0, 9, 0, 3}}})
      local g = D(1, 4, 4):copy(torch.range(1, 16))
      near(un:backward(y, g):totable(), {{{2, 7}, {14, 16}}})
      assert.are.equal('nn.SpatialMaxUnpooling associated to nn.SpatialMaxPooling(2x2, 2,2)', tostring(un))
   end)

   it('works on batches and passes a gradient check', function()
      torch.manualSeed(2)
      local pool = nn.SpatialMaxPooling(2, 2, 2, 2):double()
      local un = nn.SpatialMaxUnpooling(pool):double()
      local x = D(3, 2, 4, 6):uniform()
      local y = pool:forward(x)
      local back = un:forward(y)
      assert.are.same({3, 2, 4, 6}, back:size():totable())
      -- the pooled maxima are all there, and nothing else
      near(back:sum(), y:sum())
      near(pool:forward(back):totable(), y:totable())
      H.jac(un, y:clone())
   end)

   it('names the module and sizes in its errors', function()
      local ok, err = pcall(nn.SpatialMaxUnpooling, nn.SpatialMaxPooling(3, 3, 2, 2))
      assert.is_false(ok)
      assert.is_truthy(err:find('the pooling kernel 3x3 must equal its stride 2x2', 1, true), err)
      ok, err = pcall(nn.SpatialMaxUnpooling, nn.Linear(2, 2))
      assert.is_false(ok)
      assert.is_truthy(err:find('argument 1 must be a nn.SpatialMaxPooling, got nn.Linear', 1, true), err)
      local pool = nn.SpatialMaxPooling(2, 2):double()
      local un = nn.SpatialMaxUnpooling(pool):double()
      ok, err = pcall(un.forward, un, D(1, 2, 2))
      assert.is_false(ok)
      assert.is_truthy(err:find('run the pooling module\'s forward first', 1, true), err)
      pool:forward(D(1, 4, 4):uniform())
      ok, err = pcall(un.forward, un, D(1, 3, 3))
      assert.is_false(ok)
      assert.is_truthy(err:find('input of size 1x3x3 does not match the pooling output 1x2x2', 1, true), err)
   end)
end)
