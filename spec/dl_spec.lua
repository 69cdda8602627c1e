-- dl: CSV reading, splits, scalers, one-hot, batches, progress lines, fit and evaluate.
require 'torch'
require 'dl'
local H = require 'spec.helpers'

local function tmpfile(text)
  local name = os.tmpname()
  local f = assert(io.open(name, 'w'))
  f:write(text)
  f:close()
  return name
end

describe('dl.readCSV', function()
  it('reads the shipped Iris file with string labels', function()
    local X, y, classes, names = dl.readCSV('data/iris.csv', {label = 'species'})
    assert.are.same({150, 4}, X:size():totable())
    assert.are.same({'setosa', 'versicolor', 'virginica'}, classes)
    assert.are.equal('sepal_length', names[1])
    -- first row: 5.1,3.5,1.4,0.2,setosa
    assert.is_true(math.abs(X[1][1] - 5.1) < 1e-6)
    assert.is_true(math.abs(X[1][4] - 0.2) < 1e-6)
    assert.are.equal(1, y[1])
    assert.are.equal(3, y[150])
    assert.are.equal('torch.LongTensor', y:type())
  end)

  it('reads gzip files and numeric labels without a header', function()
    local X, y = dl.readCSV('data/digits.csv.gz', {numericLabels = true})
    assert.are.same({1797, 64}, X:size():totable())
    assert.are.equal(0, y[1])       -- the first digit is a 0
    assert.are.equal(5, X[1][3])    -- 0,0,5,13,...
  end)

  it('names the file, line and column of bad input', function()
    local f = tmpfile('a,b,label\n1,2,x\n3,oops,y\n')
    H.raises(function() dl.readCSV(f, {label = 'label'}) end, 'line 3 column 2', '"oops" is not a number')
    H.raises(function() dl.readCSV(f, {label = 'nope'}) end, 'no column named "nope"')
    local g = tmpfile('1,2,3\n4,5\n')
    H.raises(function() dl.readCSV(g) end, 'line 2 has 2 fields, expected 3')
    H.raises(function() dl.readCSV('/nonexistent.csv') end, "cannot open '/nonexistent.csv'")
    os.remove(f); os.remove(g)
  end)
end)

describe('dl.split and permutation', function()
  it('is reproducible from its seed and partitions the rows', function()
    local X = torch.range(1, 10):view(10, 1)
    local y = torch.range(1, 10):long()
    local a1, b1, a2, b2 = dl.split(X, y, 0.3, 7)
    local c1 = dl.split(X, y, 0.3, 7)
    assert.are.same(a1:totable(), c1:totable())
    assert.are.equal(7, a1:size(1))
    assert.are.equal(3, a2:size(1))
    local seen = {}
    for i = 1, 7 do seen[b1[i]] = true end
    for i = 1, 3 do seen[b2[i]] = true end
    for i = 1, 10 do assert.is_true(seen[i]) end
    -- rows stay paired with their targets
    for i = 1, 7 do assert.are.equal(b1[i], a1[i][1]) end
    local d1 = dl.split(X, y, 0.3, 8)
    assert.are_not.same(a1:totable(), d1:totable())
    H.raises(function() dl.split(X, y, 0.01) end, 'leaves an empty part')
  end)
end)

describe('scalers and one-hot', function()
  it('StandardScaler centres and scales each column by the population std', function()
    local X = torch.Tensor({{1, 10}, {3, 10}, {5, 10}})
    local s = dl.StandardScaler():fit(X)
    local Z = s:transform(X)
    -- column 1: mean 3, population std sqrt(8/3); column 2 is constant and left at 0
    local sd = math.sqrt(8 / 3)
    assert.is_true(math.abs(Z[1][1] + 2 / sd) < 1e-6)
    assert.is_true(math.abs(Z[3][1] - 2 / sd) < 1e-6)
    assert.are.equal(0, Z[2][2])
    H.raises(function() dl.StandardScaler():transform(X) end, 'call fit first')
  end)

  it('MinMaxScaler maps each column to [0, 1]', function()
    local X = torch.Tensor({{1, -2}, {3, 2}, {2, 0}})
    local Z = dl.MinMaxScaler():fitTransform(X)
    assert.are.same({{0, 0}, {1, 1}, {0.5, 0.5}}, Z:totable())
  end)

  it('onehot', function()
    local o = dl.onehot(torch.LongTensor({2, 1, 3}), 3)
    assert.are.same({{0, 1, 0}, {1, 0, 0}, {0, 0, 1}}, o:totable())
    H.raises(function() dl.onehot(torch.LongTensor({4}), 3) end, 'class 4 out of range for 3 classes')
  end)
end)

