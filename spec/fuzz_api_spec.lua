-- Runs spec/fuzz_api_driver.lua in its own dlua process: every torch function, tensor
-- and storage method, and nn module called with hostile arguments under pcall. Errors are
-- the expected outcome; a crash, a sanitizer report or a hang makes the process fail,
-- which this spec reports (with the end of its stderr) without taking busted down.
local H = require 'spec.helpers'

describe('the hostile-argument driver', function()
  it('calls every function with bad arguments without crashing or hanging', function()
    -- the run takes about a minute under ASan
    local out, code, msg = H.run_driver('spec/fuzz_api_driver.lua')
    assert.are.equal(0, code, msg)
    local funcs, calls = out:match('fuzz_api: done, (%d+) functions, (%d+) calls')
    assert.truthy(funcs, 'no completion line in: ' .. out:sub(-500))
    -- Every binding table was walked, not just a few of them.
    assert.is_true(tonumber(funcs) > 1000, funcs)
    assert.is_true(tonumber(calls) > 1000000, calls)
  end)
end)
