-- Torch7's class system: torch.class, newmetatable, getmetatable, setmetatable, factory,
-- getconstructortable, type, typename, isTypeOf, isTensor, isStorage.
--
-- A class is a metatable registered in the Lua registry under its name (as luaT did, and
-- as luaL_newmetatable does for the tensor types made in C), so C and Lua find classes
-- the same way, and deserialization can find a class by the name saved in a file.
-- The metatable is also the method table (mt.__index = mt); a class inherits by having
-- its parent's metatable as its own metatable, so method lookup walks the chain at the
-- speed of plain table indexing. What the script sees as `nn.Linear` is a separate
-- constructor table that reads and writes the metatable and constructs when called: the
-- metatable itself cannot be callable, since its __call is that of its parent's instances.
local torch = require 'torch.core'

local registry = debug.getregistry()
local getmetatable, setmetatable, rawget, rawset, type = getmetatable, setmetatable, rawget, rawset, type
local dgetmetatable = debug.getmetatable

-- The registered class metatable of a value, or nil. The raw metatable is used (as
-- luaT did), so a constructor table, whose __metatable shows the class, has no type.
local function classof(obj)
   local mt = dgetmetatable(obj)
   if type(mt) ~= 'table' then return nil end
   local name = rawget(mt, '__typename')
   if type(name) == 'string' and registry[name] == mt then return mt, name end
   return nil
end

function torch.typename(obj)
   local _, name = classof(obj)
   return name
end

function torch.type(obj)
   local _, name = classof(obj)
   return name or type(obj)
end

function torch.getmetatable(name)
   if type(name) ~= 'string' then
      error('getmetatable: argument 1: expected a class name (string), got ' .. type(name), 2)
   end
   local mt = registry[name]
   if type(mt) == 'table' and rawget(mt, '__typename') == name then return mt end
   return nil
end

function torch.setmetatable(obj, name)
   local mt = torch.getmetatable(name)
   if not mt then error('setmetatable: unknown class ' .. tostring(name), 2) end
   if type(obj) ~= 'table' then
      error('setmetatable: argument 1: expected a table, got ' .. type(obj), 2)
   end
   return setmetatable(obj, mt)
end

