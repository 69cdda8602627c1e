-- Torch7's functions added for issue 11: bit operations and shifts, conv2/xcorr2/conv3/
-- xcorr3, histc/bhistc, cross, renorm, isSetTo, the alias method, serializeToStorage, and
-- the small names (mod, cmod, isequal, id, typename2id). Reference values are computed
-- here by plain Lua loops from the definitions, or worked by hand in the comments.
require 'torch'
local H = require 'spec.helpers'

local THIS = 'math_extra_spec.lua:'

-- Asserts f raises at this file's line (not inside dlua), with every given string.
local function raises_here(f, ...)
  local msg = H.raises(f, ...)
  assert(msg:find(THIS, 1, true), 'error not at the caller\'s line: ' .. msg)
  return msg
end

-- A reference correlation of 2D or 3D tables, valid or full, by the definition:
-- out[o] = sum over j of in[o - pad + j] * ker'[j], ker' the kernel reversed when convolving.
local function ref_conv(x, k, nsp, full, flip)
  local function sizes(t)
    local s, c = {}, t
    for d = 1, nsp do s[d] = #c; c = c[1] end
    return s
  end
  local xs, ks = sizes(x), sizes(k)
  if nsp == 2 then x, k, xs, ks = {x}, {k}, {1, xs[1], xs[2]}, {1, ks[1], ks[2]} end
  local os, pad = {}, {}
  for d = 1, 3 do
    os[d] = full and xs[d] + ks[d] - 1 or xs[d] - ks[d] + 1
    pad[d] = full and ks[d] - 1 or 0
  end
  local out = {}
  for a = 1, os[1] do
    out[a] = {}
    for b = 1, os[2] do
      out[a][b] = {}
      for c = 1, os[3] do
        local s = 0
        for i = 1, ks[1] do for j = 1, ks[2] do for l = 1, ks[3] do
          local ia, ib, ic = a - 1 - pad[1] + i, b - 1 - pad[2] + j, c - 1 - pad[3] + l
          if ia >= 1 and ia <= xs[1] and ib >= 1 and ib <= xs[2] and ic >= 1 and ic <= xs[3] then
            local kv = flip and k[ks[1] + 1 - i][ks[2] + 1 - j][ks[3] + 1 - l] or k[i][j][l]
            s = s + x[ia][ib][ic] * kv
          end
        end end end
        out[a][b][c] = s
      end
    end
  end
  return nsp == 2 and out[1] or out
end

local function seq(n, f) local t = {} for i = 1, n do t[i] = f(i) end return t end

