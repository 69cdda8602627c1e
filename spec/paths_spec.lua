-- paths: Torch7's file-name functions, against the answers of the shell's basename and
-- dirname and of hand-made directory trees.
local H = require 'spec.helpers'
local paths = require 'paths'
local lfs = require 'lfs'

local function tmpdir()
   local p = io.popen('mktemp -d')
   local d = p:read('l')
   p:close()
   return d
end

local function touch(name, text)
   local f = assert(io.open(name, 'w'))
   f:write(text or '')
   f:close()
end

describe('paths names', function()
   it('is a global after require, as in Torch7', function()
      assert.are.equal(paths, rawget(_G, 'paths'))
   end)

   it('basename and dirname agree with the shell tools', function()
      for _, p in ipairs({'/a/b/c.txt', 'a/b/', 'c', '/c', '/', 'a//b', './x.t7', '../y', '/a/b//'}) do
         local sh = io.popen("basename '" .. p .. "'; dirname '" .. p .. "'")
         local base, dir = sh:read('l'), sh:read('l')
         sh:close()
         if p ~= '/' then assert.are.equal(base, paths.basename(p), 'basename ' .. p) end
         if p ~= 'a//b' then assert.are.equal(dir, paths.dirname(p), 'dirname ' .. p) end
      end
      assert.are.equal('a/', paths.dirname('a//b')) -- Torch7 keeps the doubled slash
      assert.are.equal('', paths.basename('/'))
   end)

   it('basename strips a suffix given with or without its dot', function()
      assert.are.equal('img', paths.basename('/data/img.jpg', 'jpg'))
      assert.are.equal('img', paths.basename('/data/img.jpg', '.jpg'))
      assert.are.equal('img.jpg', paths.basename('/data/img.jpg', 'png'))
      assert.are.equal('.jpg', paths.basename('/data/.jpg', 'jpg')) -- never the whole name
   end)

   it('extname gives the extension of the last component, or nil', function()
      assert.are.equal('t7', paths.extname('model.t7'))
      assert.are.equal('gz', paths.extname('/a/b.tar.gz'))
      assert.is_nil(paths.extname('/a.d/README'))
      assert.are.equal('', paths.extname('x.'))
   end)

   it('concat resolves relative to the current directory, and . and ..', function()
      local cwd = lfs.currentdir()
      assert.are.equal(cwd, paths.cwd())
      assert.are.equal(cwd, paths.concat())
      assert.are.equal(cwd .. '/a/b', paths.concat('a', 'b'))
      assert.are.equal('/x/z', paths.concat('/x/y', '../z'))
      assert.are.equal('/x/y/z', paths.concat('/x//y/', './z/'))
      assert.are.equal('/etc', paths.concat('a', '/etc'))
      assert.are.equal('/', paths.concat('/', '..', '..'))
   end)

   it('home, uname, is_win, is_mac', function()
      assert.are.equal(os.getenv('HOME'), paths.home)
      assert.are.equal('Linux', (paths.uname()))
      assert.is_false(paths.is_win())
      assert.is_false(paths.is_mac())
   end)

   it('thisfile names the calling file, and a file beside it', function()
      local me = paths.thisfile()
      assert.are.equal(paths.concat('spec/paths_spec.lua'), me)
      assert.are.equal(paths.concat('spec/helpers.lua'), paths.thisfile('helpers.lua'))
      assert.is_nil(load('local r = require("paths").thisfile(); return r')()) -- not a file
   end)

   it('errors name the function and the argument', function()
      H.raises(function() paths.basename(nil) end, 'paths.basename: argument 1', 'string')
      H.raises(function() paths.concat('a', 3) end, 'paths.concat: argument 2')
      H.raises(function() paths.files('.', 3) end, 'paths.files: argument 2')
      H.raises(function() paths.dirp({}) end, 'paths.dirp: argument 1')
   end)
end)

