-- Torch7 functions that need no kernel of their own, written over the existing ones:
-- x:isSetTo(y), torch.multinomialAliasSetup/multinomialAlias, torch.serializeToStorage/
-- deserializeFromStorage, the mod/cmod aliases, torch.isequal, torch.id, torch.typename2id.
-- The ones with C kernels (bit operations, conv2/xcorr2/conv3/xcorr3, histc/bhistc,
-- cross, renorm) live in src/ops/{bitwise,signal,histogram,dimwise}.c. docs/math.md
-- documents all of them, and lists what Torch7 has and dlua does not provide.
local torch = require 'torch.core'
require 'torch.class'
require 'torch.File'

local sformat = string.format

-- The tensor types present (other types may join the four; each gets the methods).
local tensor_types = {}
for _, n in ipairs({'Byte', 'Char', 'Short', 'Int', 'Long', 'Float', 'Double', 'Half'}) do
   local T = rawget(torch, n .. 'Tensor')
   if T then tensor_types[#tensor_types + 1] = T end
end

local function err(fn, fmt, ...)
   torch._error(sformat('%s: ' .. fmt, fn, ...))
end

local function checktensor(fn, i, x)
   if not torch.isTensor(x) then
      err(fn, 'argument %d: expected a tensor, got %s', i, torch.typename(x) or type(x))
   end
   return x
end

---------------------------------------------------------------- isSetTo

-- x:isSetTo(y): x views exactly what y views (storage, offset, sizes and strides), as
-- after x:set(y). An empty tensor (no dimensions) is set to nothing, as in Torch7, where
-- it has no storage.
local function isSetTo(x, y)
   checktensor('isSetTo', 1, x)
   checktensor('isSetTo', 2, y)
   if x:dim() == 0 or x:dim() ~= y:dim() or torch.typename(x) ~= torch.typename(y) then
      return false
   end
   if x:storage() ~= y:storage() or x:storageOffset() ~= y:storageOffset() then return false end
   for d = 1, x:dim() do
      if x:size(d) ~= y:size(d) or x:stride(d) ~= y:stride(d) then return false end
   end
   return true
end

---------------------------------------------------------------- the alias method

-- torch.multinomialAliasSetup(probs [, state]) -> {J, q}: Walker's alias tables for
-- drawing from the distribution probs (weights: non-negative, finite, a positive sum; they
-- need not sum to 1). q[i] (probs' type) is the chance of keeping bin i once it is picked
-- uniformly, J[i] (a LongTensor) the bin taken otherwise. state = {LongTensor, Tensor} is
-- filled and returned instead of new tensors.
function torch.multinomialAliasSetup(probs, state)
   local fn = 'multinomialAliasSetup'
   checktensor(fn, 1, probs)
   if probs:dim() ~= 1 or (torch.typename(probs) ~= 'torch.DoubleTensor'
                           and torch.typename(probs) ~= 'torch.FloatTensor') then
      err(fn, 'argument 1: expected a 1D torch.DoubleTensor or torch.FloatTensor, got a %s of %dD',
          torch.typename(probs), probs:dim())
   end
   local K = probs:size(1)
   if K == 0 then err(fn, 'argument 1: no probabilities (size 0)') end
   local p = probs:double()
   local total = 0
   for i = 1, K do
      local v = p[i]
      if not (v >= 0 and v < math.huge) then
         err(fn, 'argument 1: probability %d is %s (expected finite and non-negative)', i, tostring(v))
      end
      total = total + v
   end
   if not (total > 0 and total < math.huge) then
      err(fn, 'argument 1: the probabilities sum to %s (expected a positive, finite sum)', tostring(total))
   end
   local J, q
   if state ~= nil then
      if type(state) ~= 'table' or torch.typename(state[1]) ~= 'torch.LongTensor'
         or torch.typename(state[2]) ~= torch.typename(probs) then
         err(fn, 'argument 2: expected a state {torch.LongTensor, %s}', torch.typename(probs))
      end
      J, q = state[1], state[2]
   else
      J, q = torch.LongTensor(), probs.new()
      state = {J, q}
   end
   -- scaled so that the mean is 1: bins below 1 are topped up by one bin above 1
   local scaled, small, large = {}, {}, {}
   local Jt = {}
   for i = 1, K do
      scaled[i] = p[i] * K / total
      Jt[i] = i
      if scaled[i] < 1 then small[#small + 1] = i else large[#large + 1] = i end
   end
   while #small > 0 and #large > 0 do
      local s, l = table.remove(small), large[#large]
      Jt[s] = l
      scaled[l] = scaled[l] - (1 - scaled[s])
      if scaled[l] < 1 then
         large[#large] = nil
         small[#small + 1] = l
      end
   end
   -- what rounding leaves in either list is a full bin
   for _, i in ipairs(small) do scaled[i] = 1 end
   for _, i in ipairs(large) do scaled[i] = 1 end
   J:resize(K)
   q:resize(K)
   for i = 1, K do
      J[i] = Jt[i]
      q[i] = scaled[i]
   end
   return state
end

-- torch.multinomialAlias(output, state) -> output: fills the 1D LongTensor output (any
-- strides) with draws from the distribution state was set up for, with replacement.
function torch.multinomialAlias(output, state)
   local fn = 'multinomialAlias'
   if torch.typename(output) ~= 'torch.LongTensor' or output:dim() ~= 1 then
      err(fn, 'argument 1: expected a 1D torch.LongTensor, got %s',
          torch.isTensor(output) and sformat('a %s of %dD', torch.typename(output), output:dim())
          or type(output))
   end
   if type(state) ~= 'table' or torch.typename(state[1]) ~= 'torch.LongTensor'
      or not torch.isTensor(state[2]) or state[1]:dim() ~= 1
      or state[2]:dim() ~= 1 or state[1]:size(1) ~= state[2]:size(1) then
      err(fn, 'argument 2: expected the state from torch.multinomialAliasSetup')
   end
   local J, q = state[1], state[2]
   local K, n = J:size(1), output:size(1)
   if n == 0 then return output end
   for i = 1, K do -- a forged state must not index out of range below
      local j = J[i]
      if j < 1 or j > K then err(fn, 'argument 2: alias %d is %d, outside 1..%d', i, j, K) end
   end
   local bins = torch.LongTensor(n):random(1, K)
   local keep = q.new(n):uniform():lt(q:index(1, bins)) -- 1 where the bin is kept
   local alias = J:index(1, bins)
   -- bins where kept, else their alias: alias + keep * (bins - alias)
   output:copy(alias:add(keep:long():cmul(bins:csub(alias))))
   return output
end

---------------------------------------------------------------- serialization to storages

local function checkmode(fn, mode)
   if mode ~= nil and mode ~= 'binary' and mode ~= 'ascii' then
      err(fn, "argument 2: mode '%s' (expected 'binary' or 'ascii')", tostring(mode))
   end
end

-- torch.serialize's and deserialize's errors, renamed for the function the script called
local function rethrow(fn, e)
   local msg = tostring(e):gsub('^.-serialize: ', ''):gsub('^[^:]*:%d+: ', '')
   err(fn, '%s', msg)
end

-- torch.serializeToStorage(object [, mode]) -> ByteStorage: torch.serialize's bytes in a
-- storage (Torch7 gave a CharStorage, which dlua does not have).
function torch.serializeToStorage(object, mode)
   checkmode('serializeToStorage', mode)
   local ok, s = pcall(torch.serialize, object, mode)
   if not ok then rethrow('serializeToStorage', s) end
   local f = torch.MemoryFile(s, 'r')
   local storage = f:storage()
   f:close()
   return storage
end

-- torch.deserializeFromStorage(storage [, mode]) -> object, from serializeToStorage's bytes.
function torch.deserializeFromStorage(storage, mode)
   if torch.typename(storage) ~= 'torch.ByteStorage' then
      err('deserializeFromStorage', 'argument 1: expected a torch.ByteStorage, got %s',
          torch.typename(storage) or type(storage))
   end
   checkmode('deserializeFromStorage', mode)
   local f = torch.MemoryFile(storage, 'r')
   local s = f:string()
   f:close()
   local ok, obj = pcall(torch.deserialize, s, mode)
   if not ok then rethrow('deserializeFromStorage', obj) end
   return obj
end

---------------------------------------------------------------- names and identities

-- torch.mod and torch.cmod: Torch7's other names for fmod and cfmod.
torch.mod, torch.cmod = torch.fmod, torch.cfmod
for _, T in ipairs(tensor_types) do
   rawset(T, 'isSetTo', isSetTo)
   if rawget(T, 'fmod') then rawset(T, 'mod', rawget(T, 'fmod')) end
   if rawget(T, 'cfmod') then rawset(T, 'cmod', rawget(T, 'cfmod')) end
end

-- torch.isequal(a, b): whether a and b are the same table or torch object (identity).
function torch.isequal(a, b)
   local ta, tb = type(a), type(b)
   if (ta == 'table' or ta == 'userdata') and (tb == 'table' or tb == 'userdata') then
      return rawequal(a, b)
   end
   return false
end

-- torch.id(object): the identity of its class, nil for a non-torch value. Torch7 gave a
-- lightuserdata; dlua gives the class's metatable, equally unique and comparable with ==.
function torch.id(object)
   local name = torch.typename(object)
   return name and torch.getmetatable(name) or nil
end

-- torch.typename2id(name): the id torch.id gives for objects of class name, or nil.
function torch.typename2id(name)
   if type(name) ~= 'string' then return nil end
   return torch.getmetatable(name)
end

return torch
