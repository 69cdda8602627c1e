-- paths: Torch7's file-name and directory package, written on LuaFileSystem (Debian's
-- lua-filesystem). Same names, arguments and results as Torch7's paths on Unix; the
-- Windows-only parts (getregistryvalue, drive letters) are absent. See docs/paths.md.
local lfs = require 'lfs'

local paths = {}
_G.paths = paths
package.loaded.paths = paths

local function checkstring(fn, i, s)
   if type(s) ~= 'string' then
      error(string.format('paths.%s: argument %d: expected a string, got %s', fn, i, type(s)), 3)
   end
end

local function mode(p)
   return lfs.attributes(p, 'mode')
end

-- paths.filep(path): true when path names an existing file (anything but a directory).
function paths.filep(p)
   checkstring('filep', 1, p)
   local m = mode(p)
   return m ~= nil and m ~= 'directory'
end

-- paths.dirp(path): true when path names an existing directory.
function paths.dirp(p)
   checkstring('dirp', 1, p)
   return mode(p) == 'directory'
end

-- The position of the last slash followed by a character other than a slash (a
-- "nontrivial" one, as the shell's basename and dirname treat a trailing slash), or nil.
local function lastslash(p)
   local pos
   for i = 1, #p - 1 do
      if p:sub(i, i) == '/' and p:sub(i + 1, i + 1) ~= '/' then pos = i end
   end
   return pos
end

-- paths.basename(path [, suffix]): the last component of path, without a trailing slash;
-- with suffix ('jpg' or '.jpg'), a final '.jpg' is removed unless it is the whole name.
function paths.basename(p, suffix)
   checkstring('basename', 1, p)
   if suffix ~= nil then checkstring('basename', 2, suffix) end
   local s = lastslash(p)
   local name = p:sub((s or 0) + 1):match('^[^/]*')
   if suffix and suffix ~= '' then
      suffix = suffix:gsub('^%.', '')
      if suffix ~= '' and #name > #suffix + 1 and name:sub(-#suffix - 1) == '.' .. suffix then
         name = name:sub(1, -#suffix - 2)
      end
   end
   return name
end

-- paths.dirname(path): everything before the last component: 'a/b/c' -> 'a/b',
-- 'c' -> '.', '/c' -> '/'.
function paths.dirname(p)
   checkstring('dirname', 1, p)
   local s = lastslash(p)
   if s == nil then
      if p:sub(1, 1) == '/' then return p end
      return '.'
   end
   if s == 1 then return '/' end
   return p:sub(1, s - 1)
end

-- paths.extname(path): the extension of the last component without its dot, or nil.
-- (Torch7 searched the whole path, so that 'a.d/b' gave 'd/b'; the last component is
-- what every caller means.)
function paths.extname(p)
   checkstring('extname', 1, p)
   local name = paths.basename(p)
   return name:match('%.([^.]*)$')
end

-- paths.cwd(): the absolute name of the current directory.
function paths.cwd()
   return lfs.currentdir() or '.'
end

-- Appends component c to the absolute name acc, resolving '.' and '..'.
local function append(acc, c)
   if c == '.' or c == '' then return acc end
   if c == '..' then return paths.dirname(acc) end
   if acc:sub(-1) == '/' then return acc .. c end
   return acc .. '/' .. c
end

-- paths.concat([p1, ..., pn]): p1 taken relative to the current directory, each next
-- one relative to the result so far (an absolute one starts again from '/'), with '.',
-- '..' and repeated slashes resolved. With no argument, the current directory.
function paths.concat(...)
   local acc = paths.cwd()
   for i = 1, select('#', ...) do
      local p = select(i, ...)
      checkstring('concat', i, p)
      if p:sub(1, 1) == '/' then acc = '/' end
      for c in p:gmatch('[^/]+') do acc = append(acc, c) end
   end
   return acc
end

-- paths.execdir(): the folder of the running interpreter, from arg's lowest index.
function paths.execdir()
   if type(arg) ~= 'table' then return nil end
   local i, exe = 0, nil
   while arg[i - 1] ~= nil do i = i - 1 end
   exe = arg[i]
   if type(exe) ~= 'string' then return nil end
   if not exe:find('/') then return nil end
   return paths.dirname(paths.concat(exe))
end

-- paths.dir(dname): a table of the names in directory dname, '.' and '..' included, or
-- nil when it cannot be read.
function paths.dir(d)
   checkstring('dir', 1, d)
   if not paths.dirp(d) then return nil end
   local ok, iter, state = pcall(lfs.dir, d)
   if not ok then return nil end
   local t = {}
   for name in iter, state do t[#t + 1] = name end
   return t
end

-- paths.files(dname [, include]): an iterator over the names of paths.dir(dname);
-- include is a function of the name, or a string pattern the name must contain.
function paths.files(d, include)
   checkstring('files', 1, d)
   local keep
   if include == nil then
      keep = function() return true end
   elseif type(include) == 'string' then
      keep = function(name) return name:find(include) ~= nil end
   elseif type(include) == 'function' then
      keep = include
   else
      error('paths.files: argument 2: expected a function or a string, got ' .. type(include), 2)
   end
   local names, n = paths.dir(d) or {}, 0
   return function()
      while true do
         n = n + 1
         local name = names[n]
         if name == nil then return nil end
         if keep(name) then return name end
      end
   end
end

-- paths.iterdirs(dname): the subdirectories of dname, without '.' and '..'.
function paths.iterdirs(d)
   checkstring('iterdirs', 1, d)
   return paths.files(d, function(name)
      return name ~= '.' and name ~= '..' and paths.dirp(d .. '/' .. name)
   end)
end

-- paths.iterfiles(dname): the entries of dname that are not directories.
function paths.iterfiles(d)
   checkstring('iterfiles', 1, d)
   return paths.files(d, function(name)
      return name ~= '.' and name ~= '..' and paths.filep(d .. '/' .. name)
   end)
end

-- paths.mkdir(d): creates one directory; true on success, else false and the reason.
function paths.mkdir(d)
   checkstring('mkdir', 1, d)
   local ok, err = lfs.mkdir(d)
   if ok then return true end
   return false, err
end

-- paths.rmdir(d): removes an empty directory; true on success, else false and the reason.
function paths.rmdir(d)
   checkstring('rmdir', 1, d)
   local ok, err = lfs.rmdir(d)
   if ok then return true end
   return false, err
end

-- paths.rmall(d, 'yes'): removes a file, or a directory and all it holds. The second
-- argument must be the string 'yes', as in Torch7, so that a slip cannot delete a tree.
-- Returns true, or nil, a message and the name that could not be removed. Symbolic links
-- are removed, never followed.
function paths.rmall(d, confirm)
   checkstring('rmall', 1, d)
   if confirm ~= 'yes' then return nil, "missing second argument ('yes')" end
   local m = lfs.symlinkattributes(d, 'mode')
   if m == nil then return nil, 'not a file or directory', d end
   if m ~= 'directory' then
      local ok, err = os.remove(d)
      if ok then return true end
      return nil, err, d
   end
   for name in paths.files(d) do
      if name ~= '.' and name ~= '..' then
         local ok, err, which = paths.rmall(d .. '/' .. name, 'yes')
         if not ok then return nil, err, which end
      end
   end
   local ok, err = lfs.rmdir(d)
   if ok then return true end
   return nil, err, d
end

-- The names from paths.tmpname, removed when the Lua state closes: the table's
-- finalizer runs at lua_close, which both lua5.4 and dlua call on a normal exit.
local tmpnames = setmetatable({}, {__gc = function(t)
   for _, name in ipairs(t) do os.remove(name) end
end})
paths._tmpnames = tmpnames -- anchored by the module, so collected only at the end

-- paths.tmpname(): the name of a new empty temporary file, removed at exit.
function paths.tmpname()
   local name = os.tmpname()
   tmpnames[#tmpnames + 1] = name
   return name
end

paths.home = os.getenv('HOME') or '.'

-- paths.uname(): system name, network name and machine, as uname -s, -n, -m print them.
local unamecache
function paths.uname()
   if unamecache == nil then
      local p = io.popen('uname -s -n -m 2>/dev/null')
      local line = p and p:read('l') or ''
      if p then p:close() end
      unamecache = {}
      for w in line:gmatch('%S+') do unamecache[#unamecache + 1] = w end
      if #unamecache == 0 then unamecache = {'Linux'} end
   end
   return table.unpack(unamecache)
end

function paths.is_win() return false end
function paths.is_mac() return (paths.uname()) == 'Darwin' end

-- paths.thisfile([arg [, depth]]): the absolute name of the file that calls it (nil at
-- the prompt); with a string arg, the name of arg in that file's directory.
function paths.thisfile(a, depth)
   local info = debug.getinfo(depth or 2, 'S')
   local s = info and info.source
   if type(s) == 'string' and s:sub(1, 1) == '@' then
      s = paths.concat(s:sub(2))
   else
      s = nil
   end
   if type(a) == 'string' then
      if s then return paths.concat(paths.dirname(s), a) end
      return a
   end
   return s
end

-- paths.dofile(name): dofile with name relative to the calling file's directory.
function paths.dofile(f, depth)
   checkstring('dofile', 1, f)
   local s = paths.thisfile(nil, 1 + (depth or 2))
   if s then f = paths.concat(paths.dirname(s), f) end
   return dofile(f)
end

-- paths.findprogram(name, ...): the full name of the first program found on PATH.
function paths.findprogram(...)
   for i = 1, select('#', ...) do
      local exe = select(i, ...)
      checkstring('findprogram', i, exe)
      for dir in (os.getenv('PATH') or '.'):gmatch('[^:]+') do
         local x = paths.concat(dir, exe)
         if paths.filep(x) then return x end
      end
   end
   return nil
end

-- paths.require(name): require. (Torch7's also loaded a C library with RTLD_GLOBAL; Lua
-- 5.4's own loader serves every package dlua has.)
function paths.require(name)
   checkstring('require', 1, name)
   return require(name)
end

return paths