describe('paths directories', function()
   local d
   before_each(function()
      d = tmpdir()
      paths.mkdir(d .. '/sub')
      paths.mkdir(d .. '/sub/deeper')
      touch(d .. '/a.txt', 'x')
      touch(d .. '/b.lua')
      touch(d .. '/sub/c.txt')
   end)
   after_each(function() os.execute("rm -rf '" .. d .. "'") end)

   it('filep and dirp tell files from directories', function()
      assert.is_true(paths.filep(d .. '/a.txt'))
      assert.is_false(paths.filep(d .. '/sub'))
      assert.is_true(paths.dirp(d .. '/sub'))
      assert.is_false(paths.dirp(d .. '/a.txt'))
      assert.is_false(paths.filep(d .. '/none'))
      assert.is_false(paths.dirp(d .. '/none'))
   end)

   it('dir lists every name with . and .., and nil for a missing directory', function()
      local t = paths.dir(d)
      table.sort(t)
      assert.are.same({'.', '..', 'a.txt', 'b.lua', 'sub'}, t)
      assert.is_nil(paths.dir(d .. '/none'))
      assert.is_nil(paths.dir(d .. '/a.txt'))
   end)

   it('files filters by pattern or function; iterfiles and iterdirs by kind', function()
      local function collect(it)
         local t = {}
         for name in it do t[#t + 1] = name end
         table.sort(t)
         return t
      end
      assert.are.same({'a.txt'}, collect(paths.files(d, '%.txt$')))
      assert.are.same({'b.lua'}, collect(paths.files(d, function(n) return n:sub(1, 1) == 'b' end)))
      assert.are.same({'a.txt', 'b.lua'}, collect(paths.iterfiles(d)))
      assert.are.same({'sub'}, collect(paths.iterdirs(d)))
      assert.are.same({}, collect(paths.files(d .. '/none')))
   end)

   it('mkdir and rmdir report success and failure', function()
      assert.is_true(paths.mkdir(d .. '/new'))
      local ok, err = paths.mkdir(d .. '/new')
      assert.is_false(ok)
      assert.is_string(err)
      assert.is_false((paths.rmdir(d .. '/sub'))) -- not empty
      assert.is_true(paths.rmdir(d .. '/new'))
   end)

   it("rmall removes a tree only when told 'yes', and not through links", function()
      local ok, err = paths.rmall(d .. '/sub')
      assert.is_nil(ok)
      assert.truthy(err:find("'yes'", 1, true))
      assert.is_true(paths.dirp(d .. '/sub'))
      local outside = tmpdir()
      touch(outside .. '/keep')
      assert(lfs.link(outside, d .. '/sub/link', true))
      assert.is_true(paths.rmall(d .. '/sub', 'yes'))
      assert.is_false(paths.dirp(d .. '/sub'))
      assert.is_true(paths.filep(outside .. '/keep'))
      os.execute("rm -rf '" .. outside .. "'")
      assert.is_true(paths.rmall(d .. '/a.txt', 'yes'))
      assert.is_false(paths.filep(d .. '/a.txt'))
      local r, msg = paths.rmall(d .. '/none', 'yes')
      assert.is_nil(r)
      assert.are.equal('not a file or directory', msg)
   end)

   it('tmpname gives a fresh file that is removed when the Lua state closes', function()
      local out = io.popen([[lua5.4 -e 'package.path="./lua/?.lua;./lua/?/init.lua;"..package.path;
         local p = require "paths"; local n = p.tmpname(); print(n, p.filep(n))']]):read('a')
      local name, exists = out:match('^(%S+)\t(%S+)')
      assert.are.equal('true', exists)
      assert.is_false(paths.filep(name))
   end)

   it('dofile runs a file beside the calling one', function()
      touch(d .. '/main.lua', 'local r = require("paths").dofile("other.lua"); return r')
      touch(d .. '/other.lua', 'return 42')
      assert.are.equal(42, dofile(d .. '/main.lua'))
   end)

   it('findprogram finds sh on PATH, require is require', function()
      assert.truthy(paths.findprogram('no-such-program-x', 'sh'):find('/sh$'))
      assert.is_nil(paths.findprogram('no-such-program-x'))
      assert.are.equal(paths, paths.require('paths'))
   end)
end)
