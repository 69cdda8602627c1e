require 'torch'
local H = require 'spec.helpers'

describe('storages', function()
  it('are built from a size or a table, zero-filled', function()
    local s = torch.DoubleStorage(3)
    assert.are.same({0, 0, 0}, s:totable())
    assert.are.equal(3, s:size())
    assert.are.equal(3, #s)
    local l = torch.LongStorage({4, 5})
    assert.are.equal(5, l[2])
    assert.are.equal('integer', math.type(l[1]))
    assert.are.equal('torch.LongStorage', l:type())
  end)
  it('read and write elements with range checks', function()
    local s = torch.FloatStorage(2):fill(1.5)
    s[2] = 4
    assert.are.same({1.5, 4}, s:totable())
    H.raises(function() return s[3] end, 'index 3 out of range for a storage of size 2')
    H.raises(function() s[0] = 1 end, 'index 0 out of range')
  end)
  it('resize and copy', function()
    local s = torch.ByteStorage({1, 2, 3})
    s:resize(5)
    assert.are.equal(5, s:size())
    assert.are.same({1, 2, 3}, {s[1], s[2], s[3]})
    local d = torch.DoubleStorage(5):copy(s)
    assert.are.equal(3, d[3])
    H.raises(function() d:copy(torch.DoubleStorage(2)) end, 'copy: storage sizes 5 and 2 differ')
    H.raises(function() s:resize(-1) end, 'negative size')
    H.raises(function() s:resize(1e15) end, 'resize: not enough memory')
    -- a failed allocation names the constructor
    H.raises(function() torch.LongStorage(1e12) end,
             'torch.LongStorage: not enough memory for 1000000000000 elements of Long')
    s:resize(2) -- no tensor views it: shrinking is fine
    assert.are.same({1, 2}, s:totable())
  end)
  it('refuse to shrink under a tensor that views them', function()
    local x = torch.zeros(100)
    local s = x:storage()
    H.raises(function() s:resize(2) end,
      'resize: cannot shrink a storage of 100 elements to 2 while 1 other references')
    assert.are.equal(100, s:size())
    x:fill(1) -- still whole: writes all 100 elements safely
    assert.are.equal(100, x:sum())
    s:resize(200) -- growing keeps the view valid
    assert.are.equal(200, s:size())
    assert.are.equal(100, x:sum())
  end)
  it('are shared with the tensors made on them', function()
    local s = torch.FloatStorage({1, 2, 3, 4})
    local x = torch.FloatTensor(s, 1, torch.LongStorage({2, 2}))
    x[{2, 2}] = 40
    assert.are.equal(40, s[4])
    assert.are.equal(x:storage()[4], 40)
  end)
end)
