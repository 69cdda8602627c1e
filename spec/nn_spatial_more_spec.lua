-- SpatialDilatedMaxPooling, SpatialLogSoftMax, SpatialSubSampling, TemporalSubSampling and
-- SpatialDepthWiseConvolution: forward values against plain-Lua definitions, float64
-- gradient checks of input, weight and bias (nn.Jacobian), nn.Jacobian.testIO, batch
-- against single results, and the error paths, each message beginning with the class
-- name at this file's line.
require 'torch'
require 'nn'

local D, F = torch.DoubleTensor, torch.FloatTensor

local C = require 'spec.nn_module_checks'
local near, jac, batch_agrees, float_agrees = C.near, C.jac, C.batch_agrees, C.float_agrees

-- 2D convolution of one plane x (H x W) with kernel w (kH x kW): stride, zero padding.
local function conv1(x, w, dW, dH, padW, padH)
   local Hh, W, kH, kW = x:size(1), x:size(2), w:size(1), w:size(2)
   local oH, oW = (Hh + 2 * padH - kH) // dH + 1, (W + 2 * padW - kW) // dW + 1
   local y = D(oH, oW):zero()
   for u = 1, oH do for v = 1, oW do
      local s = 0
      for i = 1, kH do for j = 1, kW do
         local iy, ix = (u - 1) * dH - padH + i, (v - 1) * dW - padW + j
         if iy >= 1 and iy <= Hh and ix >= 1 and ix <= W then s = s + x[iy][ix] * w[i][j] end
      end end
      y[u][v] = s
   end end
   return y
end

