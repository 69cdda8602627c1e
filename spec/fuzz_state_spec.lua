-- Runs spec/fuzz_state_driver.lua in its own dlua process with a fixed seed: random
-- programs of 5 to 30 steps over a shared pool of tensors, views, modules and optimizer
-- states, with hostile metamethods, finalizers and coroutines (see the driver). A crash,
-- a sanitizer report or a hang fails the process, which this spec reports with the end
-- of its stderr; the seven programs of the memory-safety issue run first.
local H = require 'spec.helpers'

describe('the stateful misuse driver', function()
  it('runs random programs of hostile steps without crashing or hanging', function()
    -- longer under the sanitizers (`make test` runs the suite there too), where a
    -- use-after-free or an overflow is reported instead of passing unnoticed
    local sanitized = (os.getenv('LD_PRELOAD') or '') ~= ''
    -- A step can make a tensor of tens of GB (sizes or offsets from the hostile numbers)
    -- and fill it: such allocations fail instead (ASan's limit, or the address space).
    local limit = sanitized and ("ASAN_OPTIONS='%s:max_allocation_size_mb=2048'"):format(
      os.getenv('ASAN_OPTIONS') or 'detect_leaks=0:allocator_may_return_null=1') or 'ulimit -v 8388608;'
    local env = ('%s FUZZ_SEED=7 FUZZ_TIME=%d'):format(limit, sanitized and 45 or 10)
    local out, code, msg = H.run_driver('spec/fuzz_state_driver.lua', env)
    assert.are.equal(0, code, msg)
    local programs, calls = out:match('fuzz_state: done, (%d+) programs, (%d+) calls')
    assert.truthy(programs, 'no completion line in: ' .. out:sub(-500))
    -- it ran programs, not just started: counts that a loaded machine still reaches
    -- (3,710 calls in 10 s were seen with the load average at 10 on 2 cores)
    assert.is_true(tonumber(programs) > 20, programs)
    assert.is_true(tonumber(calls) > 1000, calls)
  end)
end)
