-- Pooling and the other image modules: forward values by hand, gradient checks in float64
-- through nn.Jacobian (single and batched inputs, stride, padding, ceil mode), errors.
require 'torch'
require 'nn'
local H = require 'spec.helpers'

local D = torch.DoubleTensor

local function near(a, b, tol) H.near(a, b, tol or 1e-9) end

local function jac(m, x)
   local err = nn.Jacobian.testJacobian(m, x)
   assert(err < 1e-6, tostring(m) .. ': input jacobian error ' .. err)
   for _, p in ipairs({{'weight', 'gradWeight'}, {'bias', 'gradBias'}}) do
      if m[p[1]] then
         err = nn.Jacobian.testJacobianParameters(m, x, m[p[1]], m[p[2]])
         assert(err < 1e-6, tostring(m) .. ': ' .. p[1] .. ' jacobian error ' .. err)
      end
   end
end

local img = D{{1, 2, 3}, {4, 5, 6}, {7, 8, 9}}:view(1, 3, 3)

describe('nn.SpatialMaxPooling', function()
   it('takes window maxima and keeps their positions', function()
      local m = nn.SpatialMaxPooling(2, 2, 1, 1):double()
      near(m:forward(img):totable(), {{{5, 6}, {8, 9}}})
      assert.are.same({{{5, 6}, {8, 9}}}, m.indices:view(1, 2, 2):totable())
      near(m:backward(img, D(1, 2, 2):fill(1)):totable(), {{{0, 0, 0}, {0, 1, 1}, {0, 1, 1}}})
      local x = D{{3, 1, 2, 8}, {0, 4, 7, 5}}:view(1, 1, 2, 4)
      near(nn.SpatialMaxPooling(2, 2):double():forward(x):totable(), {{{{4, 8}}}})
   end)

   it('rounds the output size down, or up with :ceil()', function()
      local m = nn.SpatialMaxPooling(2, 2, 2, 2):double()
      near(m:forward(img):totable(), {{{5}}})
      assert.are.equal(m, m:ceil())
      near(m:forward(img):totable(), {{{5, 6}, {8, 9}}})
      near(m:backward(img, D{{{1, 2}, {3, 4}}}):totable(), {{{0, 0, 0}, {0, 1, 2}, {0, 3, 4}}})
      m:floor()
      assert.are.same({1, 1, 1}, m:forward(img):size():totable())
      assert.are.equal('nn.SpatialMaxPooling(2x2, 2,2) ceil', tostring(nn.SpatialMaxPooling(2, 2):ceil()))
   end)

   it('ignores the padding', function()
      local m = nn.SpatialMaxPooling(2, 2, 2, 2, 1, 1):double()
      near(m:forward(-img):totable(), {{{-1, -2}, {-4, -5}}})
   end)

   it('picks the same maxima and positions in the float 2x2 fast path', function()
      -- a row of 4 outputs (8 columns), by hand: ties keep the first element of the
      -- window in scan order, a NaN wins, and of two NaNs the later one
      local nan = 0 / 0
      local x = torch.FloatTensor{
         {0, 0,   1, 2,   5, nan,   3, 1},
         {0, 0,   2, 1,   9, 1,     nan, 2}}:view(1, 1, 2, 8)
      local m = nn.SpatialMaxPooling(2, 2, 2, 2):float()
      local y = m:forward(x)
      assert.are.same({1, 4, 6, 15}, m.indices:view(4):totable())
      assert.are.same({0, 2}, {y[1][1][1][1], y[1][1][1][2]})
      assert.is_true(y[1][1][1][3] ~= y[1][1][1][3] and y[1][1][1][4] ~= y[1][1][1][4])
      -- against the double (scalar) kernel on ties, NaNs and widths that end in an
      -- overlapping group or leave a last column out (w = 2 ow + 1)
      torch.manualSeed(3)
      for _, hw in ipairs({{8, 8}, {10, 11}, {28, 28}, {14, 14}, {6, 15}, {4, 18}}) do
         local xd = torch.DoubleTensor(3, 2, hw[1], hw[2]):random(0, 3)
         xd:maskedFill(torch.DoubleTensor(xd:size()):uniform():lt(0.05), nan)
         local md, mf = nn.SpatialMaxPooling(2, 2, 2, 2):double(), nn.SpatialMaxPooling(2, 2, 2, 2):float()
         local yd, yf = md:forward(xd), mf:forward(xd:float())
         assert.are.same(md.indices:totable(), mf.indices:totable())
         local a, b = yd:view(-1), yf:double():view(-1)
         for i = 1, a:size(1) do
            assert.is_true(a[i] == b[i] or (a[i] ~= a[i] and b[i] ~= b[i]), 'element ' .. i)
         end
      end
   end)

   it('passes gradient checks', function()
      jac(nn.SpatialMaxPooling(2, 2):double(), D(2, 2, 4, 5))
      jac(nn.SpatialMaxPooling(3, 2, 2, 1, 1, 1):double(), D(2, 5, 4))
      jac(nn.SpatialMaxPooling(3, 3, 2, 2, 1, 1):ceil():double(), D(2, 1, 6, 5))
   end)

   it('keeps Long indices through :float() and :double()', function()
      local m = nn.SpatialMaxPooling(2, 2):float()
      assert.are.equal('torch.LongTensor', m.indices:type())
      m:forward(torch.FloatTensor(1, 4, 4):uniform())
      assert.are.equal('torch.LongTensor', m:double().indices:type())
   end)

   it('names the module and sizes in its errors', function()
      local m = nn.SpatialMaxPooling(3, 3)
      H.raises(function() m:forward(torch.FloatTensor(1, 2, 2)) end,
               'nn.SpatialMaxPooling: window 3x3 is larger than the padded input 2x2 (input size 1x2x2)')
      H.raises(function() m:forward(torch.FloatTensor(4, 4)) end,
               'nn.SpatialMaxPooling: input of size 4x4, expected 3D')
      -- the kernel checks the geometry, at the first forward
      H.raises(function() nn.SpatialMaxPooling(2, 2, 2, 2, 2, 0):forward(torch.FloatTensor(1, 4, 4)) end,
               'nn.SpatialMaxPooling: padding 0x2 must be at most half the window 2x2')
   end)
end)

