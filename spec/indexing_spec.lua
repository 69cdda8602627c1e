-- The indexing helper's own spec (spec/index_spec.lua and construct_spec.lua were
-- also written by another helper): index, indexCopy, indexAdd, indexFill, gather,
-- scatter, masks, nonzero, t[idx] / t[mask], and the constructors.
require 'torch'
local H = require 'spec.helpers'

local classes = {torch.FloatTensor, torch.DoubleTensor, torch.LongTensor, torch.ByteTensor}
-- 3x4 with element (i, j) = 10 (i-1) + (j-1)
local function grid(cls)
  return cls({{0, 1, 2, 3}, {10, 11, 12, 13}, {20, 21, 22, 23}})
end
local L = torch.LongTensor

describe('index', function()
  it('selects rows and columns, repeated and reordered, for every type', function()
    for _, cls in ipairs(classes) do
      local x = grid(cls)
      local r = x:index(1, L{3, 1, 3})
      assert.are.equal(x:type(), r:type())
      assert.are.same({{20, 21, 22, 23}, {0, 1, 2, 3}, {20, 21, 22, 23}}, r:totable())
      assert.are.same({{3, 1}, {13, 11}, {23, 21}}, x:index(2, L{4, 2}):totable())
      assert.are.same({{1}, {11}, {21}}, torch.index(x, 2, L{2}):totable())
    end
  end)

  it('reads a non-contiguous source', function()
    local x = grid(torch.DoubleTensor):t()
    assert.are.same({{3, 13, 23}, {0, 10, 20}}, x:index(1, L{4, 1}):totable())
    local n = grid(torch.DoubleTensor):narrow(2, 2, 2)
    assert.are.same({{12, 11}, {22, 21}}, n:index(1, L{2, 3}):index(2, L{2, 1}):totable())
  end)

  it('fills a given result, reusing its storage when large enough', function()
    local X = grid(torch.FloatTensor)
    local res = torch.FloatTensor(10, 4)
    local storage = res:storage()
    assert.are.equal(res, torch.index(res, X, 1, L{2, 1}))
    assert.are.same({{10, 11, 12, 13}, {0, 1, 2, 3}}, res:totable())
    assert.are.equal(storage, res:storage())
    res:index(X, 2, L{1})
    assert.are.same({{0}, {10}, {20}}, res:totable())
    X:index(X, 1, L{3}) -- the result may be the source
    assert.are.same({{20, 21, 22, 23}}, X:totable())
  end)

  it('range-checks every index and refuses bad index tensors', function()
    local x = grid(torch.FloatTensor)
    H.raises(function() x:index(1, L{1, 4}) end,
      'index: index 4 out of range for dimension 1 (size 3)')
    H.raises(function() x:index(2, L{0}) end, 'index 0 out of range for dimension 2 (size 4)')
    H.raises(function() x:index(1, torch.FloatTensor{1}) end,
      'index: the index must be a LongTensor, not a FloatTensor')
    H.raises(function() x:index(1, L{{1, 2}}) end, 'the index must be a 1D LongTensor, got 2D')
  end)
end)

