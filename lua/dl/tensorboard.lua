-- TensorBoard event files, written without TensorFlow or protobuf libraries.
--
-- An event file is a sequence of records, each
--   uint64 length (little-endian) | uint32 masked CRC-32C of those 8 bytes |
--   data (length bytes)           | uint32 masked CRC-32C of the data
-- where the mask is ((crc >> 15) | (crc << 17)) + 0xa282ead8 (TensorFlow's
-- tensorflow/core/lib/io/record_writer.cc). Each record's data is an Event protobuf
-- (tensorflow/core/util/event.proto):
--   Event     { double wall_time = 1; int64 step = 2; string file_version = 3;
--               Summary summary = 5; }
--   Summary   { repeated Value value = 1; }
--   Value     { string tag = 1; float simple_value = 2; HistogramProto histo = 5; }
--   HistogramProto { double min = 1, max = 2, num = 3, sum = 4, sum_squares = 5;
--                    repeated double bucket_limit = 6 [packed]; repeated double bucket = 7 [packed]; }
-- The first event of a file carries file_version = "brain.Event:2". The protobuf wire
-- format is written here by hand (varints, fixed 32/64-bit fields, length-delimited
-- fields); the CRC-32C is C (src/io/crc32c.c).
--
--   local w = dl.SummaryWriter('runs/exp1')
--   w:addScalar('loss', 0.25, 100)
--   w:addHistogram('fc.weight', model.weight, 100)
--   w:close()
local dl = require 'dl'

local monitor = torch._monitor
local spack = string.pack

local tb = {}
dl.tensorboard = tb

-- Protobuf encoding --------------------------------------------------------------------

