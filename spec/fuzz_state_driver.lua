-- Stateful misuse driver: where spec/fuzz_api_driver.lua tries one hostile call at a time
-- on fresh values, this one runs random programs of 5 to 30 steps over a shared pool of
-- tensors, storages, views, modules and optimizer states, so that one step can free,
-- resize or re-point what a later step (or the same step, from a metamethod) is using.
-- Steps include tables with hostile metamethods (__index, __len, __eq, __lt, __gc,
-- __close) that collect garbage, resize or re-point pool values mid-call; coroutines that
-- yield inside callbacks (apply, map, map2, a Lua module's updateOutput, dl.fit's
-- onEpoch, transform and schedule) and are never resumed, or are closed; errors raised
-- inside those callbacks; methods called with `.` instead of `:` or on a wrong self (a
-- storage, a table, io.stdout); metatables borrowed from tensors; rawset on dlua's and
-- foreign metatables (undone after each program); module fields and optimizer states
-- replaced by other pool values. Every step runs under pcall: errors are expected, and
-- only a crash, a sanitizer report or a hang fails.
--
--   dlua spec/fuzz_state_driver.lua     prints "fuzz_state: done, N programs, M calls"
-- Environment:
--   FUZZ_SEED      the seed (default 1); the same seed and binary run the same programs
--   FUZZ_TIME      seconds of random programs (default 20), or
--   FUZZ_PROGRAMS  a count of random programs (wins over FUZZ_TIME when set)
--   FUZZ_VERBOSE=1 prints each program and step to stderr (flushed) before it runs, so
--                  the step that crashed is the last line printed
--   FUZZ_STATE=n   starts from the generator state a verbose run printed for a program:
--                  with FUZZ_PROGRAMS=1 it replays that program alone
--   FUZZ_SKIP=1,8  leaves out families of misuse (numbers below), to look for new bugs
--                  while known ones are being fixed
-- Families (1-7 are the seven programs of issue 9, which run first as fixed programs):
--   1 rawset on foreign and dlua metatables     2 tables wearing a tensor/storage metatable
--   3 finalizers called as methods              4 lists whose __index/__len run Lua
--   5 results that are also inputs              6 huge sizes, offsets and ranges
--   7 tensors built on storages (sizes, strides) 8 class tables with a forged __dtype
--   9 coroutines yielding inside callbacks      10 module fields and optimizer states replaced
--   11 __index of a tensor or storage called directly on a value without a metatable
require 'torch'
require 'nn'
require 'optim'
require 'dl'

local SEED = tonumber(os.getenv('FUZZ_SEED') or '') or 1
local TIME = tonumber(os.getenv('FUZZ_TIME') or '') or 20
local PROGRAMS = tonumber(os.getenv('FUZZ_PROGRAMS') or '')
local VERBOSE = os.getenv('FUZZ_VERBOSE')
local SKIPPED = {}
for n in (os.getenv('FUZZ_SKIP') or ''):gmatch('%d+') do SKIPPED[tonumber(n)] = true end
local function on(family) return not SKIPPED[family] end

-- Generators of our own (the torch RNG is itself among what the steps call). Steps draw
-- from `main`; whatever runs from a metamethod or callback, whose number of calls depends
-- on the binary, draws from `side`, reset from main at each program start, and finalizers,
-- which run whenever the collector decides, from `gcgen`: so a program replays alone
-- (FUZZ_STATE) as it ran in the whole sequence, as far as the collector allows.
local main = {s = tonumber(os.getenv('FUZZ_STATE') or '') or SEED}
local side, gcgen = {s = 1}, {s = 2}
local gen = main
local function rand(n)
  gen.s = (gen.s * 1103515245 + 12345) % 2147483648
  return (gen.s >> 8) % n + 1
end
-- Runs f(...) drawing from generator g, and restores the current one even when f raises.
local function drawing(g, f, ...)
  local saved = gen
  gen = g
  local r = table.pack(pcall(f, ...))
  gen = saved
  if not r[1] then error(r[2], 0) end
  return table.unpack(r, 2, r.n)
