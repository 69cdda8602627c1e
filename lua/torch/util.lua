-- Torch7's package helpers and stopwatch, in Lua: torch.packageLuaPath, torch.include,
-- torch.tic, torch.toc, torch.totable, and torch._walltime (shared with sys.clock). Only
-- torch.core is needed, so that sys can load this without the rest of torch.
-- See docs/utility.md.
local torch = require 'torch.core'

-- torch.type once torch.class has defined it (this file may load before it)
local function tname(v)
   return (rawget(torch, 'type') or type)(v)
end

-- Seconds since the epoch, read from the monotonic clock: the wall-clock time when this
-- file loaded plus the monotonic time elapsed since, so that differences between two
-- readings are never negative even if the system clock is set meanwhile.
local origin_wall = os.time()
local origin_mono = torch._clock()
function torch._walltime()
   return origin_wall + (torch._clock() - origin_mono)
end

-- torch.tic() -> t: a time stamp in seconds (as Torch7's, seconds since the epoch).
function torch.tic()
   return torch._walltime()
end

-- torch.toc(t) -> seconds since the time stamp t of torch.tic().
function torch.toc(t)
   if type(t) ~= 'number' then
      error('torch.toc: argument 1: expected the number torch.tic() returned, got '
            .. tname(t), 2)
   end
   return torch._walltime() - t
end

-- torch.packageLuaPath([name]) -> the directory holding package name's Lua file: the
-- first template of package.path that names an existing file once '?' is replaced by
-- name, without its last component ('/usr/share/lua/5.4/nn/init.lua' gives
-- '/usr/share/lua/5.4/nn'). nil when no template matches. Without name, the directory
-- above torch's own (where the packages are installed).
function torch.packageLuaPath(name)
   if name == nil then
      local own = torch.packageLuaPath('torch')
      return own and own:match('(.*)/')
   end
   if type(name) ~= 'string' then
      error('torch.packageLuaPath: argument 1: expected a package name (a string), got '
            .. tname(name), 2)
   end
   for template in package.path:gmatch('[^;]+') do
      local path = template:gsub('%?', function() return name end)
      local f = io.open(path, 'r')
      if f then
         f:close()
         return path:match('(.*)/')
      end
   end
   return nil
end

-- torch.include(package, file): runs the Lua file file of package (found with
-- torch.packageLuaPath) and returns what it returns; how Torch7 packages load their
-- files (torch.include('nnx', 'SpatialPadding.lua')).
function torch.include(package, file)
   if type(package) ~= 'string' then
      error('torch.include: argument 1: expected a package name (a string), got '
            .. tname(package), 2)
   end
   if type(file) ~= 'string' then
      error('torch.include: argument 2: expected a file name (a string), got '
            .. tname(file), 2)
   end
   local dir = torch.packageLuaPath(package)
   if dir == nil then
      error("torch.include: package '" .. package .. "' not found on package.path", 2)
   end
   return dofile(dir .. '/' .. file)
end

-- torch.setheaptracking(on): Torch7 told Lua's collector about tensor memory only when
-- asked to; dlua always does (lt_gcstep), so this records the choice in
-- torch._heaptracking, where Torch7 kept it, for programs that read it back.
function torch.setheaptracking(on)
   if type(on) ~= 'boolean' then
      error('torch.setheaptracking: argument 1: expected a boolean, got ' .. tname(on), 2)
   end
   torch._heaptracking = on
end

-- torch.totable(obj): obj:totable() of a tensor or a storage, nested Lua tables of its
-- values.
function torch.totable(obj)
   if not (torch.isTensor(obj) or torch.isStorage(obj)) then
      error('torch.totable: argument 1: expected a tensor or a storage, got '
            .. tname(obj), 2)
   end
   return obj:totable()
end

return torch
