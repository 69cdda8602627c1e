-- The Char, Short, Int and Half tensor types and their storages: construction, indexing,
-- wrapping integer arithmetic, comparisons, reductions, sorting, BLAS, copies between every
-- pair of types, serialization, and the errors (Half has no math, as in Torch7). Expected
-- values are written out by hand from C's conversions and two's-complement wrapping.
require 'torch'

local ALL = {'Byte', 'Char', 'Short', 'Int', 'Long', 'Float', 'Double', 'Half'}
local INTS = {Char = {-128, 127, 1}, Short = {-32768, 32767, 2}, Int = {-2147483648, 2147483647, 4}}

local function fails(pattern, f)
  local ok, err = pcall(f)
  assert.is_false(ok, 'expected an error matching ' .. pattern)
  assert.truthy(tostring(err):find(pattern, 1, true), tostring(err))
  return err
end

describe('the Char, Short, Int and Half types', function()
  it('exist with their storages, names and element sizes', function()
    local sizes = {Byte = 1, Char = 1, Short = 2, Int = 4, Long = 8, Float = 4, Double = 8, Half = 2}
    for _, n in ipairs(ALL) do
      local t, s = torch[n .. 'Tensor'](3), torch[n .. 'Storage'](3)
      assert.are.equal('torch.' .. n .. 'Tensor', t:type())
      assert.are.equal('torch.' .. n .. 'Storage', torch.type(s))
      assert.are.equal(sizes[n], t:elementSize())
      assert.are.equal(sizes[n], s:elementSize())
      assert.is_true(torch.isTensor(t))
      assert.is_true(torch.isStorage(s))
      assert.are.equal('torch.' .. n .. 'Storage', torch.type(t:storage()))
    end
  end)

  it('construct from tables, sizes and storages, and index like the others', function()
    for n in pairs(INTS) do
      local T = torch[n .. 'Tensor']
      local t = T({{1, -2, 3}, {4, 5, -6}})
      assert.are.same({2, 3}, t:size():totable())
      assert.are.equal(-6, t[2][3])
      assert.are.equal('integer', math.type(t[1][2]))
      t[{2, 1}] = 9
      assert.are.same({9, 5, -6}, t[2]:totable())
      assert.are.same({-2, 5}, t:select(2, 2):totable())
      assert.are.same({{-2, 3}, {5, -6}}, t:narrow(2, 2, 2):totable())
      assert.are.same({{1, 9}, {-2, 5}, {3, -6}}, t:t():totable())
      local s = torch[n .. 'Storage']({7, 8, 9})
      assert.are.same({8, 9}, T(s, 2, torch.LongStorage({2})):totable())
      assert.are.same({3, 2}, T(3, 2):zero():size():totable())
      assert.are.same({-6}, t[torch.ByteTensor({{0, 0, 0}, {0, 0, 1}})]:totable())
      assert.are.same({{4, 5, 6}}, T({{1, 2, 3}, {4, 5, 6}}):index(1, torch.LongTensor({2})):totable())
    end
  end)

  it('convert with :char() :short() :int() :half() and :type(name)', function()
    local x = torch.DoubleTensor({-2.5, 1, 300, 70000})
    assert.are.same({-2, 1, 44, 112}, x:char():totable())       -- C's truncation, then mod 256
    assert.are.same({-2, 1, 300, 4464}, x:short():totable())    -- 70000 - 65536
    assert.are.same({-2, 1, 300, 70000}, x:int():totable())
    assert.are.same({-2.5, 1, 300, math.huge}, x:half():totable()) -- beyond 65504: inf
    assert.are.equal('torch.IntTensor', x:type('torch.IntTensor'):type())
    local i = torch.IntTensor({1})
    assert.are.equal(i, i:int()) -- the same tensor when it already has the type
    assert.are.equal('torch.CharTensor', x:typeAs(torch.CharTensor()):type())
  end)

  it('wrap on overflow as two\'s complement, with Torch7\'s division rules', function()
    for n, r in pairs(INTS) do
      local T, lo, hi = torch[n .. 'Tensor'], r[1], r[2]
      assert.are.same({lo}, T({hi}):add(1):totable())
      assert.are.same({hi}, T({lo}):add(-1):totable())
      assert.are.same({lo}, T({lo}):abs():totable())       -- |min| wraps back to min
      assert.are.same({lo}, T({lo}):mul(-1):totable())
      assert.are.same({lo}, T({lo}):div(-1):totable())     -- no trap
      assert.are.same({3, -3}, T({7, -7}):div(2):totable()) -- truncation toward zero
      assert.are.same({1, -1}, T({7, -7}):fmod(2):totable())
      assert.are.same({1, 1}, T({7, -7}):remainder(2):totable())
      assert.are.same({9, 1, 4}, T({3, -1, 2}):pow(2):totable())
      assert.are.same({9, 1, 0}, T({3, -1, 0}):cmul(T({3, -1, 0})):totable())
      fails('integer division by zero', function() T({1}):div(0) end)
      fails('integer division by zero', function() T({1}):cdiv(T({0})) end)
    end
    -- Char: 100 + 100 = 200 = -56 (mod 256); the Short product 90000 wraps to 90000 - 65536
    assert.are.same({-56}, (torch.CharTensor({100}) + torch.CharTensor({100})):totable())
    assert.are.same({24464}, torch.ShortTensor({300}):cmul(torch.ShortTensor({300})):totable())
    assert.are.same({-2, -1}, torch.IntTensor({1, 2}):csub(torch.IntTensor({3, 3})):totable())
    assert.are.same({7, 8}, torch.IntTensor({1, 2}):addcmul(2, torch.IntTensor({3, 3}),
                                                          torch.IntTensor({1, 1})):totable())
    assert.are.same({1, 0}, torch.IntTensor({2, -3}):clamp(0, 1):totable())
    assert.are.same({1, -1, 0}, torch.CharTensor({5, -5, 0}):sign():totable())
  end)

  it('compare into ByteTensors or into a tensor of their own type', function()
    local a, b = torch.ShortTensor({1, 2, 3}), torch.ShortTensor({3, 2, 1})
    assert.are.same({0, 0, 1}, torch.gt(a, b):totable())
    assert.are.equal('torch.ByteTensor', torch.type(a:le(2)))
    assert.are.same({1, 1, 0}, a:le(2):totable())
    assert.are.same({0, 1, 0}, a:eq(b):totable())
    local r = torch.ShortTensor()
    torch.ne(r, a, b)
    assert.are.same({1, 0, 1}, r:totable())
    assert.is_true(torch.CharTensor({1, 2}):equal(torch.CharTensor({1, 2})))
    assert.is_false(torch.CharTensor({1, 2}):equal(torch.IntTensor({1, 2})))
  end)

  it('reduce exactly over all elements, and in their own type along a dimension', function()
    local c = torch.CharTensor({{100, 100}, {-100, 27}})
    assert.are.equal(127, c:sum())                   -- all elements: an exact integer
    assert.are.equal('integer', math.type(c:sum()))
    assert.are.same({{0, 127}}, c:sum(1):totable())      -- 100 - 100, 100 + 27
    assert.are.same({{-56}, {-73}}, c:sum(2):totable()) -- 200 wraps to -56
    assert.are.same({{100, -56}, {-100, -73}}, c:cumsum(2):totable())
    assert.are.equal(100, c:max())
    assert.are.equal(-100, c:min())
    local v, i = torch.IntTensor({{5, 9, 2}, {7, 1, 8}}):max(2)
    assert.are.same({{9}, {8}}, v:totable())
    assert.are.same({{2}, {3}}, i:totable())
    assert.are.equal('torch.IntTensor', torch.type(v))
    assert.are.equal(2 * 3 * 4, torch.ShortTensor({2, 3, 4}):prod())
    assert.are.equal(2, torch.IntTensor({1, 2, 3}):mean())
    assert.are.same({5}, torch.IntTensor({5, 2, 9}):kthvalue(2):totable())
    assert.are.same({5}, torch.IntTensor({5, 2, 9}):median():totable())
  end)

  it('sort, topk and find nonzero elements', function()
    for n in pairs(INTS) do
      local T = torch[n .. 'Tensor']
      local v, i = T({3, -1, 2, -1}):sort()
      assert.are.same({-1, -1, 2, 3}, v:totable())
      assert.are.same({2, 4, 3, 1}, i:totable()) -- stable
      v = T({3, -1, 2}):sort(1, true)
      assert.are.same({3, 2, -1}, v:totable())
      assert.are.same({3, 2}, T({3, -1, 2}):topk(2, 1, true, true):totable())
      assert.are.same({{1}, {3}}, T({4, 0, -1}):nonzero():totable())
    end
  end)

  it('multiply matrices and vectors with wrapping integer BLAS', function()
    local a = torch.IntTensor({{1, 2}, {3, 4}})
    assert.are.same({{7, 10}, {15, 22}}, a:mm(a):totable())
    assert.are.same({5, 11}, a:mv(torch.IntTensor({1, 2})):totable())
    assert.are.equal(11, torch.IntTensor({1, 2}):dot(torch.IntTensor({3, 4})))
    -- a Char dot is summed in char, as Torch7's: 100 * 2 + 2 * 1 = 202 = -54 (mod 256)
    assert.are.equal(-54, torch.CharTensor({100, 2}):dot(torch.CharTensor({2, 1})))
    assert.are.same({{-6, -6}}, torch.ShortTensor({{-3, -3}}):mm(torch.ShortTensor({{1, 1}, {1, 1}})):totable())
  end)

  it('have bit operations, shifts and random integers in their range', function()
    assert.are.same({4, 2}, torch.CharTensor({5, 3}):bitand(6):totable())
    assert.are.same({-4}, torch.CharTensor({-16}):rshift(2):totable())  -- arithmetic shift
    assert.are.same({-128}, torch.CharTensor({64}):lshift(1):totable()) -- wraps
    assert.are.same({0}, torch.ShortTensor({1}):lshift(300):totable())  -- every bit out
    assert.are.same({7}, torch.IntTensor({5}):cbitor(torch.IntTensor({2})):totable())
    torch.manualSeed(1)
    local r = torch.CharTensor(1000):random()
    assert.is_true(r:min() >= 0 and r:max() <= 127)
    r = torch.ShortTensor(1000):random(-3, 3)
    assert.is_true(r:min() == -3 and r:max() == 3)
    fails('does not fit a CharTensor', function() torch.CharTensor(2):random(0, 300) end)
    fails('expected a FloatTensor or DoubleTensor', function() torch.IntTensor(2):normal() end)
    fails('sqrt: not supported for torch.IntTensor', function() torch.IntTensor({4}):sqrt() end)
  end)

  it('copy between every pair of types, element by element', function()
    -- values every type holds exactly: copies of them must round-trip through any type
    local vals = {0, 1, 7, 100, 127}
    for _, from in ipairs(ALL) do
      local src = torch[from .. 'Tensor'](vals)
      for _, to in ipairs(ALL) do
        local dst = torch[to .. 'Tensor'](5):copy(src)
        assert.are.same(vals, dst:double():totable(), from .. ' -> ' .. to)
        -- through a strided view too
        local m = torch[to .. 'Tensor'](5, 2):zero()
        m:select(2, 2):copy(src)
        assert.are.same(vals, m:select(2, 2):double():totable(), from .. ' -> ' .. to .. ' strided')
      end
    end
    -- narrowing conversions as C's: negative to Byte wraps, large to Char wraps
    assert.are.same({255, 44}, torch.ByteTensor(2):copy(torch.IntTensor({-1, 300})):totable())
    assert.are.same({-1, 44}, torch.CharTensor(2):copy(torch.ShortTensor({255, 300})):totable())
    assert.are.same({-1}, torch.IntTensor(1):copy(torch.LongTensor({4294967295})):totable())
  end)

  it('round Half to nearest even, with subnormals and infinities', function()
    local h = torch.HalfTensor(9)
    h:copy(torch.DoubleTensor({1 + 2 ^ -11, 1 + 3 * 2 ^ -11, 1 + 2 ^ -11 + 2 ^ -40, 65519, 65520,
                               2 ^ -24, 2 ^ -25, 3 * 2 ^ -25, -1e-30}))
    local f = h:double():totable()
    assert.are.same({1, 1 + 2 ^ -9, 1 + 2 ^ -10, 65504, math.huge, 2 ^ -24, 0, 2 ^ -23}, {table.unpack(f, 1, 8)})
    assert.are.equal(-math.huge, 1 / f[9]) -- -0: the sign survives underflow
    h = torch.HalfTensor({0 / 0, -math.huge, 0.1})
    local back = h:float()
    assert.is_true(back[1] ~= back[1])
    assert.are.equal(-math.huge, back[2])
    assert.are.equal(0.0999755859375, back[3])
    assert.are.equal(0.0999755859375, torch.HalfStorage({0.1})[1])
  end)

  it('give Half tensors views, copies and conversions, and refuse their math', function()
    local h = torch.HalfTensor(2, 3):fill(0.5)
    assert.are.same({3, 2}, h:t():size():totable())
    assert.are.same({6}, h:view(6):size():totable())
    assert.are.same({3, 2, 3}, h:repeatTensor(3, 1, 1):size():totable())
    assert.are.equal(3, #h:split(1, 2))
    assert.is_true(h:isSetTo(torch.HalfTensor():set(h)))
    assert.is_true(h:isSameSizeAs(torch.HalfTensor(2, 3)))
    assert.are.equal('torch.HalfTensor', h:clone():type())
    h[{1, 2}] = 2
    assert.are.same({0.5, 2, 0.5}, h[1]:totable())
    assert.are.same({{0.5, 2, 0.5}, {0.5, 0.5, 0.5}}, h:totable())
    assert.truthy(tostring(h):find('torch.HalfTensor of size 2x3', 1, true))
    local err = fails('torch.HalfTensor has no math', function() h:add(1) end)
    assert.truthy(err:find('tensor_types_spec.lua:%d+: add: argument 1'), err)
    fails('sum: argument 1: torch.HalfTensor has no math', function() h:sum() end)
    fails('torch.HalfTensor has no math', function() torch.sort(h) end)
    fails('torch.HalfTensor has no math', function() return h:mm(h:t()) end)
    fails('the result is a torch.HalfTensor, expected a torch.FloatTensor', function()
      torch.add(torch.HalfTensor(2), torch.FloatTensor({1, 2}), 1)
    end)
    fails('uniform: expected a FloatTensor or DoubleTensor, got a HalfTensor', function() h:uniform() end)
    fails('range: not supported for torch.HalfTensor', function() torch.range(h, 1, 3) end)
    fails('image.scale: not supported for a Int tensor', function()
      require('image').scale(torch.IntTensor(3, 4, 4):zero(), 2, 2)
    end)
  end)

  it('save and load with Torch7\'s class names, binary and ascii', function()
    local file = os.tmpname()
    for _, n in ipairs({'Char', 'Short', 'Int', 'Half'}) do
      local t = torch[n .. 'Tensor']({{1, -2, 3}, {4, 5, -6}})
      for _, mode in ipairs({'binary', 'ascii'}) do
        torch.save(file, {t, t[2], torch[n .. 'Storage']({7, -8})}, mode)
        local r = torch.load(file, mode)
        assert.are.equal('torch.' .. n .. 'Tensor', torch.type(r[1]))
        assert.are.same(t:totable(), r[1]:totable())
        assert.is_true(r[2]:storage() == r[1]:storage()) -- the view shares its storage
        assert.are.same({4, 5, -6}, r[2]:totable())
        assert.are.same({7, -8}, r[3]:totable())
      end
    end
    -- the bytes Torch7 writes: an IntStorage holds 4-byte ints, a HalfStorage the bits
    local f = torch.MemoryFile('w'):binary()
    f:writeObject(torch.HalfStorage({1, -2}))
    local s = f:string()
    f:close()
    assert.truthy(s:find('torch.HalfStorage', 1, true))
    assert.are.equal(string.pack('<i8I2I2', 2, 0x3c00, 0xc000), s:sub(-12))
    f = torch.MemoryFile('rw'):binary()
    f:writeShort(torch.ShortStorage({-3, 4}))
    f:writeInt(torch.IntStorage({2147483647}))
    f:seek(1)
    assert.are.same({-3, 4}, f:readShort(2):totable())
    local into = torch.IntStorage(1)
    assert.are.equal(1, f:readInt(into))
    assert.are.equal(2147483647, into[1])
    f:close()
    os.remove(file)
  end)

  it('refuse a file whose Half or Int storage is cut short', function()
    local f = torch.MemoryFile('w'):binary()
    f:writeObject(torch.IntStorage({1, 2, 3}))
    local s = f:string()
    f:close()
    for _, cut in ipairs({1, 5, 11}) do
      local g = torch.MemoryFile(s:sub(1, #s - cut), 'r'):binary()
      local ok, err = pcall(g.readObject, g)
      assert.is_false(ok)
      assert.truthy(tostring(err):find('t7: truncated', 1, true), tostring(err))
      g:close()
    end
  end)

  it('give Char and Byte storages their bytes as strings', function()
    local s = torch.CharStorage():string('V 1')
    assert.are.equal(3, s:size())
    assert.are.same({86, 32, 49}, s:totable())
    assert.are.equal('V 1', s:string())
    assert.are.equal('ab', torch.ByteStorage({97, 98}):string())
    fails('string: a torch.IntStorage holds no bytes', function() torch.IntStorage(2):string() end)
  end)

  it('keep Float and Double as the only default types, as Torch7', function()
    fails('the default type must be a floating type, not torch.IntTensor', function()
      torch.setdefaulttensortype('torch.IntTensor')
    end)
    fails('the default type must be a floating type, not torch.HalfTensor', function()
      torch.setdefaulttensortype('torch.HalfTensor')
    end)
    assert.are.equal('torch.DoubleTensor', torch.getdefaulttensortype())
  end)
end)
