-- torch.packageLuaPath, torch.include, torch.tic/toc, torch.totable.
require 'torch'
local H = require 'spec.helpers'

-- A package 'pkgx' in a fresh directory on package.path, with a file that counts how
-- often it ran and returns two values.
local function fakepackage()
   local root = os.tmpname()
   os.remove(root)
   assert(os.execute('mkdir -p ' .. root .. '/pkgx'))
   local f = assert(io.open(root .. '/pkgx/init.lua', 'w'))
   f:write('return {}\n')
   f:close()
   f = assert(io.open(root .. '/pkgx/part.lua', 'w'))
   f:write('PKGX_RUNS = (PKGX_RUNS or 0) + 1\nreturn "part", PKGX_RUNS\n')
   f:close()
   return root
end

describe('torch.packageLuaPath and torch.include', function()
   local root, saved
   before_each(function()
      root = fakepackage()
      saved = package.path
      package.path = root .. '/?.lua;' .. root .. '/?/init.lua;' .. package.path
   end)
   after_each(function()
      package.path = saved
      os.execute('rm -rf ' .. root)
      PKGX_RUNS = nil
   end)

   it('packageLuaPath: the directory of the first match on package.path', function()
      assert.are.equal(root .. '/pkgx', torch.packageLuaPath('pkgx'))
      -- a file package.lua directly on the path gives the path's directory
      local f = assert(io.open(root .. '/single.lua', 'w'))
      f:write('return 1\n')
      f:close()
      assert.are.equal(root, torch.packageLuaPath('single'))
      assert.is_nil(torch.packageLuaPath('no_such_package_here'))
      -- without a name: the directory above torch's
      local torchdir = torch.packageLuaPath('torch')
      assert.truthy(torchdir:match('/torch$'))
      assert.are.equal(torchdir:match('(.*)/'), torch.packageLuaPath())
   end)

   it('include runs the file of the package each time and returns its results', function()
      local a, n = torch.include('pkgx', 'part.lua')
      assert.are.equal('part', a)
      assert.are.equal(1, n)
      torch.include('pkgx', 'part.lua')
      assert.are.equal(2, PKGX_RUNS)
   end)

   it('errors name the function', function()
      H.raises(function() torch.include('no_such_package_here', 'x.lua') end,
               "torch.include: package 'no_such_package_here' not found on package.path")
      H.raises(function() torch.include(1, 'x.lua') end, 'torch.include: argument 1')
      H.raises(function() torch.include('pkgx') end, 'torch.include: argument 2')
      H.raises(function() torch.include('pkgx', 'missing.lua') end, 'missing.lua')
      H.raises(function() torch.packageLuaPath({}) end, 'torch.packageLuaPath: argument 1')
   end)
end)

describe('torch.tic and torch.toc', function()
   it('toc gives the seconds since tic, on the clock of sys.clock', function()
      local t = torch.tic()
      -- seconds since the epoch, as Torch7's (within a minute of os.time)
      assert.is_true(math.abs(t - os.time()) < 60)
      -- a busy loop of a known amount of work takes some time, never negative
      local s = 0
      for i = 1, 2e5 do s = s + i end
      local dt = torch.toc(t)
      assert.is_true(dt > 0 and dt < 60)
      -- a stamp 2.5 s in the past reads as at least 2.5 s ago
      assert.is_true(torch.toc(torch.tic() - 2.5) >= 2.5)
      local sys = require 'sys'
      assert.are.equal(torch._walltime, sys.clock)
   end)

   it('toc without a stamp is an error', function()
      H.raises(function() torch.toc() end, 'torch.toc: argument 1', 'torch.tic()')
      H.raises(function() torch.toc('1') end, 'torch.toc: argument 1')
   end)
end)

describe('torch.totable', function()
   it('tensors and storages of every type', function()
      assert.are.same({{1, 2}, {3, 4}}, torch.totable(torch.DoubleTensor({{1, 2}, {3, 4}})))
      assert.are.same({7, 8}, torch.totable(torch.LongTensor({7, 8})))
      assert.are.same({1, 2, 3}, torch.totable(torch.ByteStorage({1, 2, 3})))
      assert.are.same({0.5}, torch.totable(torch.FloatStorage({0.5})))
      assert.are.same({}, torch.totable(torch.FloatTensor()))
      -- a transposed view gives its own order
      assert.are.same({{1, 3}, {2, 4}}, torch.totable(torch.DoubleTensor({{1, 2}, {3, 4}}):t()))
      -- and the methods are the same thing
      local x = torch.FloatTensor({{1, 2}})
      assert.are.same(x:totable(), torch.totable(x))
   end)

   it('anything else is an error', function()
      H.raises(function() torch.totable({1, 2}) end,
               'torch.totable: argument 1: expected a tensor or a storage, got table')
      H.raises(function() torch.totable(3) end, 'got number')
   end)
end)
