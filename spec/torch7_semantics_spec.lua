-- Torch7's semantics that its programs (and its own test suite, scripts/torch7_suites.sh)
-- rely on: same-count pairing of pointwise operands with a once-per-line warning,
-- comparisons into tensors of the operands' type, math functions of numbers, median's
-- tensors, select on a vector, cat of empty tensors, range into a view, linspace's one
-- point, storage views, randperm's type, setheaptracking, LAPACK results re-strided column-major, gels'
-- n rows, squeeze to a number, saving Lua functions and loading them only when trusted,
-- and the global include. Values are written out by hand.
require 'torch'
local H = require 'spec.helpers'

local function same(want, got) assert.are.same(want, got) end

local function writefile(path, text)
  local f = assert(io.open(path, 'w'))
  f:write(text)
  f:close()
end

-- dlua, by an absolute name (the include test runs it from another directory).
local function dluapath()
  local dlua = os.getenv('DLUA') or './build/dlua'
  if dlua:sub(1, 1) == '/' then return dlua end
  local pwd = io.popen('pwd')
  local here = pwd:read('l')
  pwd:close()
  return here .. '/' .. dlua
end

-- Runs a dlua script file in its own process from directory dir; stdout and stderr.
local function runfile(path, dir)
  local p = assert(io.popen(("cd '%s' && '%s' '%s' 2>&1"):format(dir or '.', dluapath(), path)))
  local out = p:read('a')
  p:close()
  return out
end

-- Runs a dlua script (text); returns its output and the script's file name.
local function run(script)
  local path = os.tmpname()
  writefile(path, script)
  local out = runfile(path)
  os.remove(path)
  return out, path
end

local function count(s, pat)
  local n = 0
  for _ in s:gmatch(pat) do n = n + 1 end
  return n
end

describe('operands of the same element count that do not broadcast', function()
  it('are paired in row-major order, the result taking the first shape', function()
    local a, b = torch.range(1, 6):view(2, 3), torch.range(1, 6)
    same({{2, 4, 6}, {8, 10, 12}}, (a + b):totable())
    same({0, 0, 0, 0, 0, 0}, (b - a):totable())
    same({{1, 4, 9}, {16, 25, 36}}, torch.cmul(a, b):totable())
    same({{1, 1, 1}, {1, 1, 1}}, torch.cdiv(a, b):totable())
    same({{1, 4, 27}, {256, 3125, 46656}}, torch.cpow(a, b):totable())
    same({{0, 0, 0}, {0, 0, 0}}, torch.cfmod(a, b):totable())
    same({{0, 0, 0}, {0, 0, 0}}, torch.cremainder(a, b):totable())
    local c = a:clone():add(2, b)                  -- in place, value form
    same({{3, 6, 9}, {12, 15, 18}}, c:totable())
    -- addcmul: x 2x3, t1 and t2 vectors of 6
    same({{2, 6, 12}, {20, 30, 42}}, torch.addcmul(a, b, b):totable())
  end)

  it('read a strided operand in its own row-major order', function()
    local a = torch.range(1, 6):view(2, 3)
    local t = a:t()                                 -- 3x2: 1 4 / 2 5 / 3 6
    local b = torch.range(1, 6)
    same({{1, 8}, {6, 20}, {15, 36}}, torch.cmul(t, b):totable())
    same({{1, 8, 6}, {20, 15, 36}}, torch.cmul(b:view(2, 3), t):totable())
  end)

  it('fit an in-place result that broadcasting would enlarge (5 by 5x1)', function()
    local x, y = torch.Tensor{2, 4, 6, 8, 10}, torch.Tensor{{2}, {2}, {3}, {4}, {5}}
    x:cdiv(y)
    same({1, 2, 2, 2, 2}, x:totable())
  end)

  it('keep NumPy broadcasting where shapes broadcast, and refuse other counts', function()
    local a, r = torch.ones(2, 3), torch.Tensor{1, 2, 3}
    same({{2, 3, 4}, {2, 3, 4}}, (a + r):totable())
    same({2, 2}, (torch.ones(2) + torch.ones(2, 1)):size():totable())
    H.raises(function() return torch.ones(2, 3) + torch.ones(5) end,
             '__add: sizes 2x3 and 5 do not broadcast')
  end)

  it('warn once per line of the script, as PyTorch 0.4 did', function()
    local out, path = run([[
local a, b = torch.ones(2, 3), torch.ones(6)
for i = 1, 3 do local c = a + b end
local d = torch.cmul(a, b)
local e = a + torch.ones(3)
print('done')
]])
    assert.truthy(out:find('done', 1, true), out)
    assert.equal(2, count(out, 'warning: '), out)
    local want1 = path .. ':2: warning: __add: sizes 2x3 and 6 do not broadcast but have the '
      .. 'same number of elements (6): paired in row-major order, as Torch7 did (deprecated: '
      .. 'view one operand as the other\'s shape)'
    assert.truthy(out:find(want1, 1, true), out)
    assert.truthy(out:find(path .. ':3: warning: cmul: sizes 2x3 and 6', 1, true), out)
    -- the in-place form says why the pairing applies
    out = run('local x = torch.ones(5); x:cdiv(torch.ones(5, 1))\n')
    assert.truthy(out:find('cdiv: sizes 5 and 5x1 broadcast to a size the in-place result '
                           .. 'cannot take', 1, true), out)
  end)
end)

