require 'torch'

-- Classes of this spec live in their own package, so that names do not clash with
-- other specs run in the same Lua state.
_G.clspec = _G.clspec or {}

describe('torch.class', function()
   local Animal, Dog, dogparent

   setup(function()
      Animal = torch.class('clspec.Animal')
      function Animal:__init(name)
         self.name = name
         self.inits = (self.inits or '') .. 'A'
      end
      function Animal:speak() return '...' end
      function Animal:describe() return self.name .. ' says ' .. self:speak() end

      Dog, dogparent = torch.class('clspec.Dog', 'clspec.Animal')
      function Dog:__init(name, breed)
         dogparent.__init(self, name)
         self.breed = breed
         self.inits = self.inits .. 'D'
      end
      function Dog:speak() return 'woof' end
   end)

   it('puts a callable constructor table in the package and calls __init', function()
      assert.is_table(clspec.Animal)
      local a = clspec.Animal('cat')
      assert.are.equal('cat', a.name)
      assert.are.equal('cat says ...', a:describe())
      assert.are.equal('A', a.inits)
   end)

   it('returns the class metatable, which is the instances\' metatable and the registered one', function()
      local a = clspec.Animal('x')
      assert.are.equal(Animal, getmetatable(a))
      assert.are.equal(Animal, torch.getmetatable('clspec.Animal'))
      assert.are.equal(Animal, getmetatable(clspec.Animal)) -- constructor table shows the class
      assert.are.equal(Animal, debug.getregistry()['clspec.Animal'])
      assert.are.equal('clspec.Animal', a.__typename)
   end)

   it('inherits methods, overrides them, and chains __init through the parent', function()
      local d = clspec.Dog('rex', 'collie')
      assert.are.equal('rex says woof', d:describe()) -- parent method calling child override
      assert.are.equal('collie', d.breed)
      assert.are.equal('AD', d.inits)
      assert.are.equal(Animal, dogparent)
      assert.are.equal(Animal, getmetatable(Dog))
   end)

   it('sees methods added to the parent after the child was defined', function()
      function Animal:legs() return 4 end
      assert.are.equal(4, clspec.Dog('a', 'b'):legs())
   end)

   it('lets methods be defined through the constructor table', function()
      function clspec.Dog.fetch(self) return self.name .. ' fetches' end
      assert.are.equal(Dog.fetch, clspec.Dog.fetch)
      assert.are.equal('rex fetches', clspec.Dog('rex'):fetch())
   end)

   it('gives a new method and a factory that skips __init', function()
      local d = Dog.new('fido', 'pug')
      assert.are.equal('AD', d.inits)
      local f = torch.factory('clspec.Dog')
      local e = f()
      assert.are.equal(Dog, getmetatable(e))
      assert.is_nil(e.name)
      assert.is_nil(e.inits)
      assert.is_nil(torch.factory('clspec.NoSuchClass'))
   end)

   it('three levels deep', function()
      local Puppy, parent = torch.class('clspec.Puppy', 'clspec.Dog')
      function Puppy:__init(name) parent.__init(self, name, 'mix'); self.inits = self.inits .. 'P' end
      local p = clspec.Puppy('bit')
      assert.are.equal('ADP', p.inits)
      assert.are.equal('mix', p.breed)
      assert.is_true(torch.isTypeOf(p, 'clspec.Animal'))
      assert.is_true(torch.isTypeOf(p, clspec.Dog))
      assert.is_false(torch.isTypeOf(clspec.Dog('a'), 'clspec.Puppy'))
   end)

   it('a class without __init constructs an empty instance', function()
      torch.class('clspec.Plain')
      local p = clspec.Plain(1, 2)
      assert.are.equal('clspec.Plain', torch.type(p))
      assert.is_nil(next(p))
   end)

   it('accepts an explicit package table', function()
      local pkg = {}
      local C, parent = torch.class('whatever.Cls', 'clspec.Animal', pkg)
      assert.are.equal(Animal, parent)
      local c = pkg.Cls('z')
      assert.are.equal('whatever.Cls', torch.type(c))
      assert.are.equal(C, getmetatable(c))
      local pkg2 = {}
      torch.class('whatever.Cls2', pkg2)
      assert.is_table(pkg2.Cls2)
   end)

   it('puts a class without a dot in the global table', function()
      torch.class('ClspecGlobalClass')
      assert.are.equal('ClspecGlobalClass', torch.type(ClspecGlobalClass()))
      ClspecGlobalClass = nil
   end)

   it('can be defined again (reloading a file) but not with another parent', function()
      local A2 = torch.class('clspec.Animal')
      assert.are.equal(Animal, A2)
      local ok, err = pcall(torch.class, 'clspec.Dog', 'clspec.Plain')
      assert.is_false(ok)
      assert.truthy(err:find('clspec.Dog already has parent class clspec.Animal', 1, true))
   end)

   it('reports a missing parent, a missing package and bad arguments', function()
      local ok, err = pcall(torch.class, 'clspec.X', 'clspec.Nope')
      assert.is_false(ok)
      assert.truthy(err:find('unknown parent class clspec.Nope', 1, true))
      ok, err = pcall(torch.class, 'nopackage.X')
      assert.is_false(ok)
      assert.truthy(err:find('nopackage is not a loaded package', 1, true))
      ok, err = pcall(torch.class, 42)
      assert.is_false(ok)
      assert.truthy(err:find('torch.class(name', 1, true))
      ok, err = pcall(torch.class, 'clspec.Y', 42)
      assert.is_false(ok)
      assert.truthy(err:find('usage', 1, true))
   end)

   it('dispatches operators and tostring to __op__ methods, inherited', function()
      local V = torch.class('clspec.Vec')
      function V:__init(x) self.x = x end
      function V:__add__(o) return clspec.Vec(self.x + o.x) end
      function V:__sub__(o) return clspec.Vec(self.x - o.x) end
      function V:__eq__(o) return self.x == o.x end
      function V:__tostring__() return 'Vec(' .. self.x .. ')' end
      function V:__len__() return 7 end
      function V:__call__(a) return self.x * a end
      function V:__lt__(o) return self.x < o.x end
      local W = torch.class('clspec.Vec2', 'clspec.Vec')
      local a, b = clspec.Vec2(3), clspec.Vec(1)
      assert.are.equal(4, (a + b).x)
      assert.are.equal(2, (a - b).x)
      assert.is_true(clspec.Vec(3) == a)
      assert.is_false(a == b)
      assert.are.equal('Vec(3)', tostring(a))
      assert.are.equal(7, #a)
      assert.are.equal(6, a(2))
      assert.is_true(b < a)
      assert.truthy(W)
   end)

   it('has default operators: tostring with the type, rawlen, identity equality, errors', function()
      local p = clspec.Plain()
      assert.truthy(tostring(p):find('^clspec.Plain: 0x'))
      p[1], p[2] = 'a', 'b'
      assert.are.equal(2, #p)
      assert.is_false(p == clspec.Plain())
      local ok, err = pcall(function() return p + p end)
      assert.is_false(ok)
      assert.truthy(err:find("'+' on clspec.Plain and clspec.Plain (no __add__ method)", 1, true))
      ok, err = pcall(function() return p() end)
      assert.is_false(ok)
      assert.truthy(err:find('attempt to call a clspec.Plain object', 1, true))
      ok, err = pcall(function() return -p end)
      assert.is_false(ok)
      assert.truthy(err:find('no __unm__ method', 1, true))
   end)
end)

describe('torch.type, typename, isTypeOf, isTensor, isStorage', function()
   it('torch.type gives the class name or the Lua type', function()
      assert.are.equal('torch.FloatTensor', torch.type(torch.FloatTensor(2)))
      assert.are.equal('torch.DoubleTensor', torch.type(torch.DoubleTensor(2)))
      assert.are.equal('torch.LongTensor', torch.type(torch.LongTensor(2)))
      assert.are.equal('torch.ByteTensor', torch.type(torch.ByteTensor(2)))
      assert.are.equal('torch.LongStorage', torch.type(torch.LongTensor(2):storage()))
      assert.are.equal('table', torch.type({}))
      assert.are.equal('number', torch.type(7))
      assert.are.equal('string', torch.type('s'))
      assert.are.equal('nil', torch.type(nil))
   end)

   it('torch.typename is nil for non-torch values', function()
      assert.are.equal('torch.ByteTensor', torch.typename(torch.ByteTensor()))
      assert.is_nil(torch.typename({}))
      assert.is_nil(torch.typename(3))
      assert.is_nil(torch.typename(setmetatable({}, {__typename = 'fake.Class'})))
      assert.is_nil(torch.typename(io.stdout))
      assert.is_nil(torch.typename(clspec.Animal)) -- the constructor table is not an instance
   end)

   it('isTypeOf takes names, patterns and classes, and needs a whole-name match for names', function()
      local d = clspec.Dog('a', 'b')
      assert.is_true(torch.isTypeOf(d, 'clspec.Dog'))
      assert.is_true(torch.isTypeOf(d, 'clspec.Animal'))
      assert.is_true(torch.isTypeOf(d, clspec.Animal))
      assert.is_true(torch.isTypeOf(d, 'clspec.*'))
      assert.is_false(torch.isTypeOf(d, 'Dog'))
      assert.is_false(torch.isTypeOf(clspec.Animal('x'), 'clspec.Dog'))
      assert.is_false(torch.isTypeOf({}, 'clspec.Dog'))
      assert.is_false(torch.isTypeOf(5, 'clspec.Dog'))
      local x = torch.DoubleTensor(3)
      assert.is_true(torch.isTypeOf(x, 'torch.DoubleTensor'))
      assert.is_true(torch.isTypeOf(x, torch.DoubleTensor))
      assert.is_true(torch.isTypeOf(x, 'torch.*Tensor'))
      assert.is_false(torch.isTypeOf(x, 'torch.FloatTensor'))
      assert.is_false(torch.isTypeOf(x, torch.FloatTensor))
      local ok, err = pcall(torch.isTypeOf, x, 5)
      assert.is_false(ok)
      assert.truthy(err:find('isTypeOf: argument 2', 1, true))
   end)

   it('isTensor and isStorage', function()
      for _, T in ipairs {torch.FloatTensor, torch.DoubleTensor, torch.LongTensor, torch.ByteTensor} do
         local t = T(2, 2)
         assert.is_true(torch.isTensor(t))
         assert.is_false(torch.isStorage(t))
         assert.is_true(torch.isStorage(t:storage()))
         assert.is_false(torch.isTensor(t:storage()))
      end
      assert.is_false(torch.isTensor({}))
      assert.is_false(torch.isTensor(nil))
      assert.is_false(torch.isTensor(clspec.Animal('x')))
   end)

   it('getmetatable, getconstructortable and setmetatable', function()
      assert.are.equal(torch.FloatTensor, torch.getmetatable('torch.FloatTensor'))
      assert.are.equal(torch.FloatTensor, torch.getconstructortable('torch.FloatTensor'))
      assert.are.equal(clspec.Dog, torch.getconstructortable('clspec.Dog'))
      assert.is_nil(torch.getmetatable('clspec.Nothing'))
      assert.is_nil(torch.getmetatable('FILE*')) -- registered, but not a torch class
      assert.is_nil(torch.getconstructortable('clspec.Nothing'))
      local t = torch.setmetatable({name = 'n'}, 'clspec.Dog')
      assert.are.equal('n says woof', t:describe())
      local ok, err = pcall(torch.setmetatable, {}, 'clspec.Nothing')
      assert.is_false(ok)
      assert.truthy(err:find('unknown class clspec.Nothing', 1, true))
      ok, err = pcall(torch.getmetatable, 5)
      assert.is_false(ok)
      assert.truthy(err:find('getmetatable: argument 1', 1, true))
   end)

   it('newmetatable registers a class with a custom constructor', function()
      local made = 0
      local mt = torch.newmetatable('clspec.Custom', nil, function(v)
         made = made + 1
         return torch.setmetatable({v = v}, 'clspec.Custom')
      end)
      local c = clspec.Custom(5)
      assert.are.equal(1, made)
      assert.are.equal(5, c.v)
      assert.are.equal(mt, getmetatable(c))
      assert.are.equal(1, torch.version(c))
   end)

   it('pointer identifies objects', function()
      local a, b = {}, {}
      assert.are.equal(torch.pointer(a), torch.pointer(a))
      assert.are_not.equal(torch.pointer(a), torch.pointer(b))
      assert.is_number(torch.pointer(a))
   end)
end)
