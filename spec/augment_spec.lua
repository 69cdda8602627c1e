-- dl.augment: normalisation, random crops with zero padding, horizontal flips, and the
-- transform hook of dl.batches and dl.fit.
require 'torch'
require 'nn'
require 'optim'
require 'dl'
local H = require 'spec.helpers'

local A = dl.augment

-- A rand whose int() returns the listed values in turn (to choose the crop offsets).
local function scripted(values)
  local i = 0
  return {int = function() i = i + 1; return values[i] end,
          next = function() i = i + 1; return values[i] end}
end

describe('dl.augment.normalize and channelStats', function()
  it('computes per-channel mean and population std', function()
    -- channel 1 holds 1..4 and 9..12 (mean 6.5), channel 2 holds 5..8 and 13..16
    local x = torch.range(1, 16):view(2, 2, 2, 2)
    local mean, std = A.channelStats(x)
    assert.are.same({6.5, 10.5}, mean)
    -- values 1,2,3,4,9,10,11,12 around 6.5: squares sum 2*(5.5^2+4.5^2+3.5^2+2.5^2) = 138
    assert.is_true(math.abs(std[1] - math.sqrt(138 / 8)) < 1e-6)
    assert.is_true(math.abs(std[2] - math.sqrt(138 / 8)) < 1e-6)
  end)

  it('normalises each channel in place, batched and single, float and double', function()
    for _, T in ipairs({torch.FloatTensor, torch.DoubleTensor}) do
      local x = T(2, 2, 1, 2)
      x:copy(torch.Tensor({1, 3, 10, 20, 5, 7, 30, 40}):view(2, 2, 1, 2))
      local r = A.normalize(x, {1, 10}, {2, 10})
      assert.are.equal(x, r)
      assert.are.same({{{{0, 1}}, {{0, 1}}}, {{{2, 3}}, {{2, 3}}}}, x:totable())
      local one = T(1, 1, 2):fill(4)
      A.normalize(one, 2, 0.5)
      assert.are.same({{{4, 4}}}, one:totable())
    end
  end)

  it('works on a non-contiguous batch', function()
    local base = torch.Tensor(2, 1, 2, 4):fill(3)
    local x = base:narrow(4, 2, 2)
    A.normalize(x, 1, 2)
    assert.are.same({3, 1, 1, 3}, base[1][1][1]:totable())
  end)

  it('checks its arguments', function()
    H.raises(function() A.normalize(torch.Tensor(2, 2), 0, 1) end, 'normalize', '2 dimensions')
    H.raises(function() A.normalize(torch.Tensor(1, 3, 2, 2), {0, 0}, 1) end, 'normalize', 'mean', '3 numbers')
    H.raises(function() A.normalize(torch.Tensor(1, 1, 2, 2), 0, 0) end, 'normalize: std of channel 1 is 0')
  end)
end)

