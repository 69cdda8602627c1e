require 'torch'

local function fails(pattern, f, ...)
  local ok, err = pcall(f, ...)
  assert.is_false(ok)
  assert.is_truthy(string.find(tostring(err), pattern, 1, true),
                   'error "' .. tostring(err) .. '" lacks "' .. pattern .. '"')
end

-- mean and standard deviation of all elements, computed in Lua
local function stats(t)
  local flat = t:contiguous():view(t:nElement()):totable()
  local s, s2 = 0, 0
  for _, v in ipairs(flat) do s = s + v end
  local mean = s / #flat
  for _, v in ipairs(flat) do s2 = s2 + (v - mean) ^ 2 end
  return mean, math.sqrt(s2 / (#flat - 1)), flat
end

describe('seeding', function()
  it('gives Torch7\'s numbers for a seed (its documentation example)', function()
    torch.manualSeed(123)
    assert.is_true(math.abs(torch.uniform() - 0.69646918727085) < 1e-13)
    assert.is_true(math.abs(torch.uniform() - 0.71295532141812) < 1e-13)
    assert.is_true(math.abs(torch.uniform() - 0.28613933874294) < 1e-13)
    assert.equal(123, torch.initialSeed())
    torch.manualSeed(torch.initialSeed())
    assert.is_true(math.abs(torch.uniform() - 0.69646918727085) < 1e-13)
  end)

  it('repeats a sequence after manualSeed', function()
    torch.manualSeed(1)
    local a = torch.rand(100):totable()
    local n1 = torch.normal()
    torch.manualSeed(1)
    assert.same(a, torch.rand(100):totable())
    assert.equal(n1, torch.normal())
  end)

  it('gives MT19937 outputs for seed 5489', function()
    torch.manualSeed(5489)
    assert.equal(3499211612, torch.random())
    assert.equal(581869302, torch.random())
    assert.equal(3890346734, torch.random())
  end)

  it('seed() picks a new seed and returns it', function()
    local s = torch.seed()
    assert.is_true(math.type(s) == 'integer')
    assert.equal(s, torch.initialSeed())
    local x = torch.uniform()
    torch.manualSeed(s)
    assert.equal(x, torch.uniform())
  end)
end)

describe('RNG state', function()
  it('round-trips through getRNGState and setRNGState', function()
    torch.manualSeed(7)
    torch.normal() -- leaves half a Box-Muller pair in the state
    local state = torch.getRNGState()
    assert.equal('torch.ByteTensor', torch.type(state))
    local a = torch.randn(50):totable()
    torch.manualSeed(99)
    torch.setRNGState(state)
    assert.same(a, torch.randn(50):totable())
  end)

  it('refuses states of the wrong size, type or content', function()
    local state = torch.getRNGState()
    fails('setRNGState: state has 10 bytes, expected ' .. state:nElement(), torch.setRNGState,
          torch.ByteTensor(10):zero())
    fails('expected a torch.ByteTensor', torch.setRNGState, torch.FloatTensor(state:nElement()))
    fails('setRNGState: invalid state', torch.setRNGState, torch.ByteTensor(state:nElement()):zero())
  end)
end)

describe('uniform', function()
  it('stays in [a, b) with the mean in the middle', function()
    torch.manualSeed(2)
    for _, T in ipairs{'FloatTensor', 'DoubleTensor'} do
      local x = torch[T](100000):uniform(-2, 3)
      local mean, std, flat = stats(x)
      local lo, hi = math.huge, -math.huge
      for _, v in ipairs(flat) do lo = math.min(lo, v); hi = math.max(hi, v) end
      assert.is_true(lo >= -2 and hi < 3)
      assert.is_true(math.abs(mean - 0.5) < 0.02)
      assert.is_true(math.abs(std - 5 / math.sqrt(12)) < 0.02)
    end
    local v = torch.uniform(5, 6)
    assert.is_true(v >= 5 and v < 6)
  end)

  it('returns self and defaults to [0, 1)', function()
    local x = torch.Tensor(10)
    assert.equal(x, x:uniform())
    for _, v in ipairs(x:totable()) do assert.is_true(v >= 0 and v < 1) end
  end)

  it('fills strided views in their element order', function()
    torch.manualSeed(3)
    local a = torch.DoubleTensor(4, 5):uniform()
    torch.manualSeed(3)
    local b = torch.DoubleTensor(5, 4)
    b:t():uniform() -- the transposed view is filled row by row
    assert.same(a:totable(), b:t():totable())
    torch.manualSeed(3)
    local c = torch.DoubleTensor(4, 8):zero()
    c:narrow(2, 2, 5):uniform()
    assert.same(a:totable(), c:narrow(2, 2, 5):totable())
    assert.equal(0, c[1][1])
  end)

  it('rejects a > b and integer tensors', function()
    fails('uniform: bounds a = 2 and b = 1', torch.uniform, 2, 1)
    fails('uniform: bounds a = 2 and b = 1', function() torch.Tensor(3):uniform(2, 1) end)
    fails('uniform: expected a FloatTensor or DoubleTensor, got a LongTensor', function()
      torch.LongTensor(3):uniform()
    end)
  end)
end)

describe('normal and friends', function()
  it('normal has the requested mean and standard deviation', function()
    torch.manualSeed(4)
    local mean, std = stats(torch.DoubleTensor(100000):normal(3, 2))
    assert.is_true(math.abs(mean - 3) < 0.03)
    assert.is_true(math.abs(std - 2) < 0.03)
    local m2, s2 = stats(torch.randn(100000))
    assert.is_true(math.abs(m2) < 0.02 and math.abs(s2 - 1) < 0.02)
    fails('normal: standard deviation -1 must be > 0', torch.normal, 0, -1)
  end)

  it('exponential has mean 1 / lambda', function()
    torch.manualSeed(5)
    local x = torch.DoubleTensor(100000):exponential(4)
    local mean, _, flat = stats(x)
    assert.is_true(math.abs(mean - 0.25) < 0.01)
    for i = 1, 100 do assert.is_true(flat[i] >= 0) end
    fails('exponential: lambda 0 must be > 0', torch.exponential, 0)
  end)

  it('cauchy has median 0 and logNormal the requested mean and std of the log', function()
    torch.manualSeed(6)
    local _, _, flat = stats(torch.DoubleTensor(20001):cauchy(0, 1))
    table.sort(flat)
    assert.is_true(math.abs(flat[10001]) < 0.05)
    local mean, std = stats(torch.DoubleTensor(100000):logNormal(2, 0.5):log())
    assert.is_true(math.abs(mean - 2) < 0.01)
    assert.is_true(math.abs(std - 0.5) < 0.01)
    fails('logNormal: standard deviation 0 must be > 0', torch.logNormal, 1, 0)
  end)

  it('geometric follows Torch7: P(k) = (1 - p) p^(k - 1)', function()
    torch.manualSeed(7)
    local x = torch.DoubleTensor(100000):geometric(0.5)
    local _, _, flat = stats(x)
    local ones = 0
    for _, v in ipairs(flat) do
      assert.is_true(v >= 1 and v == math.floor(v))
      if v == 1 then ones = ones + 1 end
    end
    assert.is_true(math.abs(ones / #flat - 0.5) < 0.01)
    fails('geometric: p = 1 must be > 0 and < 1', torch.geometric, 1)
  end)
end)

describe('bernoulli', function()
  it('gives ones at frequency p, for every type', function()
    torch.manualSeed(8)
    for _, T in ipairs{'FloatTensor', 'DoubleTensor', 'LongTensor', 'ByteTensor'} do
      local x = torch[T](100000):bernoulli(0.3)
      local mean, _, flat = stats(x:double())
      assert.is_true(math.abs(mean - 0.3) < 0.01)
      for i = 1, 50 do assert.is_true(flat[i] == 0 or flat[i] == 1) end
    end
    local zeros = torch.Tensor(1000):bernoulli(0)
    assert.equal(0, (stats(zeros)))
    local ones = torch.Tensor(1000):bernoulli(1)
    assert.equal(1, (stats(ones)))
    local v = torch.bernoulli()
    assert.is_true(v == 0 or v == 1)
  end)

  it('takes per-element probabilities', function()
    local p = torch.Tensor(2, 1000)
    p:select(1, 1):fill(0)
    p:select(1, 2):fill(1)
    local x = torch.Tensor(2, 1000):bernoulli(p)
    assert.equal(0, (stats(x:select(1, 1))))
    assert.equal(1, (stats(x:select(1, 2))))
    fails('bernoulli: probability 2 at element 1 is not in [0, 1]', function()
      torch.Tensor(2):bernoulli(torch.Tensor{2, 0})
    end)
  end)

  it('rejects p outside [0, 1]', function()
    fails('bernoulli: p = 1.5 must be >= 0 and <= 1', torch.bernoulli, 1.5)
    fails('bernoulli: p = -0.1 must be >= 0 and <= 1', function() torch.Tensor(2):bernoulli(-0.1) end)
  end)
end)

describe('random', function()
  it('draws integers in Torch7\'s ranges', function()
    torch.manualSeed(9)
    local x = torch.LongTensor(100000):random(-3, 4)
    local counts, flat = {}, x:totable()
    for _, v in ipairs(flat) do counts[v] = (counts[v] or 0) + 1 end
    for v = -3, 4 do assert.is_true(math.abs(counts[v] / #flat - 1 / 8) < 0.01) end
    for v in pairs(counts) do assert.is_true(v >= -3 and v <= 4) end
    local y = torch.Tensor(1000):random(6) -- 1..6
    for _, v in ipairs(y:totable()) do assert.is_true(v >= 1 and v <= 6 and v == math.floor(v)) end
    local r = torch.random(10, 12)
    assert.is_true(math.type(r) == 'integer' and r >= 10 and r <= 12)
    local b = torch.ByteTensor(1000):random()
    for _, v in ipairs(b:totable()) do assert.is_true(v >= 0 and v <= 255) end
  end)

  it('rejects bad bounds', function()
    fails('random: lower bound 5 is above upper bound 2', torch.random, 5, 2)
    fails('random: upper bound 0 must be >= 1', torch.random, 0)
    fails('random: range [0, 300] does not fit a ByteTensor', function()
      torch.ByteTensor(3):random(0, 300)
    end)
  end)
end)

describe('constructors', function()
  it('rand and randn make tensors of the default type', function()
    local r = torch.rand(2, 3)
    assert.equal(torch.getdefaulttensortype(), torch.type(r))
    assert.same({2, 3}, {r:size(1), r:size(2)})
    local n = torch.randn(torch.LongStorage{4, 5})
    assert.equal(torch.getdefaulttensortype(), torch.type(n))
    assert.same({4, 5}, {n:size(1), n:size(2)})
    local default = torch.getdefaulttensortype()
    finally(function() torch.setdefaulttensortype(default) end)
    for _, T in ipairs{'torch.FloatTensor', 'torch.DoubleTensor'} do
      torch.setdefaulttensortype(T)
      assert.equal(T, torch.type(torch.rand(2)))
      assert.equal(T, torch.type(torch.randn(2)))
    end
    local res = torch.DoubleTensor()
    assert.equal(res, torch.rand(res, 7))
    assert.equal(7, res:size(1))
  end)

  it('randperm is a permutation of 1..n', function()
    torch.manualSeed(10)
    local p = torch.randperm(100)
    assert.equal(torch.getdefaulttensortype(), torch.type(p)) -- Torch7: the default type
    local seen, flat = {}, p:long():totable()
    for _, v in ipairs(flat) do
      assert.is_true(math.type(v) == 'integer' and v >= 1 and v <= 100 and not seen[v])
      seen[v] = true
    end
    assert.equal(100, #flat)
    local d = torch.randperm(torch.DoubleTensor(), 5)
    assert.equal('torch.DoubleTensor', torch.type(d))
    fails('randperm: size 0 must be > 0', torch.randperm, 0)
  end)
end)

describe('multinomial', function()
  it('draws in proportion to the weights', function()
    torch.manualSeed(11)
    local a = torch.multinomial(torch.Tensor{1, 1, 0.5, 0}, 20000, true)
    assert.equal('torch.LongTensor', torch.type(a))
    local counts = {0, 0, 0, 0}
    for _, v in ipairs(a:totable()) do counts[v] = counts[v] + 1 end
    assert.is_true(math.abs(counts[1] / 20000 - 0.4) < 0.015)
    assert.is_true(math.abs(counts[3] / 20000 - 0.2) < 0.015)
    assert.equal(0, counts[4])
  end)

  it('without replacement never repeats, row by row for 2D weights', function()
    local p = torch.DoubleTensor({{1, 2, 3, 4}, {0, 0, 1, 1}})
    local s = torch.multinomial(p, 2)
    assert.same({2, 2}, {s:size(1), s:size(2)})
    local rows = s:totable()
    assert.are_not.equal(rows[1][1], rows[1][2])
    assert.is_true((rows[2][1] == 3 and rows[2][2] == 4) or (rows[2][1] == 4 and rows[2][2] == 3))
    local all = p:select(1, 1):multinomial(4)
    local seen = {}
    for _, v in ipairs(all:totable()) do assert.is_nil(seen[v]); seen[v] = true end
    local res = torch.LongTensor()
    assert.equal(res, torch.multinomial(res, p, 1))
  end)

  it('rejects bad weights and counts', function()
    fails('multinomial: row 1 has no positive probability', torch.multinomial, torch.Tensor{0, 0}, 1)
    fails('multinomial: probability -1 (row 1, column 2) is negative', torch.multinomial,
          torch.Tensor{1, -1}, 1)
    fails('multinomial: cannot draw 3 samples from 2 categories without replacement',
          torch.multinomial, torch.Tensor{1, 1}, 3)
    fails('multinomial: probabilities must be a 1D or 2D tensor, got 3D', torch.multinomial,
          torch.Tensor(2, 2, 2):fill(1), 1)
  end)
end)

describe('torch.Generator', function()
  -- a list of numbers, exactly, from a tensor or a number
  local function vals(x)
    if type(x) == 'number' then return {x} end
    return x:contiguous():view(x:nElement()):totable()
  end

  -- What f(g) draws from a generator seeded 42 is what f(nil) draws from the default
  -- generator seeded 42, and drawing it leaves the default generator where it was.
  local function like_default(f)
    torch.manualSeed(42)
    local want = vals(f(nil))
    local g = torch.Generator(42)
    torch.manualSeed(7)
    torch.random()
    local next7 = torch.random()
    torch.manualSeed(7)
    torch.random()
    local got = vals(f(g))
    assert.same(want, got)
    assert.equal(next7, torch.random())
  end

  it('is a class of its own, seeded apart from the default', function()
    local g = torch.Generator()
    assert.equal('torch.Generator', torch.type(g))
    assert.is_true(torch.isTypeOf(g, 'torch.Generator'))
    assert.is_truthy(tostring(g):find('torch.Generator', 1, true))
    assert.is_true(math.type(torch.initialSeed(g)) == 'integer')
    assert.equal(5, torch.initialSeed(torch.Generator(5)))
  end)

  it('gives Torch7\'s and MT19937\'s numbers for a seed', function()
    local g = torch.Generator()
    torch.manualSeed(g, 0) -- Torch7's documentation example
    assert.equal(2357136044, torch.random(g))
    assert.equal(2546248239, torch.random(g))
    torch.manualSeed(g, 5489)
    assert.equal(3499211612, torch.random(g))
    assert.equal(581869302, torch.random(g))
    assert.equal(5489, torch.initialSeed(g))
  end)

  it('two generators seeded alike give the same numbers', function()
    local a, b = torch.Generator(), torch.Generator()
    torch.manualSeed(a, 123)
    torch.manualSeed(b, 123)
    for _ = 1, 3 do
      assert.equal(torch.uniform(a), torch.uniform(b))
      assert.equal(torch.normal(a, 1, 2), torch.normal(b, 1, 2))
      assert.same(torch.rand(a, 5):totable(), torch.rand(b, 5):totable())
    end
    assert.is_true(math.abs(torch.uniform(torch.Generator(123)) - 0.69646918727085) < 1e-13)
  end)

  it('leaves the default generator\'s sequence as it was', function()
    -- the default generator's numbers for manualSeed(1), as dlua printed them before
    -- generators existed, with draws from g between every step
    local g = torch.Generator(99)
    torch.manualSeed(1)
    assert.equal(1791095845, torch.random())
    torch.random(g)
    assert.equal(4282876139, torch.random())
    torch.normal(g) -- keeps half a Box-Muller pair in g, not in the default
    assert.equal(0.72032448928803205, torch.uniform())
    assert.equal(0.013787506803775619, torch.normal())
    torch.randn(g, 3)
    assert.same({2, 3, 4, 6, 5, 1}, torch.randperm(6):totable())
    torch.DoubleTensor(5):uniform(g)
    local r = torch.rand(torch.FloatTensor(), 3):totable() -- float draws, as printed then
    local want = {0.0923385918, 0.396580726, 0.186260208}
    for i = 1, 3 do assert.is_true(math.abs(r[i] - want[i]) < 1e-9) end
    torch.normal(g)
    assert.equal(1.981342049674035, torch.normal(2, 3))
    torch.seed(g)
    torch.manualSeed(g, 3)
    assert.same({-0.22417851956561208, -0.30887854984030128, 0.33949208073318005},
                torch.DoubleTensor(3):uniform(-1, 1):totable())
    assert.equal(1, torch.initialSeed())
  end)

  it('every scalar draw takes it first', function()
    like_default(function(g) return g and torch.uniform(g, 2, 3) or torch.uniform(2, 3) end)
    like_default(function(g) return g and torch.normal(g, 1, 2) or torch.normal(1, 2) end)
    like_default(function(g) return g and torch.exponential(g, 2) or torch.exponential(2) end)
    like_default(function(g) return g and torch.cauchy(g, 1, 2) or torch.cauchy(1, 2) end)
    like_default(function(g) return g and torch.logNormal(g, 1, 2) or torch.logNormal(1, 2) end)
    like_default(function(g) return g and torch.geometric(g, 0.3) or torch.geometric(0.3) end)
    like_default(function(g) return g and torch.bernoulli(g, 0.6) or torch.bernoulli(0.6) end)
    like_default(function(g) return g and torch.random(g) or torch.random() end)
    like_default(function(g) return g and torch.random(g, 6) or torch.random(6) end)
    like_default(function(g) return g and torch.random(g, -5, 5) or torch.random(-5, 5) end)
    like_default(function(g) return g and torch.uniform(g) or torch.uniform() end)
  end)

  it('fills take it after the tensor (Torch7) or first', function()
    local function fill(name, ...)
      local args = {...}
      like_default(function(g)
        local x = torch.DoubleTensor(3, 4)
        if g then return x[name](x, g, table.unpack(args)) end
        return x[name](x, table.unpack(args))
      end)
      like_default(function(g)
        local x = torch.DoubleTensor(12)
        if g then return torch[name](g, x, table.unpack(args)) end
        return torch[name](x, table.unpack(args))
      end)
    end
    fill('uniform', -1, 1)
    fill('normal', 5, 2)
    fill('exponential', 3)
    fill('cauchy', 0, 1)
    fill('logNormal', 2, 1)
    fill('geometric', 0.4)
    fill('bernoulli', 0.2)
    fill('bernoulli', torch.DoubleTensor(12):fill(0.5)) -- one probability per element
    fill('random')
    fill('random', 9)
    fill('random', 3, 8)
    local x, g = torch.Tensor(4), torch.Generator()
    assert.equal(x, x:uniform(g))
    assert.equal(x, torch.bernoulli(x, g, 0.5))
  end)

  it('rand, randn, randperm and multinomial take it', function()
    like_default(function(g) return g and torch.rand(g, 2, 3) or torch.rand(2, 3) end)
    like_default(function(g) return g and torch.randn(g, 4) or torch.randn(4) end)
    like_default(function(g) return g and torch.randperm(g, 10) or torch.randperm(10) end)
    local p = torch.Tensor{1, 2, 3, 4}
    like_default(function(g)
      return g and torch.multinomial(g, p, 5, true) or torch.multinomial(p, 5, true)
    end)
    like_default(function(g) return g and p:multinomial(g, 3) or p:multinomial(3) end)
    -- a result tensor before the generator, as Torch7 orders them
    local res = torch.DoubleTensor()
    like_default(function(g) return g and torch.rand(res, g, 5) or torch.rand(res, 5) end)
    like_default(function(g) return g and torch.randn(res, g, 2, 2) or torch.randn(res, 2, 2) end)
    local perm = torch.LongTensor()
    like_default(function(g) return g and torch.randperm(perm, g, 6) or torch.randperm(perm, 6) end)
    local idx = torch.LongTensor()
    like_default(function(g)
      return g and torch.multinomial(idx, g, p, 2) or torch.multinomial(idx, p, 2)
    end)
    assert.equal(res, torch.rand(res, torch.Generator(), 3))
    assert.equal(idx, torch.multinomial(idx, torch.Generator(), p, 2))
  end)

  it('has its own seed and state', function()
    torch.manualSeed(17)
    local g = torch.Generator()
    local s = torch.seed(g)
    assert.equal(s, torch.initialSeed(g))
    assert.equal(17, torch.initialSeed())
    torch.normal(g)
    local state = torch.getRNGState(g)
    local a = torch.randn(g, 20):totable()
    torch.manualSeed(g, 1)
    assert.equal(state, torch.setRNGState(g, state))
    assert.same(a, torch.randn(g, 20):totable())
    -- states are interchangeable: g continues the default generator's sequence
    torch.manualSeed(3)
    torch.setRNGState(g, torch.getRNGState())
    local b = torch.rand(g, 10):totable()
    assert.same(b, torch.rand(10):totable())
  end)

  it('rejects misplaced generators and bad arguments', function()
    local g = torch.Generator()
    fails('uniform: argument 3: the torch.Generator must come before the other arguments',
          torch.uniform, 0, 1, g)
    fails('uniform: argument 4: the torch.Generator must come before',
          function() torch.Tensor(2):uniform(0, 1, g) end)
    fails('rand: argument 3: the torch.Generator must come before', torch.rand, 2, 2, g)
    fails('manualSeed: argument 2: expected an integer, got no value', torch.manualSeed, g)
    fails('setRNGState: argument 2: expected a torch.ByteTensor', torch.setRNGState, g,
          torch.FloatTensor(4))
    fails('Generator: argument 1: expected an integer, got string', torch.Generator, 'x')
    fails('multinomial: argument 2: expected a tensor, got no value', torch.multinomial, g)
  end)

  it('saves and loads with its state', function()
    for _, format in ipairs{'binary', 'ascii'} do
      local g = torch.Generator(8)
      torch.normal(g)
      local s = torch.serialize({g, g}, format)
      local a = torch.rand(g, 10):totable()
      local loaded = torch.deserialize(s, format)
      assert.equal('torch.Generator', torch.type(loaded[1]))
      assert.equal(loaded[1], loaded[2]) -- one object, as saved
      assert.equal(8, torch.initialSeed(loaded[1]))
      assert.same(a, torch.rand(loaded[1], 10):totable())
    end
    local name = os.tmpname()
    local g = torch.Generator(9)
    torch.save(name, g)
    local h = torch.load(name)
    os.remove(name)
    assert.equal(torch.random(g), torch.random(h))
  end)

  it('refuses a saved generator whose state is corrupt', function()
    local function saved(state)
      local f = torch.MemoryFile('rw'):binary()
      local function str(s) f:writeInt(#s); f:writeChar(s) end
      f:writeInt(4) -- a torch object
      f:writeInt(99)
      str('V 1')
      str('torch.Generator')
      f:writeObject(state)
      local s = f:string()
      f:close()
      return s
    end
    fails('the state of a torch.Generator: setRNGState: state has 10 bytes', torch.deserialize,
          saved(torch.ByteTensor(10):zero()))
    fails('the state of a torch.Generator is not a contiguous torch.ByteTensor',
          torch.deserialize, saved('not a tensor'))
    local n = torch.getRNGState():nElement()
    fails('the state of a torch.Generator: setRNGState: invalid state', torch.deserialize,
          saved(torch.ByteTensor(n):zero()))
  end)
end)
