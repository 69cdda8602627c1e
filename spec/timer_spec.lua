require 'torch'

-- Busy work that takes some CPU time (never asserting how much: only order).
local function spin(seconds)
   local t0 = os.clock()
   local x = 0
   while os.clock() - t0 < seconds do x = x + 1 end
   return x
end

describe('torch.Timer', function()
   it('is a torch class with real, user and sys times', function()
      local t = torch.Timer()
      assert.are.equal('torch.Timer', torch.type(t))
      local tm = t:time()
      assert.is_number(tm.real)
      assert.is_number(tm.user)
      assert.is_number(tm.sys)
      assert.is_true(tm.real >= 0 and tm.user >= 0 and tm.sys >= 0)
   end)

   it('counts up while running, monotonically', function()
      local t = torch.Timer()
      local last = t:time()
      for _ = 1, 5 do
         spin(0.01)
         local now = t:time()
         assert.is_true(now.real > last.real)
         assert.is_true(now.user >= last.user)
         assert.is_true(now.sys >= last.sys)
         last = now
      end
      assert.is_true(last.real >= 0.04)
      assert.is_true(last.user > 0)
   end)

   it('stands still when stopped, and resumes from where it stopped', function()
      local t = torch.Timer()
      spin(0.02)
      assert.are.equal(t, t:stop())
      local a = t:time()
      spin(0.02)
      local b = t:time()
      assert.are.equal(a.real, b.real)
      assert.are.equal(a.user, b.user)
      assert.are.equal(a.sys, b.sys)
      t:stop() -- stopping twice changes nothing
      assert.are.equal(a.real, t:time().real)
      local before = torch._clock()
      assert.are.equal(t, t:resume())
      spin(0.01)
      local c = t:time()
      local after = torch._clock()
      assert.is_true(c.real > a.real)
      -- only the time since resume was added, not the stopped 0.02 s
      assert.is_true(c.real - a.real <= after - before)
   end)

   it('resume on a running timer keeps its time', function()
      local t = torch.Timer()
      spin(0.02)
      t:resume()
      assert.is_true(t:time().real >= 0.02)
   end)

   it('reset sets the time back to zero and keeps the running state', function()
      local t = torch.Timer()
      spin(0.03)
      assert.are.equal(t, t:reset())
      assert.is_true(t:time().real < 0.03)
      t:stop()
      t:reset()
      assert.are.equal(0, t:time().real)
      assert.are.equal(0, t:time().user)
      spin(0.01)
      assert.are.equal(0, t:time().real)
   end)

   it('prints its status', function()
      local t = torch.Timer()
      assert.are.equal('torch.Timer [status: running]', tostring(t))
      t:stop()
      assert.are.equal('torch.Timer [status: stopped]', tostring(t))
   end)

   it('torch._clock gives three increasing clocks', function()
      local r1, u1, s1 = torch._clock()
      spin(0.01)
      local r2, u2, s2 = torch._clock()
      assert.is_true(r2 > r1)
      assert.is_true(u2 >= u1)
      assert.is_true(s2 >= s1)
   end)
end)

describe('torch.setnumthreads / getnumthreads', function()
   local saved
   setup(function() saved = torch.getnumthreads() end)
   teardown(function() torch.setnumthreads(saved) end)

   it('sets and reads back the thread count', function()
      torch.setnumthreads(1)
      assert.are.equal(1, torch.getnumthreads())
      torch.setnumthreads(3)
      assert.are.equal(math.min(3, torch.getnumcores()), torch.getnumthreads())
      assert.is_true(math.type(torch.getnumthreads()) == 'integer')
      torch.setnumthreads(2.0) -- integral floats are accepted
      assert.are.equal(2, torch.getnumthreads())
   end)

   it('clamps counts above the processors (64 threads under a 4 GB limit hung)', function()
      torch.setnumthreads(64)
      assert.are.equal(math.min(64, torch.getnumcores()), torch.getnumthreads())
      local a = torch.FloatTensor(300, 300):fill(1)
      assert.are.equal(300 * 300 * 300, (a * a):sum())
   end)

   it('rejects counts below 1 and non-integers', function()
      for _, n in ipairs {0, -1} do
         local ok, err = pcall(torch.setnumthreads, n)
         assert.is_false(ok)
         assert.truthy(err:find('setnumthreads: argument 1: expected a thread count >= 1, got ' .. n, 1, true))
      end
      local ok, err = pcall(torch.setnumthreads, 1.5)
      assert.is_false(ok)
      assert.truthy(err:find('setnumthreads', 1, true))
      ok, err = pcall(torch.setnumthreads, 'x')
      assert.is_false(ok)
      assert.truthy(err:find('setnumthreads: argument 1', 1, true))
   end)

   it('getnumcores is at least 1', function()
      assert.is_true(torch.getnumcores() >= 1)
   end)
end)
