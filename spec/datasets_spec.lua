-- dl.datasets: the shipped digits and Debian's Fashion-MNIST package.
require 'torch'
require 'dl'
local H = require 'spec.helpers'

describe('dl.datasets.digits', function()
  it('reads the 1797 8x8 digits with classes 1..10', function()
    local d = dl.datasets.digits()
    assert.are.same({1797, 64}, d.x:size():totable())
    assert.are.same({1797}, d.y:size():totable())
    assert.are.equal('torch.LongTensor', d.y:type())
    -- first row of data/digits.csv.gz: 0,0,5,13,9,1,0,0,... label 0; second label 1
    assert.are.same({0, 0, 5, 13, 9, 1, 0, 0}, d.x[1]:narrow(1, 1, 8):totable())
    assert.are.equal(1, d.y[1])
    assert.are.equal(2, d.y[2])
    assert.are.equal(1, d.y:min())
    assert.are.equal(10, d.y:max())
    assert.are.equal(16, d.x:max())
    assert.are.same({'0', '1', '2', '3', '4', '5', '6', '7', '8', '9'}, d.classes)
  end)

  it('names a missing file', function()
    H.raises(function() dl.datasets.digits('/nonexistent/digits.csv') end, '/nonexistent/digits.csv')
  end)
end)

local dir = '/usr/share/datasets/fashion-mnist'
local installed = io.open(dir .. '/t10k-labels-idx1-ubyte.gz') ~= nil

describe('dl.datasets.fashionMNIST', function()
  it('names the package to install when the files are missing', function()
    H.raises(function() dl.datasets.fashionMNIST('/nonexistent') end,
      'fashionMNIST', '/nonexistent/train-images-idx3-ubyte.gz', 'apt-get install dataset-fashion-mnist')
  end)

  if not installed then
    pending('dataset-fashion-mnist is not installed')
    return
  end

  it('reads the training and test sets', function()
    local train, test, classes = dl.datasets.fashionMNIST()
    assert.are.same({60000, 1, 28, 28}, train.x:size():totable())
    assert.are.same({10000, 1, 28, 28}, test.x:size():totable())
    assert.are.same({60000}, train.y:size():totable())
    assert.are.equal('torch.FloatTensor', train.x:type())
    assert.are.equal('torch.LongTensor', test.y:type())
    -- the published first labels: train 9, 0, 0, 3; test 9, 2, 1, 1 (0-based)
    assert.are.same({10, 1, 1, 4}, train.y:narrow(1, 1, 4):totable())
    assert.are.same({10, 3, 2, 2}, test.y:narrow(1, 1, 4):totable())
    assert.are.equal(0, train.x:min())
    assert.are.equal(1, train.x:max())
    -- the well-known pixel mean of the training set, 0.2860
    assert.is_true(math.abs(train.x:mean() - 0.2860) < 1e-3)
    assert.are.equal('Ankle boot', classes[train.y[1]])
    assert.are.equal(10, #classes)
  end)
end)

describe('dl.datasets.text', function()
  require 'dl'
  local dir = os.tmpname()
  os.remove(dir)
  assert(os.execute('mkdir -p ' .. dir))
  local function write(name, text)
    local f = assert(io.open(dir .. '/' .. name, 'wb')); f:write(text); f:close()
  end
  write('b.txt', 'ba')
  write('a.txt', 'abc')
  write('.hidden', 'zzz')
  assert(os.execute('ln -s ' .. dir .. '/a.txt ' .. dir .. '/c.txt'))
  assert(os.execute('mkdir -p ' .. dir .. '/sub'))
  teardown(function() os.execute('rm -rf ' .. dir) end)

  it('reads the regular files in name order, joined by newlines, as codes of a sorted vocabulary', function()
    local c = dl.datasets.text(dir, 0.5)
    -- 'abc' .. '\n' .. 'ba': the link, the hidden file and the folder are left out
    assert.are.same({dir .. '/a.txt', dir .. '/b.txt'}, c.files)
    assert.are.same({'\n', 'a', 'b', 'c'}, c.vocab)
    assert.are.same({2, 3, 4, 1, 3, 2}, c.codes:totable())
    assert.are.equal(3, c.index['b'])
    assert.are.same({2, 3, 4}, c.train:totable())
    assert.are.same({1, 3, 2}, c.valid:totable())
  end)

  it('refuses what is not a folder, an empty one and a bad split', function()
    local ok, err = pcall(dl.datasets.text, dir .. '/a.txt')
    assert.is_false(ok)
    assert.matches('is not a folder', err, 1, true)
    ok, err = pcall(dl.datasets.text, dir .. '/sub')
    assert.is_false(ok)
    assert.matches('holds no text', err, 1, true)
    ok, err = pcall(dl.datasets.text, dir, 1.5)
    assert.is_false(ok)
    assert.matches('split must be a number in (0, 1)', err, 1, true)
  end)
end)
