-- x:apply(f), x:map(y, f), x:map2(y, z, f): call a Lua function on every element, in
-- row-major order, and store what it returns (when not nil) back into x, as Torch7's.
-- They walk the storage offsets of any strided tensor (transposed, narrowed, expanded),
-- so no index table is built per element. Also torch._walk and torch._cursor, the same
-- walks for other Lua code (the Tester compares tensors with them).
local torch = require 'torch.core'

-- Calls row(storage, k, n, step) for each innermost row of t, in row-major order: the
-- row's elements are at storage indices k, k + step, ..., k + (n - 1) * step. Handing
-- over whole rows keeps the per-element work inside one plain numeric loop; the outer
-- dimensions advance as an odometer.
local function walkrows(t, row)
   local nd = t:dim()
   if nd == 0 or t:nElement() == 0 then return end
   local s = t:storage()
   local size, stride, idx = {}, {}, {}
   for d = 1, nd do
      size[d], stride[d], idx[d] = t:size(d), t:stride(d), 1
   end
   local n, step = size[nd], stride[nd]
   local base = t:storageOffset()
   while true do
      row(s, base, n, step)
      local d = nd - 1
      while d >= 1 do
         if idx[d] < size[d] then
            idx[d] = idx[d] + 1
            base = base + stride[d]
            break
         end
         base = base - (size[d] - 1) * stride[d]
         idx[d] = 1
         d = d - 1
      end
      if d < 1 then return end
   end
end

-- Calls f(storage, k) for the storage index k of each element of t, in row-major order.
local function walk(t, f)
   walkrows(t, function(s, k, n, step)
      for _ = 1, n do
         f(s, k)
         k = k + step
      end
   end)
end

-- A function that returns the storage index of t's next element on each call, in
-- row-major order (for walking several tensors in step), and t's storage.
local function cursor(t)
   local nd = t:dim()
   local size, stride, idx = {}, {}, {}
   for d = 1, nd do
      size[d], stride[d], idx[d] = t:size(d), t:stride(d), 1
   end
   local n, step = size[nd] or 0, stride[nd] or 0
   local i, k = 0, t:storageOffset() - step
   local base = t:storageOffset()
   local function nextk()
      if i < n then
         i = i + 1
         k = k + step
         return k
      end
      for d = nd - 1, 1, -1 do
         if idx[d] < size[d] then
            idx[d] = idx[d] + 1
            base = base + stride[d]
            i, k = 1, base
            return k
         end
         base = base - (size[d] - 1) * stride[d]
         idx[d] = 1
      end
      return nil
   end
   return nextk, nd > 0 and t:nElement() > 0 and t:storage() or nil
end

local function checkfn(f, fn, argn)
   if type(f) ~= 'function' and not (getmetatable(f) or {}).__call then
      error(string.format('%s: argument %d: expected a function, got %s', fn, argn, torch.type(f)), 3)
   end
end

local function checktensor(t, fn, argn)
   if not torch.isTensor(t) then
      error(string.format('%s: argument %d: expected a tensor, got %s', fn, argn, torch.type(t)), 3)
   end
end

local function sizestr(t)
   local s = {}
   for d = 1, t:dim() do s[d] = tostring(t:size(d)) end
   return #s > 0 and table.concat(s, 'x') or 'empty'
end

local function checkcount(x, y, fn, argn)
   if x:nElement() ~= y:nElement() then
      error(string.format('%s: argument %d: %d elements (size %s), expected %d (size %s)', fn,
                          argn, y:nElement(), sizestr(y), x:nElement(), sizestr(x)), 3)
   end
end

-- x:apply(function(v) ... end): v is each element of x; a non-nil result replaces it.
local function apply(x, f)
   checktensor(x, 'apply', 1)
   checkfn(f, 'apply', 2)
   walkrows(x, function(s, k, n, step)
      for _ = 1, n do
         local v = f(s[k])
         if v ~= nil then s[k] = v end
         k = k + step
      end
   end)
   return x
end

-- x:map(y, function(xv, yv) ... end): x and y in step; y must have as many elements as
-- x (its shape may differ, as in Torch7).
local function map(x, y, f)
   checktensor(x, 'map', 1)
   checktensor(y, 'map', 2)
   checkfn(f, 'map', 3)
   checkcount(x, y, 'map', 2)
   local ny, sy = cursor(y)
   walkrows(x, function(s, k, n, step)
      for _ = 1, n do
         local v = f(s[k], sy[ny()])
         if v ~= nil then s[k] = v end
         k = k + step
      end
   end)
   return x
end

-- x:map2(y, z, function(xv, yv, zv) ... end)
local function map2(x, y, z, f)
   checktensor(x, 'map2', 1)
   checktensor(y, 'map2', 2)
   checktensor(z, 'map2', 3)
   checkfn(f, 'map2', 4)
   checkcount(x, y, 'map2', 2)
   checkcount(x, z, 'map2', 3)
   local ny, sy = cursor(y)
   local nz, sz = cursor(z)
   walk(x, function(s, k)
      local v = f(s[k], sy[ny()], sz[nz()])
      if v ~= nil then s[k] = v end
   end)
   return x
end

torch._walk = walk
torch._walkrows = walkrows
torch._cursor = cursor

local registry = debug.getregistry()
-- every type but Half, which has no apply/map/map2 in Torch7 either
for _, name in ipairs {'torch.FloatTensor', 'torch.DoubleTensor', 'torch.LongTensor', 'torch.ByteTensor',
                       'torch.CharTensor', 'torch.ShortTensor', 'torch.IntTensor'} do
   local mt = registry[name]
   if type(mt) == 'table' then
      mt.apply, mt.map, mt.map2 = apply, map, map2
   end
end

return torch