describe('dl.batches', function()
  it('visits every row once per pass, in batches', function()
    local X = torch.range(1, 10):view(10, 1)
    local y = torch.range(1, 10):long()
    local seen, sizes = {}, {}
    for xb, yb, b, nb in dl.batches(X, y, 4, {seed = 3}) do
      assert.are.equal(3, nb)
      sizes[b] = xb:size(1)
      for i = 1, xb:size(1) do
        assert.are.equal(yb[i], xb[i][1])
        seen[yb[i]] = (seen[yb[i]] or 0) + 1
      end
    end
    assert.are.same({4, 4, 2}, sizes)
    for i = 1, 10 do assert.are.equal(1, seen[i]) end
  end)
end)

describe('dl.Progress', function()
  it('draws Keras-style lines', function()
    local p = dl.Progress(30, {tty = false, out = io.stdout})
    local mid = p:line(12, {{'loss', 0.45123}}, 1.2)
    assert.truthy(mid:find('^12/30 %[===========>%.+%] %- ETA: 2s %- loss: 0%.4512$'), mid)
    local fin = p:line(30, {{'loss', 0.1}, {'accuracy', 0.875}}, 0.3)
    assert.truthy(fin:find('^30/30 %[=+%] %- 0s 10ms/step %- loss: 0%.1000 %- accuracy: 0%.8750$'), fin)
  end)
end)

describe('dl.fit', function()
  it('learns a separable problem and records its history', function()
    require 'nn'
    require 'optim'
    torch.manualSeed(1)
    local n = 64
    local X = torch.Tensor(n, 2)
    local y = torch.LongTensor(n)
    for i = 1, n do
      local a, b = (i % 8) / 4 - 1, (i // 8) / 4 - 1
      X[i][1], X[i][2] = a, b
      y[i] = a + b > 0 and 2 or 1
    end
    local model = nn.Sequential():add(nn.Linear(2, 8)):add(nn.Tanh()):add(nn.Linear(8, 2))
    local out = io.open(os.tmpname(), 'w')
    local h = dl.fit(model, nn.CrossEntropyCriterion(), optim.adam, X, y,
                     {epochs = 40, batchSize = 16, config = {learningRate = 0.05}, out = out})
    out:close()
    assert.are.equal(40, #h.loss)
    assert.is_true(h.loss[40] < h.loss[1])
    local _, acc = dl.evaluate(model, nn.CrossEntropyCriterion(), X, y)
    assert.is_true(acc >= 0.95, 'accuracy ' .. acc)
  end)
end)

describe('dl.fit checkpoints', function()
  it('resumes after epoch 2 with the same losses, bit for bit', function()
    require 'nn'
    require 'optim'
    local X, y = dl.readCSV('data/iris.csv', {label = 'species'})
    X = dl.StandardScaler():fitTransform(X)
    local function model()
      return nn.Sequential():add(nn.Linear(4, 16)):add(nn.ReLU()):add(nn.Dropout(0.2))
        :add(nn.Linear(16, 3))
    end
    local sink = io.open('/dev/null', 'w')
    local dir = os.tmpname()
    os.remove(dir)
    local function run(epochs, extra)
      torch.manualSeed(7)
      local opts = {epochs = epochs, batchSize = 16, validation = 0.2, seed = 3, out = sink,
                    config = {learningRate = 0.01}}
      for k, v in pairs(extra or {}) do opts[k] = v end
      return dl.fit(model(), nn.CrossEntropyCriterion(), optim.adam, X, y, opts)
    end
    local full = run(4)
    run(2, {checkpoint = {dir = dir}})
    -- a different initial model: everything must come from the checkpoint
    torch.manualSeed(99)
    local resumed = run(4, {resume = dir .. '/epoch-0002.t7'})
    sink:close()
    assert.are.equal(4, #resumed.loss)
    for e = 1, 4 do
      assert.are.equal(full.loss[e], resumed.loss[e])
      assert.are.equal(full.val_loss[e], resumed.val_loss[e])
    end
    os.execute(('rm -rf %q'):format(dir))
    assert.has_error(function()
      dl.fit(model(), nn.CrossEntropyCriterion(), optim.adam, X, y, {resume = '/nonexistent.t7'})
    end)
  end)
end)