describe('nn.SpatialAveragePooling', function()
   it('averages windows, counting the padding by default', function()
      local m = nn.SpatialAveragePooling(2, 2):double()
      near(m:forward(img):totable(), {{{3, 4}, {6, 7}}})
      near(m:backward(img, D(1, 2, 2):fill(1)):totable(),
           {{{0.25, 0.5, 0.25}, {0.5, 1, 0.5}, {0.25, 0.5, 0.25}}})
      local p = nn.SpatialAveragePooling(2, 2, 2, 2, 1, 1):double()
      near(p:forward(img):totable(), {{{0.25, 1.25}, {2.75, 7}}})
      p:setCountExcludePad()
      near(p:forward(img):totable(), {{{1, 2.5}, {5.5, 7}}})
   end)

   it('passes gradient checks with padding and ceil mode', function()
      jac(nn.SpatialAveragePooling(2, 2, 2, 2):double(), D(2, 2, 4, 5))
      jac(nn.SpatialAveragePooling(3, 2, 2, 1, 1, 1):ceil():double(), D(2, 5, 4))
      jac(nn.SpatialAveragePooling(3, 3, 2, 2, 1, 1):setCountExcludePad():ceil():double(), D(2, 1, 6, 5))
   end)
end)

describe('nn.SpatialAdaptiveMaxPooling and nn.SpatialAdaptiveAveragePooling', function()
   it('pool into a fixed number of overlapping bins', function()
      near(nn.SpatialAdaptiveMaxPooling(2, 2):double():forward(img):totable(), {{{5, 6}, {8, 9}}})
      near(nn.SpatialAdaptiveAveragePooling(2, 2):double():forward(img):totable(), {{{3, 4}, {6, 7}}})
      near(nn.SpatialAdaptiveAveragePooling(1, 1):double():forward(img):totable(), {{{5}}})
      -- width first: 3 columns, 1 row
      near(nn.SpatialAdaptiveMaxPooling(3, 1):double():forward(img):totable(), {{{7, 8, 9}}})
   end)

   it('pass gradient checks', function()
      jac(nn.SpatialAdaptiveMaxPooling(2, 3):double(), D(2, 2, 5, 4))
      jac(nn.SpatialAdaptiveAveragePooling(3, 2):double(), D(2, 5, 7))
   end)

   it('reject bad sizes', function()
      H.raises(function() nn.SpatialAdaptiveMaxPooling(0, 2) end,
               'nn.SpatialAdaptiveMaxPooling: output W must be a positive integer, got 0')
      H.raises(function() nn.SpatialAdaptiveAveragePooling(2, 2):forward(torch.FloatTensor(3)) end,
               'nn.SpatialAdaptiveAveragePooling: input of size 3, expected 3D')
   end)
end)

describe('nn.TemporalMaxPooling', function()
   it('takes maxima over windows of frames', function()
      local m = nn.TemporalMaxPooling(2):double()
      local x = D{{1, 8}, {3, 2}, {5, 6}, {0, 7}, {9, 9}}
      near(m:forward(x):totable(), {{3, 8}, {5, 7}})
      near(m:backward(x, D{{1, 2}, {3, 4}}):totable(), {{0, 2}, {1, 0}, {3, 0}, {0, 4}, {0, 0}})
      near(nn.TemporalMaxPooling(3, 1):double():forward(x):totable(), {{5, 8}, {5, 7}, {9, 9}})
   end)

   it('passes gradient checks', function()
      jac(nn.TemporalMaxPooling(3, 2):double(), D(8, 3))
      jac(nn.TemporalMaxPooling(2):double(), D(2, 7, 3))
      H.raises(function() nn.TemporalMaxPooling(4):forward(torch.FloatTensor(3, 2)) end,
               'nn.TemporalMaxPooling: input of 3 frames is shorter than the window 4')
   end)
end)

