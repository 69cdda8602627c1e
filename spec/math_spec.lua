require 'torch'

-- Largest absolute difference between a tensor and a nested table; errors on a shape
-- mismatch, so a wrong broadcast cannot pass.
local function maxdiff(t, expected)
  local worst = 0
  local function walk(x, y)
    if type(x) == 'table' then
      assert(type(y) == 'table' and #x == #y, 'shape differs')
      for i = 1, #x do walk(x[i], y[i]) end
    else
      assert(type(y) == 'number', 'shape differs')
      worst = math.max(worst, math.abs(x - y))
    end
  end
  walk(t:totable(), expected)
  return worst
end

local function near(t, expected, tol)
  local d = maxdiff(t, expected)
  assert(d <= (tol or 0), ('max difference %g > %g'):format(d, tol or 0))
end

local function fails(pattern, f, ...)
  local ok, err = pcall(f, ...)
  assert.is_false(ok)
  assert.is_truthy(string.find(tostring(err), pattern, 1, true),
                   'error "' .. tostring(err) .. '" lacks "' .. pattern .. '"')
end

local TYPES = {'FloatTensor', 'DoubleTensor', 'LongTensor'}

describe('add', function()
  for _, T in ipairs(TYPES) do
    it('adds a number, a tensor and value*tensor on ' .. T, function()
      local x = torch[T]({{1, 2, 3}, {4, 5, 6}})
      near(x:clone():add(10), {{11, 12, 13}, {14, 15, 16}})
      local y = torch[T]({{1, 1, 1}, {2, 2, 2}})
      local r = x:clone()
      assert.equal(r, r:add(y)) -- in place, returns self
      near(r, {{2, 3, 4}, {6, 7, 8}})
      near(x:clone():add(3, y), {{4, 5, 6}, {10, 11, 12}})
      near(torch.add(x, y), {{2, 3, 4}, {6, 7, 8}})
      near(torch.add(x, 2, y), {{3, 4, 5}, {8, 9, 10}})
      near(torch.add(x, 5), {{6, 7, 8}, {9, 10, 11}})
      near(x, {{1, 2, 3}, {4, 5, 6}}) -- the torch.* forms did not touch x
      assert.equal(T, torch.type(torch.add(x, y)):match('%a+Tensor'))
    end)
  end

  it('writes into a given result, reusing its storage', function()
    local x, y = torch.Tensor({1, 2}), torch.Tensor({10, 20})
    local res = torch.Tensor(2)
    local data = res:storage()
    assert.equal(res, torch.add(res, x, y))
    near(res, {11, 22})
    assert.equal(data, res:storage())
    local res2 = torch.Tensor(7)
    torch.add(res2, x, y) -- resized to the operands' shape
    assert.same({2}, {res2:size(1)})
    assert.equal(1, res2:dim())
    res:add(x, y) -- res:add(x, y) is res = x + y
    near(res, {11, 22})
  end)

  it('broadcasts (2x3)+(3), (2x1)+(1x3) and (3)+(2x3)', function()
    local a = torch.Tensor({{1, 2, 3}, {4, 5, 6}})
    near(torch.add(a, torch.Tensor({10, 20, 30})), {{11, 22, 33}, {14, 25, 36}})
    near(torch.add(torch.Tensor({{1}, {2}}), torch.Tensor({{10, 20, 30}})),
         {{11, 21, 31}, {12, 22, 32}})
    near(torch.add(torch.Tensor({10, 20, 30}), a), {{11, 22, 33}, {14, 25, 36}})
    near(a:clone():add(torch.Tensor({{100}, {200}})), {{101, 102, 103}, {204, 205, 206}})
  end)

  it('reads transposed and narrowed operands', function()
    local a = torch.Tensor({{1, 2}, {3, 4}, {5, 6}})
    local at = a:t() -- 2x3, non-contiguous
    near(torch.add(at, torch.Tensor({{1, 1, 1}, {2, 2, 2}})), {{2, 4, 6}, {4, 6, 8}})
    local n = a:narrow(1, 2, 2):select(2, 2) -- {4, 6}
    near(torch.add(n, torch.Tensor({1, 1})), {5, 7})
  end)

  it('works in place on a non-contiguous view, writing only its elements', function()
    local a = torch.Tensor({{1, 2, 3}, {4, 5, 6}})
    local col = a:select(2, 2) -- {2, 5}, stride 3
    col:add(100)
    near(a, {{1, 102, 3}, {4, 105, 6}})
    local t = a:t()
    t:add(torch.Tensor({1, 2})) -- column j of a^T is row j of a: adds 1 to row 1, 2 to row 2
    near(a, {{2, 103, 4}, {6, 107, 8}})
    local sub = a:narrow(2, 2, 2)
    sub:cmul(torch.Tensor({{2, 3}, {4, 5}}))
    near(a, {{2, 206, 12}, {6, 428, 40}})
  end)

  it('names the function and both sizes when shapes do not broadcast', function()
    local a, b = torch.Tensor(2, 3), torch.Tensor(4)
    fails('add: sizes 2x3 and 4 do not broadcast', torch.add, a, b)
    fails('cmul: sizes 2x3 and 4 do not broadcast', function() return a:cmul(b) end)
    -- in place, the result cannot grow into the broadcast shape
    fails('add:', function() return torch.Tensor(3):add(torch.Tensor(2, 3)) end)
    fails('2x3', function() return torch.Tensor(3):add(torch.Tensor(2, 3)) end)
  end)

  it('refuses operands of different types, naming both', function()
    fails('add: tensor types differ: torch.FloatTensor and torch.DoubleTensor',
          torch.add, torch.FloatTensor(2), torch.DoubleTensor(2))
    fails('torch.LongTensor and torch.FloatTensor', function()
      return torch.LongTensor(2):cmul(torch.FloatTensor(2)) end)
  end)

  it('rejects bad arguments', function()
    fails('add: bad arguments', torch.add, 'x', 1)
    fails('add: bad arguments', function() return torch.Tensor(2):add('a') end)
  end)
end)

describe('csub, mul, div, cmul, cdiv', function()
  for _, T in ipairs(TYPES) do
    it('computes them on ' .. T, function()
      local x = torch[T]({6, 8, -9})
      near(x:clone():csub(1), {5, 7, -10})
      near(x:clone():csub(2, torch[T]({1, 1, 1})), {4, 6, -11})
      near(torch.mul(x, 2), {12, 16, -18})
      near(x:clone():mul(-1), {-6, -8, 9})
      near(torch.cmul(x, torch[T]({2, 3, 4})), {12, 24, -36})
      if T == 'LongTensor' then
        near(torch.div(x, 4), {1, 2, -2}) -- truncates, as C and Torch7
        near(torch.cdiv(x, torch[T]({4, 3, 2})), {1, 2, -4})
      else
        near(torch.div(x, 4), {1.5, 2, -2.25})
        near(torch.cdiv(x, torch[T]({4, 16, 2})), {1.5, 0.5, -4.5})
      end
    end)
  end

  it('reports integer division by zero', function()
    fails('div: integer division by zero', torch.div, torch.LongTensor({1, 2}), 0)
    fails('cdiv: integer division by zero', torch.cdiv, torch.LongTensor({1, 2}),
          torch.LongTensor({1, 0}))
  end)

  it('gives infinity for float division by zero', function()
    local r = torch.div(torch.DoubleTensor({1, -1}), 0)
    assert.equal(math.huge, r[1])
    assert.equal(-math.huge, r[2])
  end)

  it('works on ByteTensors', function()
    local b = torch.ByteTensor({1, 2, 250})
    near(torch.add(b, 3), {4, 5, 253})
    near(torch.mul(b, 2), {2, 4, 244}) -- 500 wraps modulo 256
    near(torch.cmul(b, torch.ByteTensor({3, 3, 1})), {3, 6, 250})
  end)
end)

describe('pow, cpow, fmod, remainder', function()
  it('raises to a power and takes powers of a number', function()
    near(torch.pow(torch.DoubleTensor({1, 2, 3}), 2), {1, 4, 9})
    near(torch.DoubleTensor({4, 9}):pow(0.5), {2, 3})
    near(torch.pow(2, torch.DoubleTensor({0, 1, 10})), {1, 2, 1024})
    near(torch.DoubleTensor(3):pow(3, torch.DoubleTensor({0, 1, 2})), {1, 3, 9})
    near(torch.pow(torch.LongTensor({-5, 3}), 3), {-125, 27})
    near(torch.cpow(torch.DoubleTensor({2, 3}), torch.DoubleTensor({3, 2})), {8, 9})
    near(torch.cpow(torch.LongTensor({2, 3}), torch.LongTensor({10, 3})), {1024, 27})
  end)

  for _, T in ipairs(TYPES) do
    it('fmod keeps the sign of the dividend, remainder that of the divisor on ' .. T, function()
      local x = torch[T]({-5, 5, -6, 7})
      near(torch.fmod(x, 3), {-2, 2, 0, 1})
      near(torch.remainder(x, 3), {1, 2, 0, 1})
      near(torch.fmod(x, -3), {-2, 2, 0, 1})
      near(torch.remainder(x, -3), {-2, -1, 0, -2})
      near(torch.cfmod(x, torch[T]({3, -3, 4, 4})), {-2, 2, -2, 3})
      near(torch.cremainder(x, torch[T]({3, -3, 4, 4})), {1, -1, 2, 3})
    end)
  end

  it('fmod and remainder work on fractions', function()
    near(torch.fmod(torch.DoubleTensor({-5.5, 5.5}), 2), {-1.5, 1.5})
    near(torch.remainder(torch.DoubleTensor({-5.5, 5.5}), 2), {0.5, 1.5})
  end)
end)

describe('addcmul, addcdiv, lerp', function()
  it('computes x + value * t1 * t2 and x + value * t1 / t2', function()
    local x = torch.DoubleTensor({1, 2})
    local t1, t2 = torch.DoubleTensor({3, 4}), torch.DoubleTensor({2, 8})
    near(x:clone():addcmul(t1, t2), {7, 34})
    near(x:clone():addcmul(0.5, t1, t2), {4, 18})
    near(torch.addcmul(x, 2, t1, t2), {13, 66})
    near(torch.addcdiv(x, 2, t1, t2), {4, 3})
    near(x:clone():addcdiv(t1, t2), {2.5, 2.5})
    local res = torch.DoubleTensor()
    torch.addcmul(res, x, t1, t2)
    near(res, {7, 34})
    near(x, {1, 2})
  end)

  it('broadcasts addcmul and works on LongTensors', function()
    local x = torch.LongTensor({{1, 2}, {3, 4}})
    near(torch.addcmul(x, torch.LongTensor({1, 2}), torch.LongTensor({{10}, {100}})),
         {{11, 22}, {103, 204}})
    near(torch.addcdiv(x, torch.LongTensor({7, 7}), torch.LongTensor({2, 2})), {{4, 5}, {6, 7}})
  end)

  it('interpolates with lerp', function()
    local a, b = torch.DoubleTensor({0, 10}), torch.DoubleTensor({4, 20})
    near(torch.lerp(a, b, 0.25), {1, 12.5})
    near(a:clone():lerp(b, 0.5), {2, 15})
    fails('lerp: not supported for torch.LongTensor', torch.lerp, torch.LongTensor(2),
          torch.LongTensor(2), 0.5)
  end)
end)

describe('clamp, abs, sign, neg', function()
  for _, T in ipairs(TYPES) do
    it('works on ' .. T, function()
      local x = torch[T]({-3, 0, 2, 7})
      near(torch.clamp(x, -1, 5), {-1, 0, 2, 5})
      near(x:clone():clamp(0, 1), {0, 0, 1, 1})
      near(torch.abs(x), {3, 0, 2, 7})
      near(torch.sign(x), {-1, 0, 1, 1})
      near(torch.neg(x), {3, 0, -2, -7})
      local y = x:clone()
      assert.equal(y, y:abs())
      near(y, {3, 0, 2, 7})
      near(torch.cmax(x, torch[T]({0, 1, 1, 10})), {0, 1, 2, 10})
      near(torch.cmin(x, 1), {-3, 0, 1, 1})
    end)
  end

  it('wraps LongTensor overflow as Torch7 does (no undefined behaviour)', function()
    local m = math.mininteger
    assert.are.same({m, m}, torch.abs(torch.LongTensor({m, m})):totable())
    assert.are.same({m}, torch.neg(torch.LongTensor({m})):totable())
    assert.are.same({m}, torch.add(torch.LongTensor({math.maxinteger}), 1):totable())
    -- math.mininteger / -1 traps in C on x86 (SIGFPE): it wraps, the remainder is 0
    assert.are.same({m, 7}, torch.div(torch.LongTensor({m, -7}), -1):totable())
    assert.are.same({m}, torch.cdiv(torch.LongTensor({m}), torch.LongTensor({-1})):totable())
    assert.are.same({0, 0}, torch.fmod(torch.LongTensor({m, 5}), -1):totable())
    assert.are.same({0}, torch.cremainder(torch.LongTensor({m}), torch.LongTensor({-1})):totable())
  end)

  it('writes self:abs(x) into self', function()
    local r = torch.Tensor(2)
    r:abs(torch.Tensor({-1, -2}))
    near(r, {1, 2})
  end)
end)

describe('float functions', function()
  local e = 2.718281828459045
  local cases = {
    {'sqrt', {4, 2.25}, {2, 1.5}},
    {'rsqrt', {4, 0.25}, {0.5, 2}},
    {'exp', {0, 1}, {1, e}},
    {'log', {1, e}, {0, 1}},
    {'log1p', {0, e - 1}, {0, 1}},
    {'sin', {0, math.pi / 2}, {0, 1}},
    {'cos', {0, math.pi}, {1, -1}},
    {'tan', {0, math.pi / 4}, {0, 1}},
    {'asin', {0, 1}, {0, math.pi / 2}},
    {'acos', {1, 0}, {0, math.pi / 2}},
    {'atan', {0, 1}, {0, math.pi / 4}},
    {'sinh', {0, 1}, {0, 1.1752011936438014}},
    {'cosh', {0, 1}, {1, 1.5430806348152437}},
    {'tanh', {0, 1}, {0, 0.7615941559557649}},
    {'sigmoid', {0, 1}, {0.5, 0.7310585786300049}},
    {'floor', {-1.5, 2.5}, {-2, 2}},
    {'ceil', {-1.5, 2.5}, {-1, 3}},
    {'round', {-1.5, 2.5}, {-2, 3}}, -- halves away from zero, as C's round
    {'trunc', {-1.7, 2.7}, {-1, 2}},
    {'frac', {-1.75, 2.25}, {-0.75, 0.25}},
    {'cinv', {2, -4}, {0.5, -0.25}},
  }
  for _, c in ipairs(cases) do
    local f, input, want = c[1], c[2], c[3]
    it(f .. ' on Float and Double, function and method forms', function()
      near(torch[f](torch.DoubleTensor(input)), want, 1e-14)
      near(torch[f](torch.FloatTensor(input)), want, 1e-6)
      local x = torch.DoubleTensor(input)
      assert.equal(x, x[f](x))
      near(x, want, 1e-14)
      local res = torch.DoubleTensor(5)
      torch[f](res, torch.DoubleTensor(input))
      near(res, want, 1e-14)
    end)
    it(f .. ' refuses Long and Byte tensors', function()
      fails(f .. ': not supported for torch.LongTensor', torch[f], torch.LongTensor({1}))
      fails(f .. ': not supported for torch.ByteTensor', torch[f], torch.ByteTensor({1}))
    end)
  end

  it('atan2 takes y then x', function()
    near(torch.atan2(torch.DoubleTensor({1, 0}), torch.DoubleTensor({1, -1})),
         {math.pi / 4, math.pi}, 1e-15)
    fails('atan2: not supported for torch.LongTensor', torch.atan2, torch.LongTensor(1),
          torch.LongTensor(1))
  end)

  it('applies on a transposed view in place', function()
    local a = torch.DoubleTensor({{1, 4}, {9, 16}})
    a:t():sqrt()
    near(a, {{1, 2}, {3, 4}})
  end)
end)

describe('comparisons', function()
  local names = {lt = {1, 0, 0}, le = {1, 1, 0}, gt = {0, 0, 1}, ge = {0, 1, 1},
                 eq = {0, 1, 0}, ne = {1, 0, 1}}
  for _, T in ipairs({'FloatTensor', 'DoubleTensor', 'LongTensor', 'ByteTensor'}) do
    for f, want in pairs(names) do
      it(f .. ' on ' .. T .. ' against a number and a tensor', function()
        local x = torch[T]({1, 2, 3})
        local r = torch[f](x, 2)
        assert.equal('torch.ByteTensor', torch.type(r))
        near(r, want)
        near(x[f](x, 2), want)
        near(torch[f](x, torch[T]({2, 2, 2})), want)
        near(x, {1, 2, 3}) -- a:lt(b) does not change a
        local res = torch.ByteTensor()
        assert.equal(res, res[f](res, x, torch[T]({2, 2, 2})))
        near(res, want)
        torch[f](res, x, 2)
        near(res, want)
      end)
    end
  end

  it('compares integers with a fractional number exactly', function()
    near(torch.gt(torch.LongTensor({2, 3}), 2.5), {0, 1})
  end)

  it('broadcasts', function()
    local a = torch.Tensor({{1, 5}, {3, 2}})
    near(a:gt(torch.Tensor({2, 4})), {{0, 1}, {1, 0}})
    near(torch.eq(torch.Tensor({{1}, {2}}), torch.Tensor({1, 2, 3})), {{1, 0, 0}, {0, 1, 0}})
  end)

  it('wants a ByteTensor result, or one of the operands\' type (Torch7)', function()
    near(torch.lt(torch.FloatTensor(2), torch.FloatTensor({0, 2}), 1), {1, 0})
    fails('lt: the result is a torch.DoubleTensor, expected a torch.ByteTensor', function()
      return torch.lt(torch.DoubleTensor(2), torch.FloatTensor(2), 1) end)
  end)
end)

describe('operators', function()
  for _, T in ipairs({'FloatTensor', 'DoubleTensor', 'LongTensor', 'ByteTensor'}) do
    it('+ - * / on ' .. T .. ' allocate new tensors', function()
      local a, b = torch[T]({{4, 6}, {8, 10}}), torch[T]({2, 2})
      local c = a + b
      assert.are_not.equal(a, c)
      assert.equal('torch.' .. T, torch.type(c))
      near(c, {{6, 8}, {10, 12}})
      near(a - b, {{2, 4}, {6, 8}})
      near(a / b, {{2, 3}, {4, 5}})
      near(a + 1, {{5, 7}, {9, 11}})
      near(1 + a, {{5, 7}, {9, 11}})
      near(a - 1, {{3, 5}, {7, 9}})
      near(20 - a, {{16, 14}, {12, 10}})
      near(a / 2, {{2, 3}, {4, 5}})
      near(120 / a, {{30, 20}, {15, 12}})
      near(a * 2, {{8, 12}, {16, 20}})
      near(2 * a, {{8, 12}, {16, 20}})
      near(a, {{4, 6}, {8, 10}})
    end)
  end

  it('unary minus', function()
    near(-torch.Tensor({1, -2}), {-1, 2})
    near(-torch.LongTensor({{3}}), {{-3}})
  end)

  it('tensor * tensor is dot, mv or mm by dimensions', function()
    local v = torch.Tensor({1, 2, 3})
    assert.equal(14, v * v)
    local m = torch.Tensor({{1, 0, 1}, {0, 1, 0}})
    near(m * v, {4, 2})
    near(m * m:t(), {{2, 0}, {0, 1}})
    fails('__mul: tensor * tensor needs', function() return v * m end)
  end)

  it('broadcast and type errors name the operator', function()
    fails('__add: sizes 2x3 and 2 do not broadcast', function()
      return torch.Tensor(2, 3) + torch.Tensor(2) end)
    fails('__sub: tensor types differ: torch.FloatTensor and torch.LongTensor', function()
      return torch.FloatTensor(2) - torch.LongTensor(2) end)
    fails('__div: argument 2: expected a number', function() return torch.Tensor(2) / 'x' end)
  end)
end)

describe('large tensors', function()
  it('adds and multiplies a million elements (the threaded path) exactly', function()
    local n = 1000003
    local x = torch.DoubleTensor(n):fill(1.5)
    local y = torch.DoubleTensor(n):fill(2)
    local r = torch.DoubleTensor(n)
    torch.add(r, x, y)
    assert.equal(3.5, r[1]); assert.equal(3.5, r[n]); assert.equal(3.5, r[500000])
    torch.cmul(r, x, y)
    assert.equal(3, r[1]); assert.equal(3, r[n])
    -- a strided view over a large tensor
    local m = torch.DoubleTensor(1000, 1001):fill(1)
    m:t():mul(3)
    assert.equal(3, m[1000][1001])
  end)
end)

describe('byte arithmetic', function()
  it('wraps modulo 256 with negative scalars', function()
    near(torch.ByteTensor({5, 0}):csub(1), {4, 255})
    near(torch.ByteTensor({5, 1}):add(-2), {3, 255})
  end)
end)