describe('nn.SpatialDilatedMaxPooling', function()
   local function ref(x, kW, kH, dW, dH, padW, padH, dilW, dilH, ceil)
      local function osz(n, k, d, p, dil)
         local span = n + 2 * p - dil * (k - 1) - 1
         local o = (ceil and math.ceil(span / d) or span // d) + 1
         if ceil and (o - 1) * d >= n + p then o = o - 1 end
         return o
      end
      local C, Hh, W = x:size(1), x:size(2), x:size(3)
      local oH, oW = osz(Hh, kH, dH, padH, dilH), osz(W, kW, dW, padW, dilW)
      local y = D(C, oH, oW)
      for c = 1, C do for u = 1, oH do for v = 1, oW do
         local m = -math.huge
         for i = 1, kH do for j = 1, kW do
            local iy = (u - 1) * dH - padH + (i - 1) * dilH + 1
            local ix = (v - 1) * dW - padW + (j - 1) * dilW + 1
            if iy >= 1 and iy <= Hh and ix >= 1 and ix <= W then m = math.max(m, x[c][iy][ix]) end
         end end
         y[c][u][v] = m
      end end end
      return y
   end

   it('equals the direct definition, floor and ceil', function()
      local m = nn.SpatialDilatedMaxPooling(3, 2, 2, 1, 1, 1, 2, 3):double()
      local x = D(2, 3, 8, 9):uniform(-1, 1)
      local y = m:forward(x)
      for i = 1, 2 do near(y[i], ref(x[i], 3, 2, 2, 1, 1, 1, 2, 3, false), 0) end
      m:ceil()
      y = m:forward(x)
      for i = 1, 2 do near(y[i], ref(x[i], 3, 2, 2, 1, 1, 1, 2, 3, true), 0) end
      assert(torch.isTypeOf(m, 'nn.SpatialMaxPooling'))
   end)

   it('is SpatialMaxPooling when the dilation is 1', function()
      local x = D(2, 3, 7, 8):uniform(-1, 1)
      near(nn.SpatialDilatedMaxPooling(3, 2, 2, 2, 1, 1):double():forward(x),
           nn.SpatialMaxPooling(3, 2, 2, 2, 1, 1):double():forward(x), 0)
   end)

   it('passes the gradient check and agrees in batch', function()
      local m = nn.SpatialDilatedMaxPooling(2, 3, 1, 2, 1, 1, 2, 2):double()
      local x = D(2, 2, 7, 8):uniform(-1, 1)
      jac(m, x)
      batch_agrees(m, x)
   end)
end)

describe('nn.SpatialLogSoftMax', function()
   it('is the log of the softmax over the planes at each pixel', function()
      local x = D(2, 4, 3, 5):uniform(-5, 5)
      local y = nn.SpatialLogSoftMax():double():forward(x)
      for n = 1, 2 do for i = 1, 3 do for j = 1, 5 do
         local s = 0
         for c = 1, 4 do s = s + math.exp(x[n][c][i][j]) end
         for c = 1, 4 do
            assert(math.abs(y[n][c][i][j] - (x[n][c][i][j] - math.log(s))) < 1e-12)
         end
      end end end
      -- large values do not overflow
      local big = nn.SpatialLogSoftMax():double():forward(D(2, 1, 1):fill(1000))
      near(big, D(2, 1, 1):fill(-math.log(2)), 1e-12)
   end)

   it('passes the gradient check and agrees in batch', function()
      local m = nn.SpatialLogSoftMax():double()
      local x = D(2, 3, 4, 2):uniform(-2, 2)
      jac(m, x)
      jac(m, x[1])
      batch_agrees(m, x)
      near(m:float():forward(x:float()):double(), nn.SpatialLogSoftMax():forward(x), 1e-5)
      -- a transposed gradOutput is read through its strides
      m:double():forward(x)
      local g = D(2, 2, 4, 3):uniform():transpose(2, 4)
      local want = g:clone():add(-1, torch.exp(m.output):cmul(g:sum(2):expandAs(m.output)))
      near(m:backward(x, g), want, 1e-12)
   end)
end)

describe('nn.SpatialSubSampling', function()
   it('sums each window times the plane weight, plus the plane bias', function()
      local m = nn.SpatialSubSampling(3, 2, 3, 2, 1):double()
      local x = D(2, 3, 7, 6):uniform(-1, 1)
      local y = m:forward(x)
      for n = 1, 2 do for c = 1, 3 do
         local want = conv1(x[n][c], D(3, 2):fill(m.weight[c]), 2, 1, 0, 0):add(m.bias[c])
         near(y[n][c], want, 1e-12)
      end end
   end)

   it('passes the gradient checks and agrees in batch', function()
      local m = nn.SpatialSubSampling(2, 2, 2, 2, 1):double()
      local x = D(2, 2, 5, 4):uniform(-1, 1)
      jac(m, x)
      jac(m, x[1])
      batch_agrees(m, x)
   end)
end)

describe('nn.TemporalSubSampling', function()
   it('sums each window of frames times the feature weight, plus the bias', function()
      local m = nn.TemporalSubSampling(3, 3, 2):double()
      local x = D(2, 8, 3):uniform(-1, 1)
      local y = m:forward(x)
      assert(y:size(2) == (8 - 3) // 2 + 1)
      for n = 1, 2 do for t = 1, y:size(2) do for d = 1, 3 do
         local s = 0
         for k = 1, 3 do s = s + x[n][(t - 1) * 2 + k][d] end
         assert(math.abs(y[n][t][d] - (s * m.weight[d] + m.bias[d])) < 1e-12)
      end end end
   end)

   it('passes the gradient checks and agrees in batch', function()
      local m = nn.TemporalSubSampling(3, 2, 2):double()
      local x = D(2, 7, 3):uniform(-1, 1)
      jac(m, x)
      jac(m, x[1])
      batch_agrees(m, x)
   end)
end)

describe('nn.SpatialDepthWiseConvolution', function()
   it('convolves each plane with its own kernels, Torch7\'s plane order', function()
      local m = nn.SpatialDepthWiseConvolution(3, 2, 2, 3, 2, 1, 1, 0):double()
      assert(m.weight:dim() == 2 and m.weight:size(1) == 2 and m.weight:size(2) == 3 * 3 * 2)
      assert(m.bias:size(1) == 2 and m.bias:size(2) == 3)
      local x = D(2, 3, 6, 5):uniform(-1, 1)
      local y = m:forward(x)
      assert(y:size(2) == 6)
      local w = m.weight:view(2, 3, 3, 2)
      for n = 1, 2 do for c = 1, 3 do for o = 1, 2 do
         local want = conv1(x[n][c], w[o][c], 2, 1, 1, 0):add(m.bias[o][c])
         near(y[n][(c - 1) * 2 + o], want, 1e-12)
      end end end
      m:noBias()
      local y2 = m:forward(x[1])
      near(y2[4], conv1(x[1][2], w[2][2], 2, 1, 1, 0), 1e-12)
   end)

   it('passes the gradient checks and agrees in batch', function()
      local m = nn.SpatialDepthWiseConvolution(2, 3, 2, 2, 1, 1, 1, 1):double()
      local x = D(2, 2, 4, 5):uniform(-1, 1)
      jac(m, x)
      jac(m, x[1])
      batch_agrees(m, x)
   end)
end)

describe('nn.FeatureLPPooling', function()
   it('is the Lp norm of each window of features', function()
      local m = nn.FeatureLPPooling(3, 2, 2):double()
      local x = D(9, 4, 3):uniform(-1, 1)
      local y = m:forward(x)
      assert(y:size(1) == 4 and y:size(2) == 4 and y:size(3) == 3)
      for f = 1, 4 do for i = 1, 4 do for j = 1, 3 do
         local s = 0
         for k = 1, 3 do s = s + x[(f - 1) * 2 + k][i][j] ^ 2 end
         assert(math.abs(y[f][i][j] - math.sqrt(s)) < 1e-12)
      end end end
      local m3 = nn.FeatureLPPooling(2, 1, 3, true):double()
      local x3 = D(2, 4):uniform(0.1, 1)
      local y3 = m3:forward(x3)
      assert(math.abs(y3[2][3] - (x3[2][3] ^ 3 + x3[2][4] ^ 3) ^ (1 / 3)) < 1e-12)
   end)

   it('passes the gradient check, batch mode agreeing with single samples', function()
      local m = nn.FeatureLPPooling(2, 1, 2.5, true):double()
      local x = D(3, 5, 2, 2):uniform(0.1, 1)
      assert(nn.Jacobian.testJacobian(m, x, 0.1, 1) < 1e-6)
      local fo, bo = nn.Jacobian.testIO(m, x, 0.1, 1)
      assert(fo == 0 and bo == 0)
      local single = nn.FeatureLPPooling(2, 1, 2.5):double()
      local y = m:forward(x):clone()
      for i = 1, 3 do near(single:forward(x[i]), y[i], 1e-12) end
   end)

   it('refuses a width or stride outside Torch7\'s range', function()
      local ok, err = pcall(function() nn.FeatureLPPooling(1, 1, 2) end)
      assert(not ok and err:find('nn.FeatureLPPooling: width must be', 1, true), err)
      ok, err = pcall(function() nn.FeatureLPPooling(2, 5, 2) end)
      assert(not ok and err:find('nn.FeatureLPPooling: stride must be', 1, true), err)
   end)
end)

describe('nn.SpatialConvolutionMap and nn.SpatialFullConvolutionMap', function()
   -- the definition: each connection adds its input plane's valid (or full) convolution
   local function mapref(x, m, full)
      local C, Hh, W = x:size(1), x:size(2), x:size(3)
      local oH = full and (Hh - 1) * m.dH + m.kH or (Hh - m.kH) // m.dH + 1
      local oW = full and (W - 1) * m.dW + m.kW or (W - m.kW) // m.dW + 1
      local y = D(m.nOutputPlane, oH, oW)
      for o = 1, m.nOutputPlane do y[o]:fill(m.bias[o]) end
      for k = 1, m.connTable:size(1) do
         local i, o = m.connTable[k][1], m.connTable[k][2]
         if full then
            for u = 1, Hh do for v = 1, W do for a = 1, m.kH do for b = 1, m.kW do
               local oy, ox = (u - 1) * m.dH + a, (v - 1) * m.dW + b
               y[o][oy][ox] = y[o][oy][ox] + x[i][u][v] * m.weight[k][a][b]
            end end end end
         else
            y[o]:add(conv1(x[i], m.weight[k], m.dW, m.dH, 0, 0))
         end
      end
      return y
   end

   it('builds Torch7\'s tables', function()
      assert(nn.tables.full(2, 3):size(1) == 6 and nn.tables.full(2, 3)[4][1] == 2 and nn.tables.full(2, 3)[4][2] == 2)
      near(nn.tables.oneToOne(3), D{{1, 1}, {2, 2}, {3, 3}}, 0)
      local t = nn.tables.random(6, 5, 3)
      assert(t:size(1) == 15)
      for o = 1, 5 do
         local seen = {}
         for k = 1, 3 do
            local row = t[(o - 1) * 3 + k]
            assert(row[2] == o and not seen[row[1]] and row[1] >= 1 and row[1] <= 6)
            seen[row[1]] = true
         end
      end
   end)

   it('equals the definition, valid and full, batch and single', function()
      torch.manualSeed(5)
      for _, full in ipairs({false, true}) do
         local cls = full and nn.SpatialFullConvolutionMap or nn.SpatialConvolutionMap
         local m = cls(nn.tables.random(3, 4, 2), 3, 2, 2, 1):double()
         assert(m.nInputPlane == 3 and m.nOutputPlane == 4 and m.weight:size(1) == 8)
         local x = D(2, 3, 6, 7):uniform(-1, 1)
         local y = m:forward(x):clone()
         for i = 1, 2 do near(y[i], mapref(x[i], m, full), 1e-12) end
         near(m:float():forward(x:float()):double(), y, 1e-5)
         assert(torch.type(m._conn) == 'torch.LongTensor')
         m:double()
         jac(m, x)
         jac(m, x[1])
         batch_agrees(m, x)
      end
   end)
end)

describe('nn.SpatialConvolutionLocal', function()
   it('applies the kernel of each output position', function()
      local m = nn.SpatialConvolutionLocal(2, 3, 6, 5, 3, 2, 2, 1, 1, 0):double()
      assert(m.oH == 4 and m.oW == 3)
      local x = D(2, 2, 5, 6):uniform(-1, 1)
      local y = m:forward(x):clone()
      for n = 1, 2 do for o = 1, 3 do for u = 1, 4 do for v = 1, 3 do
         local s = m.bias[o][u][v]
         for c = 1, 2 do for i = 1, 2 do for j = 1, 3 do
            local iy, ix = u - 1 + i, (v - 1) * 2 - 1 + j
            if ix >= 1 and ix <= 6 then s = s + x[n][c][iy][ix] * m.weight[u][v][o][c][i][j] end
         end end end
         assert(math.abs(y[n][o][u][v] - s) < 1e-12)
      end end end end
      -- with every position's kernel the same, it is a SpatialConvolution
      local conv = nn.SpatialConvolution(2, 3, 3, 2, 2, 1, 1, 0):double()
      for u = 1, 4 do for v = 1, 3 do
         m.weight[u][v]:copy(conv.weight)
         m.bias:select(2, u):select(2, v):copy(conv.bias)
      end end
      near(m:forward(x), conv:forward(x), 1e-12)
   end)

   it('passes the gradient checks and agrees in batch', function()
      local m = nn.SpatialConvolutionLocal(2, 2, 4, 5, 2, 3, 1, 2, 1, 1):double()
      local x = D(2, 2, 5, 4):uniform(-1, 1)
      jac(m, x)
      jac(m, x[1])
      batch_agrees(m, x)
   end)
end)

describe('nn.SpatialFractionalMaxPooling', function()
   -- Graham's sequence: start(i) = floor((i + u) a) - floor(u a), a = (n - k) / (o - 1),
   -- the last window at the edge (1-based starts here)
   local function starts(u, n, o, k)
      local s, a = {}, (n - k) / (o - 1)
      for i = 0, o - 2 do s[i + 1] = math.floor((i + u) * a) - math.floor(u * a) + 1 end
      s[o] = n - k + 1
      return s
   end

   it('takes the maximum of each window its samples place', function()
      local m = nn.SpatialFractionalMaxPooling(2, 3, 4, 3):double()
      local x = D(2, 3, 7, 9):uniform(-1, 1)
      local y = m:forward(x):clone()
      assert(y:size(3) == 3 and y:size(4) == 4)
      local u = m.randomSamples
      assert(u:size(1) == 2 and u:size(2) == 3 and u:size(3) == 2)
      for n = 1, 2 do for c = 1, 3 do
         local sw, sh = starts(u[n][c][1], 9, 4, 2), starts(u[n][c][2], 7, 3, 3)
         for i = 1, 3 do for j = 1, 4 do
            local want = x[n][c][{{sh[i], sh[i] + 2}, {sw[j], sw[j] + 1}}]:max()
            assert(y[n][c][i][j] == want)
         end end
      end end
   end)

   it('draws new regions each forward unless fixed, and takes ratios', function()
      local m = nn.SpatialFractionalMaxPooling(2, 2, 0.5, 0.7):double()
      local x = D(3, 8, 10):uniform()
      assert(m:forward(x):size(2) == 5 and m.output:size(3) == 5)
      local u = m.randomSamples:clone()
      m:forward(x)
      assert((m.randomSamples - u):abs():max() > 0)
      m:fixPoolingRegions()
      u = m.randomSamples:clone()
      m:forward(x)
      near(m.randomSamples, u, 0)
   end)

   it('passes the gradient check and testIO with fixed regions', function()
      local m = nn.SpatialFractionalMaxPooling(2, 2, 3, 4):double():fixPoolingRegions()
      local x = D(2, 2, 6, 5):uniform(-1, 1)
      m:forward(x)
      assert(nn.Jacobian.testJacobian(m, x) < 1e-6)
      local fo, bo = nn.Jacobian.testIO(m, x)
      assert(fo == 0 and bo == 0)
   end)
end)

-- ---- error paths -----------------------------------------------------------------------

local function check(name, line, f) return C.check('nn_spatial_more_spec', {'nn_', 'conv2d_', 'maxpool2d_', 'avgpool2d_', 'image_check', 'convmap_', 'convlocal_', 'feature_lppool_', 'argument %d'}, name, line, f) end
local here = C.here

-- name, constructor, good input, wrong dimension count, wrong planes (nil: any), gradOutput
-- of the wrong size
local cases = {
   {'nn.SpatialDilatedMaxPooling', function() return nn.SpatialDilatedMaxPooling(2, 2, 1, 1, 0, 0, 2, 2) end,
    F(2, 3, 6, 6), F(6, 6), nil, F(2, 3, 3, 3)},
   {'nn.SpatialLogSoftMax', function() return nn.SpatialLogSoftMax() end,
    F(2, 3, 6, 6), F(6, 6), nil, F(2, 3, 5, 6)},
   {'nn.SpatialSubSampling', function() return nn.SpatialSubSampling(3, 2, 2) end,
    F(2, 3, 6, 6), F(6, 6), F(2, 2, 6, 6), F(2, 3, 6, 5)},
   {'nn.TemporalSubSampling', function() return nn.TemporalSubSampling(3, 2) end,
    F(2, 6, 3), F(6), F(2, 6, 4), F(2, 4, 3)},
   {'nn.FeatureLPPooling', function() return nn.FeatureLPPooling(2, 2, 2, true) end,
    F(2, 6, 3), F(2, 2, 2, 2, 2), nil, F(2, 2, 3)},
   {'nn.SpatialConvolutionMap', function() return nn.SpatialConvolutionMap(nn.tables.full(3, 2), 3, 3) end,
    F(2, 3, 6, 6), F(6, 6), F(2, 2, 6, 6), F(2, 2, 3, 4)},
   {'nn.SpatialFullConvolutionMap', function() return nn.SpatialFullConvolutionMap(nn.tables.oneToOne(3), 2, 2) end,
    F(2, 3, 4, 4), F(4, 4), F(2, 2, 4, 4), F(2, 3, 4, 4)},
   {'nn.SpatialConvolutionLocal', function() return nn.SpatialConvolutionLocal(3, 2, 6, 6, 3, 3) end,
    F(2, 3, 6, 6), F(6, 6), F(2, 2, 6, 6), F(2, 2, 3, 4)},
   {'nn.SpatialFractionalMaxPooling', function() return nn.SpatialFractionalMaxPooling(2, 2, 3, 3) end,
    F(2, 3, 6, 6), F(6, 6), nil, F(2, 3, 3, 2)},
   {'nn.SpatialDepthWiseConvolution', function() return nn.SpatialDepthWiseConvolution(3, 2, 3, 3) end,
    F(2, 3, 6, 6), F(6, 6), F(2, 2, 6, 6), F(2, 3, 4, 4)},
}

describe('error paths', function()
   for _, c in ipairs(cases) do
      local name, make, good, baddim, badplanes, badgo = table.unpack(c)
      it(name .. ' names itself at the caller\'s line', function()
         local m = make()
         m:float()
         local line
         line = here(); local msg = check(name, line, function() m:forward(baddim) end)
         assert(msg:find('input of size', 1, true), msg)
         if badplanes then
            line = here(); msg = check(name, line, function() m:forward(badplanes) end)
            assert(msg:find('planes', 1, true) or msg:find('expected', 1, true), msg)
         end
         m:forward(good)
         line = here(); msg = check(name, line, function() m:backward(good, badgo) end)
         assert(msg:find('gradOutput', 1, true), msg)
         line = here(); msg = check(name, line, function() m:forward(torch.LongTensor(good:size())) end)
         assert(msg:find('Long', 1, true), msg)
         line = here(); msg = check(name, line, function() m:forward(good:double()) end)
         assert(msg:find('Double', 1, true), msg)
      end)
   end

   it('refuses a dilated window that falls between the pixels', function()
      local m = nn.SpatialDilatedMaxPooling(2, 1, 1, 1, 1, 0, 4, 1)
      local line = here(); local msg = check('nn.SpatialDilatedMaxPooling', line, function() m:forward(torch.Tensor(1, 1, 3)) end)
      assert(msg:find('falls wholly in the padding', 1, true), msg)
   end)
end)