describe('dl.augment.randomCrop', function()
  it('shifts with zero fill by the chosen offsets', function()
    -- 1 image of 3x3 holding 1..9; int(3) = 1 means offset -1, 3 means +1
    local x = torch.range(1, 9):view(1, 1, 3, 3)
    A.randomCrop(x, 1, scripted({3, 1}))
    -- dy = +1, dx = -1: out(r, c) = in(r + 1, c - 1)
    assert.are.same({{0, 4, 5}, {0, 7, 8}, {0, 0, 0}}, x[1][1]:totable())
    x = torch.range(1, 9):view(1, 3, 3)
    A.randomCrop(x, 1, scripted({2, 2}))
    assert.are.same({{1, 2, 3}, {4, 5, 6}, {7, 8, 9}}, x[1]:totable())
  end)

  it('moves every channel alike, by an offset within the padding', function()
    local x = torch.rand(8, 2, 5, 5):add(1)
    x:select(2, 2):copy(x:select(2, 1)):mul(2)
    local y = x:clone()
    A.randomCrop(x, 2, dl.Rand(5))
    local shifts = {}
    for i = 1, 8 do
      -- channel 2 stays twice channel 1, zero fill included
      assert.are.equal(0, (x[i][2] - x[i][1] * 2):abs():max())
      -- the image is its original shifted by some (dy, dx) in -2..2, zeros elsewhere
      local found
      for dy = -2, 2 do
        for dx = -2, 2 do
          local ok = true
          for r = 1, 5 do
            for c = 1, 5 do
              local sr, sc = r + dy, c + dx
              local want = (sr >= 1 and sr <= 5 and sc >= 1 and sc <= 5) and y[i][1][sr][sc] or 0
              if x[i][1][r][c] ~= want then ok = false end
            end
          end
          if ok then found = dy .. ',' .. dx end
        end
      end
      assert.is_truthy(found)
      shifts[found] = true
    end
    -- the offsets vary from image to image
    assert.is_true(next(shifts, next(shifts)) ~= nil)
  end)

  it('clears an image shifted by its whole size', function()
    local x = torch.ones(1, 1, 2, 2)
    A.randomCrop(x, 2, scripted({5, 3}))
    assert.are.equal(0, x:sum())
  end)

  it('checks the padding', function()
    H.raises(function() A.randomCrop(torch.Tensor(1, 1, 2, 2), -1) end, 'randomCrop', 'padding')
    H.raises(function() A.randomCrop(torch.Tensor(1, 1, 2, 2), 1.5) end, 'randomCrop', 'padding')
    H.raises(function() A.randomCrop(torch.Tensor(2, 2), 1) end, 'randomCrop', '2 dimensions')
  end)
end)

describe('dl.augment.hflip', function()
  it('mirrors the chosen images', function()
    local x = torch.range(1, 12):view(2, 1, 2, 3)
    local _, flipped = A.hflip(x, 1)
    assert.are.same({1, 2}, flipped)
    assert.are.same({{3, 2, 1}, {6, 5, 4}}, x[1][1]:totable())
    assert.are.same({{9, 8, 7}, {12, 11, 10}}, x[2][1]:totable())
    _, flipped = A.hflip(x, 0)
    assert.are.same({}, flipped)
    assert.are.same({{3, 2, 1}, {6, 5, 4}}, x[1][1]:totable())
  end)

  it('flips about half with p = 0.5, reproducibly from the seed', function()
    local x = torch.zeros(1000, 1, 1, 2)
    local _, a = A.hflip(x, 0.5, dl.Rand(7))
    local _, b = A.hflip(x, 0.5, dl.Rand(7))
    assert.are.same(a, b)
    assert.is_true(#a > 430 and #a < 570)
  end)
end)

describe('the transform hook', function()
  it('applies a transform to every batch of dl.batches, never to X', function()
    local X = torch.ones(5, 1, 2, 2)
    local y = torch.LongTensor({1, 2, 3, 4, 5})
    local seen = 0
    for xb, yb in dl.batches(X, y, 2, {shuffle = false, transform = A.Compose{A.Normalize(1, 0.5)}}) do
      assert.are.equal(0, xb:abs():sum())
      seen = seen + yb:size(1)
    end
    assert.are.equal(5, seen)
    assert.are.equal(20, X:sum())
  end)

  it('passes the transform to dl.fit', function()
    local calls = 0
    local X, y = torch.rand(8, 1, 2, 2), torch.LongTensor({1, 2, 1, 2, 1, 2, 1, 2})
    local model = nn.Sequential():add(nn.View(-1):setNumInputDims(3)):add(nn.Linear(4, 2))
    dl.fit(model, nn.CrossEntropyCriterion(), optim.sgd, X, y, {
      epochs = 2, batchSize = 4, verbose = false, config = {learningRate = 0.1},
      transform = function(xb, yb) calls = calls + 1; return A.hflip(xb, 0.5), yb end,
    })
    assert.are.equal(4, calls)
  end)
end)
