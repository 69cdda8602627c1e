require 'torch'

-- Largest absolute difference between a tensor and a nested table (or another tensor).
local function maxdiff(t, expected)
  if torch.isTensor and torch.isTensor(expected) or type(expected) == 'userdata' then
    expected = expected:totable()
  end
  local worst = 0
  local function walk(x, y)
    if type(x) == 'table' then
      assert(type(y) == 'table' and #x == #y, 'shape differs')
      for i = 1, #x do walk(x[i], y[i]) end
    else
      worst = math.max(worst, math.abs(x - y))
    end
  end
  walk(t:totable(), expected)
  return worst
end

local function sizes(t)
  local s = {}
  for i = 1, t:dim() do s[i] = t:size(i) end
  return s
end

local A23 = {{1, 2, 3}, {4, 5, 6}}
local B32 = {{7, 8}, {9, 10}, {11, 12}}
local AB = {{58, 64}, {139, 154}}

local function fails(pattern, f, ...)
  local ok, err = pcall(f, ...)
  assert.is_false(ok)
  assert.is_truthy(string.find(tostring(err), pattern, 1, true),
                   'error "' .. tostring(err) .. '" lacks "' .. pattern .. '"')
end

describe('torch.mm', function()
  for _, T in ipairs{'FloatTensor', 'DoubleTensor', 'LongTensor'} do
    it('multiplies ' .. T .. ' matrices', function()
      local a, b = torch[T](A23), torch[T](B32)
      local c = torch.mm(a, b)
      assert.equal('torch.' .. T, torch.type(c))
      assert.same({2, 2}, sizes(c))
      assert.equal(0, maxdiff(c, AB))
    end)
  end

  it('reads transposed operands without copying them first', function()
    local at, bt = torch.Tensor(A23):t(), torch.Tensor(B32):t() -- 3x2 and 2x3 views
    assert.equal(0, maxdiff(torch.mm(bt, at), {{58, 139}, {64, 154}}))
    assert.equal(0, maxdiff(torch.mm(at:t(), bt:t()), AB))
  end)

  it('handles narrowed views and views of views', function()
    local big = torch.Tensor({{0, 1, 2, 3, 0}, {0, 4, 5, 6, 0}, {9, 9, 9, 9, 9}})
    local a = big:narrow(1, 1, 2):narrow(2, 2, 3) -- {{1,2,3},{4,5,6}}, row stride 5
    assert.equal(0, maxdiff(torch.mm(a, torch.Tensor(B32)), AB))
    -- every other column: neither stride is 1
    local wide = torch.Tensor({{7, 0, 8}, {9, 0, 10}, {11, 0, 12}})
    local cols = torch.Tensor(3, 2)
    cols:select(2, 1):copy(wide:select(2, 1))
    cols:select(2, 2):copy(wide:select(2, 3))
    assert.equal(0, maxdiff(torch.mm(a, cols), AB))
  end)

  it('writes into a given result, transposed results included', function()
    local a, b = torch.Tensor(A23), torch.Tensor(B32)
    local r = torch.Tensor(7)
    assert.equal(r, torch.mm(r, a, b))
    assert.same({2, 2}, sizes(r))
    assert.equal(0, maxdiff(r, AB))
    local rt = torch.Tensor(2, 2):t()
    rt:mm(a, b)
    assert.equal(1, rt:stride(1)) -- still the transposed view
    assert.equal(0, maxdiff(rt, AB))
  end)

  it('accepts the result as an operand', function()
    local a = torch.Tensor({{1, 2}, {3, 4}})
    a:mm(a, torch.Tensor({{0, 1}, {1, 0}}))
    assert.equal(0, maxdiff(a, {{2, 1}, {4, 3}}))
  end)

  it('reports mismatched sizes, dimensions and types', function()
    local a = torch.FloatTensor(2, 3)
    fails('mm: sizes 2x3 and 4x5 do not match (argument 2)', torch.mm, a, torch.FloatTensor(4, 5))
    fails('mm: argument 2 must be a 2D tensor, got 1D', torch.mm, a, torch.FloatTensor(3))
    fails('mm: argument 2 is a DoubleTensor, expected a FloatTensor', torch.mm, a,
          torch.DoubleTensor(3, 2))
    fails('expected a tensor', torch.mm, a, 3)
  end)
end)

describe('torch.dot', function()
  it('sums products, whatever the shapes', function()
    assert.equal(32, torch.dot(torch.Tensor{1, 2, 3}, torch.Tensor{4, 5, 6}))
    assert.equal(24, torch.Tensor(2, 2):fill(2):dot(torch.Tensor(4):fill(3)))
    local l = torch.LongTensor{1, 2, 3}:dot(torch.LongTensor{4, 5, 6})
    assert.equal(32, l)
    assert.is_true(math.type(l) == 'integer')
    assert.equal(32, torch.dot(torch.DoubleTensor{1, 2, 3}, torch.DoubleTensor{4, 5, 6}))
  end)

  it('reads strided vectors', function()
    local m = torch.Tensor({{1, 2}, {3, 4}, {5, 6}})
    assert.equal(1 * 2 + 3 * 4 + 5 * 6, torch.dot(m:select(2, 1), m:select(2, 2)))
    assert.equal(1 * 1 + 2 * 3 + 3 * 5 + 4 * 2 + 5 * 4 + 6 * 6, torch.dot(m:t(), m))
  end)

  it('rejects different element counts', function()
    fails('dot: sizes 3 and 4 do not match', torch.dot, torch.Tensor(3), torch.Tensor(4))
  end)
end)

describe('torch.mv and addmv', function()
  local m = {{1, 2}, {3, 4}, {5, 6}}
  it('multiplies a matrix and a vector', function()
    for _, T in ipairs{'FloatTensor', 'DoubleTensor', 'LongTensor'} do
      local r = torch.mv(torch[T](m), torch[T]{1, -1})
      assert.equal('torch.' .. T, torch.type(r))
      assert.equal(0, maxdiff(r, {-1, -1, -1}))
    end
    assert.equal(0, maxdiff(torch.mv(torch.Tensor(m):t(), torch.Tensor{1, 0, 1}), {6, 8}))
  end)

  it('follows Torch7 forms and scalar order', function()
    local x = torch.Tensor(3):fill(0)
    local M, y = torch.Tensor(3, 2):fill(3), torch.Tensor(2):fill(2)
    assert.equal(x, x:addmv(M, y))
    assert.equal(0, maxdiff(x, {12, 12, 12}))
    x:addmv(0.5, M, y) -- x = x + 0.5 M y
    assert.equal(0, maxdiff(x, {18, 18, 18}))
    x:addmv(2, 1, M, y) -- x = 2 x + M y
    assert.equal(0, maxdiff(x, {48, 48, 48}))
    local v = torch.Tensor{1, 2, 3}
    local r = torch.addmv(v, M, y) -- new tensor, v untouched
    assert.equal(0, maxdiff(r, {13, 14, 15}))
    assert.equal(0, maxdiff(v, {1, 2, 3}))
    r = torch.addmv(10, v, 2, M, y) -- 10 v + 2 M y
    assert.equal(0, maxdiff(r, {34, 44, 54}))
    local res = torch.Tensor()
    torch.addmv(res, v, M, y)
    assert.equal(0, maxdiff(res, {13, 14, 15}))
  end)

  it('reports size errors', function()
    fails('mv: sizes 3x2 and 3 do not match (argument 2)', torch.mv, torch.Tensor(3, 2),
          torch.Tensor(3))
    fails('addmv: sizes 2 and 3 do not match (argument 1)', torch.addmv, torch.Tensor(2),
          torch.Tensor(3, 2), torch.Tensor(2))
  end)
end)

describe('torch.addmm', function()
  local a, b = torch.Tensor(A23), torch.Tensor(B32)
  it('method form: M = M + a b, and the scalar orders', function()
    local M = torch.Tensor(2, 2):fill(1)
    M:addmm(a, b)
    assert.equal(0, maxdiff(M, {{59, 65}, {140, 155}}))
    M:fill(1):addmm(2, 3, a, b) -- v1 = 2, v2 = 3: 2 M + 3 a b
    assert.equal(0, maxdiff(M, {{176, 194}, {419, 464}}))
    local r = torch.Tensor()
    r:addmm(torch.Tensor(2, 2):fill(1), a, b)
    assert.equal(0, maxdiff(r, {{59, 65}, {140, 155}}))
    r:addmm(0.5, torch.Tensor(2, 2):fill(2), 2, a, b) -- 0.5 M2 + 2 a b
    assert.equal(0, maxdiff(r, {{117, 129}, {279, 309}}))
  end)

  it('function form allocates unless res is given', function()
    local M = torch.Tensor(2, 2):fill(1)
    local r = torch.addmm(M, a, b)
    assert.are_not.equal(M, r)
    assert.equal(0, maxdiff(M, {{1, 1}, {1, 1}}))
    assert.equal(0, maxdiff(r, {{59, 65}, {140, 155}}))
    local res = torch.Tensor()
    assert.equal(res, torch.addmm(res, 2, M, -1, a, b))
    assert.equal(0, maxdiff(res, {{-56, -62}, {-137, -152}}))
  end)

  it('broadcasts a bias row into M', function()
    local r = torch.addmm(torch.Tensor{1, 2}, a, b)
    assert.equal(0, maxdiff(r, {{59, 66}, {140, 156}}))
  end)

  it('with beta 0 ignores NaN in M', function()
    local M = torch.Tensor(2, 2):fill(0 / 0)
    M:addmm(0, 1, a, b)
    assert.equal(0, maxdiff(M, AB))
  end)

  it('works on double and long, and on transposed results', function()
    local Md = torch.DoubleTensor(2, 2):fill(1):t()
    Md:addmm(torch.DoubleTensor(A23), torch.DoubleTensor(B32))
    assert.equal(0, maxdiff(Md, {{59, 65}, {140, 155}}))
    local Ml = torch.LongTensor(2, 2):fill(1)
    Ml:addmm(2, 3, torch.LongTensor(A23), torch.LongTensor(B32))
    assert.equal(0, maxdiff(Ml, {{176, 194}, {419, 464}}))
  end)

  it('reports errors naming the function and sizes', function()
    fails('addmm: sizes 2x3 and 2x3 do not match (argument 3)', torch.addmm, torch.Tensor(2, 2), a, a)
    fails('addmm: sizes 3x3 and 2x2 do not match (argument 1)', torch.addmm, torch.Tensor(3, 3), a, b)
    fails('addmm: sizes 3x3 and 2x2 do not match (argument 1)', function()
      torch.Tensor(3, 3):addmm(a, b)
    end)
    fails('addmm: bad arguments', torch.addmm, a, b)
  end)
end)

describe('torch.addr and ger', function()
  local x, y = torch.Tensor{1, 2, 3}, torch.Tensor{1, 2}
  it('computes outer products as in the Torch7 documentation', function()
    local M = torch.Tensor(3, 2):zero()
    M:addr(x, y)
    assert.equal(0, maxdiff(M, {{1, 2}, {2, 4}, {3, 6}}))
    M:addr(2, 1, x, y)
    assert.equal(0, maxdiff(M, {{3, 6}, {6, 12}, {9, 18}}))
    local A = torch.Tensor({{1, 2}, {3, 4}, {5, 6}})
    M:addr(2, A, 1, x, y)
    assert.equal(0, maxdiff(M, {{3, 6}, {8, 12}, {13, 18}}))
    assert.equal(0, maxdiff(torch.ger(x, y), {{1, 2}, {2, 4}, {3, 6}}))
    assert.equal(0, maxdiff(torch.ger(torch.LongTensor{1, 2, 3}, torch.LongTensor{1, 2}),
                            {{1, 2}, {2, 4}, {3, 6}}))
    local m = torch.Tensor({{1, 9}, {2, 9}, {3, 9}})
    assert.equal(0, maxdiff(torch.ger(m:select(2, 1), y), {{1, 2}, {2, 4}, {3, 6}}))
  end)

  it('checks dimensions', function()
    fails('ger: argument 1 must be a 1D tensor, got 2D', torch.ger, torch.Tensor(2, 2), y)
  end)
end)

describe('batched products', function()
  -- batch 1: [[1,2],[3,4]] * I = itself; batch 2: [[1,0],[0,1]] * [[5,6],[7,8]]
  local b1 = torch.Tensor({{{1, 2}, {3, 4}}, {{1, 0}, {0, 1}}})
  local b2 = torch.Tensor({{{1, 0}, {0, 1}}, {{5, 6}, {7, 8}}})
  it('bmm multiplies entry by entry', function()
    local r = torch.bmm(b1, b2)
    assert.same({2, 2, 2}, sizes(r))
    assert.equal(0, maxdiff(r, {{{1, 2}, {3, 4}}, {{5, 6}, {7, 8}}}))
    local r2 = torch.Tensor()
    r2:bmm(b1:transpose(2, 3), b2)
    assert.equal(0, maxdiff(r2, {{{1, 3}, {2, 4}}, {{5, 6}, {7, 8}}}))
  end)

  it('baddbmm adds per entry, addbmm sums the entries', function()
    local M = torch.Tensor(2, 2, 2):fill(1)
    M:baddbmm(b1, b2)
    assert.equal(0, maxdiff(M, {{{2, 3}, {4, 5}}, {{6, 7}, {8, 9}}}))
    local r = torch.baddbmm(2, torch.Tensor(2, 2, 2):fill(1), 0.5, b1, b2)
    assert.equal(0, maxdiff(r, {{{2.5, 3}, {3.5, 4}}, {{4.5, 5}, {5.5, 6}}}))
    local s = torch.Tensor(2, 2):fill(1)
    s:addbmm(b1, b2)
    assert.equal(0, maxdiff(s, {{7, 9}, {11, 13}}))
    local s2 = torch.addbmm(0, torch.Tensor(2, 2), 2, b1:double():typeAs(b1), b2)
    assert.equal(0, maxdiff(s2, {{12, 16}, {20, 24}}))
  end)

  it('reports batch mismatches', function()
    fails('bmm: sizes 2x2x2 and 3x2x2 do not match (argument 2)', torch.bmm, b1, torch.Tensor(3, 2, 2))
    fails('baddbmm: argument 2 must be a 3D tensor, got 2D', torch.baddbmm, torch.Tensor(2, 2, 2),
          torch.Tensor(2, 2), b2)
  end)
end)

describe('larger products', function()
  it('agree with a plain loop on random float and double matrices', function()
    torch.manualSeed(5)
    for _, T in ipairs{'FloatTensor', 'DoubleTensor'} do
      local a = torch[T](37, 53):uniform(-1, 1)
      local b = torch[T](29, 53):uniform(-1, 1):t() -- a transposed 53x29 operand
      local c = torch.mm(a, b)
      local ta, tb, worst = a:totable(), b:totable(), 0
      for i = 1, 37, 6 do
        for j = 1, 29, 4 do
          local s = 0
          for k = 1, 53 do s = s + ta[i][k] * tb[k][j] end
          worst = math.max(worst, math.abs(s - c[i][j]))
        end
      end
      assert.is_true(worst < (T == 'FloatTensor' and 1e-4 or 1e-12))
    end
  end)
end)
