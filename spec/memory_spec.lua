-- Lua's collector must learn about tensor bytes: temporaries in a loop, with no
-- collectgarbage(), keep the resident memory flat.
require 'torch'

-- Runs a Lua chunk in a fresh interpreter (same module paths) and returns its output.
local function run(code)
  local lua = os.getenv('DLUA_LUA') or 'lua5.4'
  local f = assert(io.popen(lua .. " -e " .. ("%q"):format(code) .. ' 2>&1'))
  local out = f:read('a')
  f:close()
  return out
end

local peak = [[
  local kb
  for line in io.lines('/proc/self/status') do kb = kb or line:match('^VmHWM:%s+(%d+)') end
  print('peak', tonumber(kb) // 1024)
]]

describe('memory', function()
  it('stays under 300 MB over 100,000 temporary 1 MB tensors', function()
    -- fewer iterations under the sanitizers, whose shadow memory makes each one slow
    local n = os.getenv('LD_PRELOAD') and os.getenv('LD_PRELOAD') ~= '' and 10000 or 100000
    local out = run("require 'torch'; for i = 1, " .. n ..
                    " do local t = torch.FloatTensor(262144):fill(i) end; " .. peak)
    local mb = tonumber(out:match('peak%s+(%d+)'))
    assert(mb, out)
    assert.is_true(mb < 300, 'peak resident memory ' .. mb .. ' MB')
  end)

  it('frees a tensor whose views are gone, and keeps storage alive through views', function()
    local out = run("require 'torch'; local v; do local x = torch.Tensor(1000):fill(3); " ..
                    "v = x:narrow(1, 10, 5) end; collectgarbage(); collectgarbage(); " ..
                    "print('value', v[1], v:storage():size())")
    assert.truthy(out:find('value\t3.0\t1000', 1, true), out)
  end)
end)
