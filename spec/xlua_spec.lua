-- xlua: progress bar, print, require, unpack and helpers.
local H = require 'spec.helpers'
local xlua = require 'xlua'

-- Runs f with io.write captured; returns what it wrote.
local function capture(f)
   local out = {}
   local write = io.write
   io.write = function(...)
      for i = 1, select('#', ...) do out[#out + 1] = tostring((select(i, ...))) end
   end
   local ok, err = pcall(f)
   io.write = write
   assert(ok, err)
   return table.concat(out)
end

describe('xlua', function()
   it('is a global after require, with xprint, xerror and xrequire', function()
      assert.are.equal(xlua, rawget(_G, 'xlua'))
      assert.are.equal(xlua.print, xprint)
      assert.are.equal(xlua.require, xrequire)
   end)

   it('formatTime keeps the two largest units', function()
      assert.are.equal('0ms', xlua.formatTime(0))
      assert.are.equal('250ms', xlua.formatTime(0.25))
      assert.are.equal('2s500ms', xlua.formatTime(2.5))
      assert.are.equal('1h1m', xlua.formatTime(3661))
      assert.are.equal('1D1h', xlua.formatTime(90000 + 1))
   end)

   it('progress draws a bar in place and ends it with a newline at the goal', function()
      local out = capture(function()
         for i = 1, 10 do xlua.progress(i, 10) end
      end)
      -- first call and last call drawn (the others within 0.1 s are skipped)
      assert.truthy(out:find('^\r %['))
      assert.truthy(out:find(' 1/10 ETA:', 1, true))
      assert.truthy(out:find(' 10/10 Tot:', 1, true))
      assert.are.equal('\n', out:sub(-1))
      local last = out:match('\r [^\r]*$')
      assert.truthy(last:find('%[=+%]'))
      assert.is_nil(last:find('%.%.', 1, false))
      -- a new bar starts when current goes back
      local again = capture(function() xlua.progress(1, 4); xlua.progress(2, 4) end)
      assert.truthy(again:find(' 1/4 ', 1, true))
      assert.are.equal(nil, again:find('\n', 1, true))
      capture(function() xlua.progress(4, 4) end)
   end)

   it('progress rejects what it cannot draw', function()
      H.raises(function() xlua.progress('a', 3) end, 'xlua.progress')
      H.raises(function() xlua.progress(1, 0) end, 'goal must be > 0')
   end)

   it('print lists a table and prints other values as print does', function()
      local out = capture(function() xlua.print({a = 1}) end)
      assert.are.equal('{[a] = 1}\n', out)
      assert.are.equal('3\n', capture(function() xlua.print(3) end))
   end)

   it('require returns the package, or false with a warning', function()
      assert.are.equal(xlua, xlua.require('xlua'))
      local p = _G.print
      local said = {}
      _G.print = function(...) said[#said + 1] = table.concat({...}, ' ') end
      local r = xlua.require('no_such_package_xyz')
      _G.print = p
      assert.is_false(r)
      assert.truthy(said[2]:find('could not be loaded', 1, true))
      assert.is_true((xlua.installed('xlua')))
      assert.is_false((xlua.installed('no_such_package_xyz')))
   end)

   it('unpack takes named or positional arguments, with defaults', function()
      local function f(...)
         local args, a, b = xlua.unpack({...}, 'f', 'adds',
            {arg = 'a', type = 'number', help = 'first', req = true},
            {arg = 'b', type = 'number', help = 'second', default = 10})
         return a + b, args
      end
      assert.are.equal(3, f(1, 2))
      assert.are.equal(11, f(1))
      assert.are.equal(7, f({a = 5, b = 2}))
      local _, args = f({a = 1})
      assert.are.equal(10, args.b)
      assert.truthy(tostring(args.usage):find('second', 1, true))
      H.raises(function() f({b = 1}) end, 'missing argument: a')
      local obj = {}
      xlua.unpack_class(obj, {{a = 4}}, 'C', nil, {arg = 'a', type = 'number', help = '', req = true})
      assert.are.equal(4, obj.a)
   end)

   it('table2string, string.split, table.splice, string.tosymbol, envparams', function()
      assert.are.equal('{1,2,"x"}', xlua.table2string({1, 2, 'x'}))
      assert.are.equal('{a=1}', xlua.table2string({a = 1}))
      local t = {1}
      t[2] = t
      assert.are.equal('{1,<cycle>}', xlua.table2string(t))
      assert.are.same({'a', 'b'}, ('a b'):split(' '))
      local kept, removed = table.splice({1, 2, 3, 4}, 2, 2)
      assert.are.same({1, 4}, kept)
      assert.are.same({2, 3}, removed)
      assert.are.equal(xlua.print, string.tosymbol('xlua.print'))
      H.raises(function() string.tosymbol('xlua.nothing') end, 'does not exist')
      local p = xlua.envparams({HOME = 'x', NO_SUCH_VAR_XYZ = 3})
      assert.are.equal(os.getenv('HOME'), p.HOME)
      assert.are.equal(3, p.NO_SUCH_VAR_XYZ)
   end)

   it('error prefixes the domain', function()
      H.raises(function() xlua.error('bad', 'mine') end, '<mine> bad')
   end)
end)
