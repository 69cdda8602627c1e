-- Stateful misuse driver: where spec/fuzz_api_driver.lua tries one hostile call at a time
-- on fresh values, this one runs random programs of 5 to 30 steps over a shared pool of
-- tensors, storages, views, modules and optimizer states, so that one step can free,
-- resize or re-point what a later step (or the same step, from a metamethod) is using.
-- Steps include tables and userdata with hostile metamethods (__index, __len, __eq, __gc,
-- __close) that collect garbage, resize or re-point pool values mid-call; coroutines that
-- yield inside callbacks (apply, map, a Lua module's updateOutput, a dl.fit callback) and
-- are never resumed; errors raised inside those callbacks; methods called with `.` instead
-- of `:` or on a wrong self; and metatables borrowed from tensors. Every step runs under
-- pcall: errors are expected, and only a crash, a sanitizer report or a hang fails.
--
--   dlua spec/fuzz_state_driver.lua     prints "fuzz_state: done, N programs, M calls"
-- Environment: FUZZ_SEED (default 1), FUZZ_TIME seconds (default 20) or FUZZ_PROGRAMS
-- (a count, which wins when set); FUZZ_VERBOSE=1 prints each step to stderr before it
-- runs, so that the step that crashed is the last line printed.
require 'torch'
require 'nn'
require 'optim'
require 'dl'

local SEED = tonumber(os.getenv('FUZZ_SEED') or '') or 1
local TIME = tonumber(os.getenv('FUZZ_TIME') or '') or 20
local PROGRAMS = tonumber(os.getenv('FUZZ_PROGRAMS') or '')
local VERBOSE = os.getenv('FUZZ_VERBOSE')

-- A generator of our own: the torch RNG is itself among what the steps call.
local state = SEED
local function rand(n)
  state = (state * 1103515245 + 12345) % 2147483648
  return state % n + 1
end
local function pick(list) return list[rand(#list)] end

local calls = 0
local function log(fmt, ...)
  if VERBOSE then io.stderr:write(fmt:format(...), '\n'); io.stderr:flush() end
end
local function try(label, f, ...)
  calls = calls + 1
  log('  %s', label)
  return pcall(f, ...)
end

-- Names that write files, block, or redefine the type system (which breaks the driver
-- rather than the process). setnumthreads stays in, bounded to small counts below.
local SKIP = {
  save = true, load = true, class = true, newmetatable = true, setmetatable = true,
  TestSuite = true, Tester = true, setdefaulttensortype = true, DiskFile = true,
  PipeFile = true, setnumthreads = true, include = true, CmdLine = true, Timer = true,
  manualSeed = false, _registrations = true,
}

local T = {torch.FloatTensor, torch.DoubleTensor, torch.LongTensor, torch.ByteTensor}
local S = {torch.FloatStorage, torch.DoubleStorage, torch.LongStorage, torch.ByteStorage}

-- What the steps call: every function-valued field of the tensor metatables, of the
-- storage metatables and of torch (and its kernel tables), gathered once.
local tensor_methods, storage_methods, torch_funcs = {}, {}, {}
for name, f in pairs(getmetatable(torch.FloatTensor())) do
  if type(f) == 'function' and not SKIP[name] then tensor_methods[#tensor_methods + 1] = name end
end
for name, f in pairs(getmetatable(torch.FloatStorage())) do
  if type(f) == 'function' and not SKIP[name] then storage_methods[#storage_methods + 1] = name end
end
for name, f in pairs(torch) do
  if type(f) == 'function' and not SKIP[name] then
    torch_funcs[#torch_funcs + 1] = {name = 'torch.' .. name, f = f}
  elseif type(f) == 'table' and name:sub(1, 1) == '_' and name ~= '_file' and name ~= '_io' and not SKIP[name] then
    for k, g in pairs(f) do
      if type(g) == 'function' then torch_funcs[#torch_funcs + 1] = {name = 'torch.' .. name .. '.' .. k, f = g} end
    end
  end
end
table.sort(tensor_methods); table.sort(storage_methods)
table.sort(torch_funcs, function(a, b) return a.name < b.name end)

-- The pool of one program; slots are replaced as steps run.
local pool
local NSLOTS = 12

local function small() return rand(5) - 1 end
local NUMBERS = {0, 1, 2, 3, -1, 0.5, 0 / 0, math.huge, math.maxinteger, math.mininteger, 2 ^ 31, 1e18}
local function number()
  if rand(4) == 1 then return pick(NUMBERS) end
  return rand(6) - 1
end

local function new_tensor()
  local dims = {}
  for i = 1, rand(4) - 1 do dims[i] = small() + 1 end
  local t = pick(T)(table.unpack(dims))
  if t:nElement() > 0 then pcall(t.uniform, t) end
  return t
end

-- A pool tensor, or a fresh one when the slot holds something else.
local function some_tensor()
  for _ = 1, 4 do
    local v = pool[rand(NSLOTS)]
    if torch.isTensor(v) then return v end
  end
  return new_tensor()
end

-- Something done to the pool from inside a metamethod or callback, mid-call.
local function disturb()
  local k = rand(6)
  local t = some_tensor()
  if k == 1 then collectgarbage()
  elseif k == 2 then pcall(t.resize, t, 0)
  elseif k == 3 then pcall(t.resize, t, rand(50))
  elseif k == 4 then pcall(t.set, t, pick(S)(rand(4)))
  elseif k == 5 then pcall(t.set, t)
  else pool[rand(NSLOTS)] = nil; collectgarbage('step') end
end

-- Values with hostile metamethods. Their lists end (__index gives nil past 4): an endless
-- proxy makes any ipairs loop, in a script as in dlua's Lua code, run forever.
local function hostile_table()
  local k = rand(5)
  if k == 1 then -- a proxy list of tensors whose reads disturb the pool
    return setmetatable({}, {__len = function() disturb(); return rand(4) end,
      __index = function(_, i) disturb(); if type(i) == 'number' and i <= 4 then return some_tensor() end end})
  elseif k == 2 then -- a list whose __index raises
    return setmetatable({}, {__len = function() return 2 end,
      __index = function() error('hostile __index') end})
  elseif k == 3 then -- a size list that changes under the reader
    return setmetatable({2, 3}, {__len = function() disturb(); return rand(3) end,
      __index = function(_, i) if type(i) == 'number' and i <= 4 then return math.maxinteger end end})
  elseif k == 4 then -- a table wearing a tensor's or storage's metatable
    return setmetatable({}, getmetatable(rand(2) == 1 and torch.FloatTensor() or torch.FloatStorage()))
  else -- an __eq and __lt that disturb
    local mt = {__eq = function() disturb(); return true end, __lt = function() disturb(); return false end}
    return setmetatable({}, mt)
  end
end

-- An object whose finalizer disturbs the pool, dropped at once: its __gc runs inside
-- some later allocation, in the middle of whatever binding allocates.
local function drop_finalizer()
  setmetatable({}, {__gc = function() disturb() end})
end

-- A Lua module whose forward misbehaves.
local Hostile = torch.class('nn.FuzzHostile', 'nn.Module')
function Hostile:updateOutput(input)
  local k = rand(4)
  if k == 1 then error('hostile updateOutput') end
  if k == 2 then coroutine.yield() end
  if k == 3 then disturb() end
  self.output = torch.isTensor(input) and input or torch.FloatTensor(1)
  return self.output
end

local function new_module()
  local k = rand(7)
  if k == 1 then return nn.Linear(rand(4), rand(4))
  elseif k == 2 then return nn.SpatialConvolution(rand(2), rand(2), rand(3), rand(3))
  elseif k == 3 then return nn.Sequential():add(nn.Linear(3, 4)):add(nn.ReLU()):add(nn.FuzzHostile())
  elseif k == 4 then return nn.SpatialMaxPooling(2, 2)
  elseif k == 5 then return nn.LogSoftMax()
  elseif k == 6 then return nn.FuzzHostile()
  else return nn.Sequential():add(nn.Linear(3, 3)):add(nn.Tanh()) end
end

local function new_value()
  local k = rand(10)
  if k <= 4 then return new_tensor()
  elseif k == 5 then return pick(S)(rand(20) - 1)
  elseif k == 6 then -- a view of a pool tensor
    local t = some_tensor()
    local ok, v = pcall(function()
      if t:dim() == 0 then return t:view(t) end
      local d = rand(t:dim())
      local ops = {function() return t:narrow(d, 1, 1) end, function() return t:t() end,
                   function() return t:select(d, 1) end, function() return t:unfold(d, 1, 1) end,
                   function() return t:view(-1) end, function() return t[{{1, 1}}] end,
                   function() return t:expand(3, table.unpack(t:size():totable())) end}
      return pick(ops)()
    end)
    return ok and v or t
  elseif k == 7 then return new_module()
  elseif k == 8 then return {state = {}, params = some_tensor()} -- an optimizer's state
  elseif k == 9 then return hostile_table()
  else return pick({io.stdout, 'x', true, function() disturb() end, {}, number()}) end
end

local function arg_value()
  local k = rand(8)
  if k <= 4 then return pool[rand(NSLOTS)]
  elseif k <= 6 then return number()
  elseif k == 7 then return hostile_table()
  else return new_value() end
end

local function args(n)
  local a = {}
  for i = 1, n do a[i] = arg_value() end
  return a
end

-- The steps.
local steps = {}

steps[#steps + 1] = function() -- replace a pool slot
  local i = rand(NSLOTS)
  pool[i] = new_value()
  log('  pool[%d] = %s', i, torch.typename(pool[i]) or type(pool[i]))
end

steps[#steps + 1] = function() -- a tensor method, as x:m(...), x.m(...) or on a wrong self
  local name = pick(tensor_methods)
  local f = torch.FloatTensor[name] or getmetatable(torch.FloatTensor())[name]
  local a = args(rand(4) - 1)
  local form = rand(4)
  if form == 1 then -- called with '.' : the first argument poses as self
    try('FloatTensor.' .. name .. '(args)', f, table.unpack(a))
  elseif form == 2 then -- a wrong self
    local self = pick({pick(S)(3), {}, io.stdout, hostile_table(), 1, 'x'})
    try('wrong self :' .. name, f, self, table.unpack(a))
  else
    local x = some_tensor()
    local m = x[name]
    if type(m) == 'function' then try(torch.type(x) .. ':' .. name, m, x, table.unpack(a)) end
  end
end

steps[#steps + 1] = function() -- a storage method
  local name = pick(storage_methods)
  local s = pool[rand(NSLOTS)]
  if not torch.isStorage(s) then s = pick(S)(rand(5)) end
  local f = getmetatable(s)[name]
  try(torch.type(s) .. ':' .. name, f, rand(3) == 1 and hostile_table() or s, table.unpack(args(rand(3) - 1)))
end

steps[#steps + 1] = function() -- a torch function
  local e = pick(torch_funcs)
  try(e.name, e.f, table.unpack(args(rand(5) - 1)))
end

steps[#steps + 1] = function() -- torch.cat / stack-like calls over hostile lists
  local list = rand(2) == 1 and hostile_table() or {some_tensor(), some_tensor(), pool[rand(NSLOTS)]}
  local r = rand(2) == 1 and some_tensor() or nil
  if r then try('torch.cat(r, list)', torch.cat, r, list, rand(4) - 1)
  else try('torch.cat(list)', torch.cat, list, rand(4) - 1) end
end

steps[#steps + 1] = function() -- a result that is also an input
  local x = some_tensor()
  local fns = {'add', 'cmul', 'mm', 'cat', 'index', 'gather', 'sort', 'cumsum', 'sum', 'max',
               'addmm', 'addmv', 'cdiv', 'clamp', 'abs', 'reshape', 'repeatTensor', 'tril'}
  local name = pick(fns)
  local f = torch[name]
  if f then try('torch.' .. name .. '(x, x, ...)', f, x, x, table.unpack(args(rand(3) - 1))) end
end

steps[#steps + 1] = function() -- callbacks that yield (never resumed), raise or disturb
  local x = some_tensor()
  local cb = pick({function() coroutine.yield() end, function() error('hostile callback') end,
                   function() disturb(); return 1 end,
                   function() x:resize(0); collectgarbage() end})
  local which = rand(4)
  local co = coroutine.create(function()
    if which == 1 then x:apply(cb)
    elseif which == 2 then x:map(some_tensor(), cb)
    elseif which == 3 then x:map2(some_tensor(), some_tensor(), cb)
    else
      local m = pool[rand(NSLOTS)]
      if type(m) == 'table' and m.forward then m:forward(x) else nn.FuzzHostile():forward(x) end
    end
  end)
  calls = calls + 1
  log('  coroutine callback %d', which)
  coroutine.resume(co) -- left suspended or dead; never resumed again
end

steps[#steps + 1] = function() -- a module's forward and backward on pool values
  local m = pool[rand(NSLOTS)]
  if not (type(m) == 'table' and m.forward) then m = new_module() end
  local x = some_tensor()
  local ok, out = try(torch.type(m) .. ':forward', m.forward, m, x)
  if ok and torch.isTensor(out) then
    try(torch.type(m) .. ':backward', m.backward, m, x, rand(2) == 1 and out or some_tensor())
  end
  if rand(3) == 1 then try('getParameters', m.getParameters, m) end
  if rand(4) == 1 then try(':type', m.type, m, pick({'torch.DoubleTensor', 'torch.FloatTensor'})) end
end

steps[#steps + 1] = function() -- an optimizer step whose closure disturbs the pool
  local slot = pool[rand(NSLOTS)]
  local st = type(slot) == 'table' and slot.state or {}
  local params = some_tensor()
  local grads = rand(2) == 1 and some_tensor() or params:clone()
  local f = function()
    if rand(3) == 1 then disturb() end
    if rand(5) == 1 then error('hostile feval') end
    return rand(3), grads
  end
  local algo = pick({optim.sgd, optim.adam, optim.rmsprop, optim.adagrad})
  try('optim step', algo, f, params, {learningRate = 0.1, momentum = rand(2) - 1}, st)
end

steps[#steps + 1] = function() -- dl.fit with a callback that yields or raises
  local model = nn.Sequential():add(nn.Linear(3, 2))
  local X, y = torch.FloatTensor(6, 3):uniform(), torch.LongTensor(6):random(1, 2)
  local co = coroutine.create(function()
    dl.fit(model, nn.CrossEntropyCriterion(), optim.sgd, X, y, {epochs = 2, batchSize = 2,
      verbose = false, onEpoch = function()
        if rand(2) == 1 then coroutine.yield() else error('hostile onEpoch') end
      end})
  end)
  calls = calls + 1
  log('  dl.fit with a hostile callback')
  coroutine.resume(co)
end

steps[#steps + 1] = function() -- a to-be-closed value whose __close disturbs, in a failing call
  try('__close', function()
    local guard <close> = setmetatable({}, {__close = function() disturb() end})
    local x = some_tensor()
    return x:narrow(1, rand(3), rand(3))
  end)
end

steps[#steps + 1] = function() -- finalizers that will disturb some later allocation
  for _ = 1, rand(3) do drop_finalizer() end
  if rand(3) == 1 then collectgarbage('step') end
end

steps[#steps + 1] = function() -- tostring, comparisons and # on pool values
  local v = pool[rand(NSLOTS)]
  try('tostring', tostring, v)
  try('==', function() return v == pool[rand(NSLOTS)] end)
  try('#', function() return #v end)
end

steps[#steps + 1] = function() -- threads: small counts only, and back
  try('setnumthreads', torch.setnumthreads, rand(3))
end

-- The issue's seven programs first, then random programs.
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
  function() pcall(function() local v = torch.FloatTensor(3, 3):narrow(2, 2, math.maxinteger); v:sum() end) end,
  function() pcall(function() local t = torch.FloatTensor(torch.FloatStorage(100), 1,
                                                          torch.LongStorage({50, 50})); t:fill(1) end) end,
}
for i, f in ipairs(fixed) do
  log('fixed program %d', i)
  f()
  calls = calls + 1
end

local start, programs = os.clock(), 0
local threads = torch.getnumthreads()
while true do
  if PROGRAMS then
    if programs >= PROGRAMS then break end
  elseif os.clock() - start >= TIME then
    break
  end
  programs = programs + 1
  log('program %d (seed %d)', programs, state)
  pool = {}
  for i = 1, NSLOTS do pool[i] = new_value() end
  for _ = 1, 4 + rand(26) do
    local ok, err = pcall(pick(steps))
    if not ok then log('  (step raised: %s)', tostring(err):sub(1, 120)) end
  end
  pool = nil
  if programs % 20 == 0 then collectgarbage() end
end
torch.setnumthreads(threads)
collectgarbage()
print(('fuzz_state: done, %d programs, %d calls'):format(programs + #fixed, calls))
