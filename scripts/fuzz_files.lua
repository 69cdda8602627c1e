-- Mutation fuzzer of dlua's file readers on the paths scripts use: torch.deserialize and
-- torch.load (the .t7 reader: File.lua's readObject over the C cursor, every length,
-- size, stride and offset check that torch.load runs), dl.readIDX (plain and gzip) and
-- dl.readCSV.
-- Run it under the sanitizer build (make fuzz-files), where an overflow or a
-- use-after-free aborts the process; errors are the expected outcome.
--
--   dlua scripts/fuzz_files.lua FORMAT    FORMAT: t7, idx or csv
-- Environment: FUZZ_TIME seconds (default 60), FUZZ_SEED (default 1), FUZZ_VERBOSE=1
-- (writes each input to fuzz-last.bin before reading it, to keep the one that crashed).
require 'torch'
require 'dl'

local format = arg[1] or 't7'
local TIME = tonumber(os.getenv('FUZZ_TIME') or '') or 60
local VERBOSE = os.getenv('FUZZ_VERBOSE')
local state = tonumber(os.getenv('FUZZ_SEED') or '') or 1
local function rand(n)
  state = (state * 1103515245 + 12345) % 2147483648
  return state % n + 1
end

-- Seeds: files the readers accept.
local seeds = {}
if format == 't7' then
  local d = 'tests/corpus/t7/'
  for name in io.popen('ls ' .. d):lines() do
    local f = assert(io.open(d .. name, 'rb'))
    seeds[#seeds + 1] = f:read('a')
    f:close()
  end
  local lin = torch.FloatTensor(3, 4):uniform()
  seeds[#seeds + 1] = torch.serialize({w = lin, v = lin:t(), n = 3, s = 'x', l = torch.LongTensor({1, 2})})
  seeds[#seeds + 1] = torch.serialize(torch.DoubleTensor(2, 2):fill(1):expand(3, 2, 2))
elseif format == 'idx' then
  local function idx(code, dims, payload)
    local h = string.char(0, 0, code, #dims)
    for _, d in ipairs(dims) do h = h .. string.pack('>I4', d) end
    return h .. payload
  end
  seeds[#seeds + 1] = idx(0x08, {2, 3}, string.rep('\1', 6))
  seeds[#seeds + 1] = idx(0x0D, {2}, string.pack('>f>f', 1.5, -2))
  seeds[#seeds + 1] = idx(0x0C, {1, 1, 2}, string.pack('>i4>i4', 7, -7))
  seeds[#seeds + 1] = idx(0x0E, {1}, string.pack('>d', 3.25))
  seeds[#seeds + 1] = idx(0x0B, {3}, string.pack('>i2>i2>i2', 1, 2, 3))
  -- the libFuzzer corpus, gzip files among them, without its leading mode byte
  local d = 'tests/corpus/idx/'
  for name in io.popen('ls ' .. d):lines() do
    local f = assert(io.open(d .. name, 'rb'))
    seeds[#seeds + 1] = f:read('a'):sub(2)
    f:close()
  end
else
  seeds[#seeds + 1] = 'a,b,species\n1,2,x\n3,4,y\n'
  seeds[#seeds + 1] = '1,2,3\n4,5,6\n'
  seeds[#seeds + 1] = 'x;y\n1;2\n'
  local f = io.open('data/iris.csv', 'rb')
  if f then seeds[#seeds + 1] = f:read('a'):sub(1, 600); f:close() end
end

local INTERESTING = {'\0\0\0\0', '\255\255\255\255', '\255\255\255\127', '\0\0\0\128',
                     '\1\0\0\0\0\0\0\0', '\0\0\0\0\0\0\0\128', ',', '\n', '"', '-', 'e999', 'nan'}

local function mutate(s)
  local n = rand(4)
  for _ = 1, n do
    local k, pos = rand(6), rand(#s + 1)
    if k == 1 and #s > 0 then -- flip a byte
      s = s:sub(1, pos - 1) .. string.char(rand(256) - 1) .. s:sub(pos + 1)
    elseif k == 2 then -- insert an interesting value
      s = s:sub(1, pos - 1) .. INTERESTING[rand(#INTERESTING)] .. s:sub(pos)
    elseif k == 3 then -- overwrite with one
      local v = INTERESTING[rand(#INTERESTING)]
      s = s:sub(1, pos - 1) .. v .. s:sub(pos + #v)
    elseif k == 4 then -- truncate
      s = s:sub(1, pos - 1)
    elseif k == 5 and #s > 0 then -- duplicate a slice
      local len = rand(16)
      s = s:sub(1, pos + len) .. s:sub(pos, pos + len) .. s:sub(pos + len + 1)
    else -- splice another seed
      local o = seeds[rand(#seeds)]
      s = s:sub(1, pos - 1) .. o:sub(rand(#o + 1))
    end
  end
  return s
end

-- In memory when /dev/shm exists: rewriting a file on disk for every input waits on the
-- writeback of the last one, and the run then measures the disk instead of the readers.
local function tmppath()
  local disk = os.tmpname()
  local shm = disk:gsub('^/tmp/', '/dev/shm/')
  local f = shm ~= disk and io.open(shm, 'wb')
  if not f then return disk end
  f:close()
  os.remove(disk)
  return shm
end
local path = tmppath()
local function read(bytes)
  if format == 't7' then
    if rand(2) == 1 then
      local ok, obj = pcall(torch.deserialize, bytes)
      if ok and torch.isTensor(obj) and obj:nElement() < 1e6 then pcall(obj.sum, obj) end
      return
    end
    local f = assert(io.open(path, 'wb')); f:write(bytes); f:close()
    local ok, obj = pcall(torch.load, path)
    if ok and torch.isTensor(obj) and obj:nElement() < 1e6 then pcall(obj.sum, obj) end
  else
    local f = assert(io.open(path, 'wb')); f:write(bytes); f:close()
    if format == 'idx' then
      local ok, t = pcall(dl.readIDX, path)
      if ok and torch.isTensor(t) then pcall(t.sum, t) end
    else
      pcall(dl.readCSV, path, rand(2) == 1 and {label = 'species'} or nil)
    end
  end
end

local start, runs = os.clock(), 0
local corpus = {}
for i, s in ipairs(seeds) do corpus[i] = s end
while os.clock() - start < TIME do
  local input = mutate(corpus[rand(#corpus)])
  if #input > 1 << 20 then input = input:sub(1, 1 << 20) end
  if VERBOSE then local f = io.open('fuzz-last.bin', 'wb'); f:write(input); f:close() end
  read(input)
  runs = runs + 1
  -- keep a few mutants as new parents, so that mutations compound
  if rand(50) == 1 and #input > 0 then
    if #corpus < #seeds + 64 then corpus[#corpus + 1] = input else corpus[#seeds + rand(64)] = input end
  end
  if runs % 500 == 0 then collectgarbage() end
end
os.remove(path)
print(('fuzz_files %s: done, %d inputs'):format(format, runs))
