-- nnx: the modules dlua gives it (SpatialPadding, SpatialUpSampling, Minus, MultiSoftMax),
-- values by hand, float64 gradient checks, testIO, and their errors at this file's lines.
require 'torch'
require 'nn'
local C = require 'spec.nn_module_checks'
local near, jac = C.near, C.jac
local D = torch.DoubleTensor

describe('require "nnx"', function()
   local nnx = require 'nnx'
   it('defines its modules in nn and in the nnx table', function()
      assert.equal(nn.SpatialPadding, nnx.SpatialPadding)
      assert.equal(nn.Recurrent, nnx.Recurrent)
      assert.equal(nnx, _G.nnx)
   end)

   it('SpatialPadding pads with a value and crops where a pad is negative', function()
      local x = D{{{1, 2, 3}, {4, 5, 6}}} -- 1 x 2 x 3
      local y = nn.SpatialPadding(1, -1, 0, 1, nil, nil, 9):double():forward(x)
      near(y, D{{{9, 1, 2}, {9, 4, 5}, {9, 9, 9}}}, 0)
      local m = nn.SpatialPadding(2, 1, -1, 2, nil, nil, 0.5):double()
      local x2 = D(3, 4, 5):uniform(-1, 1)
      local y2 = m:forward(x2)
      assert(y2:size(2) == 4 - 1 + 2 and y2:size(3) == 5 + 2 + 1)
      near(y2[{{}, {1, 3}, {3, 7}}], x2[{{}, {2, 4}, {}}], 0)
      assert(y2[1][1][1] == 0.5 and y2[3][5][8] == 0.5)
      jac(m, x2)
      -- a batch: the image dimensions given
      jac(nn.SpatialPadding(1, 1, 1, 1, 3, 4):double(), D(2, 2, 3, 3):uniform())
   end)

   it('SpatialUpSampling repeats each pixel dH x dW times', function()
      local x = D{{{1, 2}, {3, 4}}}
      local y = nn.SpatialUpSampling(3, 2):double():forward(x)
      near(y, D{{{1, 1, 1, 2, 2, 2}, {1, 1, 1, 2, 2, 2}, {3, 3, 3, 4, 4, 4}, {3, 3, 3, 4, 4, 4}}}, 0)
      local m = nn.SpatialUpSampling({dW = 2, dH = 3, yDim = 3, xDim = 4}):double()
      local xb = D(2, 3, 2, 3):uniform(-1, 1)
      assert(m:forward(xb):isSameSizeAs(D(2, 3, 6, 6)))
      jac(m, xb)
      -- the gradient of a pixel sums its dH x dW copies
      local g = m:backward(xb, D(2, 3, 6, 6):fill(1))
      near(g, D(2, 3, 2, 3):fill(6), 0)
   end)

   it('Minus negates', function()
      local m = nn.Minus():double()
      near(m:forward(D{1, -2}), D{-1, 2}, 0)
      jac(m, D(3, 4):uniform())
   end)

   it('MultiSoftMax is the softmax of each row of a 2D or 3D input', function()
      local m = nn.MultiSoftMax():double()
      local x = D(2, 3, 4):uniform(-3, 3)
      local y = m:forward(x)
      for i = 1, 2 do for j = 1, 3 do
         local e = torch.exp(x[i][j])
         near(y[i][j], e / e:sum(), 1e-12)
      end end
      jac(m, x)
      jac(m, D(3, 5):uniform())
   end)

   it('names the module and the caller\'s line in its errors', function()
      local function fails(pattern, f)
         local ok, err = pcall(f)
         assert(not ok and err:find('nnx_spec.lua:%d+: ' .. pattern), err)
      end
      fails('nn.SpatialPadding: pad_l must be an integer, got 1.5', function() nn.SpatialPadding(1.5) end)
      fails('nn.SpatialPadding: input of size 1x2x2 is cropped to nothing',
            function() nn.SpatialPadding(-1, -1):forward(torch.Tensor(1, 2, 2)) end)
      fails('nn.SpatialPadding: input of size 4 has no dimension 3',
            function() nn.SpatialPadding(1):forward(torch.Tensor(4)) end)
      fails('nn.SpatialUpSampling: dW and dH %(0, 2%) must be positive', function() nn.SpatialUpSampling(0, 2) end)
      fails('nn.SpatialUpSampling: yDim %(2%) must be xDim %- 1 %(3%)', function() nn.SpatialUpSampling(2, 2, 2, 4) end)
      fails('nn.MultiSoftMax: input of size 2x2x2x2, expected 2D or 3D',
            function() nn.MultiSoftMax():forward(torch.Tensor(2, 2, 2, 2)) end)
      fails('nn.Minus: ', function() nn.Minus():forward(torch.LongTensor(2)) end)
      local up = nn.SpatialUpSampling(2, 2)
      up:forward(torch.Tensor(1, 2, 2))
      fails('nn.SpatialUpSampling: gradOutput of size 1x4x3', function() up:backward(torch.Tensor(1, 2, 2), torch.Tensor(1, 4, 3)) end)
   end)
end)