describe('comparisons', function()
  it('write 0 and 1 into a result of the operands\' type', function()
    local a, b = torch.Tensor{1, 5, 3}, torch.Tensor{2, 2, 3}
    local res = torch.DoubleTensor()
    assert.equal(res, torch.gt(res, a, b))
    same({0, 1, 0}, res:totable())
    local x = torch.DoubleTensor(3):fill(7)
    x:ge(a, b)
    same({0, 1, 1}, x:totable())
    local bytes = torch.ByteTensor()
    torch.lt(bytes, a, 3)
    same({1, 0, 0}, bytes:totable())
    local l = torch.LongTensor()
    torch.eq(l, torch.LongTensor{1, 2}, torch.LongTensor{1, 3})
    same({1, 0}, l:totable())
    H.raises(function() torch.gt(torch.FloatTensor(), a, b) end,
             'gt: the result is a torch.FloatTensor, expected a torch.ByteTensor')
  end)
end)

describe('math functions of numbers', function()
  it('return numbers, integers staying integers for abs, neg and sign', function()
    assert.equal(3, torch.abs(-3))
    assert.equal('integer', math.type(torch.abs(-3)))
    assert.equal(2.5, torch.abs(-2.5))
    assert.equal(-1, torch.sign(-7))
    assert.equal(2.0, torch.sqrt(4))
    assert.equal(1.0, torch.exp(0))
    assert.equal(3.0, torch.round(2.5))
    assert.equal(3.0, torch.lerp(1, 5, 0.5))
  end)
end)

describe('median', function()
  it('gives tensors along the last dimension, medianall the number', function()
    local x = torch.Tensor{{4, 1, 3, 1}, {2, 2, 5, 9}}
    local v, i = torch.median(x)
    same({{1}, {2}}, v:totable())
    same({{4}, {2}}, i:totable())
    local mv, mi = torch.Tensor(), torch.LongTensor()
    torch.median(mv, mi, x)
    same({{1}, {2}}, mv:totable())
    assert.equal(2, x:medianall())
  end)
end)

