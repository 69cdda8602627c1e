-- Result tensors that are views: resize leaves a tensor that already has the requested
-- sizes alone (Torch7's THTensor_resizeNd), so torch.f(res, ...) with res a transposed
-- or narrowed view writes into exactly the elements of that view, and the rest of the
-- parent stays as it was. Every expected value below is worked out by hand.
require 'torch'
require 'nn'
local H = require 'spec.helpers'

local same = assert.are.same

describe('resize', function()
  it('keeps the strides of a view that already has the sizes', function()
    local p = torch.Tensor({{1, 2}, {3, 4}, {5, 6}})
    local v = p:t()
    assert.are.equal(v, v:resize(2, 3))
    assert.is_false(v:isContiguous())
    same({1, 2}, {v:stride(1), v:stride(2)})
    same({{1, 3, 5}, {2, 4, 6}}, v:totable())
    v:resize(torch.LongStorage({2, 3})) -- the same through a LongStorage
    same({1, 2}, {v:stride(1), v:stride(2)})
    v[1][2] = 30 -- still a view: the parent sees the write
    same({{1, 2}, {30, 4}, {5, 6}}, p:totable())
  end)

  it('keeps the offset of a narrowed view, and re-strides for other sizes', function()
    local p = torch.range(1, 12):resize(3, 4)
    local v = p:narrow(2, 2, 2)
    v:resize(3, 2)
    assert.are.equal(2, v:storageOffset())
    same({4, 1}, {v:stride(1), v:stride(2)})
    same({{2, 3}, {6, 7}, {10, 11}}, v:totable())
    -- other sizes: contiguous at the same offset, over the same storage
    v:resize(2, 3)
    assert.is_true(v:isContiguous())
    assert.are.equal(2, v:storageOffset())
    same({{2, 3, 4}, {5, 6, 7}}, v:totable())
    v:fill(0)
    same({{1, 0, 0, 0}, {0, 0, 0, 8}, {9, 10, 11, 12}}, p:totable())
  end)

  it('re-strides for another number of dimensions with the same element count', function()
    local v = torch.zeros(3, 2):t()
    v:resize(6)
    assert.is_true(v:isContiguous())
    same({1}, {v:stride(1)})
    local w = torch.zeros(3, 2):t()
    w:resize(2, 3, 1)
    assert.is_true(w:isContiguous())
  end)

  it('grows the shared storage when the new sizes need it', function()
    local p = torch.range(1, 4)
    local v = p:narrow(1, 3, 2)
    v:resize(4)
    assert.are.equal(6, p:storage():size())
    assert.are.equal(3, v:storageOffset())
    same({1, 2, 3, 4}, p:totable())
    same({3, 4}, {v[1], v[2]})
  end)

  it('resizeAs keeps a view of the same sizes and re-strides otherwise', function()
    local p = torch.zeros(3, 2)
    local v = p:t()
    v:resizeAs(torch.LongTensor(2, 3)) -- only the sizes of the model matter
    assert.is_false(v:isContiguous())
    same({1, 2}, {v:stride(1), v:stride(2)})
    v:resizeAs(torch.Tensor(3, 2))
    assert.is_true(v:isContiguous())
    same({2, 1}, {v:stride(1), v:stride(2)})
  end)

  it('keeps an expanded tensor expanded', function()
    local e = torch.Tensor({5}):expand(3)
    e:resize(3)
    assert.are.equal(0, e:stride(1))
    same({5, 5, 5}, e:totable())
  end)

  it('cannot have its storage shrunk under it', function()
    local x = torch.zeros(4)
    local ok, err = pcall(function() x:storage():resize(2) end)
    assert.is_false(ok)
    assert.is_truthy(tostring(err):find('cannot shrink a storage of 4 elements to 2', 1, true))
    x:resize(4)
    assert.are.equal(4, x:storage():size())
  end)
end)

describe('pointwise ops into a result view', function()
  it('torch.add writes 2s through a transposed view', function()
    local x = torch.zeros(3, 2)
    torch.add(x:t(), torch.ones(2, 3), 1)
    same({{2, 2}, {2, 2}, {2, 2}}, x:totable())
  end)

  it('torch.add with a value into a narrowed view leaves the other columns', function()
    local p = torch.zeros(2, 4)
    torch.add(p:narrow(2, 2, 2), torch.Tensor({{1, 2}, {3, 4}}), 10, torch.ones(2, 2))
    same({{0, 11, 12, 0}, {0, 13, 14, 0}}, p:totable())
  end)

  it('cmul, div, clamp and abs', function()
    local p = torch.Tensor(3, 3):fill(-1)
    torch.cmul(p:select(2, 2), torch.Tensor({1, 2, 3}), torch.Tensor({4, 5, 6}))
    same({{-1, 4, -1}, {-1, 10, -1}, {-1, 18, -1}}, p:totable())

    local q = torch.zeros(2, 3)
    torch.div(q:t(), torch.Tensor({{2, 4}, {6, 8}, {10, 12}}), 2)
    same({{1, 3, 5}, {2, 4, 6}}, q:totable())

    local r = torch.zeros(2, 4)
    torch.clamp(r:narrow(2, 1, 3), torch.Tensor({{-5, 0, 5}, {1, -1, 9}}), -1, 2)
    same({{-1, 0, 2, 0}, {1, -1, 2, 0}}, r:totable())

    local s = torch.zeros(3, 2)
    torch.abs(s:t(), torch.Tensor({{-1, 2, -3}, {4, -5, 6}}))
    same({{1, 4}, {2, 5}, {3, 6}}, s:totable())
  end)

  it('addcmul, cmax and the method form res:cmul(a, b)', function()
    local p = torch.zeros(2, 2)
    p:t():cmul(torch.Tensor({{1, 2}, {3, 4}}), torch.Tensor({{2, 2}, {2, 2}}))
    same({{2, 6}, {4, 8}}, p:totable())

    local q = torch.Tensor(2, 3):fill(7)
    torch.addcmul(q:narrow(2, 2, 2), torch.ones(2, 2), 2, torch.Tensor({{1, 2}, {3, 4}}),
                  torch.Tensor({{1, 1}, {2, 2}}))
    same({{7, 3, 5}, {7, 13, 17}}, q:totable())

    local r = torch.zeros(3, 2)
    torch.cmax(r:t(), torch.Tensor({{1, 5, 2}, {0, 0, 9}}), torch.Tensor({{3, 3, 3}, {1, -1, 1}}))
    same({{3, 1}, {5, 0}, {3, 9}}, r:totable())
  end)

  it('a comparison into a ByteTensor view', function()
    local p = torch.ByteTensor(2, 4):fill(7)
    torch.gt(p:narrow(2, 2, 2), torch.Tensor({{1, 5}, {3, 2}}), 2)
    same({{7, 0, 1, 7}, {7, 1, 0, 7}}, p:totable())
  end)

  it('refuses a view of other sizes that shares an operand\'s storage', function()
    local x = torch.zeros(2, 3)
    H.raises(function() torch.add(x:narrow(2, 1, 2), x, 1) end,
             'add: the result (size 2x2) cannot hold the broadcast size 2x3')
    same({{0, 0, 0}, {0, 0, 0}}, x:totable())
  end)
end)

describe('reductions into a result view', function()
  it('sum along a dimension into a column', function()
    local p = torch.zeros(3, 3)
    torch.sum(p:narrow(2, 2, 1), torch.Tensor({{1, 2}, {3, 4}, {5, 6}}), 2)
    same({{0, 3, 0}, {0, 7, 0}, {0, 11, 0}}, p:totable())
  end)

  it('sum into a narrowed 3D view', function()
    local z = torch.zeros(2, 4, 1)
    local x = torch.Tensor({{{1, 2, 3}, {4, 5, 6}}, {{7, 8, 9}, {10, 11, 12}}})
    torch.sum(z:narrow(2, 2, 2), x, 3)
    same({{{0}, {6}, {15}, {0}}, {{0}, {24}, {33}, {0}}}, z:totable())
  end)

  it('mean into a transposed row', function()
    local p = torch.zeros(3, 3)
    torch.mean(p:narrow(2, 1, 1):t(), torch.Tensor({{1, 2, 3}, {3, 4, 5}}), 1)
    same({{2, 0, 0}, {3, 0, 0}, {4, 0, 0}}, p:totable())
  end)

  it('max with values and indices both views', function()
    local w = torch.zeros(3, 4)
    local idx = torch.LongTensor(3, 4):zero()
    torch.max(w:narrow(2, 1, 1), idx:narrow(2, 2, 1),
              torch.Tensor({{1, 5, 2}, {7, 0, 3}, {4, 4, 9}}), 2)
    same({{5, 0, 0, 0}, {7, 0, 0, 0}, {9, 0, 0, 0}}, w:totable())
    same({{0, 2, 0, 0}, {0, 1, 0, 0}, {0, 3, 0, 0}}, idx:totable())
  end)

  it('cumsum and sort into transposed views', function()
    local p = torch.zeros(3, 2)
    torch.cumsum(p:t(), torch.Tensor({{1, 2, 3}, {4, 5, 6}}), 2)
    same({{1, 4}, {3, 9}, {6, 15}}, p:totable())

    local v, i = torch.zeros(3, 2), torch.LongTensor(3, 2):zero()
    torch.sort(v:t(), i:t(), torch.Tensor({{3, 1, 2}, {9, 7, 8}}), 2)
    same({{1, 7}, {2, 8}, {3, 9}}, v:totable())
    same({{2, 2}, {3, 3}, {1, 1}}, i:totable())
  end)

  it('a result view on the input itself is computed aside and copied in', function()
    local x = torch.Tensor({{1, 2}, {3, 4}})
    torch.sum(x:narrow(2, 1, 1), x, 2)
    same({{3, 2}, {7, 4}}, x:totable())
  end)
end)

describe('matrix products into a result view', function()
  it('mm fills columns 1-2 of a narrowed result with 3', function()
    local y = torch.zeros(4, 4)
    torch.mm(y:narrow(2, 1, 2), torch.ones(4, 3), torch.ones(3, 2))
    same({{3, 3, 0, 0}, {3, 3, 0, 0}, {3, 3, 0, 0}, {3, 3, 0, 0}}, y:totable())
  end)

  it('mm into a transposed result, and on LongTensors', function()
    local p = torch.zeros(2, 3)
    torch.mm(p:t(), torch.Tensor({{1, 2}, {3, 4}, {5, 6}}), torch.Tensor({{1, 1}, {0, 1}}))
    same({{1, 3, 5}, {3, 7, 11}}, p:totable())

    local q = torch.LongTensor(2, 3):zero()
    torch.mm(q:narrow(2, 2, 2), torch.LongTensor({{1, 2}, {3, 4}}), torch.LongTensor({{1, 0}, {0, 1}}))
    same({{0, 1, 2}, {0, 3, 4}}, q:totable())
  end)

  it('addmm with M, beta and alpha into a narrowed view', function()
    local y = torch.Tensor(2, 4):fill(9)
    torch.addmm(y:narrow(2, 2, 2), 2, torch.ones(2, 2), 3, torch.Tensor({{1, 2}, {3, 4}}), torch.eye(2))
    same({{9, 5, 8, 9}, {9, 11, 14, 9}}, y:totable())
  end)

  it('res:addmm(a, b) on a transposed view adds to what the view holds', function()
    local p = torch.Tensor({{1, 10}, {100, 1000}})
    p:t():addmm(torch.Tensor({{1, 2}, {3, 4}}), torch.eye(2))
    -- p:t() was {{1, 100}, {10, 1000}}; plus {{1, 2}, {3, 4}}
    same({{2, 13}, {102, 1004}}, p:totable())
  end)

  it('mv into a column, ger into a transposed view', function()
    local p = torch.zeros(3, 3)
    torch.mv(p:select(2, 3), torch.Tensor({{1, 2}, {3, 4}, {5, 6}}), torch.Tensor({1, 1}))
    same({{0, 0, 3}, {0, 0, 7}, {0, 0, 11}}, p:totable())

    local q = torch.zeros(3, 2)
    torch.ger(q:t(), torch.Tensor({1, 2}), torch.Tensor({1, 2, 3}))
    same({{1, 2}, {2, 4}, {3, 6}}, q:totable())
  end)

  it('bmm into a narrowed 3D view', function()
    local z = torch.zeros(2, 2, 3)
    local b1 = torch.Tensor({{{1, 0}, {0, 1}}, {{2, 0}, {0, 2}}})
    local b2 = torch.Tensor({{{1, 2}, {3, 4}}, {{1, 1}, {1, 1}}})
    torch.bmm(z:narrow(3, 2, 2), b1, b2)
    same({{{0, 1, 2}, {0, 3, 4}}, {{0, 2, 2}, {0, 2, 2}}}, z:totable())
  end)
end)

describe('constructors and indexing into a result view', function()
  it('cat into the first rows, and into a transposed view', function()
    local r = torch.zeros(3, 3)
    torch.cat(r:narrow(1, 1, 2), torch.ones(1, 3), torch.ones(1, 3) * 2, 1)
    same({{1, 1, 1}, {2, 2, 2}, {0, 0, 0}}, r:totable())

    local s = torch.zeros(3, 2)
    torch.cat(s:t(), torch.Tensor({{1}, {2}}), torch.Tensor({{3, 4}, {5, 6}}), 2)
    same({{1, 2}, {3, 5}, {4, 6}}, s:totable())
  end)

  it('index and gather', function()
    local p = torch.zeros(2, 2)
    torch.index(p:t(), torch.Tensor({{1, 2}, {3, 4}, {5, 6}}), 1, torch.LongTensor({3, 1}))
    same({{5, 1}, {6, 2}}, p:totable())

    local q = torch.zeros(2, 4)
    torch.gather(q:narrow(2, 2, 2), torch.Tensor({{1, 2, 3}, {4, 5, 6}}), 2,
                 torch.LongTensor({{3, 1}, {2, 2}}))
    same({{0, 3, 1, 0}, {0, 5, 5, 0}}, q:totable())
  end)

  it('maskedSelect into a strided column and nonzero into a transposed view', function()
    local p = torch.zeros(3, 2)
    torch.maskedSelect(p:select(2, 1), torch.Tensor({10, 20, 30, 40}), torch.ByteTensor({1, 0, 1, 1}))
    same({{10, 0}, {30, 0}, {40, 0}}, p:totable())

    local q = torch.LongTensor(2, 2):zero()
    torch.nonzero(q:t(), torch.Tensor({{5, 0}, {0, 0}, {0, 7}}))
    -- nonzero gives {{1, 1}, {3, 2}}; q holds its transpose
    same({{1, 3}, {1, 2}}, q:totable())
  end)

  it('range, linspace, eye and zeros into views', function()
    local q = torch.zeros(3, 3)
    torch.range(q:select(2, 2), 1, 3)
    torch.linspace(q:select(2, 3), 0, 1, 3)
    same({{0, 1, 0}, {0, 2, 0.5}, {0, 3, 1}}, q:totable())

    local p = torch.Tensor(3, 3):fill(5)
    torch.eye(p:narrow(1, 1, 2):narrow(2, 1, 2), 2)
    same({{1, 0, 5}, {0, 1, 5}, {5, 5, 5}}, p:totable())

    local r = torch.Tensor(3, 3):fill(4)
    torch.zeros(r:narrow(1, 2, 2):narrow(2, 2, 2), 2, 2)
    same({{4, 4, 4}, {4, 0, 0}, {4, 0, 0}}, r:totable())
  end)

  it('rand and randperm draw into a view in row-major order', function()
    torch.manualSeed(5)
    local expect = torch.rand(2, 2):totable()
    local p = torch.Tensor(2, 4):fill(-1)
    torch.manualSeed(5)
    torch.rand(p:narrow(2, 2, 2), 2, 2)
    local t = p:totable()
    same({{-1, expect[1][1], expect[1][2], -1}, {-1, expect[2][1], expect[2][2], -1}}, t)

    local q = torch.LongTensor(3, 2):zero()
    torch.randperm(q:select(2, 1), 3)
    same({0, 0, 0}, q:select(2, 2):totable())
    same({1, 2, 3}, torch.sort(q:select(2, 1)):totable())
  end)
end)

describe('nn kernels and output views', function()
  it('an elementwise module writes through a transposed output', function()
    local m = nn.ReLU()
    local par = torch.Tensor(3, 2):fill(9)
    m.output = par:t()
    m:forward(torch.Tensor({{1, -1, 0}, {2, 0, -2}}))
    same({{1, 2}, {0, 0}, {0, 0}}, par:totable())
  end)

  it('Linear writes through a narrowed output', function()
    local l = nn.Linear(3, 2)
    l.weight:fill(1)
    l.bias:fill(0.5)
    local par = torch.zeros(2, 4)
    l.output = par:narrow(2, 2, 2)
    l:forward(torch.ones(2, 3))
    same({{0, 3.5, 3.5, 0}, {0, 3.5, 3.5, 0}}, par:totable())
  end)

  it('a kernel that needs a contiguous output refuses a view and writes nothing', function()
    local m = nn.SoftMax()
    local par = torch.zeros(3, 2)
    m.output = par:t()
    H.raises(function() m:forward(torch.ones(2, 3)) end,
             'nn.SoftMax: the result is a non-contiguous view (size 2x3, strides 1,2)')
    same({{0, 0}, {0, 0}, {0, 0}}, par:totable())

    local pool = nn.SpatialMaxPooling(2, 2)
    pool.output = torch.zeros(1, 1, 2, 2):transpose(3, 4)
    H.raises(function() pool:forward(torch.ones(1, 1, 4, 4)) end, 'non-contiguous view')
  end)
end)
