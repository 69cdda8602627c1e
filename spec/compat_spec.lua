-- dlua.compat: the Lua 5.1 names, checked against values worked out by hand, and the
-- dlua executable's lazy globals.
local H = require 'spec.helpers'
require 'dlua.compat'

describe('dlua.compat', function()
   it('adds unpack, loadstring and the 5.1 math, table and string names', function()
      assert.are.same({1, 2, 3}, {unpack({1, 2, 3})})
      assert.are.equal(4, loadstring('return 2 + 2')())
      assert.is_nil((loadstring('return +')))
      assert.are.equal(1024, math.pow(2, 10))
      assert.are.equal(3, math.log10(1000))
      assert.are.equal(1, math.mod(7, 3))
      assert.are.equal(-1, math.mod(-7, 3)) -- C's fmod keeps the dividend's sign
      assert.are.equal(3, table.getn({1, 2, 3}))
      assert.are.equal(7, table.maxn({1, 2, [7] = 'x', a = 1}))
      assert.are.equal(0, table.maxn({}))
      local words = {}
      for w in string.gfind('one two', '%a+') do words[#words + 1] = w end
      assert.are.same({'one', 'two'}, words)
      H.near(math.atan2(1, 1), math.pi / 4, 1e-15)
   end)

   it('has hyperbolic functions and ldexp/frexp with independently known values', function()
      H.near(math.cosh(1), 1.5430806348152437, 1e-15)
      H.near(math.sinh(1), 1.1752011936438014, 1e-15)
      H.near(math.tanh(0.5), 0.46211715726000974, 1e-15)
      H.near(math.sinh(1e-8), 1e-8, 1e-22)
      assert.are.equal(1.0, math.tanh(800))
      assert.are.equal(-1.0, math.tanh(-800))
      assert.are.equal(8.0, math.ldexp(0.5, 4))
      assert.are.equal(2.0 ^ -1074, math.ldexp(0.5, -1073)) -- smallest subnormal
      assert.are.equal(2.0 ^ 1023, math.ldexp(0.5, 1024))
      local m, e = math.frexp(8)
      assert.are.same({0.5, 4}, {m, e})
      m, e = math.frexp(-3)
      assert.are.same({-0.75, 2}, {m, e})
      m, e = math.frexp(0)
      assert.are.same({0, 0}, {m, e})
      for _, x in ipairs({0.1, 1, 2 ^ 52 + 1, 2.0 ^ -1060, 1e300}) do
         m, e = math.frexp(x)
         assert(m >= 0.5 and m < 1, 'mantissa in [0.5, 1)')
         assert.are.equal(x, math.ldexp(m, e))
      end
   end)

   it('getfenv/setfenv work for functions, one function at a time', function()
      local function f() return answer end
      local function g() return answer end
      -- busted runs a spec file in an environment of its own: the file's _ENV
      assert.are.equal(_ENV, getfenv(f))
      local env = {answer = 42}
      assert.are.equal(f, setfenv(f, env))
      assert.are.equal(42, f())
      assert.are.equal(env, getfenv(f))
      assert.is_nil(g()) -- f's chunk-mates keep _G
      assert.are.equal(_ENV, getfenv(g))
      assert.are.equal(_G, getfenv(print)) -- a C function
      assert.are.equal(_G, getfenv(0))
   end)

   it('setfenv(1, t) changes the running function, and globals are written to t', function()
      local env = {}
      local function h()
         setfenv(1, env)
         written = 5
      end
      h()
      assert.are.equal(5, env.written)
      assert.is_nil(rawget(_G, 'written'))
      assert.are.equal(env, getfenv(h))
   end)

   it('loadstring chunks can be given an environment, as sandboxing code did', function()
      local chunk = loadstring('x = y * 2; return x')
      local env = {y = 21}
      setfenv(chunk, env)
      assert.are.equal(42, chunk())
      assert.are.equal(42, env.x)
   end)

   it('module() with package.seeall makes a module of a chunk', function()
      local chunk = load([[
         module('compat_spec_mod', package.seeall)
         function double(x) return 2 * x end
         local_name = type(1)
      ]])
      chunk()
      local m = package.loaded.compat_spec_mod
      assert.are.equal(m, rawget(_G, 'compat_spec_mod'))
      assert.are.equal(6, m.double(3))
      assert.are.equal('number', m.local_name)
      assert.are.equal('compat_spec_mod', m._NAME)
      assert.is_nil(rawget(_G, 'double'))
      package.loaded.compat_spec_mod = nil
      _G.compat_spec_mod = nil
   end)

   it('gives clear errors for bad arguments', function()
      H.raises(function() setfenv(function() return x end, 3) end, 'setfenv: argument 2', 'table')
      H.raises(function() setfenv(print, {}) end, 'C function')
      H.raises(function() getfenv(-1) end, 'getfenv: argument 1')
      H.raises(function() getfenv(100) end, 'no function at level 100')
      H.raises(function() loadstring(3) end, 'loadstring: argument 1')
      H.raises(function() module(3) end, 'module: argument 1')
   end)

   it('changes nothing that Lua 5.4 already has, and can be loaded twice', function()
      local before = {math.floor, table.unpack, load}
      package.loaded['dlua.compat'] = nil
      require 'dlua.compat'
      assert.are.same(before, {math.floor, table.unpack, load})
   end)
end)

describe('dlua executable globals', function()
   local DLUA = os.getenv('DLUA') or './build-dlua/dlua'
   local function run(code)
      local f = assert(io.popen("'" .. DLUA .. "' -e " .. "'" .. code .. "' 2>&1"))
      local out = f:read('a')
      f:close()
      return out
   end

   it('has the 5.1 names and loads paths, sys and xlua at their first use', function()
      assert.are.equal('nil\tnil\tnil\n', run('print(rawget(_G,"paths"), rawget(_G,"sys"), rawget(_G,"xlua"))'))
      assert.are.equal('true\ttrue\ttrue\n', run('print(type(paths.concat) == "function", type(sys.clock()) == "number", type(xlua.progress) == "function")'))
      assert.are.equal('3\t8.0\n', run('print(unpack({3}), math.pow(2, 3))'))
      assert.are.equal('nil\n', run('print(not_a_global)'))
   end)

   it('has Penlight\'s path, stringx and tablex as th had them (when lua-penlight is installed)', function()
      local ok = pcall(require, 'pl.path')
      if not ok then return end
      assert.are.equal('nil\n', run('print(rawget(_G,"path"))'))
      assert.are.equal('a/b.t7\ttrue\tfalse\n', run('print(path.join("a", "b.t7"), path.exists("/") ~= false, path.exists("/no/such/file"))'))
      assert.are.equal('table\ttable\n', run('print(type(stringx), type(tablex))'))
   end)

   it('plain lua5.4 with require "torch" stays clean', function()
      local f = assert(io.popen([[lua5.4 -e 'package.path="./lua/?.lua;./lua/?/init.lua;"..package.path; package.cpath="./]]
         .. (DLUA:match('^(.*)/dlua$') or '.') .. [[/lua/?.so;"..package.cpath; require "torch"; print(unpack, setfenv, getmetatable(_G), rawget(_G, "paths"))' 2>&1]]))
      local out = f:read('a')
      f:close()
      assert.are.equal('nil\tnil\tnil\tnil\n', out)
   end)
end)
