require 'torch'
require 'torch.File'
require 'torch.serialize'

local formats = {'binary', 'ascii'}
local tmpdir = os.getenv('TMPDIR') or '/tmp'

local function tmpname(tag)
   return string.format('%s/dlua_serialize_%s_%d.t7', tmpdir, tag, math.random(1, 1e9))
end

local function roundtrip(obj, format)
   return torch.deserialize(torch.serialize(obj, format), format)
end

local function values(t)
   local out = {}
   for i = 1, t:nElement() do out[i] = t:storage()[t:storageOffset() + i - 1] end
   return out
end

local function tensor_equal(a, b)
   if torch.type(a) ~= torch.type(b) or a:dim() ~= b:dim() then return false end
   for d = 1, a:dim() do if a:size(d) ~= b:size(d) then return false end end
   local ta, tb = a:totable(), b:totable()
   local function eq(x, y)
      if type(x) ~= 'table' then return x == y end
      for i = 1, #x do if not eq(x[i], y[i]) then return false end end
      return #x == #y
   end
   return eq(ta, tb)
end

describe('torch.serialize / torch.deserialize', function()
   for _, fmt in ipairs(formats) do
      describe(fmt, function()
         it('round-trips numbers, strings, booleans and nil', function()
            for _, v in ipairs {0, 1, -7, 2.5, 1 / 3, 1e300, -1e-300, math.huge, -math.huge, 2 ^ 53} do
               assert.are.equal(v, roundtrip(v, fmt))
            end
            local nan = roundtrip(0 / 0, fmt)
            assert.is_true(nan ~= nan)
            assert.are.equal(3, roundtrip(3, fmt))
            assert.are.equal('integer', math.type(roundtrip(3, fmt)))
            assert.are.equal('float', math.type(roundtrip(2.5, fmt)))
            for _, s in ipairs {'', 'x', 'hello world', '\n\nleading newlines', 'a\0b\255', ('z'):rep(10000)} do
               assert.are.equal(s, roundtrip(s, fmt))
            end
            assert.are.equal(true, roundtrip(true, fmt))
            assert.are.equal(false, roundtrip(false, fmt))
            assert.is_nil(roundtrip(nil, fmt))
         end)

         it('round-trips nested tables with any keys', function()
            local t = {1, 2, 3, name = 'n', [2.5] = 'float key', [true] = false, nested = {deep = {x = {}}}}
            local u = roundtrip(t, fmt)
            assert.are.same(t, u)
         end)

         it('preserves shared references and cycles', function()
            local shared = {v = 1}
            local t = {a = shared, b = shared}
            t.self = t
            shared.parent = t
            local u = roundtrip(t, fmt)
            assert.are.equal(u.a, u.b)
            assert.are.equal(u, u.self)
            assert.are.equal(u, u.a.parent)
            assert.are.equal(1, u.a.v)
            assert.are_not.equal(t, u)
         end)

         it('round-trips tensors of every type, with their values', function()
            local specs = {
               {torch.FloatTensor, {{1.5, -2}, {3.25, 4}}},
               {torch.DoubleTensor, {{1 / 3, 1e-300}, {-1e300, 0}}},
               {torch.LongTensor, {{2 ^ 40, -5}, {0, 7}}},
               {torch.ByteTensor, {{0, 255}, {17, 1}}},
            }
            for _, s in ipairs(specs) do
               local x = s[1](s[2])
               local y = roundtrip(x, fmt)
               assert.are.equal(torch.type(x), torch.type(y))
               assert.are.same(s[2], y:totable())
            end
         end)

         it('round-trips storages of every type', function()
            for _, T in ipairs {'Float', 'Double', 'Long', 'Byte'} do
               local s = torch[T .. 'Storage'](3)
               s[1], s[2], s[3] = 1, 2, 3
               local r = roundtrip(s, fmt)
               assert.are.equal('torch.' .. T .. 'Storage', torch.type(r))
               assert.are.same({1, 2, 3}, r:totable())
            end
            assert.are.equal(0, roundtrip(torch.FloatStorage(), fmt):size())
         end)

         it('keeps views on one storage shared, with their offsets and strides', function()
            local x = torch.DoubleTensor({{1, 2, 3}, {4, 5, 6}})
            local t = x:t()
            local n = x:narrow(2, 2, 2)
            local u = roundtrip({x = x, t = t, n = n}, fmt)
            assert.are.same({{1, 4}, {2, 5}, {3, 6}}, u.t:totable())
            assert.are.same({{2, 3}, {5, 6}}, u.n:totable())
            assert.are.same({1, 3}, {u.t:stride(1), u.t:stride(2)})
            assert.are.equal(2, u.n:storageOffset())
            u.x[1][2] = 20 -- one storage, as when saved
            assert.are.equal(20, u.t[2][1])
            assert.are.equal(20, u.n[1][1])
         end)

         it('round-trips an empty tensor', function()
            local y = roundtrip(torch.FloatTensor(), fmt)
            assert.are.equal('torch.FloatTensor', torch.type(y))
            assert.are.equal(0, y:dim())
         end)

         it('round-trips objects of classes made with torch.class', function()
            local pkg = {}
            local Point = torch.class('serialspec.Point' .. fmt, pkg)
            function Point:__init(x, y) self.x, self.y = x, y end
            function Point:norm2() return self.x * self.x + self.y * self.y end
            local p = pkg['Point' .. fmt](3, 4)
            local q = roundtrip({p, p}, fmt)
            assert.are.equal('serialspec.Point' .. fmt, torch.type(q[1]))
            assert.are.equal(25, q[1]:norm2())
            assert.are.equal(q[1], q[2])
         end)

         it("uses a class's write and read methods", function()
            local pkg = {}
            local Hooked = torch.class('serialspec.Hooked' .. fmt, pkg)
            function Hooked:__init(v) self.v = v end
            function Hooked:write(file) file:writeDouble(self.v * 2) end
            function Hooked:read(file, version)
               self.v = file:readDouble() / 2
               self.version = version
            end
            local h = roundtrip(pkg['Hooked' .. fmt](21), fmt)
            assert.are.equal(21, h.v)
            assert.are.equal(1, h.version)
         end)
      end)
   end

   it('writes the documented binary layout', function()
      local s = torch.serialize({1.5})
      local expect = string.pack('<i4i4i4', 3, 1, 1) .. string.pack('<i4d', 1, 1) .. string.pack('<i4d', 1, 1.5)
      assert.are.equal(expect, s)
      assert.are.equal('3\n1\n1\n1\n1\n1\n1.5\n', torch.serialize({1.5}, 'ascii'))
   end)

   it('writes a tensor as Torch7 does', function()
      local x = torch.FloatTensor({{1, 2}, {3, 4}})
      local s = torch.serialize(x)
      local function str(v) return string.pack('<i4', #v) .. v end
      local expect = string.pack('<i4i4', 4, 1) .. str('V 1') .. str('torch.FloatTensor')
         .. string.pack('<i4i8i8i8i8i8', 2, 2, 2, 2, 1, 1)
         .. string.pack('<i4i4', 4, 2) .. str('V 1') .. str('torch.FloatStorage')
         .. string.pack('<i8ffff', 4, 1, 2, 3, 4)
      assert.are.equal(expect, s)
   end)
end)

describe('a .t7 file assembled byte by byte from the published format', function()
   local function str(v) return string.pack('<i4', #v) .. v end
   local function obj(tag, index) return string.pack('<i4i4', tag, index) end
   -- {weights = DoubleTensor 2x2 (transposed view, offset 2 in a storage of 5),
   --  name = 'net', epochs = 3, ok = true, same = <the weights again>}
   local function build(longfmt)
      local L = longfmt
      local tensor = obj(4, 2) .. str('V 1') .. str('torch.DoubleTensor')
         .. string.pack('<i4', 2) .. string.pack(L .. L, 2, 2) .. string.pack(L .. L, 1, 2)
         .. string.pack(L, 2)
         .. obj(4, 3) .. str('V 1') .. str('torch.DoubleStorage')
         .. string.pack(L, 5) .. string.pack('<ddddd', 0, 1, 2, 3, 4)
      return obj(3, 1) .. string.pack('<i4', 5)
         .. string.pack('<i4', 2) .. str('weights') .. tensor
         .. string.pack('<i4', 2) .. str('name') .. string.pack('<i4', 2) .. str('net')
         .. string.pack('<i4', 2) .. str('epochs') .. string.pack('<i4d', 1, 3)
         .. string.pack('<i4', 2) .. str('ok') .. string.pack('<i4i4', 5, 1)
         .. string.pack('<i4', 2) .. str('same') .. obj(4, 2)
   end

   local function check(t)
      assert.are.equal('torch.DoubleTensor', torch.type(t.weights))
      -- storage 0 1 2 3 4, offset 2, sizes 2x2, strides 1,2: {{1, 3}, {2, 4}}
      assert.are.same({{1, 3}, {2, 4}}, t.weights:totable())
      assert.are.equal('net', t.name)
      assert.are.equal(3, t.epochs)
      assert.are.equal(true, t.ok)
      assert.are.equal(t.weights, t.same)
   end

   it('loads with 8-byte longs (Torch7 on 64-bit Linux)', function()
      local path = tmpname('bytes')
      local f = assert(io.open(path, 'wb'))
      f:write(build('<i8'))
      f:close()
      check(torch.load(path))
      os.remove(path)
   end)

   it("loads with 4-byte longs as 'b32'", function()
      check(torch.deserialize(build('<i4'), 'b32'))
      assert.has_error(function() torch.deserialize(build('<i4')) end)
   end)

   it('loads the same object from an ascii file written by hand', function()
      local ascii = table.concat({
         '3', '1', '1', '1', '1', '4', '2', '3\nV 1', '16\ntorch.LongTensor',
         '1', '3', '1', '1', '4', '3', '3\nV 1', '17\ntorch.LongStorage', '3', '7 8 9', ''}, '\n')
      local t = torch.deserialize(ascii, 'ascii')
      assert.are.same({7, 8, 9}, t[1]:totable())
      assert.are.equal('torch.LongTensor', torch.type(t[1]))
   end)

   it('loads an old file without a version string', function()
      local s = obj(4, 1) .. str('torch.FloatStorage') .. string.pack('<i8ff', 2, 0.5, 1.5)
      assert.are.same({0.5, 1.5}, torch.deserialize(s):totable())
   end)
end)

describe('safety', function()
   it('saves Lua functions as Torch7 does, refuses C functions, naming where they are', function()
      local s = torch.serialize({model = {hook = function() return 1 end}})
      assert.equal(8, string.unpack('<i4', s, 1 + 4 + 4 + 4 + 4 + 4 + #'model' + 4 + 4 + 4 + 4 + 4 + #'hook'))
      local ok, err = pcall(torch.serialize, {model = {hook = print}})
      assert.is_false(ok)
      assert.truthy(err:find('a C function cannot be saved', 1, true))
      assert.truthy(err:find('<?>.model.hook', 1, true))
      ok, err = pcall(torch.save, tmpname('fn'), print)
      assert.is_false(ok)
      assert.truthy(err:find('a C function cannot be saved', 1, true))
   end)

   it('names a C function inside an upvalue by the upvalue names, from debugname', function()
      local t = torch -- an upvalue holding C functions
      local inner = {baz = function() return t.somefunc() end}
      local outer = {theinner = inner}
      local function f() return outer end
      local ok, err = pcall(torch.serialize, f)
      assert.is_false(ok)
      assert.truthy(err:find('(at <?>.outer.theinner.baz.t.', 1, true), err)
      local file = torch.MemoryFile()
      ok, err = pcall(file.writeObject, file, {a = {b = print}}, 'config')
      assert.truthy(not ok and err:find('(at config.a.b)', 1, true), err)
   end)

   it('writeObject(o, name, hook) writes what the hook returns, sharing by the given objects', function()
      local pkg = {}
      _G.hookspec = pkg
      torch.class('hookspec.Old', pkg)
      torch.class('hookspec.New', pkg)
      local old, made = pkg.Old(), 0
      local function hook(o)
         if torch.typename(o) == 'hookspec.Old' then
            made = made + 1
            local n = pkg.New()
            n.from = made
            return n
         end
         return o
      end
      local file = torch.MemoryFile('rw'):binary()
      file:writeObject({a = old, b = old, v = 'x', t = torch.Tensor{1, 2}}, nil, hook)
      file:seek(1)
      local back = file:readObject()
      assert.equal('hookspec.New', torch.typename(back.a))
      -- the hook runs at each occurrence (as Torch7), but old is written once, then referenced
      assert.equal(back.a, back.b)
      assert.equal(2, made)
      assert.equal(1, back.a.from)
      assert.equal('x', back.v)
      assert.are.same({1, 2}, back.t:totable())
      -- the hook lasts for one call only
      file = torch.MemoryFile('rw'):binary()
      file:writeObject(old)
      file:seek(1)
      assert.equal('hookspec.Old', torch.typename(file:readObject()))
      local ok, err = pcall(file.writeObject, file, 1, nil, 'hook')
      assert.truthy(not ok and err:find('argument 3 (hook) must be a function, got string', 1, true), err)
      _G.hookspec = nil
   end)

   it('refuses to save a coroutine or a foreign userdata', function()
      local ok, err = pcall(torch.serialize, {co = coroutine.create(function() end)})
      assert.is_false(ok)
      assert.truthy(err:find('a thread cannot be saved', 1, true))
      ok, err = pcall(torch.serialize, io.stdout)
      assert.is_false(ok)
      assert.truthy(err:find('userdata cannot be saved', 1, true))
   end)

   it('refuses to load a function of each kind', function()
      for _, tag in ipairs {6, 7, 8} do
         local s = string.pack('<i4i4i4', tag, 1, 10) .. ('\27Lua'):rep(3)
         local ok, err = pcall(torch.deserialize, s)
         assert.is_false(ok)
         assert.truthy(err:find('holds a function at byte offset 0', 1, true))
      end
   end)

   it('refuses a class that no loaded module defines, without creating anything', function()
      local function str(v) return string.pack('<i4', #v) .. v end
      local s = string.pack('<i4i4', 4, 1) .. str('V 1') .. str('os.execute')
         .. string.pack('<i4i4i4', 3, 2, 0)
      local ok, err = pcall(torch.deserialize, s)
      assert.is_false(ok)
      assert.truthy(err:find("unknown class 'os.execute' at byte offset 0", 1, true))
      -- a registry entry that is not a class (here a C type with no factory) is refused too
      s = string.pack('<i4i4', 4, 1) .. str('V 1') .. str('torch.DiskFile') .. string.pack('<i4', 0)
      ok, err = pcall(torch.deserialize, s)
      assert.is_false(ok)
      assert.truthy(err:find("unknown class 'torch.DiskFile'", 1, true))
   end)

   it('refuses a tensor that reaches past its storage', function()
      local x = torch.FloatTensor({1, 2, 3})
      local s = torch.serialize(x)
      -- the storage offset sits right after nDimension, size and stride
      local at = #string.pack('<i4i4', 4, 1) + 4 + 3 + 4 + 17 + 4 + 8 + 8
      local bad = s:sub(1, at) .. string.pack('<i8', 2) .. s:sub(at + 9)
      local ok, err = pcall(torch.deserialize, bad)
      assert.is_false(ok)
      assert.truthy(err:find('need 4 elements, storage has 3', 1, true))
   end)
end)

describe('torch.save / torch.load', function()
   for _, fmt in ipairs(formats) do
      it('round-trips through a file in ' .. fmt, function()
         local path = tmpname(fmt)
         local x = torch.DoubleTensor({{1, 2}, {3, 4}})
         torch.save(path, {x = x, s = 'str', n = 2}, fmt)
         local t = torch.load(path, fmt)
         assert.are.same({{1, 2}, {3, 4}}, t.x:totable())
         assert.are.equal('str', t.s)
         os.remove(path)
      end)
   end

   it('replaces a file atomically and leaves no temporary file', function()
      local path = tmpname('atomic')
      torch.save(path, 'first')
      torch.save(path, 'second')
      assert.are.equal('second', torch.load(path))
      local p = io.popen('ls ' .. path .. '.tmp-* 2>/dev/null')
      assert.are.equal('', p:read('a'))
      p:close()
      os.remove(path)
   end)

   it('keeps the old file and removes the temporary one when a save fails', function()
      local path = tmpname('failed')
      torch.save(path, {1, 2, 3})
      local ok, err = pcall(torch.save, path, {1, 2, print}) -- a C function cannot be saved
      assert.is_false(ok)
      assert.truthy(err:find(path, 1, true))
      assert.are.same({1, 2, 3}, torch.load(path))
      local p = io.popen('ls ' .. path .. '.tmp-* 2>/dev/null')
      assert.are.equal('', p:read('a'))
      p:close()
      os.remove(path)
   end)

   it('leaves the previous file whole when the saving process is killed mid-save', function()
      local path = tmpname('killed')
      local marker = path .. '.marker'
      torch.save(path, {version = 'old'})
      -- the child saves an object whose write hook writes a big tensor, then signals and
      -- hangs: the kill lands mid-save, deterministically
      local script = path .. '.lua'
      local f = assert(io.open(script, 'w'))
      f:write(string.format([[
require 'torch'; require 'torch.serialize'
local SlowClass = torch.class('Slow')
function SlowClass:write(file)
   file:writeObject(torch.DoubleTensor(1000000):fill(1))
   local m = io.open(%q, 'w'); m:write('x'); m:close()
   while true do end
end
torch.save(%q, {version = 'new', slow = Slow()})
]], marker, path))
      f:close()
      local p = io.popen(string.format('lua5.4 %s >/dev/null 2>&1 & echo $!', script))
      local pid = tonumber(p:read('l'))
      p:close()
      assert.is_not_nil(pid)
      local waited = 0
      while not io.open(marker) and waited < 200 do
         os.execute('sleep 0.05')
         waited = waited + 1
      end
      os.execute('kill -9 ' .. pid)
      assert.truthy(io.open(marker), 'the child never reached the middle of its save')
      assert.are.same({version = 'old'}, torch.load(path))
      -- the partial temporary file is what the kill left behind
      local ls = io.popen('ls ' .. path .. '.tmp-* 2>/dev/null')
      local tmp = ls:read('l')
      ls:close()
      assert.is_not_nil(tmp)
      assert.has_error(function() torch.load(tmp) end)
      os.remove(tmp)
      os.remove(marker)
      os.remove(script)
      os.remove(path)
   end)

   it('names the file in errors', function()
      local ok, err = pcall(torch.load, '/nonexistent/dir/model.t7')
      assert.is_false(ok)
      assert.truthy(err:find('/nonexistent/dir/model.t7', 1, true))
      ok, err = pcall(torch.load, '/tmp/x.t7', 'b16')
      assert.is_false(ok)
      assert.truthy(err:find("format 'b16'", 1, true))
   end)
end)

describe('torch.DiskFile and torch.MemoryFile', function()
   it('reads and writes numbers, strings and storages', function()
      for _, fmt in ipairs(formats) do
         local f = torch.MemoryFile()
         f[fmt](f)
         f:writeInt(-3)
         f:writeLong(2 ^ 40)
         f:writeFloat(1.5)
         f:writeDouble(1 / 3)
         f:writeByte(200)
         f:writeChar('abc')
         f:writeBool(true)
         local s = torch.DoubleStorage(3):fill(0.25)
         assert.are.equal(3, f:writeDouble(s))
         f:writeString('tail\n')
         f:seek(1)
         assert.are.equal(-3, f:readInt())
         assert.are.equal(2 ^ 40, f:readLong())
         assert.are.equal(1.5, f:readFloat())
         assert.are.equal(1 / 3, f:readDouble())
         assert.are.equal(200, f:readByte())
         assert.are.equal('abc', f:readChar(3))
         assert.is_true(f:readBool())
         assert.are.same({0.25, 0.25, 0.25}, f:readDouble(3):totable())
         assert.are.equal('tail', f:readString('*l'))
         f:close()
      end
   end)

   it('reads into a given storage and converts ints to a LongStorage', function()
      local f = torch.MemoryFile(string.pack('<i4i4i4', 1, -2, 3), 'r')
      local s = f:readInt(3)
      assert.are.equal('torch.LongStorage', torch.type(s))
      assert.are.same({1, -2, 3}, s:totable())
      f:seek(1)
      local into = torch.LongStorage(2)
      assert.are.equal(2, f:readInt(into))
      assert.are.same({1, -2}, into:totable())
   end)

   it('has position, seek, seekEnd, size and longSize', function()
      local f = torch.MemoryFile()
      assert.are.equal(1, f:position())
      f:writeInt(1)
      assert.are.equal(5, f:position())
      f:longSize(4)
      f:writeLong(7)
      assert.are.equal(9, f:position())
      assert.are.equal(8, f:size())
      f:seek(5)
      assert.are.equal(7, f:readLong())
      f:seekEnd()
      assert.are.equal(9, f:position())
      assert.has_error(function() f:seek(100) end)
      -- positions are 1-based; converting math.mininteger to 0-based used to wrap
      for _, p in ipairs {0, -1, math.mininteger, math.maxinteger} do
         local ok, err = pcall(f.seek, f, p)
         assert.is_false(ok)
         assert.truthy(err:find('seek: position ' .. p .. ' is outside the file (8 bytes)', 1, true), err)
         assert.are.equal(9, f:position())
      end
      assert.has_error(function() f:longSize(3) end)
   end)

   it('raises on errors, or in quiet mode sets hasError', function()
      local f = torch.MemoryFile(string.pack('<i4', 5), 'r')
      assert.are.equal(5, f:readInt())
      local ok, err = pcall(f.readInt, f)
      assert.is_false(ok)
      assert.truthy(err:find('byte offset 4', 1, true))
      assert.is_true(f:hasError()) -- set as in Torch7, even when the error is raised
      f:clearError()
      f:quiet()
      assert.is_true(f:isQuiet())
      assert.are.equal(0, f:readInt())
      assert.is_true(f:hasError())
      f:clearError()
      assert.is_false(f:hasError())
      -- readObject raises even when quiet
      assert.has_error(function() f:readObject() end)
      f:pedantic()
      assert.has_error(function() f:writeInt(1) end) -- read-only
   end)

   it('knows its flags and its class', function()
      local path = tmpname('flags')
      local f = torch.DiskFile(path, 'w')
      assert.are.equal('torch.DiskFile', torch.type(f))
      assert.is_true(torch.isTypeOf(f, 'torch.File'))
      assert.is_true(f:isWritable())
      assert.is_false(f:isReadable())
      assert.is_true(f:isBinary())
      f:ascii()
      assert.is_false(f:isBinary())
      f:writeObject({1, 'a'})
      f:close()
      assert.is_false(f:isWritable())
      assert.has_error(function() f:writeInt(1) end)
      f = torch.DiskFile(path, 'r'):ascii()
      assert.are.same({1, 'a'}, f:readObject())
      f:close()
      assert.is_nil(torch.DiskFile('/nonexistent/x', 'r', true))
      assert.has_error(function() torch.DiskFile('/nonexistent/x', 'r') end)
      assert.has_error(function() torch.DiskFile(path, 'x') end)
      os.remove(path)
   end)

   it('shares references across writeObject calls on one file', function()
      local f = torch.MemoryFile()
      local t = {1}
      f:writeObject(t)
      f:writeObject(t)
      f:seek(1)
      local a, b = f:readObject(), f:readObject()
      assert.are.equal(a, b)
   end)
end)

describe('nn modules', function()
   local ok_nn = pcall(require, 'nn')
   if not ok_nn then return end
   for _, fmt in ipairs(formats) do
      it('round-trip with the same outputs (' .. fmt .. ')', function()
         local m = nn.Sequential():add(nn.Linear(3, 4)):add(nn.Tanh()):add(nn.Linear(4, 2))
         local x = torch.Tensor({{0.1, -0.2, 0.3}, {1, 2, 3}})
         local y = m:forward(x):clone()
         local path = tmpname('nn' .. fmt)
         torch.save(path, m, fmt)
         local m2 = torch.load(path, fmt)
         os.remove(path)
         assert.are.equal('nn.Sequential', torch.type(m2))
         assert.are.equal('nn.Linear', torch.type(m2.modules[1]))
         local y2 = m2:forward(x)
         local a, b = y:totable(), y2:totable()
         for i = 1, 2 do
            for j = 1, 2 do
               -- float32 text in ascii is printed with 9 digits: exact
               assert.are.equal(a[i][j], b[i][j])
            end
         end
         -- the loaded model trains: its parameters are real tensors
         local p = m2:parameters()
         assert.are.equal(4, #p)
      end)
   end
end)