describe('nn.SpatialSoftMax', function()
   it('normalizes over planes at each pixel', function()
      local x = D{{{0, 1}}, {{0, 1}}, {{0, 1}}}
      near(nn.SpatialSoftMax():double():forward(x):totable(), {{{1 / 3, 1 / 3}}, {{1 / 3, 1 / 3}}, {{1 / 3, 1 / 3}}})
      local y = nn.SpatialSoftMax():double():forward(D{{{0}}, {{math.log(3)}}})
      near(y:view(2):totable(), {0.25, 0.75})
   end)

   it('passes gradient checks', function()
      jac(nn.SpatialSoftMax():double(), D(3, 2, 3))
      jac(nn.SpatialSoftMax():double(), D(2, 3, 2, 2))
   end)
end)

describe('nn.SpatialBatchNormalization', function()
   it('normalizes each plane over the batch and the pixels', function()
      local m = nn.SpatialBatchNormalization(2, 0):double()
      m.weight:fill(1); m.bias:zero()
      local x = D{{{{1, 3}}, {{10, 10}}}, {{{5, 7}}, {{10, 10}}}}
      local y = m:forward(x)
      -- plane 1: mean 4, biased var 5
      near(y:select(2, 1):contiguous():view(4):totable(), {-3 / math.sqrt(5), -1 / math.sqrt(5), 1 / math.sqrt(5), 3 / math.sqrt(5)})
      near(m.running_mean:totable(), {0.4, 1})
   end)

   it('passes gradient checks, batched and single', function()
      jac(nn.SpatialBatchNormalization(3):double(), D(2, 3, 2, 3))
      jac(nn.SpatialBatchNormalization(2):double(), D(2, 3, 2))
      H.raises(function() nn.SpatialBatchNormalization(3):forward(torch.FloatTensor(2, 4, 2, 2)) end,
               'nn.SpatialBatchNormalization: input of size 2x4x2x2, expected N x 3 x H x W')
   end)
end)

describe('nn.SpatialDropout', function()
   it('drops whole planes in training and scales in evaluation', function()
      local m = nn.SpatialDropout(0.5):double()
      local x = D(4, 8, 3, 3):fill(1)
      local y = m:forward(x)
      for b = 1, 4 do
         for c = 1, 8 do
            local s = y[b][c]:sum()
            assert(s == 0 or s == 9, 'plane neither dropped nor kept: ' .. s)
         end
      end
      local g = m:backward(x, D(4, 8, 3, 3):fill(2))
      near(g:sum(), 2 * y:sum())
      m:evaluate()
      near(m:forward(x):view(-1)[1], 0.5)
      H.raises(function() nn.SpatialDropout(1) end, 'nn.SpatialDropout: <dropout> illegal percentage')
      H.raises(function() nn.SpatialDropout():double():forward(D(3, 3)) end, 'nn.SpatialDropout: input of size 3x3')
   end)
end)

describe('nn.SpatialZeroPadding', function()
   it('pads with zeros and crops with negative pads', function()
      local m = nn.SpatialZeroPadding(1, 0, 0, 1):double()
      near(m:forward(D{{{1, 2}, {3, 4}}}):totable(), {{{0, 1, 2}, {0, 3, 4}, {0, 0, 0}}})
      near(m:backward(D{{{1, 2}, {3, 4}}}, D{{{1, 2, 3}, {4, 5, 6}, {7, 8, 9}}}):totable(), {{{2, 3}, {5, 6}}})
      local c = nn.SpatialZeroPadding(-1, 0, 0, -1):double()
      near(c:forward(img):totable(), {{{2, 3}, {5, 6}}})
   end)

   it('passes gradient checks', function()
      jac(nn.SpatialZeroPadding(1, 2, -1, 0):double(), D(2, 2, 3, 4))
      jac(nn.SpatialZeroPadding(1):double(), D(2, 3, 2))
      H.raises(function() nn.SpatialZeroPadding(-2):double():forward(D(1, 3, 3)) end,
               'nn.SpatialZeroPadding: input of size 1x3x3 is cropped to nothing')
   end)
end)

describe('nn.Flatten', function()
   it('keeps the batch dimension and flattens the rest', function()
      local m = nn.Flatten()
      local x = D(2, 3, 2, 2):uniform()
      assert.are.same({2, 12}, m:forward(x):size():totable())
      near(m.output[2][5], x[2][2][1][1])
      assert.are.same({2, 3, 2, 2}, m:backward(x, D(2, 12)):size():totable())
      assert.are.same({12}, nn.Flatten(3):forward(x[1]):size():totable())
      assert.are.same({2, 12}, nn.Flatten(3):forward(x):size():totable())
      local xt = x:transpose(3, 4)
      near(nn.Flatten():forward(xt)[1][2], xt[1][1][1][2])
      jac(nn.Flatten():double(), D(2, 2, 2, 3))
      H.raises(function() nn.Flatten():forward(D(3)) end, 'nn.Flatten: input of size 3, expected a batch')
   end)
end)