-- Operators of class instances dispatch to methods named __add__, __tostring__, ...,
-- looked up through the class chain, so that a child class inherits its parent's
-- operators (nngraph's `a - b` on modules) and can override them as plain methods.
local function method(obj, name)
   local mt = dgetmetatable(obj)
   return mt and mt.__index and obj[name]
end

local function binop(name, sym)
   local mname = '__' .. name .. '__'
   return function(a, b)
      local f = method(a, mname) or method(b, mname)
      if not f then
         error(string.format("attempt to perform '%s' on %s and %s (no %s method)", sym,
                             torch.type(a), torch.type(b), mname), 2)
      end
      return f(a, b)
   end
end

local function default_tostring(self)
   local f = self.__tostring__
   if f then return f(self) end
   return string.format('%s: %p', torch.type(self), self)
end

local function default_len(self)
   local f = self.__len__
   if f then return f(self) end
   return rawlen(self)
end

local function default_eq(a, b)
   local f = method(a, '__eq__') or method(b, '__eq__')
   if f then return f(a, b) end
   return rawequal(a, b)
end

local function default_call(self, ...)
   local f = self.__call__
   if not f then
      error('attempt to call a ' .. torch.type(self) .. ' object (no __call__ method)', 2)
   end
   return f(self, ...)
end

local function default_unm(self)
   local f = self.__unm__
   if not f then error('attempt to negate a ' .. torch.type(self) .. ' object (no __unm__ method)', 2) end
   return f(self)
end

local operators = {
   __tostring = default_tostring, __len = default_len, __eq = default_eq,
   __call = default_call, __unm = default_unm,
   __add = binop('add', '+'), __sub = binop('sub', '-'), __mul = binop('mul', '*'),
   __div = binop('div', '/'), __mod = binop('mod', '%'), __pow = binop('pow', '^'),
   __concat = binop('concat', '..'), __lt = binop('lt', '<'), __le = binop('le', '<='),
}

-- The table that holds the class: the global table for 'Foo', _G.nn for 'nn.Foo',
-- _G.a.b for 'a.b.Foo'. As in luaT, the package must exist already.
local function package_of(name)
   local pkg, path = _G, nil
   local prefix, short = name:match('^(.*)%.([^.]+)$')
   if not prefix then return pkg, name end
   for part in prefix:gmatch('[^.]+') do
      path = path and path .. '.' .. part or part
      pkg = rawget(pkg, part)
      if type(pkg) ~= 'table' then
         error(string.format('class %s: %s is not a loaded package (a table)', name, path), 3)
      end
   end
   return pkg, short
end

local function new_class_mt(name)
   local mt = {}
   for k, f in pairs(operators) do mt[k] = f end
   mt.__index = mt
   mt.__typename = name
   mt.__version = 1
   registry[name] = mt
   return mt
end

local function constructor_table(mt)
   return setmetatable({}, {
      __index = mt,
      __newindex = mt, -- methods defined on nn.Foo land in the class
      __call = function(_, ...) return mt.__new(...) end,
      __metatable = mt,
      __tostring = function() return mt.__typename end,
   })
end

-- torch.newmetatable(name [, parentName] [, constructor] [, destructor] [, factory]
--   [, package]): registers (or finds) the class metatable, sets its parent, and puts
-- the constructor table at package[shortname]. Running it again for an existing class
-- (reloading a file in the REPL) keeps the class and replaces its functions; only a
-- different parent is an error.
function torch.newmetatable(name, parentname, ctor, dtor, factory, pkg)
   if type(name) ~= 'string' then
      error('newmetatable: argument 1: expected a class name (string), got ' .. type(name), 2)
   end
   local short
   if pkg ~= nil then
      if type(pkg) ~= 'table' then
         error('newmetatable: argument 6: expected a package table, got ' .. type(pkg), 2)
      end
      short = name:match('([^.]+)$')
   else
      pkg, short = package_of(name)
   end
   local mt = torch.getmetatable(name)
   if not mt then
      if registry[name] ~= nil then
         error('newmetatable: the name ' .. name .. ' is taken by a non-class registry entry', 2)
      end
      mt = new_class_mt(name)
   end
   if parentname ~= nil then
      local pmt = torch.getmetatable(parentname)
      if not pmt then error('class ' .. name .. ': unknown parent class ' .. tostring(parentname), 2) end
      local old = getmetatable(mt)
      if old ~= nil and old ~= pmt then
         error('class ' .. name .. ' already has parent class ' .. tostring(old.__typename), 2)
      end
      setmetatable(mt, pmt)
   end
   if dtor then mt.__gc = dtor end
   if factory then rawset(mt, '__factory', factory) end
   if ctor then
      rawset(mt, '__new', ctor)
      rawset(mt, 'new', ctor)
   end
   local ctab = rawget(mt, '__constructor')
   if not ctab then
      ctab = constructor_table(mt)
      rawset(mt, '__constructor', ctab)
   end
   pkg[short] = ctab
   return mt
end

-- torch.class(name [, parentName] [, package]) -> class metatable [, parent metatable]
function torch.class(...)
   local n = select('#', ...)
   local name, a2, a3 = ...
   local parentname, pkg
   if type(name) ~= 'string' or n > 3 then
      error('class: usage: torch.class(name [, parentName] [, package])', 2)
   end
   if n == 3 then
      parentname, pkg = a2, a3
   elseif type(a2) == 'table' then
      pkg = a2
   else
      parentname = a2
   end
   if (parentname ~= nil and type(parentname) ~= 'string') or (pkg ~= nil and type(pkg) ~= 'table') then
      error('class: usage: torch.class(name [, parentName] [, package])', 2)
   end
   local mt
   -- A class (or an ancestor) may set __initargs(self, ...) -> ...: it rewrites the
   -- arguments before __init sees them (nn.Module's turns sizes given as integral
   -- floats, 3072 / 2, into integers, as Torch7 on LuaJIT never told them apart).
   local function constructor(...)
      local self = setmetatable({}, mt)
      local init = self.__init
      if init then
         local prep = self.__initargs
         if prep then init(self, prep(self, ...)) else init(self, ...) end
      end
      return self
   end
   local function factory()
      return setmetatable({}, mt)
   end
   if parentname and not torch.getmetatable(parentname) then
      error('class ' .. name .. ': unknown parent class ' .. parentname, 2)
   end
   mt = torch.newmetatable(name, parentname, constructor, nil, factory, pkg)
   return mt, parentname and torch.getmetatable(parentname) or nil
end

function torch.factory(name)
   local mt = torch.getmetatable(name)
   return mt and rawget(mt, '__factory')
end

function torch.getconstructortable(name)
   local mt = torch.getmetatable(name)
   if not mt then return nil end
   local ctab = rawget(mt, '__constructor')
   if ctab then return ctab end
   -- types made in C (torch.FloatTensor, ...) are their own constructor tables
   local pkg, short = name:match('^(.*)%.([^.]+)$')
   local t = pkg and rawget(_G, pkg)
   return type(t) == 'table' and rawget(t, short) or nil
end

-- The class name a type spec stands for: a string, a constructor table (nn.Linear),
-- or a class metatable (the tensor types, which are their own method tables).
local function specname(spec)
   if type(spec) == 'string' then return spec end
   if type(spec) == 'table' then
      local name = rawget(spec, '__typename')
      if type(name) == 'string' then return name end
      local mt = getmetatable(spec)
      name = type(mt) == 'table' and rawget(mt, '__typename')
      if type(name) == 'string' then return name end
   end
   error('isTypeOf: argument 2: expected a class name, pattern or class, got ' .. torch.type(spec), 3)
end

-- torch.isTypeOf(obj, spec): walks obj's class and its parents. A plain name must
-- match a class name whole ('nn.Module', not 'Module'); a Lua pattern may match part
-- ('torch.*Tensor'), as in Torch7.
function torch.isTypeOf(obj, spec)
   spec = specname(spec)
   local mt = getmetatable(obj)
   while type(mt) == 'table' do
      local name = rawget(mt, '__typename')
      if type(name) == 'string' then
         local m = name:match(spec)
         if m and (m ~= spec or m == name) then return true end
      end
      mt = getmetatable(mt)
   end
   return false
end

function torch.isTensor(obj)
   local name = torch.typename(obj)
   return name ~= nil and name:find('^torch%..*Tensor$') ~= nil
end

function torch.isStorage(obj)
   local name = torch.typename(obj)
   return name ~= nil and name:find('^torch%..*Storage$') ~= nil
end

-- torch.pointer(obj): an integer that identifies a table, function, thread or userdata;
-- for a storage, the same for every :storage() of it (char-rnn groups parameters by it).
local pointerof = torch._pointerof
function torch.pointer(obj)
   local p = pointerof(obj)
   if p then return p end
   local s = string.format('%p', obj)
   return s ~= '0x0' and tonumber(s:sub(3), 16) or nil
end

-- torch.version(obj): the __version of obj's class (1 unless the class sets it).
function torch.version(obj)
   local mt = classof(obj)
   return mt and mt.__version
end

return torch
