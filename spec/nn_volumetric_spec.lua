-- The Volumetric modules: forward values against plain-Lua definitions (direct loops over
-- the voxels), float64 gradient checks of input, weight and bias (nn.Jacobian),
-- nn.Jacobian.testIO, batch against single-volume results, Float against Double, and the
-- error paths (wrong dimension count, wrong number of planes, gradOutput of the wrong
-- size, wrong type), each message beginning with the class name at this file's line.
require 'torch'
require 'nn'

local D, F = torch.DoubleTensor, torch.FloatTensor

local C = require 'spec.nn_module_checks'
local near, jac, batch_agrees, float_agrees = C.near, C.jac, C.batch_agrees, C.float_agrees

-- ---- plain-Lua definitions, on C x T x H x W volumes -----------------------------------

-- g: kT, kW, kH, dT, dW, dH, padT, padW, padH, dilT, dilW, dilH
local function conv_ref(x, w, b, g)
   local C, T, Hh, W = x:size(1), x:size(2), x:size(3), x:size(4)
   local Fo, kT, kH, kW = w:size(1), w:size(3), w:size(4), w:size(5)
   local oT = (T + 2 * g[7] - g[10] * (kT - 1) - 1) // g[4] + 1
   local oH = (Hh + 2 * g[9] - g[12] * (kH - 1) - 1) // g[6] + 1
   local oW = (W + 2 * g[8] - g[11] * (kW - 1) - 1) // g[5] + 1
   local y = D(Fo, oT, oH, oW)
   for f = 1, Fo do
      for z = 1, oT do for u = 1, oH do for v = 1, oW do
         local s = b and b[f] or 0
         for c = 1, C do
            for a = 1, kT do for i = 1, kH do for j = 1, kW do
               local iz = (z - 1) * g[4] - g[7] + (a - 1) * g[10] + 1
               local iy = (u - 1) * g[6] - g[9] + (i - 1) * g[12] + 1
               local ix = (v - 1) * g[5] - g[8] + (j - 1) * g[11] + 1
               if iz >= 1 and iz <= T and iy >= 1 and iy <= Hh and ix >= 1 and ix <= W then
                  s = s + x[c][iz][iy][ix] * w[f][c][a][i][j]
               end
            end end end
         end
         y[f][z][u][v] = s
      end end end
   end
   return y
end

-- every input voxel spreads its kernel over the output (weight Cin x Cout x kT x kH x kW)
local function fullconv_ref(x, w, b, g, adj)
   local C, T, Hh, W = x:size(1), x:size(2), x:size(3), x:size(4)
   local Co, kT, kH, kW = w:size(2), w:size(3), w:size(4), w:size(5)
   local oT = (T - 1) * g[4] - 2 * g[7] + kT + adj[1]
   local oH = (Hh - 1) * g[6] - 2 * g[9] + kH + adj[3]
   local oW = (W - 1) * g[5] - 2 * g[8] + kW + adj[2]
   local y = D(Co, oT, oH, oW)
   for f = 1, Co do y[f]:fill(b and b[f] or 0) end
   for c = 1, C do for z = 1, T do for u = 1, Hh do for v = 1, W do
      for f = 1, Co do for a = 1, kT do for i = 1, kH do for j = 1, kW do
         local oz = (z - 1) * g[4] - g[7] + a
         local oy = (u - 1) * g[6] - g[9] + i
         local ox = (v - 1) * g[5] - g[8] + j
         if oz >= 1 and oz <= oT and oy >= 1 and oy <= oH and ox >= 1 and ox <= oW then
            y[f][oz][oy][ox] = y[f][oz][oy][ox] + x[c][z][u][v] * w[c][f][a][i][j]
         end
      end end end end
   end end end end
   return y
end

