-- dl.quantize and the int8 modules (issue 15): outputs against a float64 definition of the
-- same quantized arithmetic and against the float model within the quantization error,
-- every machine path forced, the saturation case, static calibration, convolutions,
-- containers, printing, save/load, the Iris classifier, and the error paths.
require 'nn'
require 'dl'
require 'optim'

local F, D = torch.FloatTensor, torch.DoubleTensor
local K = torch._nn
local here = debug.getinfo(1, 'S').source:match('^@(.*/)') or './'

local Q = require 'spec.quantize_helpers'
local quantizeRows, reference, maxrel = Q.quantizeRows, Q.reference, Q.maxrel

describe('dl.quantize', function()
   before_each(function() torch.manualSeed(7) end)

   it('quantizes weights per output channel, symmetric, within half a step', function()
      local l = nn.Linear(37, 19):float()
      l.weight[3]:mul(100) -- a row with another range keeps its own scale
      local q = nn.QuantizedLinear(l)
      local w = q:dequantizedWeight()
      for j = 1, 19 do
         local amax = l.weight[j]:clone():abs():max()
         assert.is_near(amax / 127, q.wscale[j], amax * 1e-6)
         local err = (w[j] - l.weight[j]):abs():max()
         assert.is_true(err <= q.wscale[j] / 2 * (1 + 1e-5))
      end
      assert.equal(torch.type(q.qweight), 'torch.ByteTensor')
      assert.equal(q.qweight:nElement(), 32 * 40) -- 19 -> 32 outputs, 37 -> 40 inputs
   end)

   it('computes the quantized arithmetic exactly (float64 reference), every path', function()
      local l = nn.Linear(131, 70):float()
      local q = nn.QuantizedLinear(l)
      local x = F(9, 131):uniform(-2, 3)
      local first
      for _, path in ipairs({'scalar', 'avx2', 'avxvnni', 'avx512vnni'}) do
         if pcall(K.qgemm_path, path) then
            local y = q:forward(x):clone()
            assert.is_true(maxrel(y, reference(q, x)) < 1e-5, path)
            if first then assert.is_true(torch.equal(y, first), path) else first = y end
         end
      end
      K.qgemm_path('auto')
      -- a vector input gives a vector, the row of the batch it would be
      local v = q:forward(x[4]):clone()
      assert.same({70}, v:size():totable())
      assert.is_true(torch.equal(v, first[4]))
   end)

   it('is exact where 16-bit pair sums would saturate (255 x 127, 255 x -128)', function()
      local l = nn.Linear(1024, 5):float()
      l.weight:fill(1); l.weight[2]:fill(-1); l.bias:zero()
      local q = nn.QuantizedLinear(l)
      local x = F(3, 1024):fill(1) -- every input at the top of its range: 255
      x[2]:fill(-1)              -- and at the bottom: 0 with zero point 255... per row
      for _, path in ipairs({'scalar', 'avx2', 'avxvnni', 'avx512vnni'}) do
         if pcall(K.qgemm_path, path) then
            local y = q:forward(x)
            assert.is_true(maxrel(y, reference(q, x)) < 1e-6, path)
            assert.is_near(1024, y[1][1], 1e-2)
            assert.is_near(-1024, y[1][2], 1e-2)
            assert.is_near(-1024, y[2][1], 1e-2)
         end
      end
      K.qgemm_path('auto')
   end)

   it('stays within the quantization error bound of the float model', function()
      local m = nn.Sequential():add(nn.Linear(50, 40)):add(nn.Tanh()):add(nn.Linear(40, 6)):float()
      local q = dl.quantize(m)
      local x = F(16, 50):uniform(-1, 1)
      local l = m.modules[1]
      local ql = q.modules[1]
      -- one layer: |y - yf| <= sum_t |x_t| s_w / 2 + s_x / 2 |w_t| + s_x s_w / 4, per output
      local yq, yf = ql:forward(x), l:forward(x)
      for i = 1, 16 do
         local sx = (math.max(0, x[i]:max()) - math.min(0, x[i]:min())) / 255
         for j = 1, 40 do
            local sw = ql.wscale[j]
            local bound = x[i]:clone():abs():sum() * sw / 2 +
                          l.weight[j]:clone():abs():sum() * sx / 2 + 50 * sx * sw / 4
            assert.is_true(math.abs(yq[i][j] - yf[i][j]) <= bound * 1.001 + 1e-6)
         end
      end
      assert.is_true(maxrel(q:forward(x), m:forward(x)) < 0.05)
      -- the model given is left as it was
      assert.equal('nn.Linear', torch.type(m.modules[1]))
   end)

   it('fuses a following ReLU into the product, with the same outputs', function()
      local m = nn.Sequential():add(nn.Linear(20, 30)):add(nn.ReLU()):add(nn.Linear(30, 4)):float()
      local fused, plain = dl.quantize(m), dl.quantize(m, {fuse = false})
      assert.equal('nn.Identity', torch.type(fused.modules[2]))
      assert.equal('nn.ReLU', torch.type(plain.modules[2]))
      assert.is_true(fused.modules[1].relu)
      local x = F(5, 20):uniform(-1, 1)
      assert.is_true(torch.equal(fused:forward(x), plain:forward(x)))
   end)

   it('static mode uses the calibrated range and saturates outside it', function()
      local m = nn.Sequential():add(nn.Linear(10, 8)):add(nn.ReLU()):add(nn.Linear(8, 3)):float()
      local cal = {F(20, 10):uniform(-1, 1), F(20, 10):uniform(-1, 1)}
      local q = dl.quantize(m, {mode = 'static', calibration = cal})
      local ql = q.modules[1]
      assert.equal('static', ql.mode)
      local lo, hi = math.min(cal[1]:min(), cal[2]:min()), math.max(cal[1]:max(), cal[2]:max())
      local s, z = nn.QuantizedModule.range(lo, hi)
      assert.is_near(s, ql.inScale, 1e-7)
      assert.equal(z, ql.inZero)
      local x = F(4, 10):uniform(-3, 3) -- beyond the range: clamped
      assert.is_true(maxrel(ql:forward(x), reference(ql, x, ql.inScale, ql.inZero)) < 1e-5)
      assert.is_true(maxrel(q:forward(cal[1]), m:forward(cal[1])) < 0.05)
      -- the calibration hooks are gone
      assert.is_nil(rawget(m.modules[1], 'updateOutput'))
   end)

   it('quantizes convolutions in static mode (padding, stride, 3D and 4D input)', function()
      for _, geom in ipairs({{3, 3, 1, 1, 1, 1}, {3, 2, 2, 1, 0, 1}, {1, 1, 1, 1, 0, 0}}) do
         local conv = nn.SpatialConvolution(3, 5, table.unpack(geom)):float()
         local x = F(2, 3, 9, 8):uniform(-1, 2)
         local q = dl.quantize(nn.Sequential():add(conv), {calibration = {x}}).modules[1]
         assert.equal('nn.QuantizedSpatialConvolution', torch.type(q))
         -- the reference: the float convolution of the quantized input with the
         -- dequantized weights, in double
         local ref = nn.SpatialConvolution(3, 5, table.unpack(geom)):double()
         ref.weight:copy(q:dequantizedWeight():view(ref.weight:size()))
         ref.bias:copy(q.bias)
         local xq = quantizeRows(x:view(2 * 3 * 9, 8), q.inScale, q.inZero):view(2, 3, 9, 8)
         local want = ref:forward(xq)
         assert.is_true(maxrel(q:forward(x), want) < 1e-5)
         assert.is_true(maxrel(q:forward(x[2]), want[2]) < 1e-5)
         assert.is_true(maxrel(q:forward(x), conv:forward(x)) < 0.05)
      end
      -- dynamic mode leaves convolutions in float
      local c = nn.Sequential():add(nn.SpatialConvolution(1, 2, 3, 3)):float()
      assert.equal('nn.SpatialConvolution', torch.type(dl.quantize(c).modules[1]))
   end)

   it('walks containers and keeps everything else, shared modules shared', function()
      local shared = nn.Linear(6, 6)
      local m = nn.Sequential()
         :add(nn.ConcatTable():add(nn.Linear(6, 4)):add(nn.Sequential():add(shared):add(nn.Tanh())))
         :add(nn.ParallelTable():add(nn.Identity()):add(shared))
         :add(nn.JoinTable(2)):add(nn.Linear(10, 2)):float()
      local q = dl.quantize(m)
      local ct, pt = q.modules[1], q.modules[2]
      assert.equal('nn.QuantizedLinear', torch.type(ct.modules[1]))
      assert.equal('nn.QuantizedLinear', torch.type(ct.modules[2].modules[1]))
      assert.equal('nn.Tanh', torch.type(ct.modules[2].modules[2]))
      assert.equal(ct.modules[2].modules[1], pt.modules[2])
      assert.equal('nn.QuantizedLinear', torch.type(q.modules[4]))
      local x = F(3, 6):uniform(-1, 1)
      assert.is_true(maxrel(q:forward(x), m:forward(x)) < 0.05)
      -- nngraph: the nodes' modules are replaced too
      require 'nngraph'
      local i = nn.Identity()()
      local g = nn.gModule({i}, {nn.Linear(7, 3)(nn.ReLU()(nn.Linear(5, 7)(i)))}):float()
      local qg = dl.quantize(g)
      local n = 0
      for _, node in ipairs(qg.forwardnodes) do
         if torch.type(node.data.module) == 'nn.QuantizedLinear' then n = n + 1 end
      end
      assert.equal(2, n)
      local gx = F(4, 5):uniform(-1, 1)
      assert.is_true(maxrel(qg:forward(gx), g:forward(gx)) < 0.05)
      -- a bare Linear becomes a QuantizedLinear
      assert.equal('nn.QuantizedLinear', torch.type(dl.quantize(nn.Linear(3, 2))))
   end)

   it('prints, saves and loads, and the file is smaller', function()
      local m = nn.Sequential():add(nn.Linear(200, 100)):add(nn.ReLU()):add(nn.Linear(100, 10)):float()
      local q = dl.quantize(m)
      local s = tostring(q)
      assert.truthy(s:find('nn.QuantizedLinear(200 -> 100, int8 dynamic, fused ReLU)', 1, true))
      assert.truthy(s:find('nn.QuantizedLinear(100 -> 10, int8 dynamic)', 1, true))
      local st = dl.quantize(m, {calibration = F(4, 200):uniform()})
      assert.truthy(tostring(st):find('int8 static, input scale', 1, true))
      local fq, fm = os.tmpname(), os.tmpname()
      torch.save(fq, q)
      torch.save(fm, m)
      local back = torch.load(fq)
      local x = F(7, 200):uniform(-1, 1)
      assert.is_true(torch.equal(back:forward(x), q:forward(x)))
      local size = function(f) local h = io.open(f, 'rb'); local n = h:seek('end'); h:close(); return n end
      assert.is_true(size(fq) < size(fm) / 3)
      os.remove(fq); os.remove(fm)
   end)

   it('loses no Iris accuracy', function()
      torch.setdefaulttensortype('torch.FloatTensor')
      local X, y = dl.readCSV(here .. '../data/iris.csv', {label = 'species'})
      local scaler = dl.StandardScaler():fit(X)
      X = scaler:transform(X)
      local m = nn.Sequential():add(nn.Linear(4, 16)):add(nn.ReLU()):add(nn.Linear(16, 3))
      local crit = nn.CrossEntropyCriterion()
      local params, grads = m:getParameters()
      local state = {learningRate = 0.05}
      for _ = 1, 150 do
         optim.adam(function(p)
            grads:zero()
            local loss = crit:forward(m:forward(X), y)
            m:backward(X, crit:backward(m.output, y))
            return loss, grads
         end, params, state)
      end
      torch.setdefaulttensortype('torch.DoubleTensor')
      m:evaluate()
      local function acc(model)
         local _, pred = model:forward(X):max(2)
         return pred:view(-1):long():eq(y:long()):sum() / y:nElement()
      end
      local fa = acc(m)
      assert.is_true(fa > 0.9)
      assert.equal(fa, acc(dl.quantize(m)))
      assert.equal(fa, acc(dl.quantize(m, {calibration = X})))
   end)

   it('reports misuse at the caller, naming the module', function()
      local q = nn.QuantizedLinear(nn.Linear(4, 3):float())
      local line = debug.getinfo(1, 'l').currentline + 1
      local ok, err = pcall(function() q:forward(F(2, 5)) end)
      assert.is_false(ok)
      assert.truthy(err:find('quantize_spec.lua:' .. line .. ': nn.QuantizedLinear: input of size 2x5', 1, true), err)
      ok, err = pcall(function() q:forward(D(2, 4)) end)
      assert.truthy(err:find('nn.QuantizedLinear: input must be a Float tensor', 1, true), err)
      ok, err = pcall(function() q:forward(F(5)) end)
      assert.truthy(err:find('nn.QuantizedLinear: input of size 5, expected 4 features or a batch', 1, true), err)
      ok, err = pcall(function() q:forward({}) end)
      assert.truthy(err:find('nn.QuantizedLinear: expected a tensor, got table', 1, true), err)
      ok, err = pcall(function() q:forward(F(2, 2, 4)) end)
      assert.truthy(err:find('nn.QuantizedLinear: input', 1, true), err)
      ok, err = pcall(function() q:double() end)
      assert.truthy(err:find('nn.QuantizedLinear: a quantized module runs in Float only', 1, true), err)
      ok, err = pcall(function() q:backward(F(2, 4), F(2, 3)) end)
      assert.truthy(err:find('for inference only', 1, true), err)
      ok, err = pcall(function() nn.QuantizedLinear(nn.Tanh()) end)
      assert.truthy(err:find('nn.QuantizedLinear: expected an nn.Linear to quantize, got nn.Tanh', 1, true), err)
      ok, err = pcall(function() nn.QuantizedSpatialConvolution(nn.SpatialFullConvolution(1, 1, 3, 3)) end)
      assert.truthy(err:find('expected an nn.SpatialConvolution', 1, true), err)
      local c = nn.QuantizedSpatialConvolution(nn.SpatialConvolution(2, 3, 3, 3):float())
      ok, err = pcall(function() c:forward(F(3, 5, 5)) end)
      assert.truthy(err:find('nn.QuantizedSpatialConvolution: input of size 3x5x5, expected 2 planes', 1, true), err)
      ok, err = pcall(function() c:forward(F(2, 2, 2)) end)
      assert.truthy(err:find('too small for a 3x3 kernel', 1, true), err)
      line = debug.getinfo(1, 'l').currentline + 1
      ok, err = pcall(function() dl.quantize(nn.Linear(2, 2), {mode = 'static'}) end)
      assert.truthy(err:find('quantize_spec.lua:' .. line .. ': dl.quantize: static mode needs calibration', 1, true), err)
      ok, err = pcall(function() dl.quantize(nn.Linear(2, 2), {mode = 'fast'}) end)
      assert.truthy(err:find("dl.quantize: mode must be 'dynamic' or 'static', got fast", 1, true), err)
      ok, err = pcall(function() dl.quantize(42) end)
      assert.truthy(err:find('dl.quantize: expected an nn.Module, got number', 1, true), err)
      ok, err = pcall(function() dl.quantize(nn.Linear(2, 2), {calibration = {}}) end)
      assert.truthy(err:find('calibration must be a tensor or a non-empty list', 1, true), err)
      ok, err = pcall(function() K.qgemm_path('sse') end)
      assert.truthy(err:find("unknown path 'sse'", 1, true), err)
   end)
end)
