-- Torch7's semantics that its programs depend on, where dlua once departed (issue 11):
-- storage identity, element access through a LongStorage, data keys, and the
-- result-first view forms.
require 'torch'
local H = require 'spec.helpers'

describe('storage identity', function()
  it('gives one torch.pointer for every :storage() of a tensor, and others for others', function()
    local t = torch.FloatTensor(3, 4)
    local a, b = t:storage(), t:storage()
    assert.is_false(rawequal(a, b))
    assert.are.equal(torch.pointer(a), torch.pointer(b))
    assert.is_true(a == b)
    local v = t:narrow(1, 2, 1)
    assert.are.equal(torch.pointer(a), torch.pointer(v:storage()))
    local other = torch.FloatTensor(3, 4)
    assert.are_not.equal(torch.pointer(a), torch.pointer(other:storage()))
    assert.is_false(a == other:storage())
  end)

  it('gives a tensor the same pointer each call, and tables their address', function()
    local t = torch.DoubleTensor(2)
    assert.are.equal(torch.pointer(t), torch.pointer(t))
    assert.are_not.equal(torch.pointer(t), torch.pointer(torch.DoubleTensor(2)))
    local tab = {}
    assert.are.equal(torch.pointer(tab), tonumber(string.format('%p', tab):sub(3), 16))
  end)

  it('keys a storage and a tensor at offset 0 by the same :data()', function()
    local t = torch.FloatTensor(10)
    assert.are.equal(t:storage():data(), t:data())
    assert.are.equal(t:data(), t:storage():data())
    assert.are_not.equal(t:narrow(1, 3, 2):data(), t:data())
    assert.are.equal(torch.pointer(t:data()), torch.pointer(t:storage():data()))
    assert.is_nil(torch.FloatTensor():data())
  end)
end)

describe('t[longStorage]', function()
  it('reads and writes the element the indices name', function()
    local t = torch.range(1, 12):view(3, 4)
    assert.are.equal(7, t[torch.LongStorage{2, 3}])
    assert.are.equal(12, t[#t]) -- #t is the LongStorage of t's sizes: the last element
    t[torch.LongStorage{3, 1}] = -5
    assert.are.equal(-5, t[3][1])
    assert.are.equal(4, t[torch.LongStorage{-3, -1}])
  end)

  it('refuses the wrong number of indices, an index out of range and a non-Long storage', function()
    local t = torch.FloatTensor(3, 4)
    H.raises(function() return t[torch.LongStorage{1}] end, 'index: a torch.LongStorage of size 1 as the index of a 2D tensor')
    H.raises(function() return t[torch.LongStorage{4, 1}] end, 'index 4 out of range for dimension 1')
    H.raises(function() t[torch.LongStorage{1, 0}] = 1 end, 'newindex: index 0 out of range for dimension 2')
    H.raises(function() return t[torch.DoubleStorage{1, 1}] end, 'torch.DoubleStorage')
  end)
end)

describe('result-first view forms', function()
  it('dst:view(src, ...) and dst:viewAs(src, like) make dst a view of src', function()
    local src = torch.DoubleTensor{1, 2, 3, 4, 5, 6}
    local dst = torch.DoubleTensor()
    assert.are.equal(dst, dst:view(src, 2, 3))
    assert.are.same({2, 3}, dst:size():totable())
    dst[2][1] = 40
    assert.are.equal(40, src[4])
    local d2 = torch.DoubleTensor()
    d2:viewAs(src, torch.FloatTensor(3, 2))
    assert.are.same({3, 2}, d2:size():totable())
    assert.are.equal(src:storage(), d2:storage())
  end)

  it('dst:expand(src, ...) and dst:expandAs(src, like) make dst an expanded view', function()
    local src = torch.DoubleTensor{{1, 2, 3}}
    local dst = torch.DoubleTensor()
    dst:expand(src, 4, 3)
    assert.are.same({4, 3}, dst:size():totable())
    assert.are.same({0, 1}, dst:stride():totable())
    local d2 = torch.DoubleTensor():expandAs(src, torch.FloatTensor(2, 3))
    assert.are.same({{1, 2, 3}, {1, 2, 3}}, d2:totable())
  end)

  it('keeps the plain forms and refuses a result of another type', function()
    local t = torch.FloatTensor(6)
    assert.are.same({2, 3}, t:viewAs(torch.DoubleTensor(2, 3)):size():totable())
    assert.are.same({3, 6}, torch.FloatTensor(1, 6):expandAs(torch.LongTensor(3, 6)):size():totable())
    H.raises(function() torch.FloatTensor():view(torch.DoubleTensor(6), 2, 3) end,
      'view: result is a torch.FloatTensor, source a torch.DoubleTensor')
    H.raises(function() torch.DoubleTensor():view(torch.DoubleTensor(6), 4) end, 'view')
  end)
end)
