-- Convolutions: forward values against hand-computed numbers, gradient checks in float64
-- through nn.Jacobian (single and batched inputs, stride, padding, dilation, both kernel
-- paths), buffer reuse and error messages.
require 'torch'
require 'nn'
local H = require 'spec.helpers'

local D = torch.DoubleTensor

local function near(a, b, tol) H.near(a, b, tol or 1e-9) end

local function jac(m, x)
   local err = nn.Jacobian.testJacobian(m, x)
   assert(err < 1e-6, tostring(m) .. ': input jacobian error ' .. err)
   if m.weight then
      err = nn.Jacobian.testJacobianParameters(m, x, m.weight, m.gradWeight)
      assert(err < 1e-6, tostring(m) .. ': weight jacobian error ' .. err)
   end
   if m.bias then
      err = nn.Jacobian.testJacobianParameters(m, x, m.bias, m.gradBias)
      assert(err < 1e-6, tostring(m) .. ': bias jacobian error ' .. err)
   end
end

-- the 3x3 image 1..9 and the 2x2 kernel {{1, 2}, {3, 4}}
local img = D{{1, 2, 3}, {4, 5, 6}, {7, 8, 9}}

describe('nn.SpatialConvolution', function()
   it('computes a 2x2 kernel on a 3x3 image by hand', function()
      local m = nn.SpatialConvolution(1, 1, 2, 2):double()
      m.weight:copy(D{1, 2, 3, 4})
      m.bias:fill(0.5)
      -- 1*1 + 2*2 + 4*3 + 5*4 = 37, and so on, plus the bias
      near(m:forward(img:view(1, 3, 3)):totable(), {{{37.5, 47.5}, {67.5, 77.5}}})
      near(m:forward(img:view(1, 1, 3, 3)):totable(), {{{{37.5, 47.5}, {67.5, 77.5}}}})
   end)

   it('pads with zeros and strides', function()
      local m = nn.SpatialConvolution(1, 1, 2, 2, 2, 2, 1, 1):double()
      m.weight:copy(D{1, 2, 3, 4})
      m.bias:zero()
      -- windows at rows/cols -1..0 and 1..2: (0,0) sees only 1 at weight 4
      near(m:forward(img:view(1, 3, 3)):totable(), {{{4, 2 * 3 + 3 * 4}, {4 * 2 + 7 * 4, 5 + 2 * 6 + 3 * 8 + 4 * 9}}})
   end)

   it('sums over input planes and keeps output planes apart', function()
      local m = nn.SpatialConvolution(2, 2, 1, 1):double()
      m.weight:copy(D{1, 10, 100, 1000})
      m.bias:copy(D{1, 2})
      local x = D{{{1, 2}}, {{3, 4}}}
      near(m:forward(x):totable(), {{{1 + 30 + 1, 2 + 40 + 1}}, {{100 + 3000 + 2, 200 + 4000 + 2}}})
   end)

   it('has Torch7 sizes, defaults and initialization', function()
      local m = nn.SpatialConvolution(3, 8, 5, 3)
      assert.are.same({8, 3, 3, 5}, m.weight:size():totable())
      assert.are.equal(8, m.bias:nElement())
      assert.are.equal(1, m.dW); assert.are.equal(0, m.padH)
      local bound = 1 / math.sqrt(5 * 3 * 3)
      assert(m.weight:max() <= bound and m.weight:min() >= -bound)
      assert(m.weight:max() > bound / 2)
      assert.are.equal('nn.SpatialConvolution(3 -> 8, 5x3)', tostring(m))
      assert.are.equal('nn.SpatialConvolution(3 -> 8, 5x3, 2,2, 1,1)',
                       tostring(nn.SpatialConvolution(3, 8, 5, 3, 2, 2, 1, 1)))
      assert.are.equal(2, nn.SpatialConvolution(1, 1, 3, 3, 1, 1, 2).padH)
   end)

   for _, path in ipairs({'batch', 'sample'}) do
      it('passes gradient checks, single and batched, strides and padding (' .. path .. ' path)', function()
         torch._nn.conv_path(path)
         jac(nn.SpatialConvolution(2, 3, 3, 3):double(), D(2, 4, 5))
         jac(nn.SpatialConvolution(2, 2, 3, 2, 2, 1, 1, 0):double(), D(2, 2, 5, 4))
         jac(nn.SpatialConvolution(2, 2, 3, 3, 1, 2, 2, 1):double(), D(4, 2, 3, 3))
         jac(nn.SpatialConvolution(1, 2, 2, 2):noBias():double(), D(4, 1, 3, 3))
         torch._nn.conv_path('auto')
      end)
   end

   it('is the same as a loop of dot products on random data (both paths, float)', function()
      local m = nn.SpatialConvolution(3, 4, 3, 3, 2, 1, 1, 1):float()
      for _, n in ipairs({1, 9, -9}) do
         torch._nn.conv_path(n < 0 and 'sample' or 'batch')
         n = math.abs(n)
         local x = torch.FloatTensor(n, 3, 7, 6):uniform(-1, 1)
         local y = m:forward(x)
         assert.are.same({n, 4, 7, 3}, y:size():totable())
         local pad = torch.FloatTensor(n, 3, 9, 8):zero()
         pad:narrow(3, 2, 7):narrow(4, 2, 6):copy(x)
         for b = 1, n, 4 do
            for o = 1, 4 do
               for i = 1, 7 do
                  for j = 1, 3 do
                     local win = pad[b]:narrow(2, i, 3):narrow(3, 2 * j - 1, 3)
                     local want = win:clone():cmul(m.weight[o]):sum() + m.bias[o]
                     assert(math.abs(y[b][o][i][j] - want) < 1e-4)
                  end
               end
            end
         end
      end
      torch._nn.conv_path('auto')
   end)

   it('reads non-contiguous inputs and gradients', function()
      local m = nn.SpatialConvolution(2, 2, 2, 2):double()
      local x = D(2, 2, 5, 4):uniform()
      local xt = x:transpose(3, 4):contiguous():transpose(3, 4)
      assert.is_false(xt:isContiguous())
      near(m:forward(xt):clone():view(-1):totable(), m:forward(x):clone():view(-1):totable())
   end)

   it('reuses its buffers between batches', function()
      local m = nn.SpatialConvolution(2, 4, 3, 3, 1, 1, 1, 1):float()
      local x, g = torch.FloatTensor(8, 2, 6, 6):uniform(), torch.FloatTensor(8, 4, 6, 6):uniform()
      m:forward(x); m:backward(x, g)
      local ids = {}
      for _, k in ipairs({'output', 'gradInput', 'finput', 'fgradInput', '_obuf'}) do
         ids[k] = nn.utils.storageid(m[k])
      end
      for _ = 1, 3 do m:forward(x); m:backward(x, g) end
      for k, id in pairs(ids) do assert.are.equal(id, nn.utils.storageid(m[k]), k) end
   end)

   it('accumulates gradients with scale, and skips gradInput when it is nil', function()
      local m = nn.SpatialConvolution(1, 1, 2, 2):double()
      m.weight:copy(D{1, 2, 3, 4})
      m:zeroGradParameters()
      local x, g = img:view(1, 3, 3), D(1, 2, 2):fill(1)
      m:forward(x)
      m:backward(x, g, 2)
      -- dW[i][j] = 2 * sum of the image window shifted by (i, j)
      near(m.gradWeight:view(4):totable(), {24, 32, 48, 56})
      near(m.gradBias[1], 8)
      near(m.gradInput:totable(), {{{1, 3, 2}, {4, 10, 6}, {3, 7, 4}}})
      m.gradInput = nil
      m:backward(x, g)
      near(m.gradBias[1], 12)
   end)

   it('names the module and sizes in its errors', function()
      local m = nn.SpatialConvolution(1, 4, 3, 3):float()
      H.raises(function() m:forward(torch.FloatTensor(2, 3, 28, 28)) end,
               'nn.SpatialConvolution: input of size 2x3x28x28 has 3 planes, expected 1')
      H.raises(function() m:forward(torch.FloatTensor(1, 2, 2)) end,
               'nn.SpatialConvolution: kernel 3x3 is larger than the padded input 2x2 (input size 1x2x2)')
      H.raises(function() m:forward(torch.FloatTensor(28, 28)) end,
               'nn.SpatialConvolution: input of size 28x28, expected 3D (C x H x W) or 4D')
      H.raises(function() m:forward(torch.LongTensor(1, 5, 5)) end,
               'nn.SpatialConvolution: input must be a Float or Double tensor')
      H.raises(function() nn.SpatialConvolution(1, 4, 0, 3) end,
               'nn.SpatialConvolution: kW must be an integer >= 1, got 0')
      m:forward(torch.FloatTensor(1, 5, 5))
      H.raises(function() m:backward(torch.FloatTensor(1, 5, 5), torch.FloatTensor(4, 2, 2)) end,
               'nn.SpatialConvolution: gradOutput of size 4x2x2, expected 4x3x3')
   end)
end)

