-- IDX reading (torch._io.readIDX, parseIDX, dl.readIDX): files written byte by byte
-- here, plain and gzip; every element type; every corruption case.
require 'torch'
require 'dl'
local H = require 'spec.helpers'

local function bytes(list) return string.char(table.unpack(list)) end

local function write(data, gz)
  local name = os.tmpname()
  local f = assert(io.open(name, 'wb'))
  f:write(data)
  f:close()
  if gz then
    assert(os.execute(('gzip -n -c %q > %q.gz'):format(name, name)))
    os.remove(name)
    return name .. '.gz'
  end
  return name
end

-- Replaces the bytes of the file at path with edit(bytes).
local function rewrite(path, edit)
  local f = assert(io.open(path, 'rb'))
  local data = f:read('a')
  f:close()
  f = assert(io.open(path, 'wb'))
  f:write(edit(data))
  f:close()
end

-- 2 x 3 unsigned bytes
local UBYTE = bytes{0, 0, 0x08, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 250, 0, 255}

describe('readIDX', function()
  for _, gz in ipairs({false, true}) do
    it('reads unsigned bytes into a ByteTensor' .. (gz and ' (gzip)' or ''), function()
      local path = write(UBYTE, gz)
      local t = torch._io.readIDX(path)
      os.remove(path)
      assert.are.equal('torch.ByteTensor', t:type())
      assert.are.same({{1, 2, 3}, {250, 0, 255}}, t:totable())
    end)
  end

  it('converts to float with a scale, and to the other types', function()
    local path = write(UBYTE, true)
    local f = torch._io.readIDX(path, 'float', 1 / 255)
    assert.are.equal('torch.FloatTensor', f:type())
    assert.is_true(math.abs(f[1][1] - 1 / 255) < 1e-7)
    assert.are.equal(1, f[2][3])
    local d = dl.readIDX(path, 'torch.DoubleTensor', 2)
    assert.are.equal('torch.DoubleTensor', d:type())
    assert.are.same({{2, 4, 6}, {500, 0, 510}}, d:totable())
    local l = torch._io.readIDX(path, 'long')
    assert.are.equal('torch.LongTensor', l:type())
    assert.are.equal(250, l[2][1])
    os.remove(path)
  end)

  it('decodes every element type big-endian', function()
    local cases = {
      {bytes{0, 0, 0x09, 1, 0, 0, 0, 2, 0xFF, 0x7F}, 'torch.LongTensor', {-1, 127}},
      {bytes{0, 0, 0x0B, 1, 0, 0, 0, 2, 0x01, 0x02, 0xFF, 0xFE}, 'torch.LongTensor', {258, -2}},
      {bytes{0, 0, 0x0C, 1, 0, 0, 0, 2, 1, 2, 3, 4, 0xFF, 0xFF, 0xFF, 0xFF}, 'torch.LongTensor', {16909060, -1}},
      {bytes{0, 0, 0x0D, 1, 0, 0, 0, 2, 0x3F, 0xC0, 0, 0, 0xC0, 0, 0, 0}, 'torch.FloatTensor', {1.5, -2}},
      {bytes{0, 0, 0x0E, 1, 0, 0, 0, 1, 0x3F, 0xB9, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9A}, 'torch.DoubleTensor', {0.1}},
    }
    for _, c in ipairs(cases) do
      local t = torch._io.parseIDX(c[1])
      assert.are.equal(c[2], t:type())
      assert.are.same(c[3], t:totable())
    end
  end)

  it('reads a 3-d image set', function()
    -- 2 images of 2 x 2: sizes in the header, row-major data
    local t = torch._io.parseIDX(bytes{0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 2, 1, 2, 3, 4, 5, 6, 7, 8})
    assert.are.same({2, 2, 2}, t:size():totable())
    assert.are.equal(7, t[2][2][1])
  end)

  it('names a wrong magic number', function()
    local path = write(bytes{0x12, 0x34, 0x08, 1, 0, 0, 0, 1, 7}, false)
    H.raises(function() torch._io.readIDX(path) end, 'readIDX', path, 'not an IDX file', '0x12340801')
    os.remove(path)
    -- a gzip file whose content has the wrong magic number
    path = write(bytes{0x08, 0x03, 0x08, 1, 0, 0, 0, 1, 7}, true)
    H.raises(function() torch._io.readIDX(path, 'float') end, 'not an IDX file', '0x08030801')
    os.remove(path)
    H.raises(function() torch._io.parseIDX(bytes{0, 0, 0x0A, 1, 0, 0, 0, 1, 7}) end,
      'not an IDX file', '0x00000a01')
    H.raises(function() torch._io.parseIDX(bytes{0, 1, 0x08, 1, 0, 0, 0, 1, 7}) end,
      'not an IDX file', '0x00010801')
  end)

  for _, gz in ipairs({false, true}) do
    it('names a truncated file' .. (gz and ' (gzip)' or ''), function()
      local path = write(UBYTE:sub(1, 16), gz)
      H.raises(function() torch._io.readIDX(path) end, 'readIDX', 'truncated',
        'the header says 2x3 ubyte (6 bytes of data) but only 4 bytes follow')
      os.remove(path)
      path = write(UBYTE:sub(1, 9), gz)
      H.raises(function() torch._io.readIDX(path) end, 'truncated: 9 bytes, the header of 2 dimensions needs 12')
      os.remove(path)
      path = write(UBYTE:sub(1, 3), gz)
      H.raises(function() torch._io.readIDX(path) end, 'truncated: 3 bytes, the header needs at least 4')
      os.remove(path)
    end)
  end

  it('names a size mismatch (trailing bytes)', function()
    H.raises(function() torch._io.parseIDX(UBYTE .. '\0\0') end,
      'size mismatch: the header says 2x3 ubyte (6 bytes of data) but 8 bytes follow')
  end)

  it('rejects 0 dimensions, empty dimensions and overflowing sizes', function()
    H.raises(function() torch._io.parseIDX(bytes{0, 0, 8, 0}) end, '0 dimensions')
    H.raises(function() torch._io.parseIDX(bytes{0, 0, 8, 17}) end, '17 dimensions')
    H.raises(function() torch._io.parseIDX(bytes{0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 0}) end,
      'dimension 2 has size 0')
    H.raises(function()
      torch._io.parseIDX(bytes{0, 0, 0x0E, 3, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255})
    end, 'overflow')
  end)

  it('names a corrupt gzip stream', function()
    local path = write(UBYTE, true)
    -- keep the gzip header, break the deflate stream
    rewrite(path, function(data) return data:sub(1, 10) .. string.rep('\255', #data - 10) end)
    H.raises(function() torch._io.readIDX(path) end, path, 'corrupt')
    os.remove(path)
  end)

  -- zlib reports a gzip stream cut short only when it is closed, not as a failed read:
  -- without that check, a .gz cut after the last deflate block loaded as if whole
  it('names a gzip stream cut before its end, even when its data is whole', function()
    local path = write(UBYTE, true)
    -- drop the CRC and length trailer
    rewrite(path, function(data) return data:sub(1, #data - 8) end)
    H.raises(function() torch._io.readIDX(path) end, path, 'truncated', 'gzip stream')
    os.remove(path)
  end)

  it('checks its arguments', function()
    H.raises(function() torch._io.readIDX('/nonexistent/x.idx') end, 'cannot open', '/nonexistent/x.idx')
    H.raises(function() torch._io.parseIDX(UBYTE, 'int') end, 'parseIDX: argument 2', "unknown tensor type 'int'")
    H.raises(function() torch._io.parseIDX(UBYTE, 'long', 0.5) end, 'cannot read ubyte elements with a scale into a LongTensor')
    H.raises(function()
      torch._io.parseIDX(bytes{0, 0, 0x0D, 1, 0, 0, 0, 1, 0x3F, 0xC0, 0, 0}, 'byte')
    end, 'cannot read float elements into a ByteTensor')
    H.raises(function() torch._io.parseIDX(UBYTE, 'float', 'x') end, 'parseIDX: argument 3', 'expected a number')
  end)
end)
