require 'torch'

local types = {'FloatTensor', 'DoubleTensor', 'LongTensor', 'ByteTensor'}

-- The values of t in row-major order, read through t[{i, j}] (independent of apply).
local function flat2(t)
   local out = {}
   for i = 1, t:size(1) do
      for j = 1, t:size(2) do out[#out + 1] = t[{i, j}] end
   end
   return out
end

local function errmsg(f, ...)
   local ok, err = pcall(f, ...)
   assert(not ok, 'expected an error')
   return tostring(err)
end

describe('apply', function()
   for _, T in ipairs(types) do
      it('visits every element in row-major order and stores results: ' .. T, function()
         local x = torch[T]({{1, 2, 3}, {4, 5, 6}})
         local seen = {}
         assert.are.equal(x, x:apply(function(v) seen[#seen + 1] = v; return v + 1 end))
         assert.are.same({1, 2, 3, 4, 5, 6}, seen)
         assert.are.same({2, 3, 4, 5, 6, 7}, flat2(x))
      end)
   end

   it('keeps an element when the function returns nil', function()
      local x = torch.DoubleTensor({1, 2, 3, 4})
      x:apply(function(v) if v % 2 == 0 then return -v end end)
      assert.are.same({1, -2, 3, -4}, x:totable())
   end)

   it('walks a transposed tensor in its own row-major order, writing through the view', function()
      local x = torch.FloatTensor({{1, 2, 3}, {4, 5, 6}})
      local y = x:t()
      local seen = {}
      local i = 0
      y:apply(function(v) seen[#seen + 1] = v; i = i + 1; return i end)
      assert.are.same({1, 4, 2, 5, 3, 6}, seen)
      -- y = {{1,2},{3,4},{5,6}}, so x = {{1,3,5},{2,4,6}}
      assert.are.same({1, 3, 5, 2, 4, 6}, flat2(x))
   end)

   it('touches only the elements of a narrowed view, and views of views', function()
      local x = torch.DoubleTensor(4, 5):fill(0)
      local v = x:narrow(1, 2, 2):narrow(2, 2, 3) -- rows 2-3, cols 2-4
      local count = 0
      v:apply(function() count = count + 1; return count end)
      assert.are.equal(6, count)
      assert.are.same({0, 0, 0, 0, 0,
                       0, 1, 2, 3, 0,
                       0, 4, 5, 6, 0,
                       0, 0, 0, 0, 0}, flat2(x))
      local w = v:t():select(1, 2) -- column 3 of x, rows 2-3
      local seen = {}
      w:apply(function(e) seen[#seen + 1] = e end)
      assert.are.same({2, 5}, seen)
   end)

   it('works on 3-d tensors and on a 1-element tensor', function()
      local x = torch.LongTensor(2, 2, 2)
      local i = 0
      x:apply(function() i = i + 1; return i end)
      assert.are.same({{{1, 2}, {3, 4}}, {{5, 6}, {7, 8}}}, x:totable())
      local p = x:transpose(1, 3)
      local seen = {}
      p:apply(function(v) seen[#seen + 1] = v end)
      -- p[a][b][c] = x[c][b][a]
      assert.are.same({1, 5, 3, 7, 2, 6, 4, 8}, seen)
      local one = torch.DoubleTensor({7})
      one:apply(function(v) return v * 2 end)
      assert.are.equal(14, one[1])
   end)

   it('visits each element of an expanded tensor once per view position', function()
      local x = torch.DoubleTensor({{1}, {2}}):expand(2, 3)
      local seen = {}
      x:apply(function(v) seen[#seen + 1] = v end)
      assert.are.same({1, 1, 1, 2, 2, 2}, seen)
   end)

   it('does nothing on an empty tensor', function()
      local called = false
      torch.DoubleTensor():apply(function() called = true end)
      assert.is_false(called)
   end)

   it('checks its arguments', function()
      local x = torch.DoubleTensor(2)
      assert.truthy(errmsg(x.apply, x, 5):find('apply: argument 2: expected a function, got number', 1, true))
      assert.truthy(errmsg(x.apply, {}, print):find('apply: argument 1: expected a tensor, got table', 1, true))
   end)

   it('raises the function\'s own error', function()
      local x = torch.DoubleTensor(2)
      assert.truthy(errmsg(x.apply, x, function() error('boom') end):find('boom', 1, true))
   end)
end)

describe('map and map2', function()
   for _, T in ipairs(types) do
      it('combine elements pairwise in row-major order: ' .. T, function()
         local x = torch[T]({{1, 2}, {3, 4}})
         local y = torch[T]({{10, 20}, {30, 40}})
         local z = torch[T]({{5, 6}, {7, 8}})
         assert.are.equal(x, x:map(y, function(a, b) return b - a end))
         assert.are.same({9, 18, 27, 36}, flat2(x))
         assert.are.same({10, 20, 30, 40}, flat2(y)) -- y unchanged
         assert.are.equal(x, x:map2(y, z, function(a, b, c) return a + b - c end))
         assert.are.same({14, 32, 50, 68}, flat2(x))
      end)
   end

   it('pairs elements by row-major position across different strides and types', function()
      local x = torch.DoubleTensor(2, 3):zero()
      local y = torch.LongTensor({{1, 2}, {3, 4}, {5, 6}}):t() -- {{1,3,5},{2,4,6}}
      x:map(y, function(_, b) return b end)
      assert.are.same({1, 3, 5, 2, 4, 6}, flat2(x))
      -- same element count, different shape: paired in row-major order, as Torch7
      local v = torch.FloatTensor(6):zero()
      local m = torch.FloatTensor({{1, 2, 3}, {4, 5, 6}})
      v:map(m, function(_, b) return b end)
      assert.are.same({1, 2, 3, 4, 5, 6}, v:totable())
      local z = torch.DoubleTensor(6):fill(0)
      local w = torch.DoubleTensor(3, 4):zero()
      local nw = w:narrow(2, 2, 2) -- 3x2, not contiguous
      local i = 0
      nw:apply(function() i = i + 1; return i * 10 end)
      z:map2(v, nw:t(), function(_, a, b) return a + b end)
      -- nw:t() row-major: 10,30,50,20,40,60
      assert.are.same({11, 32, 53, 24, 45, 66}, z:totable())
   end)

   it('keep elements when the function returns nil', function()
      local x = torch.DoubleTensor({1, 2, 3})
      x:map(torch.DoubleTensor({0, 1, 0}), function(a, b) if b == 1 then return 100 end end)
      assert.are.same({1, 100, 3}, x:totable())
   end)

   it('check element counts and arguments', function()
      local x = torch.DoubleTensor(2, 3)
      local msg = errmsg(x.map, x, torch.DoubleTensor(4), function() end)
      assert.truthy(msg:find('map: argument 2: 4 elements (size 4), expected 6 (size 2x3)', 1, true))
      msg = errmsg(x.map2, x, torch.DoubleTensor(6), torch.DoubleTensor(5), function() end)
      assert.truthy(msg:find('map2: argument 3: 5 elements (size 5), expected 6 (size 2x3)', 1, true))
      msg = errmsg(x.map, x, {}, function() end)
      assert.truthy(msg:find('map: argument 2: expected a tensor, got table', 1, true))
      msg = errmsg(x.map, x, x, 'f')
      assert.truthy(msg:find('map: argument 3: expected a function, got string', 1, true))
      msg = errmsg(x.map2, x, x, x, nil)
      assert.truthy(msg:find('map2: argument 4: expected a function, got nil', 1, true))
   end)
end)