describe('indexCopy, indexAdd, indexFill', function()
  it('indexCopy writes rows for every type and returns self', function()
    for _, cls in ipairs(classes) do
      local x = cls(3, 2):zero()
      assert.are.equal(x, x:indexCopy(1, L{3, 1}, cls({{1, 2}, {3, 4}})))
      assert.are.same({{3, 4}, {0, 0}, {1, 2}}, x:totable())
    end
  end)

  it('indexCopy writes into a transposed destination from a narrowed source', function()
    local base = torch.DoubleTensor(2, 3):zero()
    local src = grid(torch.DoubleTensor):narrow(2, 3, 2) -- {{2,3},{12,13},{22,23}}
    base:t():indexCopy(2, L{2}, src:narrow(2, 2, 1))
    assert.are.same({{0, 0, 0}, {3, 13, 23}}, base:totable())
  end)

  it('indexAdd accumulates repeated indices, for every type', function()
    for _, cls in ipairs(classes) do
      local x = cls(2, 2):fill(1)
      x:indexAdd(1, L{2, 2, 1}, cls({{1, 2}, {3, 4}, {5, 6}}))
      assert.are.same({{6, 7}, {5, 7}}, x:totable())
    end
    local base = torch.FloatTensor(2, 3):zero()
    base:t():indexAdd(2, L{1, 1}, torch.FloatTensor({{1, 2}, {3, 4}, {5, 6}}))
    assert.are.same({{3, 7, 11}, {0, 0, 0}}, base:totable())
  end)

  it('indexFill sets whole slices, also of a narrowed view', function()
    for _, cls in ipairs(classes) do
      local x = grid(cls)
      x:indexFill(2, L{1, 3}, 9)
      assert.are.same({{9, 1, 9, 3}, {9, 11, 9, 13}, {9, 21, 9, 23}}, x:totable())
    end
    local n = grid(torch.FloatTensor)
    n:narrow(1, 2, 2):indexFill(1, L{2}, -1)
    assert.are.same({-1, -1, -1, -1}, n[3]:totable())
  end)

  it('checks sizes, types and indices, leaving the tensor untouched', function()
    local x = torch.FloatTensor(3, 2):zero()
    H.raises(function() x:indexCopy(1, L{1, 2}, torch.FloatTensor(3, 2)) end,
      'indexCopy: source of size 3x2, expected 2x2')
    H.raises(function() x:indexAdd(1, L{1}, torch.DoubleTensor(1, 2)) end,
      'indexAdd: the source must be a FloatTensor like the tensor, not a DoubleTensor')
    H.raises(function() x:indexFill(1, L{1, 7}, 5) end,
      'indexFill: index 7 out of range for dimension 1 (size 3)')
    assert.are.same({{0, 0}, {0, 0}, {0, 0}}, x:totable())
  end)
end)

describe('gather and scatter', function()
  it('gather picks along a dimension, for every type', function()
    for _, cls in ipairs(classes) do
      local x = grid(cls)
      assert.are.same({{3, 0}, {11, 11}, {20, 22}}, x:gather(2, L{{4, 1}, {2, 2}, {1, 3}}):totable())
      assert.are.same({{20, 1, 12, 23}}, torch.gather(x, 1, L{{3, 1, 2, 3}}):totable())
    end
    local xt = grid(torch.DoubleTensor):t() -- {{0,10,20},{1,11,21},...}
    assert.are.same({{20, 0}, {11, 1}}, xt:gather(2, L{{3, 1}, {2, 1}}):totable())
  end)

  it('scatter then gather is a round trip', function()
    local src = torch.DoubleTensor({{1, 2, 3}, {4, 5, 6}})
    local idx = L{{3, 1, 2}, {2, 3, 1}}
    local x = torch.DoubleTensor(2, 3):zero()
    assert.are.equal(x, x:scatter(2, idx, src))
    assert.are.same({{2, 3, 1}, {6, 4, 5}}, x:totable())
    assert.are.same(src:totable(), x:gather(2, idx):totable())
  end)

  it('scatter writes into a transposed destination and fills a value', function()
    local base = torch.LongTensor(3, 2):zero()
    base:t():scatter(1, L{{2, 1, 2}}, torch.LongTensor({{7, 8, 9}}))
    assert.are.same({{0, 7}, {8, 0}, {0, 9}}, base:totable())
    local y = torch.ByteTensor(2, 2):zero()
    y:scatter(1, L{{2, 1}}, 5)
    assert.are.same({{0, 5}, {5, 0}}, y:totable())
  end)

  it('checks the index', function()
    local x = grid(torch.FloatTensor)
    H.raises(function() x:gather(2, L{{5}}) end, 'gather: index 5 out of range for dimension 2 (size 4)')
    H.raises(function() x:gather(2, L{1, 2}) end, 'gather: the index must have 2 dimensions')
    H.raises(function() x:gather(2, L{{1}, {1}, {1}, {1}}) end, 'gather: index of size 4x1')
    H.raises(function() x:scatter(1, L{{4}}, 1) end, 'scatter: index 4 out of range for dimension 1 (size 3)')
  end)
end)

