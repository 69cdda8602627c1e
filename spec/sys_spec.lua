-- sys: clocks, shell commands and the small helpers of Torch7's sys.
local H = require 'spec.helpers'
local sys = require 'sys'

describe('sys', function()
   it('is a global after require, as in Torch7', function()
      assert.are.equal(sys, rawget(_G, 'sys'))
   end)

   it('clock is wall-clock time in seconds, and tic/toc measure a sleep', function()
      assert(math.abs(sys.clock() - os.time()) < 2, 'clock is seconds since the epoch')
      sys.tic()
      sys.sleep(0.05)
      local dt = sys.toc()
      assert(dt >= 0.049 and dt < 1, 'toc after a 0.05 s sleep gave ' .. dt)
      local a = sys.clock()
      assert(sys.clock() >= a)
   end)

   it('execute and fexecute return the trimmed output, stderr included', function()
      assert.are.equal('hello', sys.execute('echo "  hello  "'))
      assert.are.equal('oops', sys.execute('(echo oops >&2)'))
      assert.are.equal('a\nb', sys.fexecute('printf "a\\nb\\n"'))
      assert.are.equal('a', sys.fexecute('printf "a\\nb\\n"', '*line'))
   end)

   it('uname, OS, ls', function()
      assert.are.equal('linux', sys.uname())
      assert.are.equal('linux', sys.OS)
      assert.truthy(sys.ls('spec'):find('sys_spec.lua', 1, true))
      assert.truthy(sys.ll('spec'):find('sys_spec.lua', 1, true))
   end)

   it('fpath gives the directory and name of the calling file', function()
      local dir, name = sys.fpath()
      assert.are.equal(require('paths').concat('spec'), dir)
      assert.are.equal('sys_spec.lua', name)
   end)

   it('split, isNaN, COLORS, and the names shared with paths', function()
      assert.are.same({'a', 'b', '', 'c'}, sys.split('a,b,,c', ',')) -- empty pieces kept but a leading one
      assert.are.same({'x'}, sys.split('x', ','))
      assert.is_true(sys.isNaN(0 / 0))
      assert.is_false(sys.isNaN(1))
      assert.are.equal('\27[0;31m', sys.COLORS.red)
      assert.are.equal('\27[1;31m', sys.COLORS.Red)
      assert.are.equal('\27[0m', sys.COLORS.none)
      assert.are.equal(require('paths').dirname, sys.dirname)
      assert.are.equal('/a', sys.dirname('/a/b'))
   end)

   it('gives clear errors', function()
      H.raises(function() sys.execute(3) end, 'sys.execute: argument 1')
      H.raises(function() sys.sleep(-1) end, 'sys.sleep: argument 1')
      H.raises(function() sys.sleep('a') end, 'sys.sleep: argument 1')
      package.loaded.sys = nil
      local fresh = require 'sys'
      H.raises(function() fresh.toc() end, 'sys.tic() was never called')
      package.loaded.sys = sys
      _G.sys = sys
   end)
end)