-- A varint: 7 bits per byte, low bits first, the high bit set on all but the last.
-- Negative int64s take ten bytes (two's complement), as protobuf writes them.
local function varint(n)
  n = math.tointeger(n) or error(('dl.tensorboard: %s is not an integer'):format(tostring(n)), 3)
  local bytes = {}
  repeat
    local b = n & 0x7f
    n = n >> 7 -- logical shift: a negative number ends after ten bytes
    if n ~= 0 then b = b | 0x80 end
    bytes[#bytes + 1] = b
  until n == 0
  return string.char(table.unpack(bytes))
end
tb.varint = varint

local function key(field, wire) return varint(field << 3 | wire) end
local function f_double(field, x) return key(field, 1) .. spack('<d', x) end
local function f_float(field, x) return key(field, 5) .. spack('<f', x) end
local function f_varint(field, n) return key(field, 0) .. varint(n) end
local function f_bytes(field, s) return key(field, 2) .. varint(#s) .. s end
local function f_packed_doubles(field, list)
  local parts = {}
  for i = 1, #list do parts[i] = spack('<d', list[i]) end
  return f_bytes(field, table.concat(parts))
end

-- Event(wall_time, step, what): what is {file_version = s} or {summary = bytes}.
local function event(wall_time, step, what)
  local parts = {f_double(1, wall_time)}
  if step and step ~= 0 then parts[#parts + 1] = f_varint(2, step) end
  if what.file_version then parts[#parts + 1] = f_bytes(3, what.file_version) end
  if what.summary then parts[#parts + 1] = f_bytes(5, what.summary) end
  return table.concat(parts)
end
tb.event = event

function tb.scalarSummary(tag, value)
  return f_bytes(1, f_bytes(1, tag) .. f_float(2, value))
end

-- h: {min, max, num, sum, sumSquares, limits = {...}, counts = {...}}
function tb.histogramSummary(tag, h)
  local histo = table.concat{
    f_double(1, h.min), f_double(2, h.max), f_double(3, h.num), f_double(4, h.sum),
    f_double(5, h.sumSquares), f_packed_doubles(6, h.limits), f_packed_doubles(7, h.counts),
  }
  return f_bytes(1, f_bytes(1, tag) .. f_bytes(5, histo))
end

-- A record around data: length, masked CRC of the length, data, masked CRC of the data.
function tb.record(data)
  local len = spack('<I8', #data)
  return len .. spack('<I4', monitor.masked_crc32c(len)) .. data ..
         spack('<I4', monitor.masked_crc32c(data))
end

tb.crc32c = monitor.crc32c
tb.maskedCrc32c = monitor.masked_crc32c

-- The histogram of a tensor: bins equal-width buckets over [min, max] (computed by
-- torch.histc in C, so a million values take milliseconds). A constant tensor is one
-- bucket.
function tb.histogram(t, bins)
  bins = bins or 30
  local x = t:contiguous():view(-1)
  if x:type() ~= 'torch.DoubleTensor' and x:type() ~= 'torch.FloatTensor' then x = x:double() end
  local n = x:nElement()
  if n == 0 then
    return {min = 0, max = 0, num = 0, sum = 0, sumSquares = 0, limits = {}, counts = {}}
  end
  local mn, mx = x:min(), x:max()
  if mn ~= mn or mx ~= mx or mn == -math.huge or mx == math.huge then
    return nil, 'the tensor holds NaN or infinite values'
  end
  local h = {min = mn, max = mx, num = n, sum = x:sum(), sumSquares = x:dot(x),
             limits = {}, counts = {}}
  if mn == mx then
    h.limits[1], h.counts[1] = mx, n
  else
    local counts = torch.histc(x, bins, mn, mx)
    local width = (mx - mn) / bins
    for i = 1, bins do
      h.limits[i] = i == bins and mx or mn + i * width
      h.counts[i] = counts[i]
    end
  end
  return h
end

-- dl.SummaryWriter ---------------------------------------------------------------------

local SummaryWriter = torch.class('dl.SummaryWriter')

local function hostname()
  local f = io.open('/etc/hostname')
  local h = f and f:read('l')
  if f then f:close() end
  h = h or os.getenv('HOSTNAME') or 'localhost'
  return (h:gsub('[^%w%.%-_]', '_'))
end

-- dl.SummaryWriter(logdir [, options]): a new event file in logdir (made if missing),
-- named events.out.tfevents.<seconds>.<host>[.N], starting with the file_version event.
-- options.filename names the file instead (inside logdir).
function SummaryWriter:__init(logdir, options)
  options = options or {}
  if type(logdir) ~= 'string' or logdir == '' then
    error(('dl.SummaryWriter: logdir must be a folder name, got %s'):format(torch.type(logdir)), 3)
  end
  os.execute(('mkdir -p %q'):format(logdir))
  local name = options.filename
  if not name then
    name = ('events.out.tfevents.%010d.%s'):format(os.time(), hostname())
    local base, i = name, 1
    local filep = require('paths').filep
    while filep(logdir .. '/' .. name) do name, i = base .. '.' .. i, i + 1 end
  end
  self.logdir = logdir
  self.path = logdir .. '/' .. name
  local f, err = io.open(self.path, 'wb')
  if not f then error(('dl.SummaryWriter: cannot write %s: %s'):format(self.path, err), 3) end
  self.file = f
  self:_write(event(options.walltime or monitor.walltime(), 0, {file_version = 'brain.Event:2'}))
end

function SummaryWriter:_write(data)
  if not self.file then error('dl.SummaryWriter: the writer is closed', 3) end
  self.file:write(tb.record(data))
end

local function check_step(fn, step)
  if step ~= nil and math.tointeger(step) == nil then
    error(('dl.SummaryWriter: %s: step must be an integer, got %s'):format(fn, tostring(step)), 3)
  end
  return step or 0
end

-- addScalar(tag, value [, step [, walltime]]): a scalar (stored as a 32-bit float, as
-- TensorBoard's simple_value is).
function SummaryWriter:addScalar(tag, value, step, walltime)
  if type(tag) ~= 'string' then error(('dl.SummaryWriter: addScalar: tag must be a string, got %s'):format(type(tag)), 2) end
  if type(value) ~= 'number' then
    error(('dl.SummaryWriter: addScalar: value must be a number, got %s'):format(torch.type(value)), 2)
  end
  step = check_step('addScalar', step)
  self:_write(event(walltime or monitor.walltime(), step, {summary = tb.scalarSummary(tag, value)}))
  return self
end

-- addHistogram(tag, tensor [, step [, walltime [, bins = 30]]]): the histogram of the
-- tensor's values (min, max, count, sum, sum of squares and equal-width buckets).
function SummaryWriter:addHistogram(tag, t, step, walltime, bins)
  if type(tag) ~= 'string' then error(('dl.SummaryWriter: addHistogram: tag must be a string, got %s'):format(type(tag)), 2) end
  if not torch.isTensor(t) then
    error(('dl.SummaryWriter: addHistogram: expected a tensor, got %s'):format(torch.type(t)), 2)
  end
  step = check_step('addHistogram', step)
  local h, err = tb.histogram(t, bins)
  if not h then error(('dl.SummaryWriter: addHistogram: %s: %s'):format(tag, err), 2) end
  self:_write(event(walltime or monitor.walltime(), step, {summary = tb.histogramSummary(tag, h)}))
  return self
end

-- flush(): writes what is buffered, so TensorBoard sees it.
function SummaryWriter:flush()
  if self.file then self.file:flush() end
  return self
end

-- close(): flushes and closes the file; later writes are errors.
function SummaryWriter:close()
  if self.file then self.file:close() end
  self.file = nil
end

return SummaryWriter
