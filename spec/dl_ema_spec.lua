-- dl.EMA: the moving average by hand, swapping, and dl.fit's ema option.
require 'torch'
require 'nn'
require 'optim'
require 'dl'

local function near(expected, got, tol)
  assert.are.equal(#expected, #got)
  for i = 1, #expected do
    assert.is_true(math.abs(expected[i] - got[i]) <= (tol or 1e-12),
      ('element %d: expected %.15g, got %.15g'):format(i, expected[i], got[i]))
  end
end

describe('dl.EMA', function()
  it('averages with a decay that starts small and reaches the given one', function()
    local p = torch.DoubleTensor{1, 2}
    local ema = dl.EMA(p, 0.5)
    p:copy(torch.DoubleTensor{3, 4})
    ema:update() -- decay min(0.5, 2/11) = 2/11
    near({(2 * 1 + 9 * 3) / 11, (2 * 2 + 9 * 4) / 11}, ema.average:totable())
    p:copy(torch.DoubleTensor{5, 6})
    ema:update() -- decay min(0.5, 3/12) = 1/4
    local a1, a2 = 29 / 11 * 0.25 + 5 * 0.75, 40 / 11 * 0.25 + 6 * 0.75
    near({a1, a2}, ema.average:totable())
    for _ = 3, 8 do ema:update() end -- (1+n)/(10+n) reaches 0.5 at n = 8: p fixed, average moves towards it
    p:copy(torch.DoubleTensor{7, 8})
    local before = ema.average:clone()
    ema:update() -- n = 9: decay 0.5
    near({0.5 * before[1] + 3.5, 0.5 * before[2] + 4}, ema.average:totable())
    assert.are.equal(9, ema.updates)
  end)

  it('swaps the average in and out, and applies it', function()
    local p = torch.FloatTensor{1, 2, 3}
    local ema = dl.EMA(p, 0.9)
    ema.average:copy(torch.FloatTensor{10, 20, 30})
    ema:swap()
    assert.are.same({10, 20, 30}, p:totable())
    assert.are.same({1, 2, 3}, ema.average:totable())
    ema:swap()
    assert.are.same({1, 2, 3}, p:totable())
    ema:apply()
    assert.are.same({10, 20, 30}, p:totable())
  end)

  it('refuses what is not a parameter tensor or a decay in [0, 1)', function()
    local ok, err = pcall(dl.EMA, {}, 0.9)
    assert.is_false(ok)
    assert.is_truthy(err:find('dl.EMA: argument 1 must be the parameter tensor, got table', 1, true), err)
    ok, err = pcall(dl.EMA, torch.zeros(2), 1)
    assert.is_false(ok)
    assert.is_truthy(err:find('dl.EMA: decay must be a number in [0, 1), got 1', 1, true), err)
    local ema = dl.EMA(torch.zeros(2))
    ok, err = pcall(ema.load, ema, {average = torch.zeros(3), updates = 1, decay = 0.9})
    assert.is_false(ok)
    assert.is_truthy(err:find('does not match the parameters', 1, true), err)
  end)
end)

describe('dl.fit with ema', function()
  local sink = io.open('/dev/null', 'w')
  local X, y = dl.readCSV('data/iris.csv', {label = 'species'})
  X = dl.StandardScaler():fitTransform(X)
  local function model() return nn.Sequential():add(nn.Linear(4, 8)):add(nn.ReLU()):add(nn.Linear(8, 3)) end

  it('leaves the average of the steps\' parameters in the model', function()
    torch.manualSeed(3)
    local m = model()
    local params = m:getParameters()
    -- the expected average, followed in double precision from each step's parameters
    local avg, n = params:double():totable(), 0
    local function recording(feval, x, config, state)
      local a, b = optim.sgd(feval, x, config, state)
      n = n + 1
      local d = math.min(0.9, (1 + n) / (10 + n))
      local now = x:double():totable()
      for i = 1, #avg do avg[i] = d * avg[i] + (1 - d) * now[i] end
      return a, b
    end
    dl.fit(m, nn.CrossEntropyCriterion(), recording, X, y,
      {epochs = 2, batchSize = 50, config = {learningRate = 0.1}, ema = 0.9, out = sink})
    assert.are.equal(6, n)
    near(avg, m:getParameters():double():totable(), 1e-5)
  end)

  it('validates with the average', function()
    torch.manualSeed(4)
    local m = model()
    local h = dl.fit(m, nn.CrossEntropyCriterion(), optim.adam, X, y,
      {epochs = 3, batchSize = 16, validation = 0.2, seed = 2, ema = 0.95, out = sink})
    local _, _, Xv, yv = dl.split(X, y, 0.2, 2)
    -- after fit the model holds the average, which is what the last validation saw
    local vl = dl.evaluate(m, nn.CrossEntropyCriterion(), Xv, yv)
    assert.are.equal(h.val_loss[3], vl)
  end)

  it('resumes the average bit for bit', function()
    local dir = os.tmpname()
    os.remove(dir)
    local function run(extra)
      torch.manualSeed(7)
      local m = model()
      local opts = {epochs = 4, batchSize = 16, validation = 0.2, seed = 3, out = sink,
                    config = {learningRate = 0.01}, ema = 0.99}
      for k, v in pairs(extra) do opts[k] = v end
      local h = dl.fit(m, nn.CrossEntropyCriterion(), optim.adam, X, y, opts)
      return h, m:getParameters()
    end
    local full, pfull = run({})
    run({checkpoint = {dir = dir}, onEpoch = function(e) return e < 2 end})
    local resumed, presumed = run({resume = dir .. '/epoch-0002.t7'})
    for e = 1, 4 do assert.are.equal(full.val_loss[e], resumed.val_loss[e]) end
    assert.are.equal(0, (pfull - presumed):abs():max())
    -- a checkpoint without an average cannot resume a run that keeps one
    run({checkpoint = {dir = dir}, ema = false, onEpoch = function() return false end})
    local ok, err = pcall(run, {resume = dir .. '/last.t7'})
    os.execute(('rm -rf %q'):format(dir))
    assert.is_false(ok)
    assert.is_truthy(tostring(err):find('fit: the checkpoint has no weight average', 1, true), tostring(err))
  end)

  it('refuses an ema that is not a decay', function()
    local ok, err = pcall(dl.fit, model(), nn.CrossEntropyCriterion(), optim.sgd, X, y, {ema = 2, out = sink})
    assert.is_false(ok)
    assert.is_truthy(err:find('fit: ema must be a decay in [0, 1) such as 0.999, got 2', 1, true), err)
  end)
end)
