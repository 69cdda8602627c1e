-- torch.File, torch.DiskFile and torch.MemoryFile, with Torch7's readObject/writeObject.
--
-- The byte-level reading and writing is C (src/lua/lt_file.c over src/io/t7.c): every
-- count is checked against the bytes that remain before anything is allocated. This file
-- holds the object layer, as Torch7's File.lua did, with three differences that make a
-- file safe to load: a function in a file is refused (Torch7 ran its bytecode) unless the
-- reader trusts the file (file:trustFunctions(true), torch.load's {trust = true}), a
-- class name that no loaded module defines is refused (never instantiated), and every
-- tensor's sizes, strides and offset are checked against its storage. Functions are
-- written as Torch7 writes them: Lua bytecode (string.dump) and the upvalues.
local torch = require 'torch.core'
require 'torch.class'
local C = torch._file

local type, pairs, rawset, rawget, tostring = type, pairs, rawset, rawget, tostring
local mathtype, floor = math.type, math.floor
local sformat = string.format

local File = torch.newmetatable('torch.File')
local DiskFile = torch.newmetatable('torch.DiskFile', 'torch.File', C.disk)
local MemoryFile = torch.newmetatable('torch.MemoryFile', 'torch.File', C.memory)
for k, f in pairs(C.methods) do rawset(File, k, f) end
-- finalizers must sit in the instances' own metatables
for _, mt in ipairs {DiskFile, MemoryFile} do
   rawset(mt, '__gc', C.methods.__gc)
   rawset(mt, '__close', C.methods.__close)
   rawset(mt, '__tostring', function(self)
      return sformat('%s: %p', rawget(mt, '__typename'), self)
   end)
end

-- Torch7's type tags
local TYPE_NIL, TYPE_NUMBER, TYPE_STRING, TYPE_TABLE, TYPE_TORCH, TYPE_BOOLEAN = 0, 1, 2, 3, 4, 5
local TYPE_FUNCTION, TYPE_LEGACY_RECUR_FUNCTION, TYPE_RECUR_FUNCTION = 6, 7, 8

-- Nesting deeper than this is refused rather than allowed to exhaust the stack.
local MAXDEPTH = 10000

-- The per-file bookkeeping: objects written or read so far, by index. As in Torch7 it
-- lasts as long as the file, so that several writeObject calls on one file share
-- references, and the reads mirror them.
local envs = setmetatable({}, {__mode = 'k'})
local function env_of(file)
   local e = envs[file]
   if not e then
      e = {written = {}, keep = {}, nwritten = 0, read = {}, depth = 0, path = {},
           referenced = true, upvalueIds = {}, nupvalueIds = 0, upvalueClosures = {},
           upvalueRecords = setmetatable({}, {__mode = 'k'}), trust = false}
      envs[file] = e
   end
   return e
end

-- file:referenced(false): write every object again instead of a reference (Torch7).
function File:referenced(ref)
   env_of(self).referenced = ref ~= false
   return self
end

function File:isReferenced()
   return env_of(self).referenced
end

-- file:trustFunctions(true): readObject loads the functions the file holds. Off by
-- default: a function is Lua bytecode, which Lua does not verify, so a crafted file
-- could run any code or corrupt memory. Only for files you wrote or trust.
function File:trustFunctions(trust)
   env_of(self).trust = trust == true
   return self
end

---------------------------------------------------------------- writing

-- Where the writer is, as Torch7 names it: the top-level object's name ('<?>' unless the
-- caller gave one), then the keys, a function's upvalues by their names.
local function pathstr(e)
   local parts = {}
   for _, k in ipairs(e.path) do
      if type(k) == 'table' then
         parts[#parts + 1] = '.' .. k[1] -- an upvalue's name
      elseif k ~= false then             -- false: a step inside an upvalue's record
         parts[#parts + 1] = type(k) == 'string' and k:match('^[%a_][%w_]*$') and '.' .. k
            or '[' .. tostring(k) .. ']'
      end
   end
   return (e.root or '<?>') .. table.concat(parts)
end

local function writestring(file, s)
   file:writeInt(#s)
   file:writeChar(s)
end

local function writable(v)
   local t = type(v)
   return t == 'nil' or t == 'number' or t == 'string' or t == 'boolean' or t == 'table'
      or t == 'function' or torch.typename(v) ~= nil
end

-- A Lua function as Torch7 writes it (TYPE_RECUR_FUNCTION, after its index): the length
-- and bytes of string.dump, then the array of upvalues {name, id, value}, the value of
-- _ENV left out (the reader's globals take its place) and ids shared by upvalues that
-- are one variable (debug.upvalueid), so that closures sharing a local still share it.
local function writefunction(file, e, f)
   local ok, dumped = pcall(string.dump, f)
   if not ok then
      error(sformat('writeObject: a C function cannot be saved (at %s)', pathstr(e)), 0)
   end
   local upvalues = {}
   for i = 1, math.huge do
      local name, value = debug.getupvalue(f, i)
      if not name then break end
      if name == '_ENV' then value = nil end
      local ref = debug.upvalueid(f, i)
      local id = e.upvalueIds[ref]
      if not id then
         e.nupvalueIds = e.nupvalueIds + 1
         id = e.nupvalueIds
         e.upvalueIds[ref] = id
      end
      upvalues[i] = {name = name, id = id, value = value}
      e.upvalueRecords[upvalues[i]] = 'entry'
   end
   e.upvalueRecords[upvalues] = 'array'
   writestring(file, dumped)
   file:writeObject(upvalues)
end

function File:writeObject(object)
   local e = env_of(self)
   -- the hook's result is written, but references are kept by the object given, as Torch7
   local given = object
   if e.hook then object = e.hook(object) end
   local t = type(object)
   if t == 'nil' then
      self:writeInt(TYPE_NIL)
   elseif t == 'number' then
      self:writeInt(TYPE_NUMBER)
      self:writeDouble(object)
   elseif t == 'boolean' then
      self:writeInt(TYPE_BOOLEAN)
      self:writeBool(object)
   elseif t == 'string' then
      self:writeInt(TYPE_STRING)
      writestring(self, object)
   else
      local name = torch.typename(object)
      local typeidx = t == 'function' and TYPE_RECUR_FUNCTION or name and TYPE_TORCH
         or (t == 'table' and TYPE_TABLE)
      if not typeidx then
         error(sformat('writeObject: a %s cannot be saved (at %s)', t, pathstr(e)), 0)
      end
      self:writeInt(typeidx)
      local gt = type(given)
      local key = (gt == 'table' or gt == 'userdata' or gt == 'function') and
         (torch.typename(given) and C.key(given) or given) or object
      local index = e.written[key]
      if index then
         self:writeInt(index)
         return
      end
      index = e.nwritten + 1
      e.nwritten = index
      if e.referenced then
         e.written[key] = index
         e.keep[index] = {given, object} -- a light key must not outlive its storage
      end
      self:writeInt(index)
      if e.depth >= MAXDEPTH then
         error(sformat('writeObject: objects nested more than %d deep (at %s)', MAXDEPTH, pathstr(e)), 0)
      end
      e.depth = e.depth + 1
      if typeidx == TYPE_RECUR_FUNCTION then
         writefunction(self, e, object)
      elseif typeidx == TYPE_TORCH then
         writestring(self, 'V ' .. tostring(torch.version(object) or 1))
         writestring(self, name)
         local write = object.write
         if type(write) == 'function' then
            write(object, self)
         elseif t == 'table' then
            -- the fields, as a plain table of their own (Torch7's layout)
            local var = {}
            for k, v in pairs(object) do var[k] = v end
            self:writeObject(var)
         else
            error(sformat('writeObject: <%s> is a non-serializable object (at %s)', name, pathstr(e)), 0)
         end
      else
         local n = 0
         for _ in pairs(object) do n = n + 1 end
         self:writeInt(n)
         local path = e.path
         local record = e.upvalueRecords[object] -- a function's upvalues: named as upvalues
         for k, v in pairs(object) do
            if record == 'array' then path[#path + 1] = {tostring(v.name)}
            elseif record == 'entry' then path[#path + 1] = false
            else path[#path + 1] = k end
            if not writable(k) then
               error(sformat('writeObject: a %s key cannot be saved (at %s)', type(k), pathstr(e)), 0)
            end
            self:writeObject(k)
            self:writeObject(v)
            path[#path] = nil
         end
      end
      e.depth = e.depth - 1
   end
end

---------------------------------------------------------------- reading

local function offset(file) return file:position() - 1 end

local function readstring(file, what)
   local n = file:readInt("the length of " .. what)
   return file:readChar(n, what)
end

-- The class a name read from a file stands for: only classes that a loaded module has
-- registered (torch.class, or the tensor and storage types). Returns a maker of an
-- empty instance.
local function instance_maker(name)
   local mt = torch.getmetatable(name)
   if not mt then return nil end
   local ctor = rawget(mt, '__dltype') and torch.getconstructortable(name)
   if ctor then return function() return ctor() end end
   return torch.factory(name)
end

-- Lua integers survive a round trip: an integral double within 2^53 reads as an integer.
local function number(v)
   if v == floor(v) and v >= -2^53 and v <= 2^53 and not (v == 0 and 1 / v < 0) then
      return floor(v)
   end
   return v
end

local readObject

-- A function written by writefunction (or by Torch7, whose LuaJIT bytecode Lua 5.4
-- refuses: an error naming the offset), for a file that is trusted. legacy: the upvalues
-- are plain values (TYPE_LEGACY_RECUR_FUNCTION, and TYPE_FUNCTION's).
local function readfunction(file, e, index, at, legacy)
   local dumped = readstring(file, 'a function\'s bytecode')
   local f, err = load(dumped, '=(function in a t7 file)', 'b')
   if not f then
      error(sformat('readObject: the function at byte offset %d cannot be loaded: %s', at,
                    tostring(err)), 0)
   end
   if index then e.read[index] = f end
   local upvalues = readObject(file)
   if type(upvalues) ~= 'table' then
      error(sformat('readObject: corrupt file: the upvalues of the function at byte offset %d',
                    at), 0)
   end
   for i, u in ipairs(upvalues) do
      if legacy then
         debug.setupvalue(f, i, u)
      elseif type(u) == 'table' and u.name == '_ENV' then
         debug.setupvalue(f, i, _ENV)
      elseif type(u) == 'table' then
         debug.setupvalue(f, i, u.value)
         if u.id ~= nil then
            local other = e.upvalueClosures[u.id]
            if other then
               debug.upvaluejoin(f, i, other.f, other.i)
            else
               e.upvalueClosures[u.id] = {f = f, i = i}
            end
         end
      end
   end
   return f
end

local function readtorch(file, e, index, at)
   local version = readstring(file, 'a class version')
   local vnum = tonumber(version:match('^V (.*)$'))
   local name
   if vnum then
      name = readstring(file, 'a class name')
   else
      name, vnum = version, 0 -- written before Torch7 had versions
   end
   local make = instance_maker(name)
   if not make then
      error(sformat("readObject: unknown class '%s' at byte offset %d: refused (no loaded module defines it)",
                    name, at), 0)
   end
   local object = make()
   e.read[index] = object
   local read = object.read
   if type(read) == 'function' then
      read(object, file, vnum)
   elseif type(object) == 'table' then
      local fat = offset(file)
      local var = readObject(file)
      if type(var) ~= 'table' then
         error(sformat('readObject: corrupt file: the fields of a %s at byte offset %d are a %s, not a table',
                       name, fat, type(var)), 0)
      end
      for k, v in pairs(var) do rawset(object, k, v) end
   else
      error(sformat('readObject: cannot load an object of class %s', name), 0)
   end
   return object
end

local function readtable(file, e, index, at)
   local n = file:readInt("the size of a table")
   if n < 0 then
      error(sformat('readObject: corrupt file: a table of %d entries at byte offset %d', n, at), 0)
   end
   local object = {}
   e.read[index] = object
   for _ = 1, n do
      local kat = offset(file)
      local k = readObject(file)
      local v = readObject(file)
      if k == nil or k ~= k then
         error(sformat('readObject: corrupt file: a table key at byte offset %d is %s', kat, tostring(k)), 0)
      end
      rawset(object, k, v)
   end
   return object
end

readObject = function(file)
   local e = env_of(file)
   local at = offset(file)
   local typeidx = file:readInt("an object type")
   if typeidx == TYPE_NIL then
      return nil
   elseif typeidx == TYPE_NUMBER then
      return number(file:readDouble("a number"))
   elseif typeidx == TYPE_BOOLEAN then
      return file:readBool()
   elseif typeidx == TYPE_STRING then
      return readstring(file, 'a string')
   elseif typeidx == TYPE_FUNCTION or typeidx == TYPE_RECUR_FUNCTION or typeidx == TYPE_LEGACY_RECUR_FUNCTION then
      if not e.trust then
         error(sformat('readObject: the file holds a function at byte offset %d: refused, since '
                       .. 'loading one runs its unverified bytecode (torch.load(file, format, '
                       .. '{trust = true}) for a file you trust)', at), 0)
      end
      if typeidx == TYPE_FUNCTION then return readfunction(file, e, nil, at, true) end
   elseif typeidx ~= TYPE_TABLE and typeidx ~= TYPE_TORCH then
      error(sformat('readObject: corrupt file: unknown object type %d at byte offset %d', typeidx, at), 0)
   end
   local index = file:readInt("an object index")
   local seen = e.read[index]
   if seen ~= nil then return seen end
   if e.depth >= MAXDEPTH then
      error(sformat('readObject: objects nested more than %d deep at byte offset %d', MAXDEPTH, at), 0)
   end
   e.depth = e.depth + 1
   local object
   if typeidx == TYPE_RECUR_FUNCTION or typeidx == TYPE_LEGACY_RECUR_FUNCTION then
      object = readfunction(file, e, index, at, typeidx == TYPE_LEGACY_RECUR_FUNCTION)
   elseif typeidx == TYPE_TORCH then
      object = readtorch(file, e, index, at)
   else
      object = readtable(file, e, index, at)
   end
   e.depth = e.depth - 1
   return object
end

-- Messages raised by the C readers carry the position of their Lua caller here, which
-- says nothing to the user; the byte offset in the message is what matters.
local function strip(msg)
   return type(msg) == 'string' and (msg:gsub('^[^\n]-%.lua:%d+: ', '', 1)) or msg
end

-- Reading always raises on a bad file, even a quiet() one: an object half read is worse
-- than none. The bookkeeping is reset after an error so that the file stays usable.
function File:readObject()
   local e = env_of(self)
   if e.depth > 0 then return readObject(self) end
   local quiet = self:isQuiet()
   if quiet then self:pedantic() end
   local ok, res = pcall(readObject, self)
   if quiet then self:quiet() end
   if not ok then
      e.depth = 0
      error(strip(res), 2)
   end
   return res
end

-- file:writeObject(object [, debugname [, hook]]), as Torch7: debugname names the object
-- in error messages (default '<?>'); hook(o), when given, is called on every object
-- before it is written and what it returns is written instead (a model's modules swapped
-- for others, say), references still following the objects given.
-- After an error mid-write the depth and path must start again from the top.
local writeObject = File.writeObject
function File:writeObject(object, debugname, hook)
   local e = env_of(self)
   if e.depth > 0 then return writeObject(self, object) end
   if hook ~= nil and type(hook) ~= 'function' then
      error(sformat('writeObject: argument 3 (hook) must be a function, got %s', type(hook)), 2)
   end
   e.root, e.hook = debugname ~= nil and tostring(debugname) or nil, hook
   local ok, err = pcall(writeObject, self, object)
   e.root, e.hook = nil, nil
   if not ok then
      e.depth, e.path = 0, {}
      error(strip(err), 2)
   end
end

---------------------------------------------------------------- tensors and storages

-- Torch7's write/read methods of the tensor and storage types.
for _, T in ipairs {'Float', 'Double', 'Long', 'Byte', 'Char', 'Short', 'Int', 'Half'} do
   local tmt = torch.getmetatable('torch.' .. T .. 'Tensor')
   local smt = torch.getmetatable('torch.' .. T .. 'Storage')
   if tmt then
      rawset(tmt, 'write', function(self, file) file:_writeTensor(self) end)
      rawset(tmt, 'read', function(self, file) file:_readTensor(self) end)
   end
   if smt then
      rawset(smt, 'write', function(self, file) file:_writeStorage(self) end)
      rawset(smt, 'read', function(self, file) file:_readStorage(self) end)
   end
end

return File