describe('bit operations', function()
  it('and, or, xor with a number and with a tensor, on Long and Byte', function()
    local x = torch.LongTensor(4):fill(6)
    assert.are.same({0, 2, 4, 0}, torch.cbitand(x, torch.LongTensor{1, 2, 4, 8}):totable())
    assert.are.same({3, 3, 7, 11}, torch.LongTensor(4):fill(3):cbitor(torch.LongTensor{1, 2, 4, 8}):totable())
    assert.are.same({14, 13, 11, 7}, torch.cbitxor(torch.LongTensor(4):fill(15), torch.LongTensor{1, 2, 4, 8}):totable())
    assert.are.same({2, 6}, torch.bitand(torch.LongTensor{3, 7}, 6):totable())
    assert.are.same({7, 7}, torch.bitor(torch.LongTensor{3, 5}, 6):totable())
    assert.are.same({5, 3}, torch.bitxor(torch.LongTensor{3, 5}, 6):totable())
    -- a full 63-bit mask and negative numbers (two's complement)
    assert.are.equal(math.maxinteger, torch.bitand(torch.LongTensor{-1}, math.maxinteger)[1])
    assert.are.equal(-8 & 0xff, torch.bitand(torch.LongTensor{-8}, 0xff)[1])
    -- bytes: -1 is 255
    assert.are.same({0xf0, 0x0f}, torch.bitxor(torch.ByteTensor{0x0f, 0xf0}, -1):totable())
  end)

  it('has Torch7\'s argument forms', function()
    local x, z = torch.LongTensor{12, 10}, torch.LongTensor()
    assert.are.equal(z, torch.bitand(z, x, 6))         -- torch.f(res, x, v) fills res
    assert.are.same({4, 2}, z:totable())
    assert.are.same({12, 10}, x:totable())
    assert.are.equal(x, x:bitand(6))                   -- x:f(v) in place
    assert.are.same({4, 2}, x:totable())
    local w = torch.LongTensor()
    assert.are.equal(w, w:cbitor(x, torch.LongTensor{1, 1})) -- res:f(x, y)
    assert.are.same({5, 3}, w:totable())
    -- broadcasting, as the other elementwise ops
    assert.are.same({{1, 2}, {1, 2}},
      torch.cbitand(torch.LongTensor{{1, 2}, {3, 2}}, torch.LongTensor{1, 2}):totable())
  end)

  it('shifts integers (counts past the width shift everything out) and scales floats', function()
    assert.are.same({2, 4, 8, 16}, torch.LongTensor(4):fill(1):clshift(torch.LongTensor{1, 2, 3, 4}):totable())
    assert.are.same({16, 8, 4, 2}, torch.LongTensor(4):fill(32):crshift(torch.LongTensor{1, 2, 3, 4}):totable())
    assert.are.same({4, 12}, torch.lshift(torch.LongTensor{1, 3}, 2):totable())
    assert.are.same({-4, 1}, torch.rshift(torch.LongTensor{-8, 3}, 1):totable())
    assert.are.same({0, -1}, torch.rshift(torch.LongTensor{8, -8}, 64):totable())
    assert.are.same({0}, torch.lshift(torch.LongTensor{1}, 100):totable())
    assert.are.same({254, 0}, torch.lshift(torch.ByteTensor{255, 128}, 1):totable())
    assert.are.same({0}, torch.rshift(torch.ByteTensor{255}, 1000):totable())
    -- Torch7: on floats lshift is x * 2^v and rshift x / 2^v
    assert.are.same({12, -0.75}, torch.lshift(torch.DoubleTensor{1.5, -0.09375}, 3):totable())
    assert.are.same({0.75}, torch.rshift(torch.FloatTensor{3}, 2):totable())
    assert.are.same({4, 1}, torch.clshift(torch.DoubleTensor{1, 4}, torch.DoubleTensor{2, -2}):totable())
  end)

  it('works on non-contiguous operands', function()
    local m = torch.LongTensor{{1, 2}, {4, 8}}
    local t = m:t()                                      -- {{1, 4}, {2, 8}}
    assert.are.same({{1, 4}, {2, 8}}, torch.bitor(t, 0):totable())
    t:lshift(1)                                          -- in place through the view
    assert.are.same({{2, 4}, {8, 16}}, m:totable())
    assert.are.same({{2, 0}, {0, 16}}, torch.cbitand(m, m:t()):totable())
  end)

  it('refuses float types, bad counts and bad arguments, at the caller\'s line', function()
    raises_here(function() torch.bitand(torch.FloatTensor{1}, 1) end,
      'bitand: not supported for torch.FloatTensor (integer types only')
    raises_here(function() torch.DoubleTensor{1}:cbitxor(torch.DoubleTensor{1}) end,
      'cbitxor: not supported for torch.DoubleTensor')
    raises_here(function() torch.lshift(torch.LongTensor{1}, -1) end, 'lshift: negative shift count -1')
    raises_here(function() torch.crshift(torch.LongTensor{1, 1}, torch.LongTensor{1, -2}) end,
      'crshift: negative shift count')
    raises_here(function() torch.bitor(torch.LongTensor{1}, 2.5) end, 'bitor: value 2.5 is not an integer')
    raises_here(function() torch.cbitand(torch.LongTensor{1}, torch.ByteTensor{1}) end,
      'cbitand: tensor types differ')
    raises_here(function() torch.cbitand(torch.LongTensor{1, 2, 3}, torch.LongTensor{1, 2}) end,
      'cbitand: sizes 3 and 2 do not broadcast')
    raises_here(function() torch.bitand(torch.LongTensor{1}, 'x') end, 'bitand: argument 2: expected a number')
    raises_here(function() torch.cbitand(torch.LongTensor{1}, 3) end, 'cbitand: argument 2: expected a tensor')
    raises_here(function() torch.bitand() end, 'bitand: expected ([res,] tensor, number)')
  end)
end)

describe('conv2, xcorr2, conv3, xcorr3', function()
  local X = {{1, 2, 3, 4}, {5, 6, 7, 8}, {9, 10, 11, 13}}
  local K = {{1, -1}, {2, 0.5}}

  it('agree with the definitions in both modes, worked by hand on one value', function()
    local x, k = torch.DoubleTensor(X), torch.DoubleTensor(K)
    -- valid correlation at (1, 1): 1*1 + 2*-1 + 5*2 + 6*0.5 = 12
    assert.are.equal(12, torch.xcorr2(x, k)[1][1])
    -- valid convolution at (1, 1): the kernel reversed, 1*0.5 + 2*2 + 5*-1 + 6*1 = 5.5
    assert.are.equal(5.5, torch.conv2(x, k)[1][1])
    for _, case in ipairs {{'conv2', false, true}, {'conv2', true, true},
                           {'xcorr2', false, false}, {'xcorr2', true, false}} do
      local got = torch[case[1]](x, k, case[2] and 'F' or 'V')
      assert.are.same(ref_conv(X, K, 2, case[2], case[3]), got:totable())
    end
    assert.are.same({2, 3}, torch.conv2(x, k):size():totable())
    assert.are.same({4, 5}, torch.conv2(x, k, 'F'):size():totable())
  end)

  it('on Float, Long and Byte tensors', function()
    local ref = ref_conv(X, K, 2, true, true)
    H.near(ref, torch.conv2(torch.FloatTensor(X), torch.FloatTensor(K), 'F'):totable(), 1e-5)
    local KI = {{1, -1}, {2, 3}}
    assert.are.same(ref_conv(X, KI, 2, false, false),
      torch.xcorr2(torch.LongTensor(X), torch.LongTensor(KI)):totable())
    -- bytes wrap modulo 256: 13 * 20 = 260 -> 4
    assert.are.equal(4, torch.conv2(torch.ByteTensor{{13}}, torch.ByteTensor{{20}})[1][1])
  end)

  it('read non-contiguous inputs and write non-contiguous results', function()
    local big = torch.DoubleTensor(8, 10):zero()
    local x = big:narrow(1, 2, 4):narrow(2, 3, 3) -- a 4x3 view
    x:copy(torch.DoubleTensor(X):t())
    local k = torch.DoubleTensor(K):t()            -- transposed kernel
    local ref = ref_conv(torch.DoubleTensor(X):t():totable(), torch.DoubleTensor(K):t():totable(), 2, true, false)
    assert.are.same(ref, torch.xcorr2(x, k, 'F'):totable())
    local res = torch.DoubleTensor(6, 5):zero():t() -- 5x4 with a column stride
    torch.xcorr2(res, x, k, 'F')
    assert.are.same(ref, res:totable())
    -- the result may be the input
    local y = torch.DoubleTensor(X)
    torch.conv2(y, y, torch.DoubleTensor(K))
    assert.are.same(ref_conv(X, K, 2, false, true), y:totable())
  end)

  it('have Torch7\'s plane forms (3D with 3D, 3D with 4D) and method forms', function()
    local x = torch.DoubleTensor(2, 3, 4)
    x[1]:copy(torch.DoubleTensor(X)); x[2]:copy(torch.DoubleTensor(X)):mul(-2)
    local k3 = torch.DoubleTensor(2, 2, 2)
    k3[1]:copy(torch.DoubleTensor(K)); k3[2]:fill(1)
    local r = torch.conv2(x, k3)                   -- plane i with kernel i
    assert.are.same({2, 2, 3}, r:size():totable())
    assert.are.same(torch.conv2(x[1], k3[1]):totable(), r[1]:totable())
    assert.are.same(torch.conv2(x[2], k3[2]):totable(), r[2]:totable())
    local k4 = torch.DoubleTensor(3, 2, 2, 2):uniform(-1, 1) -- 3 outputs of 2 planes
    local m = torch.xcorr2(x, k4, 'F')
    assert.are.same({3, 4, 5}, m:size():totable())
    for j = 1, 3 do
      local want = torch.xcorr2(x[1], k4[j][1], 'F') + torch.xcorr2(x[2], k4[j][2], 'F')
      H.near(want:totable(), m[j]:totable(), 1e-12)
    end
    -- x:conv2(k) is torch.conv2(x, k); res:conv2(x, k, 'F') fills res
    assert.are.same(torch.conv2(x[1], k3[1], 'F'):totable(), x[1]:conv2(k3[1], 'F'):totable())
    local res = torch.DoubleTensor()
    assert.are.equal(res, res:xcorr2(x[1], k3[1]))
    assert.are.same(torch.xcorr2(x[1], k3[1]):totable(), res:totable())
  end)

  it('3D: conv3 and xcorr3 against the definitions, with the plane forms', function()
    local x3 = seq(3, function(a) return seq(3, function(b) return seq(4, function(c)
      return (a * 7 + b * 3 + c) % 5 - 2 end) end) end)
    local k3 = {{{1, 0}, {0, 2}}, {{0, -1}, {1, 0.5}}}
    local x, k = torch.DoubleTensor(x3), torch.DoubleTensor(k3)
    assert.are.same(ref_conv(x3, k3, 3, false, true), torch.conv3(x, k):totable())
    assert.are.same(ref_conv(x3, k3, 3, true, true), torch.conv3(x, k, 'F'):totable())
    assert.are.same(ref_conv(x3, k3, 3, false, false), torch.xcorr3(x, k):totable())
    assert.are.same(ref_conv(x3, k3, 3, true, false), torch.xcorr3(x, k, 'F'):totable())
    local xs = torch.DoubleTensor(2, 3, 3, 4); xs[1]:copy(x); xs[2]:copy(x):mul(3)
    local ks = torch.DoubleTensor(1, 2, 2, 2, 2); ks[1][1]:copy(k); ks[1][2]:copy(k)
    local r = torch.conv3(xs, ks)                  -- 4D with 5D: sum over the planes
    assert.are.same({1, 2, 2, 3}, r:size():totable())
    H.near(torch.conv3(x, k):mul(4):totable(), r[1]:totable(), 1e-12)
  end)

  it('give clear errors at the caller\'s line', function()
    local x, k = torch.DoubleTensor(3, 3):zero(), torch.DoubleTensor(4, 4):zero()
    raises_here(function() torch.conv2(x, k) end,
      "conv2: the input (3x3) is smaller than the kernel (4x4) in valid mode ('V')")
    assert.are.same({6, 6}, torch.conv2(x, k, 'F'):size():totable())
    raises_here(function() torch.conv2(x, k, 'X') end, "conv2: argument 3: expected 'V' (valid) or 'F' (full), got X")
    raises_here(function() torch.xcorr2(torch.DoubleTensor(3), k) end,
      'xcorr2: input of size 3 and kernel of size 4x4 (expected 2D and 2D, 3D and 3D, or 3D and 4D)')
    raises_here(function() torch.conv2(torch.DoubleTensor(2, 3, 3), torch.DoubleTensor(3, 2, 2)) end,
      'conv2: input of size 2x3x3 and kernel of size 3x2x2: 2 input planes but 3 kernels')
    raises_here(function() torch.conv3(torch.DoubleTensor(2, 3, 3, 3), torch.DoubleTensor(1, 3, 2, 2, 2)) end,
      'conv3: input of size 2x3x3x3 and kernel of size 1x3x2x2x2: 2 input planes but the kernel has 3')
    raises_here(function() torch.conv2(x, torch.FloatTensor(2, 2)) end, 'conv2: tensor types differ')
    raises_here(function() torch.conv2(x) end, 'conv2: argument 2: expected a tensor')
    raises_here(function() torch.conv2(x, torch.DoubleTensor(0, 2)) end, 'conv2: the kernel of size 0x2 is empty')
  end)
end)

describe('histc and bhistc', function()
  it('count into equal bins, the last one closed', function()
    -- [0, 10] in 5 bins of width 2: 0.5, 1, 1.5 | 2 | - | 7 | 9.9, 10
    local x = torch.DoubleTensor{0.5, 1, 1.5, 2, 7, 9.9, 10, -1, 11, 0 / 0}
    assert.are.same({3, 1, 0, 1, 2}, torch.histc(x, 5, 0, 10):totable())
    -- from the data's range [1, 5] with the default 100 bins
    local h = torch.histc(torch.DoubleTensor{1, 2, 2, 5})
    assert.are.equal(100, h:size(1))
    assert.are.same({1, 2, 1}, {h[1], h[26], h[100]})
    assert.are.equal(4, h:sum())
    -- all equal: the range is [v - 1, v + 1]
    assert.are.same({0, 3}, torch.histc(torch.DoubleTensor{7, 7, 7}, 2):totable())
    -- Long counts in a LongTensor; Float in Float
    assert.are.equal('torch.LongTensor', torch.typename(torch.histc(torch.LongTensor{1, 2, 3}, 3)))
    assert.are.same({1, 1, 1}, torch.histc(torch.FloatTensor{1, 2, 3}, 3):totable())
  end)

  it('bhistc counts each row over one range (Torch7\'s example)', function()
    local x = torch.DoubleTensor{{2, 4, 2, 2, 5, 4}, {3, 5, 1, 5, 3, 5}, {3, 4, 2, 5, 5, 1}}
    assert.are.same({{0, 3, 0, 2, 1}, {1, 0, 2, 0, 3}, {1, 1, 1, 1, 2}}, torch.bhistc(x, 5, 1, 5):totable())
    -- one row, the range from the data [2, 5]: bins of 0.6 starting at 2 (4 -> bin 4)
    assert.are.same({{3, 0, 0, 2, 1}}, torch.bhistc(x:narrow(1, 1, 1), 5):totable())
    -- a transposed (non-contiguous) input
    assert.are.same({{2, 1}, {1, 2}}, torch.bhistc(torch.DoubleTensor{{1, 1}, {1, 2}, {2, 2}}:t(), 2, 1, 2):totable())
  end)

  it('has the result-first and method forms', function()
    local res, x = torch.DoubleTensor(), torch.DoubleTensor{1, 2, 3, 4}
    assert.are.equal(res, torch.histc(res, x, 2))
    assert.are.same({2, 2}, res:totable())
    assert.are.same({2, 2}, x:histc(2):totable())          -- a new tensor
    assert.are.same({1, 2, 3, 4}, x:totable())
    local r2 = torch.DoubleTensor(3):zero()
    r2:histc(x, 3, 1, 4)
    assert.are.same({1, 1, 2}, r2:totable())
  end)

  it('gives clear errors', function()
    local x = torch.DoubleTensor{1, 2}
    raises_here(function() torch.histc(x, 0) end, 'histc: 0 bins (at least 1)')
    raises_here(function() torch.histc(x, 3, 5, 1) end, 'histc: min 5 is larger than max 1')
    raises_here(function() torch.histc(x, 3, 1) end, 'histc: give both min and max')
    raises_here(function() torch.histc(torch.DoubleTensor{1, math.huge}) end, 'histc: the range [1, inf] is not finite')
    raises_here(function() torch.histc(torch.ByteTensor{1}) end, 'histc: not supported for torch.ByteTensor')
    raises_here(function() torch.bhistc(x) end, 'bhistc: expected a 2D tensor, got size 2')
    raises_here(function() torch.histc(torch.LongTensor(), x) end, 'histc: the result is a torch.LongTensor')
  end)
end)

describe('cross', function()
  local function ref(a, b)
    return {a[2] * b[3] - a[3] * b[2], a[3] * b[1] - a[1] * b[3], a[1] * b[2] - a[2] * b[1]}
  end

  it('along the first dimension of size 3, or the one given', function()
    local a, b = {{1, 2, 3}, {-1, 0.5, 4}}, {{4, 5, 6}, {2, -3, 1}}
    local r = torch.cross(torch.DoubleTensor(a), torch.DoubleTensor(b)) -- dim 2
    assert.are.same({ref(a[1], b[1]), ref(a[2], b[2])}, r:totable())
    assert.are.same({-3, 6, -3}, r[1]:totable()) -- (1,2,3) x (4,5,6), by hand
    -- 3x3: the first dimension is taken unless told
    local A, B = torch.DoubleTensor(3, 3):uniform(), torch.DoubleTensor(3, 3):uniform()
    local c1, c2 = torch.cross(A, B), torch.cross(A, B, 2)
    for j = 1, 3 do
      H.near(ref(A[{{}, j}]:totable(), B[{{}, j}]:totable()), c1[{{}, j}]:totable(), 1e-15)
      H.near(ref(A[j]:totable(), B[j]:totable()), c2[j]:totable(), 1e-15)
    end
    assert.are.same({0, 0, 1}, torch.cross(torch.LongTensor{1, 0, 0}, torch.LongTensor{0, 1, 0}):totable())
  end)

  it('has Torch7\'s forms: a:cross(b) is new, res:cross(a, b) fills res, res may be a', function()
    local a, b = torch.DoubleTensor{1, 0, 0}, torch.DoubleTensor{0, 1, 0}
    assert.are.same({0, 0, 1}, a:cross(b):totable())
    assert.are.same({1, 0, 0}, a:totable())
    local res = torch.DoubleTensor()
    assert.are.equal(res, res:cross(a, b))
    torch.cross(a, a, b)
    assert.are.same({0, 0, 1}, a:totable())
    -- non-contiguous inputs: the columns of a transposed matrix
    local m = torch.DoubleTensor{{1, 0}, {2, 1}, {3, 0}}:t() -- rows (1,2,3), (0,1,0)
    assert.are.same({{-3, 0, 1}}, torch.cross(m:narrow(1, 1, 1), m:narrow(1, 2, 1), 2):totable())
  end)

  it('gives clear errors', function()
    raises_here(function() torch.cross(torch.DoubleTensor(2, 2), torch.DoubleTensor(2, 2)) end,
      'cross: no dimension of size 3 in size 2x2')
    raises_here(function() torch.cross(torch.DoubleTensor(3, 2), torch.DoubleTensor(3, 2), 2) end,
      'cross: dimension 2 has size 2, expected 3')
    raises_here(function() torch.cross(torch.DoubleTensor(3), torch.DoubleTensor(3, 1)) end,
      'cross: sizes 3 and 3x1 differ')
    raises_here(function() torch.cross(torch.DoubleTensor(3), torch.DoubleTensor(3), 4) end,
      'cross: dimension 4 out of range for a 1D tensor')
    raises_here(function() torch.cross(torch.DoubleTensor(3), torch.LongTensor(3)) end, 'cross: tensor types differ')
  end)
end)

describe('renorm', function()
  it('scales the slices whose norm exceeds maxnorm, as Torch7 (with its 1e-7)', function()
    local m = torch.DoubleTensor{{1, 2, 3}, {4, 5, 6}}
    -- rows (dim 1), 3-norm at most 5: row 1's norm is 36^(1/3) = 3.30 (kept),
    -- row 2's is 405^(1/3) = 7.40 (scaled)
    local r = torch.renorm(m, 3, 1, 5)
    local n2 = (4 ^ 3 + 5 ^ 3 + 6 ^ 3) ^ (1 / 3)
    assert.are.same({1, 2, 3}, r[1]:totable())
    H.near({4 * 5 / (n2 + 1e-7), 5 * 5 / (n2 + 1e-7), 6 * 5 / (n2 + 1e-7)}, r[2]:totable(), 1e-12)
    -- columns (dim 2), 2-norm at most 4.5: (1,4) has 4.12 (kept), (2,5) 5.39, (3,6) 6.71
    local c = torch.renorm(m, 2, 2, 4.5)
    assert.are.same({1, 4}, c[{{}, 1}]:totable())
    H.near(4.5 / (math.sqrt(29) + 1e-7) * 5, c[2][2], 1e-12)
    H.near(4.5, c[{{}, 3}]:norm(), 1e-6)
    -- a 3D tensor, dim 2: each slice x[{{}, i, {}}] taken whole
    local t = torch.DoubleTensor(2, 3, 2):uniform(-3, 3)
    local u = torch.renorm(t, 1, 2, 1)
    for i = 1, 3 do
      local n = t[{{}, i, {}}]:norm(1)
      H.near(n > 1 and 1 / (n + 1e-7) * n or n, u[{{}, i, {}}]:norm(1), 1e-9)
    end
  end)

  it('x:renorm is in place; res:renorm(x, ...) fills res; Float works', function()
    local m = torch.DoubleTensor{{3, 4}, {0.3, 0.4}}
    assert.are.equal(m, m:renorm(2, 1, 1))
    H.near({3 / (5 + 1e-7), 4 / (5 + 1e-7)}, m[1]:totable(), 1e-15)
    assert.are.same({0.3, 0.4}, m[2]:totable())
    local res, x = torch.DoubleTensor(), torch.DoubleTensor{{6, 8}}
    assert.are.equal(res, res:renorm(x, 2, 1, 5))
    H.near({3, 4}, res[1]:totable(), 1e-6)
    assert.are.same({6, 8}, x[1]:totable())
    H.near({0.6, 0.8}, torch.renorm(torch.FloatTensor{{6, 8}}, 2, 1, 1)[1]:totable(), 1e-6)
    -- a transposed (non-contiguous) tensor renormalised in place
    local w = torch.DoubleTensor{{6, 0}, {8, 1}}
    w:t():renorm(2, 1, 5)
    H.near({{3, 0}, {4, 1}}, w:totable(), 1e-6)
  end)

  it('gives clear errors', function()
    local m = torch.DoubleTensor(2, 2):fill(1)
    raises_here(function() torch.renorm(m, 0, 1, 1) end, 'renorm: the norm\'s p must be positive, got 0')
    raises_here(function() torch.renorm(m, 2, 3, 1) end, 'renorm: dimension 3 out of range for a 2D tensor')
    raises_here(function() torch.renorm(m, 2, 1, -1) end, 'renorm: maxnorm must be non-negative')
    raises_here(function() torch.renorm(torch.DoubleTensor(3), 2, 1, 1) end,
      'renorm: expected a tensor of at least 2 dimensions, got size 3')
    raises_here(function() torch.renorm(torch.LongTensor(2, 2), 2, 1, 1) end,
      'renorm: not supported for torch.LongTensor (Float and Double only)')
    raises_here(function() torch.renorm(m, 2, 1) end, 'renorm: argument 4: expected a number')
  end)
end)

describe('isSetTo', function()
  it('is true only for the same storage, offset, sizes and strides', function()
    local x, y = torch.DoubleTensor(2, 5), torch.DoubleTensor()
    assert.is_false(y:isSetTo(x))
    y:set(x)
    assert.is_true(y:isSetTo(x))
    assert.is_true(x:isSetTo(y))
    assert.is_false(y:t():isSetTo(x))
    assert.is_false(x:narrow(1, 2, 1):isSetTo(x:narrow(1, 1, 1)))
    assert.is_true(x:narrow(2, 2, 3):isSetTo(x:narrow(2, 2, 3)))
    assert.is_false(torch.DoubleTensor():isSetTo(torch.DoubleTensor()))
    assert.is_false(x:isSetTo(x:clone()))
    raises_here(function() x:isSetTo(3) end, 'isSetTo: argument 2: expected a tensor, got number')
  end)
end)

describe('multinomialAliasSetup and multinomialAlias', function()
  it('build tables that keep the distribution, and draw from it', function()
    local probs = torch.DoubleTensor{0.2, 0.3, 0.5}
    local state = torch.multinomialAliasSetup(probs)
    assert.are.equal('torch.LongTensor', torch.typename(state[1]))
    assert.are.equal('torch.DoubleTensor', torch.typename(state[2]))
    -- each outcome's mass: q[i]/K kept plus (1 - q[j])/K from every j aliased to i
    local K, mass = 3, {0, 0, 0}
    for j = 1, K do
      mass[j] = mass[j] + state[2][j] / K
      mass[state[1][j]] = mass[state[1][j]] + (1 - state[2][j]) / K
    end
    H.near({0.2, 0.3, 0.5}, mass, 1e-12)
    torch.manualSeed(7)
    local out = torch.LongTensor(2, 30000)
    torch.multinomialAlias(out:view(-1), state)
    for i = 1, 3 do H.near(probs[i], out:eq(i):sum() / 60000, 0.01) end
    -- weights need not sum to 1; a zero weight is never drawn; a strided output
    local s2 = torch.multinomialAliasSetup(torch.FloatTensor{0, 2, 6})
    local o2 = torch.LongTensor(2, 20000)
    local view = o2:select(1, 2)
    assert.are.equal(view, torch.multinomialAlias(view, s2))
    local row = o2[2]
    assert.are.equal(0, row:eq(1):sum())
    H.near(0.75, row:eq(3):sum() / 20000, 0.015)
  end)

  it('reuses a given state and refuses bad input', function()
    local state = {torch.LongTensor(), torch.DoubleTensor()}
    assert.are.equal(state, torch.multinomialAliasSetup(torch.DoubleTensor{1, 1}, state))
    assert.are.same({1, 1}, state[2]:totable())
    raises_here(function() torch.multinomialAliasSetup(torch.DoubleTensor{0.5, -1}) end,
      'multinomialAliasSetup: argument 1: probability 2 is -1.0')
    raises_here(function() torch.multinomialAliasSetup(torch.DoubleTensor{0, 0}) end,
      'multinomialAliasSetup: argument 1: the probabilities sum to 0')
    raises_here(function() torch.multinomialAliasSetup(torch.LongTensor{1}) end,
      'multinomialAliasSetup: argument 1: expected a 1D torch.DoubleTensor or torch.FloatTensor')
    raises_here(function() torch.multinomialAlias(torch.DoubleTensor(3), state) end,
      'multinomialAlias: argument 1: expected a 1D torch.LongTensor')
    raises_here(function() torch.multinomialAlias(torch.LongTensor(3), {}) end,
      'multinomialAlias: argument 2: expected the state')
    raises_here(function() torch.multinomialAlias(torch.LongTensor(3), {torch.LongTensor{5, 1}, torch.DoubleTensor{1, 1}}) end,
      'multinomialAlias: argument 2: alias 1 is 5, outside 1..2')
  end)
end)

describe('serializeToStorage and deserializeFromStorage', function()
  it('round-trip objects through a ByteStorage, in binary and ascii', function()
    local obj = {a = 1, t = torch.DoubleTensor{1, 2, 3}, s = 'x'}
    local s = torch.serializeToStorage(obj)
    assert.are.equal('torch.ByteStorage', torch.typename(s))
    assert.are.equal(#torch.serialize(obj), s:size())
    local back = torch.deserializeFromStorage(s)
    assert.are.same({1, 2, 3}, back.t:totable())
    assert.are.equal('x', back.s)
    local a = torch.serializeToStorage(obj, 'ascii')
    assert.are.equal(3, torch.deserializeFromStorage(a, 'ascii').t[3])
  end)

  it('refuses bad modes, storages and bytes with the function\'s name', function()
    raises_here(function() torch.serializeToStorage({}, 'b99') end, "serializeToStorage: argument 2: mode 'b99'")
    raises_here(function() torch.serializeToStorage(print) end, 'serializeToStorage: writeObject: a C function cannot be saved')
    raises_here(function() torch.deserializeFromStorage('abc') end,
      'deserializeFromStorage: argument 1: expected a torch.ByteStorage, got string')
    raises_here(function() torch.deserializeFromStorage(torch.ByteStorage(3)) end,
      'deserializeFromStorage: t7: truncated file')
  end)
end)

describe('mod, cmod, isequal, id, typename2id', function()
  it('are Torch7\'s names', function()
    assert.are.same({2, -2}, torch.mod(torch.DoubleTensor{5, -5}, 3):totable())
    assert.are.same({1, 2}, torch.DoubleTensor{4, 5}:mod(3):totable())
    assert.are.same({1, 1}, torch.cmod(torch.LongTensor{4, 5}, torch.LongTensor{3, 2}):totable())
    local x, t = torch.DoubleTensor(2), {}
    assert.is_true(torch.isequal(x, x))
    assert.is_true(torch.isequal(t, t))
    assert.is_false(torch.isequal(x, x:clone()))
    assert.is_false(torch.isequal(1, 1))
    assert.are.equal(torch.id(x), torch.typename2id('torch.DoubleTensor'))
    assert.are_not.equal(torch.id(x), torch.id(torch.FloatTensor()))
    assert.is_nil(torch.id({}))
    assert.is_nil(torch.typename2id('torch.NoSuchClass'))
  end)
end)
