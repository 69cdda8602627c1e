-- dl.SummaryWriter and dl.fit{logdir =}: the event file byte for byte against records
-- assembled here from the format's description (TensorFlow's record_writer.cc framing and
-- event.proto / summary.proto under the protobuf wire format), CRC-32C test vectors, and
-- a reader written here that checks every record of a training run's log.
require 'torch'
require 'nn'
require 'optim'
require 'dl'
local H = require 'spec.helpers'

-- CRC-32C from its definition: reflected polynomial 0x82F63B78, one bit at a time.
local function crc32c(s)
  local c = 0xffffffff
  for i = 1, #s do
    c = c ~ s:byte(i)
    for _ = 1, 8 do c = (c & 1 == 1) and ((c >> 1) ~ 0x82F63B78) or (c >> 1) end
  end
  return c ~ 0xffffffff
end
local function masked(s)
  local c = crc32c(s)
  return ((((c >> 15) | (c << 17)) & 0xffffffff) + 0xa282ead8) & 0xffffffff
end

-- Protobuf pieces, written out from the wire-format description.
local function varint(n)
  local out = {}
  while n >= 0x80 do out[#out + 1] = string.char(n % 128 + 128); n = n // 128 end
  out[#out + 1] = string.char(n)
  return table.concat(out)
end
local function ld(fieldno, s) return varint(fieldno * 8 + 2) .. varint(#s) .. s end
local function le64(x) return string.pack('<d', x) end
local function le32f(x) return string.pack('<f', x) end

local function record(data)
  local len = string.pack('<I8', #data)
  return len .. string.pack('<I4', masked(len)) .. data .. string.pack('<I4', masked(data))
end

local M = require 'spec.dl_monitor_helpers'
local readfile, tmpdir = M.readfile, M.tmpdir

describe('CRC-32C', function()
  it('matches the check value and the iSCSI vectors (RFC 3720 B.4)', function()
    local c = dl.tensorboard.crc32c
    assert.are.equal(0xE3069283, c('123456789'))
    assert.are.equal(0x8A9136AA, c(('\0'):rep(32)))
    assert.are.equal(0x62A8AB43, c(('\255'):rep(32)))
    local up, down = {}, {}
    for i = 0, 31 do up[#up + 1] = string.char(i); down[#down + 1] = string.char(31 - i) end
    assert.are.equal(0x46DD794E, c(table.concat(up)))
    assert.are.equal(0x113FDB5C, c(table.concat(down)))
    assert.are.equal(0, c(''))
    -- continued, and against the bitwise definition above
    assert.are.equal(0xE3069283, c('56789', c('1234')))
    for _, s in ipairs{'a', 'brain.Event:2', ('xyz'):rep(100)} do
      assert.are.equal(crc32c(s), c(s))
      assert.are.equal(masked(s), dl.tensorboard.maskedCrc32c(s))
    end
    -- the spec's own implementation agrees with the published value
    assert.are.equal(0xE3069283, crc32c('123456789'))
  end)
end)

describe('dl.SummaryWriter', function()
  it('writes the records of the format, byte for byte', function()
    local dir = tmpdir()
    local w = dl.SummaryWriter(dir, {filename = 'events.out.tfevents.test', walltime = 1700000000.5})
    w:addScalar('loss', 0.5, 7, 1700000001.25)
    w:addScalar('lr', 0.1, 300, 1700000002)
    w:addHistogram('w', torch.Tensor{1, 2, 2, 3, 4}, 2, 1700000003, 3)
    w:close()
    local got = readfile(dir .. '/events.out.tfevents.test')

    -- Event 1: wall_time (field 1, fixed64), file_version (field 3, bytes)
    local e1 = '\x09' .. le64(1700000000.5) .. ld(3, 'brain.Event:2')
    -- Event 2: wall_time, step (field 2, varint), summary (field 5) holding one Value
    -- { tag (1) = "loss", simple_value (2, fixed32 float) = 0.5 }
    local v2 = '\x0a\x04loss' .. '\x15' .. le32f(0.5)
    local e2 = '\x09' .. le64(1700000001.25) .. '\x10\x07' .. ld(5, ld(1, v2))
    -- Event 3: step 300 is the varint ac 02
    assert.are.equal('\xac\x02', varint(300))
    local v3 = '\x0a\x02lr' .. '\x15' .. le32f(0.1)
    local e3 = '\x09' .. le64(1700000002) .. '\x10\xac\x02' .. ld(5, ld(1, v3))
    -- Event 4: a HistogramProto (Value field 5): min 1, max 4, num 5, sum 12, sum of
    -- squares 1+4+4+9+16 = 34, three buckets of width 1 with right edges 2, 3, 4
    -- holding {1}, {2, 2}, {3, 4}; repeated doubles packed (fields 6, 7)
    local histo = '\x09' .. le64(1) .. '\x11' .. le64(4) .. '\x19' .. le64(5) .. '\x21' .. le64(12)
      .. '\x29' .. le64(34) .. ld(6, le64(2) .. le64(3) .. le64(4)) .. ld(7, le64(1) .. le64(2) .. le64(2))
    local v4 = '\x0a\x01w' .. ld(5, histo)
    local e4 = '\x09' .. le64(1700000003) .. '\x10\x02' .. ld(5, ld(1, v4))
    local want = record(e1) .. record(e2) .. record(e3) .. record(e4)
    assert.are.equal(#want, #got)
    assert.is_true(want == got, 'the file differs from the records assembled by hand')
    os.execute(('rm -rf %q'):format(dir))
  end)

  it('names its file as TensorBoard looks for it and never overwrites one', function()
    local dir = tmpdir() .. '/sub/run'
    local a = dl.SummaryWriter(dir)
    local b = dl.SummaryWriter(dir)
    assert.truthy(a.path:match('/events%.out%.tfevents%.%d+%.[^/]+$'), a.path)
    assert.are_not.equal(a.path, b.path)
    a:close()
    b:close()
    -- an empty run holds the file_version record alone
    local s = readfile(a.path)
    local n = string.unpack('<I8', s)
    assert.are.equal(8 + 4 + n + 4, #s)
    assert.truthy(s:find('brain.Event:2', 1, true))
    os.execute(('rm -rf %q'):format(dir:match('^(.*)/sub/run$')))
  end)

  it('takes a large tensor in one histogram', function()
    local dir = tmpdir()
    local w = dl.SummaryWriter(dir, {filename = 'big'})
    local t = torch.FloatTensor(1000000):uniform(-1, 1)
    w:addHistogram('big', t, 1)
    w:close()
    local h = dl.tensorboard.histogram(t)
    local total = 0
    for _, c in ipairs(h.counts) do total = total + c end
    assert.are.equal(1000000, total)
    assert.are.equal(30, #h.limits)
    H.near(h.limits[30], t:max(), 0)
    H.near(h.sum, t:double():sum(), 1e-6 * 1e6)
    -- a constant tensor is one bucket
    local c = dl.tensorboard.histogram(torch.Tensor(5):fill(2))
    assert.are.same({2}, c.limits)
    assert.are.same({5}, c.counts)
    os.execute(('rm -rf %q'):format(dir))
  end)

  it('reports bad arguments', function()
    local dir = tmpdir()
    local w = dl.SummaryWriter(dir)
    H.raises(function() w:addScalar(1, 2) end, 'dl.SummaryWriter: addScalar: tag must be a string, got number')
    H.raises(function() w:addScalar('x', 'y') end, 'addScalar: value must be a number, got string')
    H.raises(function() w:addScalar('x', 1, 1.5) end, 'addScalar: step must be an integer, got 1.5')
    H.raises(function() w:addHistogram('x', {1, 2}) end, 'addHistogram: expected a tensor, got table')
    H.raises(function() w:addHistogram('x', torch.Tensor{1, 0 / 0}) end, 'x: the tensor holds NaN or infinite values')
    w:close()
    H.raises(function() w:addScalar('x', 1) end, 'the writer is closed')
    H.raises(function() dl.SummaryWriter(5) end, 'logdir must be a folder name, got number')
    os.execute(('rm -rf %q'):format(dir))
  end)
end)

-- Reads every record of an event file, checking both checksums, and decodes the
-- summaries' tags: returns {tag = {steps...}} and the number of records.
local function read_events(path)
  local s = readfile(path)
  local pos, n = 1, 0
  local tags = {}
  local function rd_varint(buf, p)
    local v, shift = 0, 0
    while true do
      local b = buf:byte(p)
      v = v | ((b & 0x7f) << shift)
      p, shift = p + 1, shift + 7
      if b < 0x80 then return v, p end
    end
  end
  -- the fields of a message: list of {field, wire, value}
  local function fields(buf)
    local out, p = {}, 1
    while p <= #buf do
      local key
      key, p = rd_varint(buf, p)
      local f, wire = key >> 3, key & 7
      local v
      if wire == 0 then v, p = rd_varint(buf, p)
      elseif wire == 1 then v = string.unpack('<d', buf, p); p = p + 8
      elseif wire == 5 then v = string.unpack('<f', buf, p); p = p + 4
      elseif wire == 2 then
        local len
        len, p = rd_varint(buf, p)
        v = buf:sub(p, p + len - 1)
        p = p + len
      else error('wire type ' .. wire) end
      out[#out + 1] = {f, wire, v}
    end
    return out
  end
  while pos <= #s do
    local lenbytes = s:sub(pos, pos + 7)
    local len = string.unpack('<I8', lenbytes)
    assert.are.equal(masked(lenbytes), string.unpack('<I4', s, pos + 8))
    local data = s:sub(pos + 12, pos + 11 + len)
    assert.are.equal(masked(data), string.unpack('<I4', s, pos + 12 + len))
    pos = pos + 16 + len
    n = n + 1
    local step = 0
    for _, f in ipairs(fields(data)) do
      if f[1] == 2 then step = f[3] end
      if f[1] == 3 then assert.are.equal(1, n); assert.are.equal('brain.Event:2', f[3]) end
      if f[1] == 5 then
        for _, v in ipairs(fields(f[3])) do
          local tag, kind
          for _, vf in ipairs(fields(v[3])) do
            if vf[1] == 1 then tag = vf[3] end
            if vf[1] == 2 then kind = 'scalar' end
            if vf[1] == 5 then kind = 'histogram' end
          end
          tags[tag] = tags[tag] or {kind = kind}
          table.insert(tags[tag], step)
        end
      end
    end
  end
  return tags, n
end

describe('dl.fit{logdir = ...}', function()
  it('logs the steps, the epochs and the parameters', function()
    torch.manualSeed(7)
    local X = torch.randn(80, 3)
    local y = X:select(2, 2):gt(0):long() + 1
    local model = nn.Sequential():add(nn.Linear(3, 4)):add(nn.Tanh()):add(nn.Linear(4, 2))
    local dir = tmpdir() .. '/run'
    dl.fit(model, nn.CrossEntropyCriterion(), optim.adam, X, y, {
      epochs = 3, batchSize = 16, config = {learningRate = 0.01}, logdir = dir,
      validation = 0.2, verbose = false, plot = false,
    })
    local p = io.popen('ls ' .. dir)
    local name = p:read('l')
    p:close()
    local tags = read_events(dir .. '/' .. name)
    -- 64 training rows in batches of 16: 4 steps an epoch
    assert.are.same({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, {table.unpack(tags['train/loss'])})
    assert.are.equal(12, #tags['train/accuracy'])
    assert.are.equal(12, #tags['train/learning_rate'])
    for _, k in ipairs{'epoch/loss', 'epoch/accuracy', 'epoch/val_loss', 'epoch/val_accuracy', 'epoch/learning_rate'} do
      assert.are.same({1, 2, 3}, {table.unpack(tags[k])}, k)
      assert.are.equal('scalar', tags[k].kind)
    end
    for _, k in ipairs{'params/1_nn.Linear/weight', 'params/1_nn.Linear/bias', 'params/3_nn.Linear/weight', 'params/3_nn.Linear/bias'} do
      assert.is_not_nil(tags[k], k)
      assert.are.equal('histogram', tags[k].kind)
      assert.are.same({1, 2, 3}, {table.unpack(tags[k])})
    end
    os.execute(('rm -rf %q'):format(dir:match('^(.*)/run$')))
  end)

  it('continues the step numbers when a run resumes from a checkpoint', function()
    torch.manualSeed(7)
    local X = torch.randn(64, 3)
    local y = X:select(2, 2):gt(0):long() + 1
    local model = nn.Sequential():add(nn.Linear(3, 2))
    local root = tmpdir()
    local o = {epochs = 2, batchSize = 16, verbose = false, plot = false, logdir = root .. '/a',
               checkpoint = {dir = root .. '/ck'}}
    dl.fit(model, nn.CrossEntropyCriterion(), optim.adam, X, y, o)
    o.epochs, o.logdir, o.resume = 3, root .. '/b', root .. '/ck/last.t7'
    dl.fit(model, nn.CrossEntropyCriterion(), optim.adam, X, y, o)
    local p = io.popen('ls ' .. root .. '/b')
    local name = p:read('l')
    p:close()
    local tags = read_events(root .. '/b/' .. name)
    -- the third epoch's 4 steps, numbered after the first two epochs' 8
    assert.are.same({9, 10, 11, 12}, {table.unpack(tags['train/loss'])})
    assert.are.same({3}, {table.unpack(tags['epoch/loss'])})
    os.execute(('rm -rf %q'):format(root))
  end)
end)