describe('tensor forms', function()
  it('select of a vector reads the element whatever the dimension given', function()
    local v = torch.Tensor{5, 6, 7}
    assert.equal(6, v:select(2, 2))
    assert.equal(7, v:select(1, 3))
    H.raises(function() return torch.Tensor(2, 2):select(3, 1) end, 'select: dimension 3')
  end)

  it('cat skips empty tensors, and of empty tensors alone gives an empty one', function()
    local x = torch.ones(1, 2, 3)
    same({1, 2, 3}, torch.cat(x, torch.Tensor(), 3):size():totable())
    same({1, 2, 3}, torch.cat(torch.Tensor(), x):size():totable())
    assert.equal(0, torch.cat(torch.Tensor(), torch.Tensor(), 2):dim())
  end)

  it('range fills a result of as many elements through its view', function()
    local x = torch.zeros(2, 3)
    x:narrow(2, 2, 2):range(0, 3)
    same({{0, 0, 1}, {0, 2, 3}}, x:totable())
    same({3}, torch.range(torch.zeros(2, 2), 1, 3):size():totable()) -- other counts: 1D
  end)

  it('linspace and logspace refuse one point between distinct ends', function()
    H.raises(function() torch.linspace(0, 1, 1) end, 'linspace: 1 point between the distinct endpoints 0 and 1')
    H.raises(function() torch.logspace(0, 1, 1) end, 'logspace: 1 point')
    same({2}, torch.linspace(2, 2, 1):totable())
  end)

  it('randperm gives the default tensor type', function()
    assert.equal(torch.getdefaulttensortype(), torch.type(torch.randperm(4)))
    local p = torch.randperm(5):long():totable()
    table.sort(p)
    same({1, 2, 3, 4, 5}, p)
  end)

  it('split and chunk fill a result table given first; Tensor.isTensor, x:real()', function()
    local x = torch.range(1, 5)
    local r = {1, 2, 3, 4, 5, 6}
    assert.equal(r, torch.split(r, x, 2))
    assert.equal(3, #r)
    same({5}, r[3]:totable())
    torch.chunk(r, x, 2, 1)
    assert.equal(2, #r)
    same({1, 2, 3}, r[1]:totable())
    assert.is_true(torch.Tensor.isTensor(x))
    assert.is_false(torch.Tensor.isTensor({}))
    assert.equal(torch.getdefaulttensortype(), torch.LongTensor{1}:real():type())
  end)

  it('squeeze to one element gives the number', function()
    assert.equal(3, torch.Tensor{{3}}:squeeze())
    assert.equal(4, torch.Tensor{4}:squeeze(1))
    assert.is_true(torch.isTensor(torch.Tensor{{4}}:squeeze(1)))
    same({3}, torch.ones(1, 3):squeeze():size():totable())
  end)

  it('a storage made from a storage views its elements', function()
    local s1 = torch.LongStorage({3, 4, 5})
    local s2 = torch.LongStorage(s1, 2)
    assert.equal(2, s2:size())
    same({4, 5}, s2:totable())
    s2[1] = 13
    assert.equal(13, s1[2])
    same({5}, torch.LongStorage(s1, 3, 1):totable())
    H.raises(function() s1:resize(10) end, 'cannot resize a storage of 3 elements while', 'storage views point into it')
    H.raises(function() s2:resize(1) end, 'cannot resize a storage that is a view')
    H.raises(function() torch.LongStorage(s1, 3, 2) end, 'torch.LongStorage: storage: elements 3 to 4 out of range')
    H.raises(function() torch.DoubleStorage(s1) end, 'expected a torch.DoubleStorage to view, got a torch.LongStorage')
    local t = torch.LongTensor():set(s2)           -- a tensor on the view
    t[2] = 7
    assert.equal(7, s1[3])
    s2, t = nil, nil
    collectgarbage()
    assert.equal(10, s1:resize(10):size())        -- no view left
  end)

  it('setheaptracking records its flag', function()
    torch.setheaptracking(true)
    assert.is_true(torch._heaptracking)
    torch.setheaptracking(false)
    assert.is_false(torch._heaptracking)
    H.raises(function() torch.setheaptracking(1) end,
             'torch.setheaptracking: argument 1: expected a boolean, got number')
  end)
end)

describe('LAPACK results', function()
  it('re-stride a contiguous result column-major, but not an input used in place', function()
    local m = torch.Tensor{{4, 7}, {2, 6}}                -- inverse {{0.6, -0.7}, {-0.2, 0.4}}
    local r = torch.Tensor(2, 2)
    torch.inverse(r, m)
    assert.is_false(r:isContiguous())
    same({1, 2}, {r:stride(1), r:stride(2)})
    H.near(r:totable(), {{0.6, -0.7}, {-0.2, 0.4}}, 1e-12)
    local a = m:clone()
    torch.inverse(a, a)
    assert.is_true(a:isContiguous())
    H.near(a:totable(), {{0.6, -0.7}, {-0.2, 0.4}}, 1e-12)
    local e, v = torch.Tensor(2), torch.Tensor(2, 2)
    torch.symeig(e, v, torch.Tensor{{2, 0}, {0, 3}}, 'V')
    assert.is_false(v:isContiguous())
  end)

  it('gels returns the n rows of the solution', function()
    -- y = 0.9 + 2.15 t through (0,1), (1,3), (2,5), (3,7.5): the normal equations by hand
    local a = torch.Tensor{{1, 0}, {1, 1}, {1, 2}, {1, 3}}
    local x = torch.gels(torch.Tensor{{1}, {3}, {5}, {7.5}}, a)
    same({2, 1}, x:size():totable())
    H.near(x:totable(), {{0.9}, {2.15}}, 1e-12)
  end)
end)

describe('saving functions', function()
  it('writes Lua functions as Torch7 does and reads them back only when trusted', function()
    local n = 0
    local function inc() n = n + 1; return n end
    local function get() return n end
    local s = torch.serialize({inc = inc, get = get, sq = function(x) return x * x end})
    H.raises(function() torch.deserialize(s) end, 'readObject: the file holds a function at byte offset',
             "refused, since loading one runs its unverified bytecode (torch.load(file, format, {trust = true})")
    local t = torch.deserialize(s, 'binary', {trust = true})
    assert.equal(49, t.sq(7))
    assert.equal(1, t.inc())
    assert.equal(2, t.inc())
    assert.equal(2, t.get())          -- the two closures still share n
    assert.equal(0, n)                -- and it is not the original's
    local path = os.tmpname()
    torch.save(path, {f = function() return math.pi end})
    H.raises(function() torch.load(path) end, 'holds a function')
    assert.equal(math.pi, torch.load(path, 'binary', {trust = true}).f())
    os.remove(path)
  end)

  it('refuses C functions, naming where they are', function()
    H.raises(function() torch.serialize({a = {b = print}}) end,
             'writeObject: a C function cannot be saved (at <?>.a.b)')
  end)
end)

describe('torch.Tester', function()
  it('reports the warning for a plain table of tests with the run', function()
    local out = run([[
local t = torch.Tester()
t:add({a = function() t:assert(true) end})
t:run()
]])
    assert.truthy(out:find('Should use TestSuite rather than plain lua table', 1, true), out)
    assert.truthy(out:find('1 warning', 1, true), out)
  end)
end)

describe('the global include', function()
  it('runs a file next to the calling file, under dlua', function()
    local dir = os.tmpname()
    os.remove(dir)
    os.execute("mkdir -p '" .. dir .. "'")
    writefile(dir .. '/part.lua', 'PART = (PART or 0) + 1\n')
    writefile(dir .. '/main.lua', "include('part.lua'); include('part.lua'); print('part', PART)\n")
    local out = runfile(dir .. '/main.lua', '/')
    os.execute("rm -rf '" .. dir .. "'")
    assert.truthy(out:find('part\t2', 1, true), out)
  end)
end)
