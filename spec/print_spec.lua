require 'torch'

-- The expected strings are written out by hand in Torch7's format: each value printed with
-- one common format (width = digits + sign), columns joined by one space.
local function lines(...) return table.concat({...}, '\n') end

describe('printing tensors', function()
  it('prints integral float matrices without decimals', function()
    local x = torch.FloatTensor({{1, 2, 3}, {4, 5, 6}})
    assert.are.equal(lines(' 1  2  3', ' 4  5  6', '[torch.FloatTensor of size 2x3]'),
                     tostring(x))
  end)

  it('prints non-integral values with four decimals, aligned', function()
    local x = torch.DoubleTensor({1.5, 2, -3.25})
    assert.are.equal(lines(' 1.5000', ' 2.0000', '-3.2500', '[torch.DoubleTensor of size 3]'),
                     tostring(x))
    -- two digits before the point widen every cell
    local y = torch.FloatTensor({{10.5, 1}, {2, -3}})
    assert.are.equal(lines(' 10.5000   1.0000', '  2.0000  -3.0000',
                           '[torch.FloatTensor of size 2x2]'), tostring(y))
  end)

  it('prints LongTensor and ByteTensor values as integers', function()
    assert.are.equal(lines(' -10    2', '   3  400', '[torch.LongTensor of size 2x2]'),
                     tostring(torch.LongTensor({{-10, 2}, {3, 400}})))
    assert.are.equal(lines('   0', '   7', ' 255', '[torch.ByteTensor of size 3]'),
                     tostring(torch.ByteTensor({0, 7, 255})))
    -- integers of more than 9 digits switch to exponent notation
    assert.are.equal(lines(' 1.0000e+10', ' 1.0000e+00', '[torch.LongTensor of size 2]'),
                     tostring(torch.LongTensor({10000000000, 1})))
    assert.are.equal(lines('-9.2234e+18', ' 1.0000e+00', '[torch.LongTensor of size 2]'),
                     tostring(torch.LongTensor({math.mininteger, 1})))
  end)

  it('factors out a common scale for small or large values', function()
    local x = torch.FloatTensor({{0.001, 0.002}, {0.0035, -0.004}})
    assert.are.equal(lines('1e-03 *', '  1.0000  2.0000', '  3.5000 -4.0000',
                           '[torch.FloatTensor of size 2x2]'), tostring(x))
    local y = torch.DoubleTensor({123456.7, 200000.5})
    assert.are.equal(lines('1e+05 *', ' 1.2346', ' 2.0000', '[torch.DoubleTensor of size 2]'),
                     tostring(y))
  end)

  it('uses exponent notation when magnitudes differ widely', function()
    local x = torch.DoubleTensor({0.001, 1000})
    assert.are.equal(lines(' 1.0000e-03', ' 1.0000e+03', '[torch.DoubleTensor of size 2]'),
                     tostring(x))
  end)

  it('prints nan and infinities in the common width', function()
    local x = torch.DoubleTensor({1, 0 / 0, math.huge, -math.huge})
    assert.are.equal(lines('   1', ' nan', ' inf', '-inf', '[torch.DoubleTensor of size 4]'),
                     tostring(x))
  end)

  it('prints an empty tensor', function()
    assert.are.equal('[torch.FloatTensor with no dimension]', tostring(torch.FloatTensor()))
    assert.are.equal('[torch.LongTensor with no dimension]', tostring(torch.LongTensor()))
  end)

  it('prints a tensor with a zero-sized dimension as its footer', function()
    assert.are.equal('[torch.DoubleTensor of size 0x3]', tostring(torch.DoubleTensor(0, 3)))
  end)

  it('prints higher dimensions as 2D slices', function()
    local x = torch.FloatTensor({{{1, 2}, {3, 4}}, {{5, 6}, {7, 8}}})
    assert.are.equal(lines('(1,.,.) =', '  1  2', '  3  4', '',
                           '(2,.,.) =', '  5  6', '  7  8',
                           '[torch.FloatTensor of size 2x2x2]'), tostring(x))
    local y = torch.LongTensor(2, 1, 1, 2)
    y[{1, 1, 1, 1}], y[{1, 1, 1, 2}], y[{2, 1, 1, 1}], y[{2, 1, 1, 2}] = 1, 2, 3, 4
    assert.are.equal(lines('(1,1,.,.) =', '  1  2', '',
                           '(2,1,.,.) =', '  3  4',
                           '[torch.LongTensor of size 2x1x1x2]'), tostring(y))
  end)

  it('prints non-contiguous views in their own layout', function()
    local x = torch.FloatTensor({{1, 2, 3}, {4, 5, 6}})
    assert.are.equal(lines(' 1  4', ' 2  5', ' 3  6', '[torch.FloatTensor of size 3x2]'),
                     tostring(x:t()))
    assert.are.equal(lines(' 2  3', ' 5  6', '[torch.FloatTensor of size 2x2]'),
                     tostring(x:narrow(2, 2, 2)))
    assert.are.equal(lines(' 2', ' 5', '[torch.FloatTensor of size 2]'),
                     tostring(x:select(2, 2)))
    -- a view of a view, and an expanded one (stride 0)
    assert.are.equal(lines(' 5', ' 6', '[torch.FloatTensor of size 2]'),
                     tostring(x:t():narrow(1, 2, 2):select(2, 2)))
    local e = torch.DoubleTensor({1, 2}):view(2, 1):expand(2, 3)
    assert.are.equal(lines(' 1  1  1', ' 2  2  2', '[torch.DoubleTensor of size 2x3]'),
                     tostring(e))
  end)

  it('chooses the format from the printed elements of a view only', function()
    local x = torch.DoubleTensor({0.5, 1000})
    assert.are.equal(lines(' 0.5000', '[torch.DoubleTensor of size 1]'),
                     tostring(x:narrow(1, 1, 1)))
  end)

  it('splits wide matrices into column blocks', function()
    local x = torch.FloatTensor(2, 12):fill(1.25)
    local row10 = string.rep(' 1.2500 ', 9) .. ' 1.2500'
    local row2 = ' 1.2500  1.2500'
    assert.are.equal(lines('Columns 1 to 10', row10, row10, '',
                           'Columns 11 to 12', row2, row2,
                           '[torch.FloatTensor of size 2x12]'), tostring(x))
  end)

  it('summarises big tensors with ... instead of dumping them', function()
    local v = torch.LongTensor(2000)
    for i = 1, 2000 do v[i] = i end
    assert.are.equal(lines('    1', '    2', '    3', '  ...', ' 1998', ' 1999', ' 2000',
                           '[torch.LongTensor of size 2000]'), tostring(v))
    local m = torch.FloatTensor(40, 40):fill(2)
    local row = ' 2  2  2 ...  2  2  2'
    assert.are.equal(lines(row, row, row, '...', row, row, row,
                           '[torch.FloatTensor of size 40x40]'), tostring(m))
    -- 1000 elements are printed whole: 4 blocks of 26, 26, 26 and 22 columns
    local small = torch.FloatTensor(10, 100):fill(1)
    local s = tostring(small)
    local _, n = s:gsub('\n', '')
    assert.are.equal(4 * 11 + 3 + 1, n + 1)
    assert.falsy(s:find('...', 1, true))
    assert.truthy(s:find('Columns 79 to 100', 1, true))
  end)

  it('summarises big higher-dimensional tensors along every dimension', function()
    local x = torch.ByteTensor(8, 20, 20):fill(1)
    local s = tostring(x)
    assert.truthy(s:find('(1,.,.) =', 1, true))
    assert.truthy(s:find('(3,.,.) =', 1, true))
    assert.falsy(s:find('(4,.,.) =', 1, true))
    assert.truthy(s:find('\n...\n', 1, true))
    assert.truthy(s:find('(8,.,.) =', 1, true))
    assert.truthy(s:find('[torch.ByteTensor of size 8x20x20]', 1, true))
    assert.is_true(#s < 2000)
  end)
end)

describe('printing storages', function()
  it('prints one value a line with a footer', function()
    assert.are.equal(lines(' 1.5000', ' 2.0000', '[torch.FloatStorage of size 2]'),
                     tostring(torch.FloatStorage({1.5, 2})))
    assert.are.equal(lines(' 1', ' 2', '[torch.DoubleStorage of size 2]'),
                     tostring(torch.DoubleStorage({1, 2})))
    assert.are.equal(lines('   3', ' 200', '[torch.ByteStorage of size 2]'),
                     tostring(torch.ByteStorage({3, 200})))
    assert.are.equal('[torch.FloatStorage of size 0]', tostring(torch.FloatStorage(0)))
  end)

  it('prints sizes (LongStorage) as Torch7 does', function()
    local x = torch.FloatTensor(2, 3)
    assert.are.equal(lines(' 2', ' 3', '[torch.LongStorage of size 2]'), tostring(x:size()))
  end)

  it('summarises big storages', function()
    local s = torch.DoubleStorage(5000):fill(0.25)
    assert.are.equal(lines(' 0.2500', ' 0.2500', ' 0.2500', '    ...', ' 0.2500', ' 0.2500',
                           ' 0.2500', '[torch.DoubleStorage of size 5000]'), tostring(s))
  end)
end)