describe('nn.SpatialConvolutionMM', function()
   it('is SpatialConvolution under Torch7\'s other name', function()
      local m = nn.SpatialConvolutionMM(1, 1, 2, 2):double()
      assert.are.equal('nn.SpatialConvolutionMM', torch.type(m))
      assert.is_true(torch.isTypeOf(m, 'nn.SpatialConvolution'))
      m.weight:copy(D{1, 2, 3, 4}); m.bias:zero()
      near(m:forward(img:view(1, 3, 3)):totable(), {{{37, 47}, {67, 77}}})
      jac(nn.SpatialConvolutionMM(2, 2, 2, 3, 1, 2, 1, 1):double(), D(2, 2, 5, 5))
   end)
end)

describe('nn.SpatialDilatedConvolution', function()
   it('spreads the kernel taps by the dilation', function()
      local m = nn.SpatialDilatedConvolution(1, 1, 2, 2, 1, 1, 0, 0, 2, 2):double()
      m.weight:copy(D{1, 2, 3, 4}); m.bias:zero()
      -- one window: the corners 1, 3, 7, 9
      near(m:forward(img:view(1, 3, 3)):totable(), {{{1 + 2 * 3 + 3 * 7 + 4 * 9}}})
      assert.are.equal('nn.SpatialDilatedConvolution(1 -> 1, 2x2, 2,2)', tostring(m))
   end)

   it('passes gradient checks with dilation, padding and stride', function()
      jac(nn.SpatialDilatedConvolution(2, 2, 3, 2, 1, 1, 1, 1, 2, 1):double(), D(2, 5, 4))
      torch._nn.conv_path('sample')
      jac(nn.SpatialDilatedConvolution(2, 2, 2, 2, 2, 1, 1, 1, 2, 3):double(), D(4, 2, 3, 5))
      torch._nn.conv_path('auto')
   end)

   it('rejects a dilated kernel larger than the padded input', function()
      local m = nn.SpatialDilatedConvolution(1, 1, 3, 3, 1, 1, 0, 0, 2, 2):float()
      H.raises(function() m:forward(torch.FloatTensor(1, 4, 9)) end,
               'nn.SpatialDilatedConvolution: kernel 3x3 (dilation 2x2) is larger than the padded input 4x9')
   end)
end)

