-- Runs spec/fuzz_api_driver.lua in its own dlua process: every torch function, tensor
-- and storage method, and nn module called with hostile arguments under pcall. Errors are
-- the expected outcome; a crash, a sanitizer report or a hang makes the process fail,
-- which this spec reports (with the end of its stderr) without taking busted down.
local DLUA = os.getenv('DLUA') or './build/dlua'

local function q(s) return "'" .. tostring(s):gsub("'", "'\\''") .. "'" end

describe('the hostile-argument driver', function()
  it('calls every function with bad arguments without crashing or hanging', function()
    local errf = os.tmpname()
    -- timeout(1) turns a hang into exit code 124; the run takes about a minute under ASan.
    local cmd = 'timeout 600 ' .. q(DLUA) .. ' spec/fuzz_api_driver.lua 2>' .. errf
    local p = assert(io.popen(cmd, 'r'))
    local out = p:read('a')
    local _, _, code = p:close()
    local f = assert(io.open(errf))
    local err = f:read('a')
    f:close()
    os.remove(errf)
    local msg = ('exit code %s%s\nlast stderr:\n%s'):format(tostring(code),
      code == 124 and ' (hang)' or '', err:sub(-3000))
    assert.are.equal(0, code, msg)
    local funcs, calls = out:match('fuzz_api: done, (%d+) functions, (%d+) calls')
    assert.truthy(funcs, 'no completion line in: ' .. out:sub(-500))
    -- Every binding table was walked, not just a few of them.
    assert.is_true(tonumber(funcs) > 1000, funcs)
    assert.is_true(tonumber(calls) > 1000000, calls)
  end)
end)
