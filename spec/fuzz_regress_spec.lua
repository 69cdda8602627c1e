-- Crashes found by spec/fuzz_state_driver.lua, each reduced to a short program. Each runs
-- in its own dlua process (a regression then fails this spec with the end of its stderr,
-- a sanitizer report under the sanitized build, instead of taking busted down), and must
-- end with a Lua error or a correct result. A program that still crashes is pending, with
-- the family of the driver (FUZZ_SKIP) that leaves it out meanwhile and the code at fault.
local H = require 'spec.helpers'

-- Runs a program in a fresh dlua; it must print 'ok' and exit 0.
local function survives(src)
  local path = os.tmpname()
  local f = assert(io.open(path, 'w'))
  f:write(src, "\nprint('ok')\n")
  f:close()
  local out, code, msg = H.run_driver(path)
  os.remove(path)
  assert.are.equal(0, code, msg)
  assert.truthy(out:find('ok', 1, true), 'no ok line in: ' .. out:sub(-500) .. '\n' .. msg)
end

describe('crashes the stateful fuzzer found', function()
  -- dl_tensor_resize (src/core/tensor.c) grew the storage to offset + n, which wraps for
  -- an empty view at a huge offset (legal: it reaches no element): resize(4) then made a
  -- view 8 bytes before its storage, and fill, copy and cat wrote or read there.
  it('resizing an empty view at a huge storage offset', function()
    survives([[
      local t = torch.FloatTensor(torch.FloatStorage(3), math.maxinteger, torch.LongStorage{0})
      assert(not pcall(t.resize, t, 4))
      t:fill(1)
      local u = torch.FloatTensor():set(torch.FloatStorage(3), 2 ^ 62, torch.LongStorage{0})
      assert(not pcall(u.resize, u, 2, 2))
      assert(u:sum() == 0)]])
  end)

  -- Family 8. s_call (src/lua/lt_storage.c) and t_call/dtype_of_class (src/lua/lt_tensor.c)
  -- index the constructor and type-name tables with the __dtype field of the class table
  -- they are called on, which a script can rawset or forge: ctors[99] is a wild call.
  it('a storage class table with a forged __dtype', function()
    survives([[
      rawset(torch.FloatStorage, '__dtype', 99)
      assert(not pcall(torch.FloatStorage, 3))
      rawset(torch.FloatStorage, '__dtype', 0)
      assert(not pcall(getmetatable(torch.FloatStorage).__call, {__dtype = -7}, 3))]])
  end)
  it('a tensor class table with a forged __dtype', function()
    survives([[
      rawset(torch.FloatTensor, '__dtype', 77)
      assert(not pcall(torch.FloatTensor, 3))
      rawset(torch.FloatTensor, '__dtype', 0)
      assert(not pcall(getmetatable(torch.FloatTensor).__call, {__dtype = 1e6}, 3))]])
  end)

  -- Family 11. t_index (src/lua/lt_tensor.c) and the storage __index (src/lua/lt_storage.c)
  -- answer a string key with lua_getmetatable(L, 1) + lua_rawget(L, -2) without checking
  -- that argument 1 has a metatable: called directly on a number, lua_rawget reads a
  -- non-table (SEGV); on io.stdout it answers from the file's metatable.
  it('a tensor or storage __index called on a value without a metatable', function()
    survives([[
      assert(not pcall(torch.FloatTensor.__index, 1, 'size'))
      assert(not pcall(torch.FloatStorage.__index, 1, 'size'))
      assert(not pcall(torch.LongTensor.__index, nil, 'dim'))]])
  end)
end)