describe('nn.SpatialFullConvolution', function()
   it('spreads each input pixel by the kernel', function()
      local m = nn.SpatialFullConvolution(1, 1, 2, 2):double()
      m.weight:copy(D{1, 2, 3, 4}); m.bias:fill(1)
      local x = D{{1, 2}, {3, 4}}:view(1, 2, 2)
      near(m:forward(x):totable(), {{{2, 5, 5}, {7, 21, 17}, {10, 25, 17}}})
      assert.are.same({2, 1, 3, 3}, m:forward(x:view(1, 1, 2, 2):expand(2, 1, 2, 2)):size():totable())
   end)

   it('has the output size (H - 1) dH - 2 padH + kH + adjH', function()
      local m = nn.SpatialFullConvolution(2, 3, 3, 3, 2, 2, 1, 1, 1, 1):float()
      assert.are.same({3, 8, 10}, m:forward(torch.FloatTensor(2, 4, 5)):size():totable())
      assert.are.same({2, 3, 3, 3}, m.weight:size():totable())
   end)

   it('passes gradient checks', function()
      jac(nn.SpatialFullConvolution(2, 3, 3, 3):double(), D(2, 2, 3, 4))
      jac(nn.SpatialFullConvolution(2, 2, 3, 2, 2, 2, 1, 0, 1, 1):double(), D(2, 3, 4))
   end)

   it('rejects bad input and adjustments', function()
      H.raises(function() nn.SpatialFullConvolution(1, 1, 3, 3, 1, 1, 0, 0, 1, 0) end,
               'nn.SpatialFullConvolution: adjW and adjH')
      local m = nn.SpatialFullConvolution(2, 1, 3, 3):float()
      H.raises(function() m:forward(torch.FloatTensor(3, 4, 4)) end,
               'nn.SpatialFullConvolution: input of size 3x4x4 has 3 planes, expected 2')
   end)
end)

describe('nn.TemporalConvolution', function()
   it('computes windows of frames by hand', function()
      local m = nn.TemporalConvolution(2, 1, 2, 1):double()
      m.weight:copy(D{{1, 2, 3, 4}}); m.bias:fill(1)
      local x = D{{1, 2}, {3, 4}, {5, 6}}
      -- window 1: 1 2 3 4 -> 1 + 4 + 9 + 16 + 1; window 2: 3 4 5 6 -> 3 + 8 + 15 + 24 + 1
      near(m:forward(x):totable(), {{31}, {51}})
      local m2 = nn.TemporalConvolution(2, 1, 2, 2):double()
      m2.weight:copy(m.weight); m2.bias:fill(1)
      near(m2:forward(D{{1, 2}, {3, 4}, {5, 6}, {7, 8}}):totable(), {{31}, {71}})
   end)

   it('passes gradient checks, single and batched, overlapping and strided', function()
      jac(nn.TemporalConvolution(3, 4, 3, 2):double(), D(8, 3))
      jac(nn.TemporalConvolution(3, 2, 2, 1):double(), D(2, 7, 3))
      jac(nn.TemporalConvolution(2, 2, 2, 3):double(), D(2, 8, 2))
   end)

   it('names the module in errors', function()
      local m = nn.TemporalConvolution(3, 4, 5):float()
      H.raises(function() m:forward(torch.FloatTensor(7, 2)) end,
               'nn.TemporalConvolution: input of size 7x2 has 2 features per frame, expected 3')
      H.raises(function() m:forward(torch.FloatTensor(4, 3)) end,
               'nn.TemporalConvolution: input of 4 frames is shorter than the kernel width 5')
   end)
end)