end
local function pick(list) return list[rand(#list)] end

-- The file methods are taken once: steps rawset io.stdout's metatable, which io.stderr shares.
local calls = 0
local stderr, fwrite, fflush = io.stderr, io.stderr.write, io.stderr.flush
local function log(fmt, ...)
  if VERBOSE then fwrite(stderr, fmt:format(...), '\n'); fflush(stderr) end
end
-- With FUZZ_VERBOSE=2, each argument too: tensors with sizes, strides, offset and
-- storage size, which is what a crash's reduction to a short program needs.
local function describe(v)
  if torch.isTensor(v) then
    local ok, d = pcall(function()
      local s = v:storage()
      return ('%s(size %s, stride %s, offset %d, storage %s)'):format(torch.type(v),
        table.concat(v:size():totable(), 'x'), table.concat(v:stride():totable(), ','),
        v:storageOffset(), s and tostring(#s) or 'none')
    end)
    return ok and d or torch.type(v)
  elseif torch.isStorage(v) then
    return ('%s(%s)'):format(torch.type(v), tostring(pcall(function() return #v end) and #v))
  elseif type(v) == 'number' then
    return tostring(v)
  end
  return torch.typename(v) or type(v)
end
-- Lua code over a huge legal view (tostring or totable of an expanded tensor of 2^40
-- elements), or an apply whose callback collects garbage on each of a million elements,
-- runs for hours without being a bug: a hook ends any step past its budget of processor
-- seconds with an error, as a hostile step's own error would. Hooks belong to one
-- coroutine, so the driver's coroutines set it too (cocreate).
local BUDGET = 20
local deadline = math.huge
local function over_budget()
  if os.clock() > deadline then error('fuzz_state: step over its time budget') end
end
local function cocreate(f)
  return coroutine.create(function(...)
    local limit = os.clock() + BUDGET
    debug.sethook(function()
      if os.clock() > limit then error('fuzz_state: coroutine over its time budget') end
    end, '', 1000)
    return f(...)
  end)
end

local function try(label, f, ...)
  calls = calls + 1
  if VERBOSE == '2' then
    local d = {}
    for i = 1, select('#', ...) do d[i] = describe((select(i, ...))) end
    log('  %s(%s)', label, table.concat(d, ', '))
  else
    log('  %s', label)
  end
  local outer = deadline
  deadline = math.min(outer, os.clock() + BUDGET)
  local hook, mask, count = debug.gethook()
  debug.sethook(over_budget, '', 1000)
  local r = table.pack(pcall(f, ...))
  debug.sethook(hook, mask, count)
  deadline = outer
  return table.unpack(r, 1, r.n)
end

-- Names that write files, block, or redefine the type system (which breaks the driver
-- rather than the process); setnumthreads has its own step, bounded to small counts.
local SKIP = {
  save = true, load = true, class = true, newmetatable = true, setmetatable = true,
  TestSuite = true, Tester = true, setdefaulttensortype = true, DiskFile = true,
  PipeFile = true, setnumthreads = true, include = true, CmdLine = true, Timer = true,
  _registrations = true, factory = true,
}

local T = {torch.FloatTensor, torch.DoubleTensor, torch.LongTensor, torch.ByteTensor,
           torch.CharTensor, torch.ShortTensor, torch.IntTensor, torch.HalfTensor}
local S = {torch.FloatStorage, torch.DoubleStorage, torch.LongStorage, torch.ByteStorage,
           torch.CharStorage, torch.ShortStorage, torch.IntStorage, torch.HalfStorage}

-- What the steps call: every function-valued field of the tensor metatable, of the
-- storage metatable and of torch (and its kernel tables), gathered once and sorted (the
-- order of pairs differs from run to run).
local tensor_methods, storage_methods, torch_funcs = {}, {}, {}
for name, f in pairs(torch.FloatTensor) do
  if type(f) == 'function' and not SKIP[name] then tensor_methods[#tensor_methods + 1] = name end
end
for name, f in pairs(torch.FloatStorage) do
  if type(f) == 'function' and not SKIP[name] then storage_methods[#storage_methods + 1] = name end
end
for name, f in pairs(torch) do
  if type(f) == 'function' and not SKIP[name] then
    torch_funcs[#torch_funcs + 1] = {name = 'torch.' .. name, f = f}
  elseif type(f) == 'table' and (name == '_nn' or name == '_optim') then
    for k, g in pairs(f) do
      if type(g) == 'function' then torch_funcs[#torch_funcs + 1] = {name = 'torch.' .. name .. '.' .. k, f = g} end
    end
  end
end
table.sort(tensor_methods); table.sort(storage_methods)
table.sort(torch_funcs, function(a, b) return a.name < b.name end)

-- A method name for a call with a possibly wrong self.
local function method_name(list)
  local name = pick(list)
  if name == '__index' and not on(11) then return 'dim' end
  return name
end

local function sorted_keys(t)
  local ks = {}
  for k in pairs(t) do if type(k) == 'string' then ks[#ks + 1] = k end end
  table.sort(ks)
  return ks
end

-- rawset on shared metatables and class tables, recorded so that the end of each
-- program puts every field back (later programs must start from a sane type system).
local undo = {}
local function hostile_rawset(t, k, v)
  undo[#undo + 1] = {t, k, rawget(t, k)}
  rawset(t, k, v)
end
local function undo_rawsets()
  for i = #undo, 1, -1 do rawset(undo[i][1], undo[i][2], undo[i][3]) end
  undo = {}
end

-- The pool of one program; slots are replaced as steps run. zombies holds objects a
-- hostile __gc kept alive after their real finalizer ran.
local pool, zombies = {}, {}
local NSLOTS = 12

local SMALL = {0, 1, 2, 3, -1, 0.5, 0 / 0, math.huge}
-- 2^40 and up: an allocation of that many elements fails at once rather than paging.
local HUGE = {math.maxinteger, math.mininteger, 2 ^ 40, 1e18, -2 ^ 40, 2 ^ 62, 2 ^ 63}
local function number()
  local k = rand(8)
  if k == 1 and on(6) then return pick(HUGE) end
  if k == 2 then return pick(SMALL) end
  return rand(6) - 1
end

local function new_tensor()
  local dims = {}
  for i = 1, rand(5) - 1 do dims[i] = rand(4) end
  local t = pick(T)(table.unpack(dims))
  if t:nElement() > 0 then pcall(t.uniform, t, 0, 3) end
  return t
end

-- A pool tensor, or a fresh one when the slots tried hold something else.
local function some_tensor()
  for _ = 1, 4 do
    local v = pool[rand(NSLOTS)]
    if torch.isTensor(v) then return v end
  end
  return new_tensor()
end

-- Something done to the pool from inside a metamethod or callback, mid-call.
local function disturb_now()
  local k = rand(8)
  local t = some_tensor()
  if k == 1 then collectgarbage()
  elseif k == 2 then pcall(t.resize, t, 0)
  elseif k == 3 then pcall(t.resize, t, rand(50))
  elseif k == 4 then pcall(t.set, t, pick(S)(rand(4)))
  elseif k == 5 then pcall(t.set, t)
  elseif k == 6 then pcall(function() t:storage():resize(rand(3) - 1) end)
  elseif k == 7 then pcall(t.transpose, t, 1, 2)
  else pool[rand(NSLOTS)] = nil; collectgarbage('step') end
end
local function disturb() drawing(side, disturb_now) end
-- A metamethod: f run on the side generator.
local function meta(f) return function(...) return drawing(side, f, ...) end end

-- Values with hostile metamethods. Their lists end (__index gives nil past 4): an endless
-- proxy makes any ipairs loop, in a script as in dlua's Lua code, run forever.
local function hostile_table()
  local k = rand(6)
  if k == 1 and on(4) then -- a proxy list of tensors whose reads disturb the pool
    return setmetatable({}, {__len = meta(function() disturb(); return rand(4) end),
      __index = meta(function(_, i) disturb(); if type(i) == 'number' and i <= 4 then return some_tensor() end end)})
  elseif k == 2 and on(4) then -- a list whose __index raises
    return setmetatable({}, {__len = function() return 2 end,
      __index = function() error('hostile __index') end})
  elseif k == 3 and on(4) then -- a size list that changes under the reader
    return setmetatable({2, 3}, {__len = meta(function() disturb(); return rand(3) end),
      __index = meta(function(_, i) if type(i) == 'number' and i <= 4 then return number() end end)})
  elseif k == 4 and on(2) then -- a table wearing a tensor's or storage's metatable
    return setmetatable({}, rand(2) == 1 and pick(T) or pick(S))
  elseif k == 5 then -- an __eq and __lt that disturb
    local mt = {__eq = function() disturb(); return true end, __lt = function() disturb(); return false end,
                __tostring = function() disturb(); return 'hostile' end}
    return setmetatable({}, mt)
  else -- a nested list of numbers, as tensor constructors and index tables take
    local t = {}
    for i = 1, rand(3) do t[i] = rand(2) == 1 and number() or {number(), number()} end
    return t
  end
end

-- An object whose finalizer disturbs the pool, dropped at once: its __gc runs inside
-- some later allocation, in the middle of whatever binding allocates.
local function drop_finalizer()
  setmetatable({}, {__gc = function() pcall(drawing, gcgen, disturb_now) end})
end

-- A Lua module whose forward misbehaves: raises, yields, disturbs, or returns its input.
local Hostile = torch.class('nn.FuzzHostile', 'nn.Module')
function Hostile:updateOutput(input)
  local k = drawing(side, rand, 5)
  if k == 1 then error('hostile updateOutput') end
  if k == 2 then coroutine.yield() end
  if k == 3 then disturb() end
  if k == 4 then
    local guard <close> = setmetatable({}, {__close = function() disturb() end})
    coroutine.yield()
  end
  self.output = torch.isTensor(input) and input or torch.FloatTensor(1)
  return self.output
end

local function new_module()
  local k = rand(9)
  if k == 1 then return nn.Linear(rand(4), rand(4))
  elseif k == 2 then return nn.SpatialConvolution(rand(2), rand(2), rand(3), rand(3))
  elseif k == 3 then return nn.Sequential():add(nn.Linear(3, 4)):add(nn.ReLU()):add(nn.FuzzHostile())
  elseif k == 4 then return nn.SpatialMaxPooling(2, 2)
  elseif k == 5 then return nn.LogSoftMax()
  elseif k == 6 then return nn.FuzzHostile()
  elseif k == 7 then return nn.BatchNormalization(3)
  elseif k == 8 then return nn.LookupTable(5, 3)
  else return nn.Sequential():add(nn.Linear(3, 3)):add(nn.Tanh()) end
end

-- A view of a pool tensor: narrow, select, transpose, unfold, expand, view, index ranges.
local function new_view()
  local t = some_tensor()
  local ok, v = pcall(function()
    if t:dim() == 0 then return t:view(t) end
    local d = rand(t:dim())
    local n = t:size(d)
    local ops = {function() return t:narrow(d, rand(n), 1) end, function() return t:t() end,
                 function() return t:select(d, rand(n)) end,
                 function() return t:unfold(d, rand(n), rand(2)) end,
                 function() return t:view(-1) end, function() return t[{{1, rand(n)}}] end,
                 function() return t:expand(rand(3), table.unpack(t:size():totable())) end,
                 function() return t:transpose(1, t:dim()) end}
    if on(6) then -- ranges that overflow when added
      ops[#ops + 1] = function() return t:narrow(d, rand(n), pick(HUGE)) end
      ops[#ops + 1] = function() return t:unfold(d, pick(HUGE), pick(HUGE)) end
      ops[#ops + 1] = function() return t[{{pick(HUGE), pick(HUGE)}}] end
    end
    return pick(ops)()
  end)
  return ok and v or t
end

-- A tensor built on a storage with an offset, sizes and strides (checked or not).
local function storage_view()
  local s = rand(2) == 1 and some_tensor():storage() or pick(S)(rand(30) - 1)
  if not s then s = torch.FloatStorage(3) end
  local n = rand(3)
  local size, stride = {}, {}
  for i = 1, n do size[i], stride[i] = number(), number() end
  local k = rand(3)
  local C = T[rand(#T)]
  if k == 1 then return C(s, number(), torch.LongStorage(size), torch.LongStorage(stride))
  elseif k == 2 then return C(s, number(), table.unpack(size))
  else local t = some_tensor(); t:set(s, number(), torch.LongStorage(size), torch.LongStorage(stride)); return t end
end

local function any_value()
  local k = rand(14)
  if k <= 4 then return new_tensor()
  elseif k == 5 then return pick(S)(rand(20) - 1)
  elseif k == 6 then local t = some_tensor(); return t:storage() or t
  elseif k <= 8 then return new_view()
  elseif k == 9 and on(7) then local ok, v = pcall(storage_view); return ok and v or some_tensor()
  elseif k == 10 then return new_module()
  elseif k == 11 then return {state = {}, params = some_tensor()} -- an optimizer's state
  elseif k == 12 then return hostile_table()
  elseif k == 13 and #zombies > 0 then return pick(zombies)
  else return pick({io.stdout, 'x', true, function() disturb() end, {}, number(),
                    cocreate(disturb), torch.MemoryFile()}) end
end

-- A value for the pool or an argument; views of more than 2^20 elements are replaced (see
-- BIG below).
local function new_value()
  local v = any_value()
  if torch.isTensor(v) and v:nElement() > (1 << 20) then return new_tensor() end
  return v
end

local function arg_value()
  local k = rand(9)
  if k <= 4 then return pool[rand(NSLOTS)]
  elseif k <= 6 then return number()
  elseif k == 7 then return hostile_table()
  elseif k == 8 then return new_value()
  else return pick({'torch.FloatTensor', 'torch.LongTensor', 'V', 'N', 'max', 'ascii', 'r'}) end
end

local function args(n)
  local a = {}
  for i = 1, n do a[i] = arg_value() end
  return a
end

-- The steps: {family, function}; a family in FUZZ_SKIP leaves its steps out.
local steps = {}
local function step(family, f) steps[#steps + 1] = {family = family, run = f} end

step(0, function() -- replace a pool slot
  local i = rand(NSLOTS)
  pool[i] = new_value()
  log('  pool[%d] = %s', i, torch.typename(pool[i]) or type(pool[i]))
end)

step(0, function() -- a tensor method on a pool tensor
  local name = pick(tensor_methods)
  local x = some_tensor()
  local m = x[name]
  if type(m) == 'function' then try(torch.type(x) .. ':' .. name, m, x, table.unpack(args(rand(4) - 1))) end
end)

step(0, function() -- a method called with '.': the first argument poses as self
  local name = method_name(tensor_methods)
  try(pick({'Float', 'Double', 'Long', 'Byte', 'Char', 'Short', 'Int', 'Half'}) .. 'Tensor.' .. name,
      pick(T)[name], table.unpack(args(rand(4) - 1)))
end)

step(2, function() -- a wrong self: a storage, a table, io.stdout, a borrowed metatable
  local name = method_name(rand(2) == 1 and tensor_methods or storage_methods)
  local f = torch.FloatTensor[name] or torch.FloatStorage[name]
  local self = pick({pick(S)(3), {}, io.stdout, setmetatable({}, pick(T)), setmetatable({}, pick(S)),
                     some_tensor(), 1, 'x', torch.MemoryFile()})
  try('wrong self :' .. name, f, self, table.unpack(args(rand(3) - 1)))
end)

step(0, function() -- a storage method
  local name = pick(storage_methods)
  local s = pool[rand(NSLOTS)]
  if not torch.isStorage(s) then s = some_tensor():storage() or pick(S)(rand(5)) end
  try(torch.type(s) .. ':' .. name, s[name], s, table.unpack(args(rand(3) - 1)))
end)

step(0, function() -- a torch function
  local e = pick(torch_funcs)
  try(e.name, e.f, table.unpack(args(rand(5) - 1)))
end)

step(4, function() -- torch.cat over hostile lists
  local list = rand(2) == 1 and hostile_table() or {some_tensor(), some_tensor(), pool[rand(NSLOTS)]}
  local r = rand(2) == 1 and some_tensor() or nil
  if r then try('torch.cat(r, list)', torch.cat, r, list, rand(4) - 1)
  else try('torch.cat(list)', torch.cat, list, rand(4) - 1) end
end)

step(5, function() -- a result that is also an input, or a view of one
  local x = some_tensor()
  local r = pick({x, x, new_view(), x:storage() and x.new(x:storage()) or x})
  local fns = {'add', 'cmul', 'mm', 'mv', 'bmm', 'addmm', 'addmv', 'addr', 'baddbmm', 'cat',
               'index', 'gather', 'scatter', 'sort', 'topk', 'kthvalue', 'cumsum', 'cumprod',
               'sum', 'max', 'min', 'mean', 'std', 'cdiv', 'clamp', 'abs', 'reshape',
               'repeatTensor', 'tril', 'triu', 'diag', 'maskedSelect', 'nonzero', 'cmax',
               'pow', 'lerp', 'addcmul', 'addcdiv', 'indexAdd', 'ger', 'eye', 'randperm',
               'range', 'linspace', 'inverse', 'gesv', 'qr', 'svd', 'symeig', 'potrf'}
  local name = pick(fns)
  local a = args(rand(4) - 1)
  for i = 1, #a do if rand(2) == 1 then a[i] = pick({x, r}) end end
  try('torch.' .. name .. '(r, x, ...)', torch[name], r, x, table.unpack(a))
end)

step(3, function() -- a finalizer called as a method, on a pool value; the value stays in use
  local v = pool[rand(NSLOTS)]
  local f = (rand(2) == 1 and pick(T) or pick(S)).__gc
  try('__gc(pool value)', f, v)
end)

step(1, function() -- rawset on dlua's or a foreign metatable (undone at the end of the program)
  local targets = {getmetatable(io.stdout), pick(T), pick(S), getmetatable(torch.MemoryFile())}
  local mt = pick(targets)
  if type(mt) ~= 'table' then return end
  local k = pick({'__dltype', '__index', '__len', '__eq', '__gc', '__tostring', '__newindex',
                  '__typename', 'size', 'storage', 'dim', 'new', 'resize', 'isContiguous'})
  local orig = rawget(mt, k)
  local v = pick({1, 'torch.FloatTensor', true, false,
    function(...) disturb(); if type(orig) == 'function' then return orig(...) end end,
    function() error('hostile ' .. k) end,
    function(o, ...) -- a finalizer that resurrects its object after the real one ran
      if type(orig) == 'function' then pcall(orig, o, ...) end
      zombies[#zombies + 1] = o
    end})
  log('  rawset(%s, %s)', torch.typename(mt) or tostring(mt):sub(1, 5), k)
  calls = calls + 1
  hostile_rawset(mt, k, v)
end)

step(8, function() -- a class table with a forged __dtype, and its constructor on fakes
  local C = rand(2) == 1 and pick(T) or pick(S)
  local forged = pick({-1, 4, 99, 2 ^ 40, 'x', 1.5})
  if rand(2) == 1 then
    hostile_rawset(C, '__dtype', forged)
    try('constructor with forged __dtype', C, rand(3))
  else
    try('__call on a fake class', getmetatable(C).__call, {__dtype = forged}, rand(3))
  end
end)

step(0, function() -- indexing with hostile keys, reading and writing
  local x = some_tensor()
  local k = pick({hostile_table(), number(), {number(), {number(), number()}},
                  torch.LongTensor({number(), 1}), torch.ByteTensor(x:size()):fill(1), {{}, number()},
                  pool[rand(NSLOTS)]})
  if rand(2) == 1 then try('t[k]', function() return x[k] end)
  else try('t[k] = v', function() x[k] = pick({number(), some_tensor(), hostile_table()}) end) end
end)

step(0, function() -- constructors and resize from hostile size lists
  local a = pick({hostile_table(), torch.LongStorage({number(), number()}), number(), pool[rand(NSLOTS)]})
  local C = pick(T)
  local k = rand(5)
  if k == 1 then try('constructor(list)', C, a)
  elseif k == 2 then local x = some_tensor(); try('resize(list)', x.resize, x, a)
  elseif k == 3 then local x = some_tensor(); try('view(list)', x.view, x, a)
  elseif k == 4 then try('Storage(list)', pick(S), a)
  else local x = some_tensor(); try('resizeAs', x.resizeAs, x, pool[rand(NSLOTS)]) end
end)

step(7, function() -- a tensor built on a storage, or set() onto one
  try('storage view', storage_view)
end)

step(9, function() -- callbacks that yield (never resumed), raise or disturb
  local x = some_tensor()
  local cb = pick({function() coroutine.yield() end, function() error('hostile callback') end,
                   function() disturb(); return 1 end,
                   function() x:resize(0); collectgarbage() end,
                   function() x:set(); return 2 end})
  local which = rand(4)
  local co = cocreate(function()
    if which == 1 then x:apply(cb)
    elseif which == 2 then x:map(some_tensor(), cb)
    elseif which == 3 then x:map2(some_tensor(), some_tensor(), cb)
    else
      local m = pool[rand(NSLOTS)]
      if type(m) == 'table' and type(m.forward) == 'function' then m:forward(x) else nn.FuzzHostile():forward(x) end
    end
  end)
  calls = calls + 1
  log('  coroutine callback %d', which)
  coroutine.resume(co)
  -- left suspended (dropped, or kept in the pool), or closed: __close runs
  local k = rand(3)
  if k == 1 then coroutine.close(co) elseif k == 2 then pool[rand(NSLOTS)] = co end
end)

step(0, function() -- a module's forward, backward and friends on pool values
  local m = pool[rand(NSLOTS)]
  if not (type(m) == 'table' and type(m.forward) == 'function') then m = new_module() end
  local x = rand(3) == 1 and pool[rand(NSLOTS)] or some_tensor()
  local ok, out = try(torch.type(m) .. ':forward', m.forward, m, x)
  if ok and torch.isTensor(out) then
    try(torch.type(m) .. ':backward', m.backward, m, x, rand(2) == 1 and out or some_tensor())
  end
  local k = rand(8)
  if k == 1 then try('getParameters', m.getParameters, m)
  elseif k == 2 then try(':type', m.type, m, pick({'torch.DoubleTensor', 'torch.FloatTensor', 'torch.LongTensor'}))
  elseif k == 3 then try('updateParameters', m.updateParameters, m, number())
  elseif k == 4 then try('clone', m.clone, m)
  elseif k == 5 then try('add itself', function() m:add(m); return m:forward(x) end)
  elseif k == 6 then try('serialize', function() return torch.deserialize(torch.serialize(m)) end)
  end
end)

step(10, function() -- a module field replaced by another pool value, then used
  local m = pool[rand(NSLOTS)]
  if not (type(m) == 'table' and type(m.forward) == 'function') then m = new_module(); pool[rand(NSLOTS)] = m end
  local keys = sorted_keys(m)
  if #keys == 0 then return end
  local k = pick(keys)
  local old = m[k]
  local v = pick({pool[rand(NSLOTS)], number(), some_tensor(), new_view(), hostile_table(),
                  torch.isTensor(old) and old:t() or old, m[pick(keys)]})
  log('  module.%s = %s', k, torch.typename(v) or type(v))
  calls = calls + 1
  m[k] = v
  local x = some_tensor()
  local ok, out = try(torch.type(m) .. ':forward after field change', m.forward, m, x)
  if ok then try('backward', m.backward, m, x, rand(2) == 1 and out or some_tensor()) end
end)

step(0, function() -- an optimizer step whose closure disturbs the pool
  local slot = pool[rand(NSLOTS)]
  local st = type(slot) == 'table' and type(slot.state) == 'table' and slot.state or {}
  local params = type(slot) == 'table' and torch.isTensor(slot.params) and slot.params or some_tensor()
  local grads = rand(2) == 1 and some_tensor() or params:clone()
  local f = function()
    local k = drawing(side, rand, 8)
    if k == 1 then disturb() end
    if k == 2 then error('hostile feval') end
    if k == 3 then coroutine.yield() end
    return k, grads
  end
  local algo = pick({optim.sgd, optim.adam, optim.rmsprop, optim.adagrad, optim.adamw, optim.adadelta})
  try('optim step', algo, f, params, {learningRate = 0.1, momentum = rand(2) - 1, weightDecay = rand(2) - 1}, st)
  if on(10) and rand(2) == 1 then -- a state buffer replaced by another pool tensor
    local keys = sorted_keys(st)
    if #keys > 0 then
      local k = pick(keys)
      st[k] = pick({some_tensor(), new_view(), number(), params, grads})
      log('  state.%s replaced', k)
      try('optim step after state change', algo, f, params, {learningRate = 0.1}, st)
    end
  end
end)

step(9, function() -- dl.fit with callbacks that yield, raise or disturb
  local model = nn.Sequential():add(nn.Linear(3, 2))
  local X, y = torch.FloatTensor(6, 3):uniform(), torch.LongTensor(6):random(1, 2)
  local function hostile()
    local k = drawing(side, rand, 3)
    if k == 1 then coroutine.yield() elseif k == 2 then error('hostile callback') else disturb() end
  end
  local opts = {epochs = 2, batchSize = 2, verbose = false, config = {learningRate = 0.1}}
  local which = rand(3)
  if which == 1 then opts.onEpoch = hostile
  elseif which == 2 then opts.transform = function(xb, yb) hostile(); return xb, yb end
  else opts.schedule = function() hostile(); return 1 end end
  local co = cocreate(function()
    dl.fit(model, nn.CrossEntropyCriterion(), optim.sgd, X, y, opts)
  end)
  calls = calls + 1
  log('  dl.fit with a hostile callback %d', which)
  coroutine.resume(co)
  if rand(2) == 1 then coroutine.close(co) end
end)

step(0, function() -- a to-be-closed value whose __close disturbs, in a failing call
  try('__close', function()
    local guard <close> = setmetatable({}, {__close = function() disturb() end})
    local x = some_tensor()
    return x:narrow(1, rand(3), rand(3)):fill(1)
  end)
end)

step(0, function() -- finalizers that will disturb some later allocation
  for _ = 1, rand(3) do drop_finalizer() end
  if rand(3) == 1 then collectgarbage('step') end
end)

step(0, function() -- tostring, comparisons, # and serialization of pool values
  local v = pool[rand(NSLOTS)]
  try('tostring', tostring, v)
  try('==', function() return v == pool[rand(NSLOTS)] end)
  try('#', function() return #v end)
  if rand(3) == 1 then
    try('serialize round trip', function()
      local f = torch.MemoryFile()
      if rand(2) == 1 then f:ascii() end
      f:writeObject(v)
      f:seek(1)
      return f:readObject()
    end)
  end
end)

step(0, function() -- threads: small counts only
  try('setnumthreads', torch.setnumthreads, rand(3))
end)

-- The oracle beside the sanitizers: after every step, each tensor the pool reaches (and the
-- tensor fields of pool modules and optimizer states) must fit in its storage, checked
-- with the methods taken before any step could rawset them. A view past its storage is
-- memory a later kernel would read or write out of bounds (found with or without ASan).
local ORIG = {}
for _, C in ipairs(T) do
  ORIG[C] = {}
  for _, k in ipairs({'dim', 'size', 'stride', 'storageOffset', 'storage', 'nElement'}) do
    ORIG[C][k] = rawget(C, k)
  end
end
local SSIZE = {}
for _, C in ipairs(S) do SSIZE[C] = rawget(C, 'size') end
-- The collector stops meanwhile: storage() makes a userdata, whose allocation can run
-- finalizers that disturb the very tensor being checked.
local function view_fits(v)
  local o = ORIG[getmetatable(v)]
  if not o then return true end
  local running = collectgarbage('isrunning')
  collectgarbage('stop')
  local ok, fits, what = pcall(function()
    if o.nElement(v) == 0 then return true end
    local st = o.storage(v)
    if not st then return true end
    local last = o.storageOffset(v)
    for d = 1, o.dim(v) do last = last + (o.size(v, d) - 1) * o.stride(v, d) end
    local n = SSIZE[getmetatable(st)](st)
    return last >= 1 and last <= n, ('last element at %d of a storage of %d'):format(last, n)
  end)
  if running then collectgarbage('restart') end
  return not ok or fits, what
end
-- Tensors of more than 2^20 elements leave the pool: a legal stride-0 view of 2^40
-- elements (set, expand) makes any kernel on it run for hours, a hang that is not a bug.
local BIG = 1 << 20
local function check_pool(label)
  for i = 1, NSLOTS do
    local o = ORIG[getmetatable(pool[i])]
    if o and o.nElement(pool[i]) > BIG then pool[i] = nil end
  end
  local function check(v, where)
    if not ORIG[getmetatable(v)] then return end
    local fits, what = view_fits(v)
    if not fits then
      fwrite(stderr, ('fuzz_state: a view past its storage (%s = %s: %s) after step %s\n'):format(
        where, describe(v), what, label))
      os.exit(3)
    end
  end
  for i = 1, NSLOTS do
    local v = pool[i]
    check(v, 'pool[' .. i .. ']')
    if type(v) == 'table' and getmetatable(v) ~= nil and not ORIG[getmetatable(v)] and rawget(v, 'output') ~= nil then
      for _, k in ipairs(sorted_keys(v)) do check(rawget(v, k), 'pool[' .. i .. '].' .. k) end
    elseif type(v) == 'table' and type(rawget(v, 'state')) == 'table' then
      for _, k in ipairs(sorted_keys(v.state)) do check(rawget(v.state, k), 'pool[' .. i .. '].state.' .. k) end
    end
  end
end

local active = {}
for _, s in ipairs(steps) do if on(s.family) then active[#active + 1] = s.run end end

-- The issue's seven programs first (families 1 to 7), each under pcall.
local fixed = {
  function() rawset(getmetatable(io.stdout), '__dltype', 1); pcall(torch.add, io.stdout, 1)
             rawset(getmetatable(io.stdout), '__dltype', nil) end,
  function() local fake = setmetatable({}, getmetatable(torch.FloatTensor())); fake = nil; collectgarbage() end,
  function() local s = torch.FloatStorage(10); pcall(torch.FloatTensor.__gc, s); collectgarbage() end,
  function() local proxy = setmetatable({}, {__len = function() return 3 end,
               __index = function(_, i) collectgarbage(); return torch.FloatTensor(1000):fill(i) end})
             pcall(torch.cat, proxy, 1) end,
  function() local r = torch.FloatTensor()
             pcall(torch.cat, r, {torch.FloatTensor(1, 2, 5, 5):fill(1), r}, 3) end,
  function() local v = torch.FloatTensor(3, 3):narrow(2, 2, math.maxinteger); v:sum() end,
  function() local t = torch.FloatTensor(torch.FloatStorage(100), 1, torch.LongStorage({50, 50})); t:fill(1) end,
}
local nfixed = 0
for i, f in ipairs(fixed) do
  if on(i) then
    log('fixed program %d', i)
    pcall(f)
    nfixed, calls = nfixed + 1, calls + 1
  end
end
collectgarbage()

local start, programs = os.time(), 0
local threads = torch.getnumthreads()
while true do
  if PROGRAMS then
    if programs >= PROGRAMS then break end
  elseif os.time() - start >= TIME then
    break
  end
  programs = programs + 1
  zombies = {}
  log('program %d (state %d)', programs, main.s)
  side.s = main.s ~ 0x5bd1e995
  local ok, err = pcall(function()
    pool = {}
    for i = 1, NSLOTS do pool[i] = new_value() end
    check_pool('pool fill')
    for _ = 1, 4 + rand(26) do
      local which = rand(#active)
      local okstep, e = pcall(active[which])
      if not okstep then log('  (step raised: %s)', tostring(e):sub(1, 120)) end
      check_pool(which)
    end
  end)
  if not ok then log('  (program raised: %s)', tostring(err):sub(1, 120)) end
  undo_rawsets()
  pool = {}
  torch.setnumthreads(threads)
  if programs % 20 == 0 then collectgarbage() end
end
undo_rawsets()
collectgarbage()
print(('fuzz_state: done, %d programs, %d calls'):format(programs + nfixed, calls))