describe('masks', function()
  it('maskedSelect returns the selected elements in row-major order, for every type', function()
    for _, cls in ipairs(classes) do
      local x = grid(cls)
      local m = torch.ByteTensor({{1, 0, 0, 1}, {0, 0, 0, 0}, {0, 1, 1, 0}})
      assert.are.same({0, 3, 21, 22}, x:maskedSelect(m):totable())
      assert.are.same({0, 3, 21, 22}, torch.maskedSelect(x, m):totable())
    end
  end)

  it('maskedSelect pairs a transposed source with a mask of another shape', function()
    local xt = grid(torch.DoubleTensor):t() -- row-major: 0 10 20 1 11 21 2 12 22 3 13 23
    local m = torch.ByteTensor(12):zero()
    m[2] = 1; m[4] = 1; m[12] = 1
    assert.are.same({10, 1, 23}, xt:maskedSelect(m):totable())
    local res = torch.DoubleTensor()
    res:maskedSelect(xt, m)
    assert.are.same({10, 1, 23}, res:totable())
  end)

  it('broadcasts a row mask', function()
    local x = grid(torch.FloatTensor)
    assert.are.same({1, 3, 11, 13, 21, 23}, x:maskedSelect(torch.ByteTensor{0, 1, 0, 1}):totable())
    x:maskedFill(torch.ByteTensor{{1, 0, 0, 0}}, -1)
    assert.are.same({-1, -1, -1}, x:select(2, 1):totable())
  end)

  it('maskedFill and maskedCopy write through a non-contiguous view', function()
    local base = torch.FloatTensor(2, 3):zero()
    local v = base:t()
    local m = torch.ByteTensor({{1, 0}, {0, 1}, {1, 0}})
    v:maskedFill(m, 4)
    assert.are.same({{4, 0, 4}, {0, 4, 0}}, base:totable())
    v:maskedCopy(m, torch.FloatTensor({7, 8, 9, 10}))
    assert.are.same({{7, 0, 9}, {0, 8, 0}}, base:totable())
  end)

  it('t[mask] and t[mask] = v go through __index and __newindex', function()
    local x = grid(torch.LongTensor)
    assert.are.same({21, 22, 23}, x[x:gt(20)]:totable())
    x[x:gt(20)] = 0
    assert.are.same({20, 0, 0, 0}, x[3]:totable())
    x[x:eq(0)] = torch.LongTensor{5, 6, 7, 8}
    assert.are.same({{5, 1, 2, 3}, {10, 11, 12, 13}, {20, 6, 7, 8}}, x:totable())
  end)

  it('nonzero gives 1-based subscripts', function()
    local x = torch.DoubleTensor({{0, 2, 0}, {3, 0, 4}})
    local n = x:nonzero()
    assert.are.equal('torch.LongTensor', n:type())
    assert.are.same({{1, 2}, {2, 1}, {2, 3}}, n:totable())
    assert.are.same({{2}, {4}}, torch.nonzero(torch.ByteTensor{0, 1, 0, 1}):totable())
    assert.are.same({{1, 2}, {2, 1}, {3, 2}}, x:t():nonzero():totable()) -- {{0,3},{2,0},{0,4}}
  end)

  it('checks mask type and size', function()
    local x = grid(torch.FloatTensor)
    H.raises(function() x:maskedSelect(torch.LongTensor(3, 4):zero()) end,
      'maskedSelect: the mask must be a ByteTensor, not a LongTensor')
    H.raises(function() x:maskedFill(torch.ByteTensor(2, 2):zero(), 1) end,
      'maskedFill: mask of size 2x2 does not match or broadcast to the tensor\'s size 3x4')
    H.raises(function() x:maskedCopy(torch.ByteTensor(3, 4):fill(1), torch.FloatTensor(5)) end,
      'maskedCopy: source of size 5 has 5 elements, the mask selects 12')
  end)
end)

describe('t[longtensor]', function()
  it('reads and writes rows through __index and __newindex', function()
    local x = grid(torch.DoubleTensor)
    assert.are.same({{20, 21, 22, 23}, {0, 1, 2, 3}}, x[L{3, 1}]:totable())
    x[L{2}] = -1
    assert.are.same({-1, -1, -1, -1}, x[2]:totable())
    x[L{1, 3}] = torch.DoubleTensor({{1, 1, 1, 1}, {2, 2, 2, 2}})
    assert.are.same({{1, 1, 1, 1}, {-1, -1, -1, -1}, {2, 2, 2, 2}}, x:totable())
    H.raises(function() return x[L{4}] end, 'index 4 out of range for dimension 1 (size 3)')
  end)
end)

