-- dl.schedule: learning-rate factors by hand, and dl.fit applying them step by step.
require 'torch'
require 'nn'
require 'optim'
require 'dl'

local function factors(schedule, total, perEpoch, steps)
  local out = {}
  for _, s in ipairs(steps) do out[#out + 1] = schedule(s, total, perEpoch) end
  return out
end

local function near(expected, got)
  assert.are.equal(#expected, #got)
  for i = 1, #expected do
    assert.is_true(math.abs(expected[i] - got[i]) < 1e-12,
      ('factor %d: expected %.15g, got %.15g'):format(i, expected[i], got[i]))
  end
end

describe('dl.schedule', function()
  it('cosine falls from 1 to 0 over the run, through 0.5 halfway', function()
    near({1, 0.5 * (1 + math.cos(math.pi / 4)), 0.5, 0.5 * (1 + math.cos(3 * math.pi / 4)), 0},
      factors(dl.schedule.cosine(), 5, 5, {0, 1, 2, 3, 4}))
  end)

  it('cosine with a floor and a warm-up ramp', function()
    -- warm-up 2 steps: 1/2, 2/2; then cos over steps 2..5 (span 3) down to 0.1
    near({0.5, 1, 1, 0.1 + 0.9 * 0.75, 0.1 + 0.9 * 0.25, 0.1},
      factors(dl.schedule.cosine{min = 0.1, warmup = 2}, 6, 6, {0, 1, 2, 3, 4, 5}))
  end)

  it('linear falls in equal steps', function()
    near({1, 0.75, 0.5, 0.25, 0}, factors(dl.schedule.linear(), 5, 5, {0, 1, 2, 3, 4}))
    near({1 / 3, 2 / 3, 1, 0.6, 0.2},
      factors(dl.schedule.linear{warmup = 3, min = 0.2}, 6, 6, {0, 1, 3, 4, 5}))
  end)

  it('step decays by gamma every `every` epochs', function()
    -- 3 steps an epoch, decay every 2 epochs: steps 0-5 at 1, 6-11 at 0.5, 12- at 0.25
    near({1, 1, 0.5, 0.5, 0.25}, factors(dl.schedule.step{every = 2, gamma = 0.5}, 30, 3, {0, 5, 6, 11, 12}))
    near({1, 0.1}, factors(dl.schedule.step{every = 1}, 30, 3, {2, 3}))
  end)

  it('exponential multiplies by gamma each epoch', function()
    near({1, 0.9, 0.81}, factors(dl.schedule.exponential{gamma = 0.9}, 100, 10, {9, 10, 25}))
  end)

  it('refuses bad settings, naming the schedule and the setting', function()
    local cases = {
      {function() dl.schedule.cosine{min = 2} end, 'dl.schedule.cosine: min must be in %[0, 1%], got 2'},
      {function() dl.schedule.linear{warmup = -1} end, 'dl.schedule.linear: warmup must be a non%-negative'},
      {function() dl.schedule.step{} end, 'dl.schedule.step: every'},
      {function() dl.schedule.step{every = 1.5} end, 'every must be a positive whole number'},
      {function() dl.schedule.exponential{} end, 'dl.schedule.exponential: gamma is required'},
      {function() dl.schedule.exponential{gamma = 0} end, 'gamma must be positive, got 0'},
    }
    for _, c in ipairs(cases) do
      local ok, err = pcall(c[1])
      assert.is_false(ok)
      assert.is_truthy(tostring(err):find(c[2]), tostring(err))
    end
  end)
end)

describe('dl.fit with a schedule', function()
  local X = torch.randn(10, 3)
  local y = torch.LongTensor{1, 2, 1, 2, 1, 2, 1, 2, 1, 2}
  local sink = io.open('/dev/null', 'w')

  -- an optimizer that records the rate it is given and takes an SGD step
  local function recorder(seen)
    return function(feval, x, config, state)
      seen[#seen + 1] = config.learningRate
      return optim.sgd(feval, x, config, state)
    end
  end

  it('sets the rate before every step and restores the base rate at the end', function()
    local seen, config = {}, {learningRate = 0.3}
    local model = nn.Sequential():add(nn.Linear(3, 2))
    dl.fit(model, nn.CrossEntropyCriterion(), recorder(seen), X, y,
      {epochs = 2, batchSize = 5, config = config, schedule = dl.schedule.linear(), out = sink})
    -- 2 epochs of 2 batches: 4 steps, linear from 1 to 0
    near({0.3, 0.2, 0.1, 0}, seen)
    assert.are.equal(0.3, config.learningRate)
  end)

  it('resumes a scheduled run where it stopped', function()
    local dir = os.tmpname()
    os.remove(dir)
    local function run(extra)
      torch.manualSeed(5)
      local seen = {}
      local opts = {epochs = 3, batchSize = 5, config = {learningRate = 0.3}, out = sink,
                    schedule = dl.schedule.cosine()}
      for k, v in pairs(extra) do opts[k] = v end
      dl.fit(nn.Sequential():add(nn.Linear(3, 2)), nn.CrossEntropyCriterion(), recorder(seen), X, y, opts)
      return seen
    end
    local full = run({})
    -- interrupted after epoch 1, then resumed: the rates pick up at step 2 of 6
    run({checkpoint = {dir = dir}, onEpoch = function() return false end})
    local resumed = run({resume = dir .. '/last.t7'})
    os.execute(('rm -rf %q'):format(dir))
    assert.are.equal(6, #full)
    near({full[3], full[4], full[5], full[6]}, resumed)
  end)

  it('refuses a schedule that is not a function or has no base rate', function()
    local model = nn.Sequential():add(nn.Linear(3, 2))
    local ok, err = pcall(dl.fit, model, nn.CrossEntropyCriterion(), optim.sgd, X, y,
      {config = {learningRate = 0.1}, schedule = 'cosine', out = sink})
    assert.is_false(ok)
    assert.is_truthy(err:find('fit: schedule must be a function'), err)
    ok, err = pcall(dl.fit, model, nn.CrossEntropyCriterion(), optim.adam, X, y,
      {config = {}, schedule = dl.schedule.cosine(), out = sink})
    assert.is_false(ok)
    assert.is_truthy(err:find('fit: a schedule needs the base rate in config.learningRate'), err)
  end)
end)
