-- dlua.compat: the Lua 5.1 / LuaJIT names that Torch7 programs use, defined in Lua 5.4.
-- The `dlua` executable loads it before a script runs; in plain lua5.4, `require
-- 'dlua.compat'` asks for it. Only missing names are added: nothing of 5.4 is replaced,
-- and loading the module twice changes nothing. See docs/compat.md.
local compat = {}

-- Sets t[k] = v unless t already has k; records what was added, for the docs and specs.
local added = {}
local function provide(t, tname, k, v)
   if rawget(t, k) == nil then
      rawset(t, k, v)
      added[#added + 1] = tname .. k
   end
end

local function checknumber(fn, i, x)
   if type(x) ~= 'number' then
      error(string.format('%s: argument %d: expected a number, got %s', fn, i, type(x)), 3)
   end
end

-- ---- the base library ----

provide(_G, '', 'unpack', table.unpack)

-- loadstring(s [, chunkname]): 5.1's load of a string; 5.4's load takes strings too.
provide(_G, '', 'loadstring', function(s, chunkname)
   if type(s) ~= 'string' then
      error('loadstring: argument 1: expected a string, got ' .. type(s), 2)
   end
   return load(s, chunkname)
end)

-- The _ENV upvalue of a Lua function, or nil (C functions, and Lua functions that never
-- read a global, have none).
local function envindex(f)
   local i = 1
   while true do
      local name = debug.getupvalue(f, i)
      if name == nil then return nil end
      if name == '_ENV' then return i end
      i = i + 1
   end
end

-- The function that getfenv/setfenv mean: a function, or a stack level counted from the
-- caller of getfenv/setfenv (1 is that caller). Level 0 means the global environment.
local function target(fn, f)
   if type(f) == 'function' then return f end
   if f == nil then f = 1 end
   if math.type(f) == 'float' and f == math.floor(f) then f = math.tointeger(f) end
   if math.type(f) ~= 'integer' or f < 0 then
      error(string.format('%s: argument 1: expected a function or a level >= 0, got %s',
                          fn, tostring(f)), 3)
   end
   if f == 0 then return 0 end
   local info = debug.getinfo(f + 2, 'f') -- +1 for target, +1 for getfenv/setfenv
   if info == nil then error(string.format('%s: argument 1: no function at level %d', fn, f), 3) end
   return info.func
end

-- getfenv([f]): the table a function reads its globals from (5.1's environment), which
-- in 5.2+ is the value of its _ENV upvalue. A function without one sees _G.
provide(_G, '', 'getfenv', function(f)
   local fn = target('getfenv', f)
   if fn == 0 then return _G end
   local i = envindex(fn)
   if i == nil then return _G end
   local _, env = debug.getupvalue(fn, i)
   return env
end)

-- setfenv(f, t): makes function f (or the function at stack level f) read and write its
-- globals in t, and returns it. The _ENV upvalue is shared by all functions of a chunk,
-- so instead of assigning it (which would change them all), f's upvalue is joined to a
-- fresh one holding t: only f sees the new environment, as in 5.1.
local function setfenv(f, t)
   if type(t) ~= 'table' then
      error('setfenv: argument 2: expected a table, got ' .. type(t), 2)
   end
   local fn = target('setfenv', f)
   if fn == 0 then
      error('setfenv: level 0 (the global environment) cannot be replaced in Lua 5.4', 2)
   end
   local i = envindex(fn)
   if i == nil then
      if debug.getinfo(fn, 'S').what == 'C' then
         error('setfenv: argument 1: cannot change the environment of a C function', 2)
      end
      return fn -- reads no global: the environment does not matter
   end
   local holder = function() return t end -- its only upvalue is t
   debug.upvaluejoin(fn, i, holder, 1)
   return fn
end
provide(_G, '', 'setfenv', setfenv)

-- ---- math ----

provide(math, 'math.', 'pow', function(x, y)
   checknumber('math.pow', 1, x)
   checknumber('math.pow', 2, y)
   return x ^ y
end)
provide(math, 'math.', 'log10', function(x)
   checknumber('math.log10', 1, x)
   return math.log(x, 10)
end)
provide(math, 'math.', 'mod', math.fmod)
provide(math, 'math.', 'atan2', function(y, x) return math.atan(y, x) end)
provide(math, 'math.', 'cosh', function(x)
   checknumber('math.cosh', 1, x)
   return (math.exp(x) + math.exp(-x)) / 2
end)
provide(math, 'math.', 'sinh', function(x)
   checknumber('math.sinh', 1, x)
   -- for small x, exp(x) - exp(-x) loses all digits; the series keeps them
   if math.abs(x) < 1e-5 then return x + x * x * x / 6 end
   return (math.exp(x) - math.exp(-x)) / 2
end)
provide(math, 'math.', 'tanh', function(x)
   checknumber('math.tanh', 1, x)
   if x > 20 then return 1.0 elseif x < -20 then return -1.0 end -- exp would overflow later
   if math.abs(x) < 1e-5 then return x - x * x * x / 3 end
   local e = math.exp(2 * x)
   return (e - 1) / (e + 1)
end)
-- ldexp(m, e) = m * 2^e, in two steps so that 2^e alone neither overflows nor underflows
-- when the product is representable.
provide(math, 'math.', 'ldexp', function(m, e)
   checknumber('math.ldexp', 1, m)
   checknumber('math.ldexp', 2, e)
   e = math.floor(e)
   local half = e // 2
   return m * 2.0 ^ half * 2.0 ^ (e - half)
end)
-- frexp(x) = m, e with x = m * 2^e and 0.5 <= |m| < 1 (m = x, e = 0 for 0, inf, nan).
provide(math, 'math.', 'frexp', function(x)
   checknumber('math.frexp', 1, x)
   x = x + 0.0
   if x == 0 or x ~= x or x == math.huge or x == -math.huge then return x, 0 end
   local e = math.floor(math.log(math.abs(x), 2)) + 1
   local m = math.ldexp(x, -e)
   -- log2 can be off by one near powers of two: bring m into [0.5, 1)
   while math.abs(m) >= 1 do m = m / 2; e = e + 1 end
   while math.abs(m) < 0.5 do m = m * 2; e = e - 1 end
   return m, math.tointeger(e)
end)

-- ---- table and string ----

provide(table, 'table.', 'getn', function(t)
   if type(t) ~= 'table' then error('table.getn: argument 1: expected a table, got ' .. type(t), 2) end
   return #t
end)
-- table.maxn(t): the largest positive numeric key, 0 when there is none.
provide(table, 'table.', 'maxn', function(t)
   if type(t) ~= 'table' then error('table.maxn: argument 1: expected a table, got ' .. type(t), 2) end
   local n = 0
   for k in pairs(t) do
      if type(k) == 'number' and k > n then n = k end
   end
   return n
end)
provide(table, 'table.', 'foreach', function(t, f)
   for k, v in pairs(t) do
      local r = f(k, v)
      if r ~= nil then return r end
   end
end)
provide(table, 'table.', 'foreachi', function(t, f)
   for i = 1, #t do
      local r = f(i, t[i])
      if r ~= nil then return r end
   end
end)
provide(string, 'string.', 'gfind', string.gmatch)

-- ---- module ----

-- module(name, ...): 5.1's way of writing a module. Makes (or reuses) the table
-- package.loaded[name], also reachable as the global path name (a.b.c), sets its _NAME,
-- _M and _PACKAGE, applies each option (a function called with the table, such as
-- package.seeall) and makes it the environment of the calling chunk, so that the chunk's
-- global definitions land in the module.
provide(package, 'package.', 'seeall', function(m)
   local mt = getmetatable(m)
   if mt == nil then mt = {}; setmetatable(m, mt) end
   mt.__index = _G
end)
provide(_G, '', 'module', function(name, ...)
   if type(name) ~= 'string' then
      error('module: argument 1: expected a string, got ' .. type(name), 2)
   end
   local m = package.loaded[name]
   if type(m) ~= 'table' then
      m = _G
      for part in name:gmatch('[^.]+') do
         local sub = rawget(m, part)
         if sub == nil then sub = {}; rawset(m, part, sub) end
         if type(sub) ~= 'table' then
            error("module: name conflict for module '" .. name .. "'", 2)
         end
         m = sub
      end
      package.loaded[name] = m
   end
   if m._NAME == nil then
      m._M = m
      m._NAME = name
      m._PACKAGE = name:match('^(.*%.)') or ''
   end
   for i = 1, select('#', ...) do
      local opt = select(i, ...)
      if type(opt) ~= 'function' then
         error(string.format('module: argument %d: expected a function (such as package.seeall), got %s',
                             i + 1, type(opt)), 2)
      end
      opt(m)
   end
   setfenv(2, m)
   return m
end)

compat.added = added
package.loaded['dlua.compat'] = compat
return compat