describe('constructors', function()
  it('zeros, ones, range, linspace, logspace, eye', function()
    assert.are.same({{0, 0, 0}, {0, 0, 0}}, torch.zeros(2, 3):totable())
    assert.are.same({1, 1}, torch.ones(torch.LongStorage{2}):totable())
    local x = torch.LongTensor{9}
    assert.are.equal(x, x:ones(2, 1))
    assert.are.same({{1}, {1}}, x:totable())
    assert.are.same({1, 2, 3}, torch.range(1, 3):totable())
    assert.are.same({5, 3, 1}, torch.range(5, 0, -2):totable())
    assert.are.same({0, 0.25, 0.5, 0.75, 1}, torch.linspace(0, 1, 5, 'torch.DoubleTensor'):totable())
    assert.are.equal(100, torch.linspace(0, 1):nElement())
    assert.are.same({1, 10, 100}, torch.logspace(0, 2, 3, 'torch.DoubleTensor'):totable())
    assert.are.same({{1, 0, 0}, {0, 1, 0}}, torch.eye(2, 3):totable())
    H.raises(function() torch.zeros(2, -1) end, 'zeros: negative size -1 in dimension 2')
    H.raises(function() torch.range(1, 3, -1) end, 'range: step -1 does not lead from 1 to 3')
  end)

  it('diag, tril, triu', function()
    local m = grid(torch.DoubleTensor)
    assert.are.same({0, 11, 22}, m:diag():totable())
    assert.are.same({1, 12, 23}, torch.diag(m, 1):totable())
    assert.are.same({10, 21}, torch.diag(m, -1):totable())
    assert.are.same({{0, 5, 0}, {0, 0, 6}, {0, 0, 0}}, torch.diag(torch.LongTensor{5, 6}, 1):totable())
    assert.are.same({10, 21}, m:t():narrow(2, 2, 2):diag():totable()) -- {{10,20},{11,21},...}
    assert.are.same({{0, 0, 0, 0}, {10, 11, 0, 0}, {20, 21, 22, 0}}, m:tril():totable())
    assert.are.same({{0, 1, 2, 3}, {0, 0, 12, 13}, {0, 0, 0, 23}}, torch.triu(m, 1):totable())
    H.raises(function() m:diag(4) end, 'diag: diagonal 4 lies outside a 3x4 matrix')
  end)

  it('cat along the last dimension by default, tables, and size errors', function()
    assert.are.same({1, 1, 1, 0, 0}, torch.cat(torch.ones(3), torch.zeros(2)):totable())
    local a = torch.DoubleTensor({{1, 2}, {3, 4}}):t()
    assert.are.same({{1, 3, 1}, {2, 4, 2}}, torch.cat(a, a:narrow(2, 1, 1)):totable())
    assert.are.same({{1, 3}, {2, 4}, {1, 3}}, torch.cat({a, a:narrow(1, 1, 1)}, 1):totable())
    H.raises(function() torch.cat(torch.zeros(2, 2), torch.zeros(3, 3), 1) end,
      'cat: sizes 2x2 (tensor 1) and 3x3 (tensor 2) differ outside dimension 1')
  end)

  it('reshape copies; repeatTensor tiles', function()
    local x = grid(torch.FloatTensor)
    local r = torch.reshape(x:t(), 2, 6)
    assert.are.same({{0, 10, 20, 1, 11, 21}, {2, 12, 22, 3, 13, 23}}, r:totable())
    r[1][1] = 99
    assert.are.equal(0, x[1][1])
    assert.are.same({{1, 2, 1, 2}, {1, 2, 1, 2}},
                    torch.LongTensor{1, 2}:repeatTensor(2, 2):totable())
    H.raises(function() x:reshape(5) end, 'reshape: cannot reshape size 3x4 (12 elements) to 5')
  end)
end)

describe('indexing when the source shares the destination storage', function()
  local B, L = torch.ByteTensor, torch.LongTensor
  it('reads the source as it was before the call', function()
    local z = torch.Tensor({1, 2, 3, 4})
    z:maskedCopy(B({0, 1, 1, 1}), z)
    assert.are.same({1, 1, 2, 3}, z:totable())
    local w = torch.Tensor({1, 2, 3, 4})
    w:indexCopy(1, L({1, 2}), w:narrow(1, 2, 2))
    assert.are.same({2, 3, 3, 4}, w:totable())
    local v = torch.Tensor({1, 2, 3, 4})
    v:indexAdd(1, L({2, 3}), v:narrow(1, 1, 2))
    assert.are.same({1, 3, 5, 4}, v:totable())
    local s = torch.Tensor({{1, 2}, {3, 4}})
    s:scatter(2, L({{2, 1}, {2, 1}}), s)
    assert.are.same({{2, 1}, {4, 3}}, s:totable())
  end)
end)