-- max (or mean) over each window; floor or ceil mode, padding, dilation
local function outsize(n, k, d, p, dil, ceil)
   local span = n + 2 * p - dil * (k - 1) - 1
   local o = (ceil and math.ceil(span / d) or span // d) + 1
   if ceil and (o - 1) * d >= n + p then o = o - 1 end
   return o
end

local function pool_ref(x, g, ceil, avg, cip)
   local C, T, Hh, W = x:size(1), x:size(2), x:size(3), x:size(4)
   local oT = outsize(T, g[1], g[4], g[7], g[10], ceil)
   local oH = outsize(Hh, g[3], g[6], g[9], g[12], ceil)
   local oW = outsize(W, g[2], g[5], g[8], g[11], ceil)
   local y = D(C, oT, oH, oW)
   for c = 1, C do for z = 1, oT do for u = 1, oH do for v = 1, oW do
      local m, s, n = -math.huge, 0, 0
      for a = 1, g[1] do for i = 1, g[3] do for j = 1, g[2] do
         local iz = (z - 1) * g[4] - g[7] + (a - 1) * g[10] + 1
         local iy = (u - 1) * g[6] - g[9] + (i - 1) * g[12] + 1
         local ix = (v - 1) * g[5] - g[8] + (j - 1) * g[11] + 1
         if iz >= 1 and iz <= T and iy >= 1 and iy <= Hh and ix >= 1 and ix <= W then
            local e = x[c][iz][iy][ix]
            m, s, n = math.max(m, e), s + e, n + 1
         end
      end end end
      if avg then
         if cip then
            -- the window clipped to the padded volume
            local function ext(o, k, d, p, size)
               local st = (o - 1) * d - p
               return math.min(st + k, size + p) - st
            end
            n = ext(z, g[1], g[4], g[7], T) * ext(u, g[3], g[6], g[9], Hh) *
                ext(v, g[2], g[5], g[8], W)
         end
         y[c][z][u][v] = s / n
      else
         y[c][z][u][v] = m
      end
   end end end end
   return y
end

-- ---- the cases: constructor, a batch input, and what the forward must equal ----------

local g0 = {2, 3, 2, 1, 2, 1, 1, 1, 0, 1, 1, 1}

describe('nn.VolumetricConvolution', function()
   it('equals the direct definition, with stride and padding', function()
      local m = nn.VolumetricConvolution(2, 3, 2, 3, 2, 1, 2, 1, 1, 1, 0):double()
      local x = D(2, 2, 4, 5, 6):uniform(-1, 1)
      local y = m:forward(x)
      for i = 1, 2 do near(y[i], conv_ref(x[i], m.weight, m.bias, g0), 1e-12) end
      m:noBias()
      near(m:forward(x[1]), conv_ref(x[1], m.weight, nil, g0), 1e-12)
   end)

   it('passes the gradient checks, batch and single, and testIO', function()
      local m = nn.VolumetricConvolution(2, 3, 2, 2, 3, 1, 1, 2, 1, 0, 1):double()
      jac(m, D(2, 2, 3, 4, 5):uniform(-1, 1))
      jac(m, D(2, 3, 4, 5):uniform(-1, 1))
      batch_agrees(m, D(3, 2, 3, 4, 5):uniform(-1, 1))
      float_agrees(m, D(2, 2, 3, 4, 5):uniform(-1, 1))
   end)

   it('reuses its buffers: a second call allocates nothing new', function()
      local m = nn.VolumetricConvolution(2, 3, 2, 2, 2):double()
      local x = D(2, 2, 4, 4, 4):uniform()
      m:forward(x); m:backward(x, m.output)
      local p1, p2 = m.finput:data(), m.output:data()
      m:forward(x); m:backward(x, m.output)
      assert(m.finput:data() == p1 and m.output:data() == p2)
   end)

   it('scales the parameter gradients', function()
      local m = nn.VolumetricConvolution(1, 2, 2, 2, 2):double()
      local x = D(1, 3, 3, 3):uniform()
      m:forward(x)
      local go = m.output:clone():uniform()
      m:zeroGradParameters(); m:accGradParameters(x, go, 1)
      local gw, gb = m.gradWeight:clone(), m.gradBias:clone()
      m:zeroGradParameters(); m:accGradParameters(x, go, 0.5)
      near(m.gradWeight, gw * 0.5, 1e-12); near(m.gradBias, gb * 0.5, 1e-12)
   end)
end)

describe('nn.VolumetricDilatedConvolution', function()
   it('equals the direct definition and passes the gradient checks', function()
      local m = nn.VolumetricDilatedConvolution(2, 2, 2, 2, 3, 1, 1, 2, 1, 0, 1, 2, 1, 2):double()
      local x = D(2, 2, 5, 6, 4):uniform(-1, 1)
      local y = m:forward(x)
      local g = {2, 2, 3, 1, 1, 2, 1, 0, 1, 2, 1, 2}
      for i = 1, 2 do near(y[i], conv_ref(x[i], m.weight, m.bias, g), 1e-12) end
      jac(m, x)
      batch_agrees(m, x)
   end)
end)

describe('nn.VolumetricFullConvolution', function()
   it('equals the direct definition, with stride, padding and adjustment', function()
      local m = nn.VolumetricFullConvolution(2, 3, 2, 3, 2, 2, 1, 2, 1, 0, 1, 1, 0, 1):double()
      local x = D(2, 2, 3, 4, 3):uniform(-1, 1)
      local y = m:forward(x)
      local g = {2, 3, 2, 2, 1, 2, 1, 0, 1}
      assert(y:size(3) == (3 - 1) * 2 - 2 + 2 + 1 and y:size(4) == (4 - 1) * 2 - 2 + 2 + 1)
      for i = 1, 2 do near(y[i], fullconv_ref(x[i], m.weight, m.bias, g, {1, 0, 1}), 1e-12) end
   end)

   it('passes the gradient checks, batch and single, and testIO', function()
      local m = nn.VolumetricFullConvolution(2, 2, 2, 2, 3, 2, 1, 1, 0, 1, 1, 1):double()
      jac(m, D(2, 2, 3, 3, 4):uniform(-1, 1))
      jac(m, D(2, 3, 3, 4):uniform(-1, 1))
      batch_agrees(m, D(3, 2, 3, 3, 4):uniform(-1, 1))
      float_agrees(m, D(2, 2, 3, 3, 4):uniform(-1, 1))
   end)

   it('refuses an adjustment not below the stride', function()
      local ok, err = pcall(function() nn.VolumetricFullConvolution(1, 1, 2, 2, 2, 1, 1, 1, 0, 0, 0, 1) end)
      assert(not ok and err:find('nn.VolumetricFullConvolution: adjT', 1, true), err)
   end)

   it('takes {input, target}: the adjustments that give the target\'s size', function()
      local m = nn.VolumetricFullConvolution(2, 3, 3, 3, 2, 2, 3, 2, 1, 0, 1):double()
      local ref = nn.VolumetricFullConvolution(2, 3, 3, 3, 2, 2, 3, 2, 1, 0, 1, 1, 2, 0):double()
      ref.weight:copy(m.weight); ref.bias:copy(m.bias)
      local x = D(2, 2, 3, 3, 2):uniform(-1, 1)
      local y = ref:forward(x)             -- 2 x 3 x 6 x 5 x 7
      local t = D(y:size(3), y:size(4), y:size(5))
      near(m:forward({x, t}), y, 0)
      local g = D(y:size()):uniform(-1, 1)
      local gi = m:backward({x, t}, g)
      near(gi[1], ref:backward(x, g), 1e-12)
      assert(gi[2]:isSameSizeAs(t) and gi[2]:abs():max() == 0)
      near(m.gradWeight, ref.gradWeight, 1e-12)
      -- the plain form afterwards gives a tensor gradInput again, with the module's adjustments
      assert(torch.isTensor(m:backward(x, m:forward(x):clone():zero())))
      local ok, err = pcall(function() m:forward({x, D(2, 2)}) end)
      assert(not ok and err:find('nn_volumetric_spec.lua:%d+: nn.VolumetricFullConvolution: expected an input tensor or {input, target of the output size}'), err)
   end)
end)

describe('nn.VolumetricMaxPooling', function()
   it('equals the direct definition, floor and ceil, with padding', function()
      local x = D(2, 3, 5, 6, 7):uniform(-1, 1)
      local m = nn.VolumetricMaxPooling(2, 3, 2, 2, 2, 1, 0, 1, 1):double()
      local g = {2, 3, 2, 2, 2, 1, 0, 1, 1, 1, 1, 1}
      local y = m:forward(x)
      for i = 1, 2 do near(y[i], pool_ref(x[i], g, false), 0) end
      assert(y:size(3) == 2, 'floor mode gives 2 frames, got ' .. y:size(3))
      m:ceil()
      y = m:forward(x)
      for i = 1, 2 do near(y[i], pool_ref(x[i], g, true), 0) end
      assert(y:size(3) == 3, 'ceil mode gives 3 frames, got ' .. y:size(3))
   end)

   it('keeps 1-based positions inside the volume', function()
      local x = D(1, 2, 2, 2):zero()
      x[1][2][1][2] = 5 -- z = 2, y = 1, x = 2: (1 * 2 + 0) * 2 + 1 + 1 = 6
      local m = nn.VolumetricMaxPooling(2, 2, 2):double()
      m:forward(x)
      assert(m.indices:nElement() == 1 and m.indices[1][1][1][1] == 6)
      assert(torch.type(m.indices) == 'torch.LongTensor')
      m:float()
      assert(torch.type(m.indices) == 'torch.LongTensor')
   end)

   it('passes the gradient checks and agrees in batch', function()
      local m = nn.VolumetricMaxPooling(2, 2, 2, 1, 2, 1, 1, 0, 1):double()
      local x = D(2, 2, 4, 5, 4):uniform(-1, 1)
      jac(m, x)
      jac(m, x[1])
      batch_agrees(m, x)
      float_agrees(m, x)
   end)
end)

describe('nn.VolumetricDilatedMaxPooling', function()
   it('equals the direct definition and passes the gradient checks', function()
      local m = nn.VolumetricDilatedMaxPooling(2, 2, 3, 1, 2, 1, 1, 0, 1, 2, 1, 2):double()
      local x = D(2, 2, 6, 7, 5):uniform(-1, 1)
      local g = {2, 2, 3, 1, 2, 1, 1, 0, 1, 2, 1, 2}
      local y = m:forward(x)
      for i = 1, 2 do near(y[i], pool_ref(x[i], g, false), 0) end
      m:ceil()
      y = m:forward(x)
      for i = 1, 2 do near(y[i], pool_ref(x[i], g, true), 0) end
      jac(m, x)
      batch_agrees(m, x)
   end)
end)

describe('nn.VolumetricAveragePooling', function()
   it('equals the direct definition, padding counted or not, floor and ceil', function()
      local x = D(2, 2, 5, 5, 6):uniform(-1, 1)
      local g = {2, 3, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1}
      local m = nn.VolumetricAveragePooling(2, 3, 2, 2, 2, 1, 1, 1, 1):double()
      for _, ceil in ipairs({false, true}) do
         if ceil then m:ceil() end
         m:setCountIncludePad()
         local y = m:forward(x)
         for i = 1, 2 do near(y[i], pool_ref(x[i], g, ceil, true, true), 1e-12) end
         m:setCountExcludePad()
         y = m:forward(x)
         for i = 1, 2 do near(y[i], pool_ref(x[i], g, ceil, true, false), 1e-12) end
      end
   end)

   it('defaults its stride to the window, as Torch7', function()
      local m = nn.VolumetricAveragePooling(2, 2, 2):double()
      local x = D(1, 4, 4, 4):uniform()
      local y = m:forward(x)
      assert(y:size(2) == 2 and y:size(3) == 2 and y:size(4) == 2)
      near(D{y[1][1][1][1]}, D{x[{1, {1, 2}, {1, 2}, {1, 2}}]:mean()}, 1e-14)
   end)

   it('passes the gradient checks and agrees in batch', function()
      local m = nn.VolumetricAveragePooling(2, 2, 2, 1, 2, 1, 1, 1, 0):double()
      local x = D(2, 2, 4, 5, 4):uniform(-1, 1)
      jac(m, x)
      m:setCountExcludePad()
      jac(m, x[1])
      batch_agrees(m, x)
      float_agrees(m, x)
   end)
end)

describe('nn.VolumetricMaxUnpooling', function()
   it('puts each maximum back where it came from', function()
      local p = nn.VolumetricMaxPooling(2, 2, 2):double()
      local u = nn.VolumetricMaxUnpooling(p)
      local x = D(2, 3, 4, 4, 6):uniform(-1, 1)
      local y = p:forward(x)
      local r = u:forward(y)
      assert(r:isSameSizeAs(x))
      -- every nonzero of r is the input's value there, and r's maxima are the pooled ones
      local mask = r:ne(0)
      near(r[mask], x[mask], 0)
      near(p:forward(r), y, 0)
      assert(mask:sum() == y:nElement())
   end)

   it('passes the gradient check and testIO', function()
      local p = nn.VolumetricMaxPooling(2, 2, 2):double()
      local u = nn.VolumetricMaxUnpooling(p)
      p:forward(D(2, 2, 4, 4, 4):uniform(-1, 1))
      local y = p.output:clone()
      assert(nn.Jacobian.testJacobian(u, y) < 1e-8)
   end)

   it('refuses a pooling whose window is not its stride, and a wrong input', function()
      local ok, err = pcall(function() nn.VolumetricMaxUnpooling(nn.VolumetricMaxPooling(2, 2, 2, 1, 1, 1)) end)
      assert(not ok and err:find('nn.VolumetricMaxUnpooling: the pooling kernel', 1, true), err)
      local p = nn.VolumetricMaxPooling(2, 2, 2)
      local u = nn.VolumetricMaxUnpooling(p)
      ok, err = pcall(function() u:forward(torch.Tensor(1, 2, 2, 2)) end)
      assert(not ok and err:find('nn.VolumetricMaxUnpooling: run the pooling', 1, true), err)
   end)
end)

describe('nn.VolumetricBatchNormalization', function()
   it('normalizes each plane over N, T, H and W in training', function()
      local m = nn.VolumetricBatchNormalization(3):double()
      local x = D(4, 3, 2, 3, 2):uniform(-1, 3)
      local y = m:forward(x)
      for c = 1, 3 do
         local xc = x:select(2, c)
         local mean = xc:mean()
         local var = (xc - mean):pow(2):mean()
         local want = (xc - mean) / math.sqrt(var + m.eps) * m.weight[c] + m.bias[c]
         near(y:select(2, c), want, 1e-10)
         near(D{m.running_mean[c]}, D{0.1 * mean}, 1e-12)
      end
   end)

   it('passes the gradient checks in training and evaluation, and testIO', function()
      local m = nn.VolumetricBatchNormalization(2):double()
      local x = D(3, 2, 2, 2, 3):uniform(-1, 1)
      jac(m, x)
      m:evaluate()
      jac(m, x)
      jac(m, x[1])
      batch_agrees(m, x)
   end)

   it('refuses an input of the wrong planes or dimension count', function()
      local m = nn.VolumetricBatchNormalization(2)
      local ok, err = pcall(function() m:forward(torch.Tensor(2, 3, 2, 2, 2)) end)
      assert(not ok and err:find('nn_volumetric_spec.lua:%d+: nn.VolumetricBatchNormalization: input of size 2x3x2x2x2'), err)
      ok, err = pcall(function() m:forward(torch.Tensor(2, 2, 2)) end)
      assert(not ok and err:find('nn.VolumetricBatchNormalization: input of size 2x2x2', 1, true), err)
   end)
end)

describe('nn.VolumetricDropout', function()
   it('zeroes whole planes in training and scales in evaluation', function()
      torch.manualSeed(3)
      local m = nn.VolumetricDropout(0.5):double()
      local x = D(4, 8, 2, 3, 2):uniform(1, 2)
      local y = m:forward(x)
      local zeros = 0
      for n = 1, 4 do for c = 1, 8 do
         local p = y[n][c]
         if p:abs():sum() == 0 then zeros = zeros + 1 else near(p, x[n][c], 0) end
      end end
      assert(zeros > 0 and zeros < 32, 'dropped ' .. zeros .. ' of 32 planes')
      local gi = m:backward(x, D(4, 8, 2, 3, 2):fill(1))
      near(gi:ne(0):double(), y:ne(0):double(), 0)
      m:evaluate()
      near(m:forward(x), x * 0.5, 1e-15)
      y = m:forward(x[1])
      assert(y:dim() == 4)
   end)

   it('refuses an input that is not a volume', function()
      local m = nn.VolumetricDropout()
      local ok, err = pcall(function() m:forward(torch.Tensor(2, 2, 2)) end)
      assert(not ok and err:find('nn_volumetric_spec.lua:%d+: nn.VolumetricDropout: input of size 2x2x2'), err)
   end)
end)

describe('nn.VolumetricReplicationPadding', function()
   it('repeats the border voxels', function()
      local m = nn.VolumetricReplicationPadding(1, 2, 0, 1, 2, 1):double()
      local x = D(2, 2, 3, 2, 4):uniform()
      local y = m:forward(x)
      assert(y:size(3) == 3 + 3 and y:size(4) == 2 + 1 and y:size(5) == 4 + 3)
      for n = 1, 2 do for c = 1, 2 do for z = 1, 6 do for u = 1, 3 do for v = 1, 7 do
         local iz = math.min(math.max(z - 2, 1), 3)
         local iy = math.min(math.max(u, 1), 2)
         local ix = math.min(math.max(v - 1, 1), 4)
         assert(y[n][c][z][u][v] == x[n][c][iz][iy][ix])
      end end end end end
   end)

   it('passes the gradient check and agrees in batch', function()
      local m = nn.VolumetricReplicationPadding(1, 0, 2, 1, 0, 1):double()
      local x = D(2, 2, 2, 3, 2):uniform(-1, 1)
      jac(m, x)
      jac(m, x[1])
      batch_agrees(m, x)
      float_agrees(m, x)
   end)

   it('crops where a pad is negative, and refuses to crop to nothing', function()
      local m = nn.VolumetricReplicationPadding(-1, 2, 1, -2, -1, 0):double()
      local x = D(2, 3, 4, 5):uniform()
      local y = m:forward(x)
      assert(y:size(2) == 3 - 1 and y:size(3) == 4 + 1 - 2 and y:size(4) == 5 - 1 + 2)
      for z = 1, 2 do for u = 1, 3 do for v = 1, 6 do
         local iz = z + 1
         local iy = math.min(math.max(u - 1, 1), 4)
         local ix = math.min(math.max(v + 1, 1), 5)
         for c = 1, 2 do assert(y[c][z][u][v] == x[c][iz][iy][ix]) end
      end end end
      jac(m, x)
      local crop = nn.VolumetricReplicationPadding(-3, -2, 0, 0, 0, 0)
      local ok, msg = pcall(function() crop:forward(x) end)
      assert(not ok and msg:find('nn_volumetric_spec.lua:%d+: nn.VolumetricReplicationPadding: input of size 2x3x4x5 is cropped to nothing'), msg)
      local ok, err = pcall(nn.VolumetricReplicationPadding, 1.5)
      assert(not ok and err:find('pleft must be an integer, got 1.5', 1, true), err)
   end)
end)

describe('nn.VolumetricFractionalMaxPooling', function()
   local function starts(u, n, o, k)
      local s, a = {}, (n - k) / (o - 1)
      for i = 0, o - 2 do s[i + 1] = math.floor((i + u) * a) - math.floor(u * a) + 1 end
      s[o] = n - k + 1
      return s
   end

   it('takes the maximum of each window its samples (T, W, H) place, in Torch7\'s H x W x T', function()
      local m = nn.VolumetricFractionalMaxPooling(2, 2, 3, 3, 4, 2):double()
      local x = D(2, 2, 5, 7, 6):uniform(-1, 1) -- N x C x H x W x T
      local y = m:forward(x):clone()
      assert(y:size(3) == 2 and y:size(4) == 4 and y:size(5) == 3)
      local u = m.randomSamples
      for n = 1, 2 do for c = 1, 2 do
         local st = starts(u[n][c][1], 6, 3, 2)
         local sw, sh = starts(u[n][c][2], 7, 4, 2), starts(u[n][c][3], 5, 2, 3)
         for z = 1, 3 do for i = 1, 2 do for j = 1, 4 do
            local want = x[n][c][{{sh[i], sh[i] + 2}, {sw[j], sw[j] + 1}, {st[z], st[z] + 1}}]:max()
            assert(y[n][c][i][j][z] == want)
         end end end
      end end
   end)

   it('passes the gradient check with fixed regions and takes ratios', function()
      local m = nn.VolumetricFractionalMaxPooling(2, 2, 2, 3, 3, 2):double():fixPoolingRegions()
      local x = D(2, 5, 4, 6):uniform(-1, 1)
      m:forward(x)
      assert(m.output:size(2) == 2 and m.output:size(3) == 3 and m.output:size(4) == 3)
      assert(nn.Jacobian.testJacobian(m, x) < 1e-6)
      -- ratios: floor(ratio * size) along H, W and T of H x W x T
      local r = nn.VolumetricFractionalMaxPooling(2, 2, 2, 0.5, 0.4, 0.7):double()
      local y = r:forward(D(1, 2, 10, 8, 6):uniform())
      assert(y:size(3) == 7 and y:size(4) == 3 and y:size(5) == 3, nn.utils.sizestr(y))
   end)
end)

describe('nn.UpSampling', function()
   it('is SpatialUpSamplingNearest and SpatialUpSamplingBilinear on images', function()
      local x = D(2, 3, 4, 5):uniform(-1, 1)
      near(nn.UpSampling(3):double():forward(x), nn.SpatialUpSamplingNearest(3):double():forward(x), 0)
      near(nn.UpSampling(3, 'bilinear'):double():forward(x),
           nn.SpatialUpSamplingBilinear(3):double():forward(x), 1e-12)
   end)

   it('repeats voxels (nearest) and interpolates trilinearly, corners aligned', function()
      local x = D(1, 2, 3, 4, 3):uniform(-1, 1)
      local y = nn.UpSampling(2):double():forward(x)
      assert(y:size(3) == 6 and y:size(4) == 8 and y:size(5) == 6)
      for z = 1, 6 do for u = 1, 8 do for v = 1, 6 do
         assert(y[1][2][z][u][v] == x[1][2][(z + 1) // 2][(u + 1) // 2][(v + 1) // 2])
      end end end
      local m = nn.UpSampling({odepth = 5, oheight = 7, owidth = 4}, 'trilinear'):double()
      y = m:forward(x)
      -- the trilinear definition at each output voxel
      local function at(o, out, n)
         local pos = (o - 1) * (n - 1) / (out - 1)
         local i0 = math.floor(pos)
         return i0 + 1, math.min(i0 + 2, n), pos - i0
      end
      for z = 1, 5 do for u = 1, 7 do for v = 1, 4 do
         local z0, z1, fz = at(z, 5, 3)
         local y0, y1, fy = at(u, 7, 4)
         local x0, x1, fx = at(v, 4, 3)
         local p = x[1][1]
         local want = 0
         for _, c in ipairs({{z0, 1 - fz}, {z1, fz}}) do
            for _, r in ipairs({{y0, 1 - fy}, {y1, fy}}) do
               for _, q in ipairs({{x0, 1 - fx}, {x1, fx}}) do
                  want = want + c[2] * r[2] * q[2] * p[c[1]][r[1]][q[1]]
               end
            end
         end
         assert(math.abs(y[1][1][z][u][v] - want) < 1e-12)
      end end end
      -- the corners are the input's
      assert(math.abs(y[1][1][5][7][4] - x[1][1][3][4][3]) < 1e-12)
   end)

   it('passes the gradient checks, images and volumes', function()
      for _, m in ipairs({nn.UpSampling(2), nn.UpSampling(2, 'linear'),
                          nn.UpSampling({odepth = 4, oheight = 5, owidth = 3}, 'linear')}) do
         m:double()
         jac(m, D(2, 2, 3, 2, 3):uniform(-1, 1))
         if not m.odepth then jac(m, D(2, 2, 3, 4):uniform(-1, 1)) end
      end
   end)

   it('refuses nearest without a scale and a bad scale', function()
      local ok, err = pcall(function() nn.UpSampling({oheight = 2, owidth = 2}) end)
      assert(not ok and err:find('nn.UpSampling: nearest neighbour upsampling requires', 1, true), err)
      ok, err = pcall(function() nn.UpSampling(1.5) end)
      assert(not ok and err:find('nn.UpSampling: scale_factor must be an integer', 1, true), err)
   end)
end)

-- ---- error paths -----------------------------------------------------------------------

local function check(name, line, f) return C.check('nn_volumetric_spec', {'vol_', 'argument %d'}, name, line, f) end
local here = C.here

-- name, constructor, good input, wrong dimension count, wrong planes (nil: any), gradOutput
-- of the wrong size
local cases = {
   {'nn.VolumetricConvolution', function() return nn.VolumetricConvolution(2, 3, 2, 2, 2) end,
    F(2, 2, 4, 4, 4), F(4, 4, 4), F(2, 3, 4, 4, 4), F(2, 3, 3, 3, 2)},
   {'nn.VolumetricDilatedConvolution', function() return nn.VolumetricDilatedConvolution(2, 3, 2, 2, 2, 1, 1, 1, 0, 0, 0, 2, 2, 2) end,
    F(2, 2, 5, 5, 5), F(5, 5, 5), F(2, 3, 5, 5, 5), F(2, 3, 4, 3, 3)},
   {'nn.VolumetricFullConvolution', function() return nn.VolumetricFullConvolution(2, 3, 2, 2, 2) end,
    F(2, 2, 3, 3, 3), F(3, 3, 3), F(2, 3, 3, 3, 3), F(2, 3, 4, 4, 3)},
   {'nn.VolumetricMaxPooling', function() return nn.VolumetricMaxPooling(2, 2, 2) end,
    F(2, 2, 4, 4, 4), F(4, 4), nil, F(2, 2, 2, 2, 1)},
   {'nn.VolumetricDilatedMaxPooling', function() return nn.VolumetricDilatedMaxPooling(2, 2, 2, 1, 1, 1, 0, 0, 0, 2, 2, 2) end,
    F(2, 2, 4, 4, 4), F(4, 4), nil, F(2, 2, 2, 2, 1)},
   {'nn.VolumetricAveragePooling', function() return nn.VolumetricAveragePooling(2, 2, 2) end,
    F(2, 2, 4, 4, 4), F(4, 4), nil, F(2, 2, 2, 2, 1)},
   {'nn.VolumetricFractionalMaxPooling', function() return nn.VolumetricFractionalMaxPooling(2, 2, 2, 2, 2, 2) end,
    F(2, 2, 4, 4, 4), F(4, 4), nil, F(2, 2, 2, 2, 1)},
   {'nn.UpSampling', function() return nn.UpSampling(2, 'trilinear') end,
    F(2, 2, 2, 2, 2), F(2, 2, 2), nil, F(2, 2, 3, 3, 2)},
   {'nn.VolumetricReplicationPadding', function() return nn.VolumetricReplicationPadding(1) end,
    F(2, 2, 2, 2, 2), F(2, 2), nil, F(2, 2, 4, 4, 3)},
}

describe('Volumetric error paths', function()
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
            assert(msg:find('planes', 1, true), msg)
         end
         m:forward(good)
         line = here(); msg = check(name, line, function() m:backward(good, badgo) end)
         assert(msg:find('gradOutput', 1, true), msg)
         line = here(); msg = check(name, line, function() m:forward(torch.LongTensor(2, 2, 4, 4, 4)) end)
         assert(msg:find('Long', 1, true), msg)
         line = here(); msg = check(name, line, function() m:forward(good:double()) end)
         assert(msg:find('Double', 1, true), msg)
      end)
   end

   it('refuses a window larger than the input and padding past half the window', function()
      local m = nn.VolumetricConvolution(1, 1, 3, 3, 3)
      local line = here(); local msg = check('nn.VolumetricConvolution', line, function() m:forward(torch.Tensor(1, 2, 4, 4)) end)
      assert(msg:find('smaller than the kernel', 1, true), msg)
      local p = nn.VolumetricMaxPooling(2, 2, 2, 1, 1, 1, 2, 0, 0)
      line = here(); msg = check('nn.VolumetricMaxPooling', line, function() p:forward(torch.Tensor(1, 4, 4, 4)) end)
      assert(msg:find('at most half the window', 1, true), msg)
      line = here(); msg = check('nn.VolumetricConvolution', line, function() nn.VolumetricConvolution(1, 1, 0, 2, 2) end)
      assert(msg:find('kT must be an integer', 1, true), msg)
   end)
end)
