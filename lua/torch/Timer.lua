-- torch.Timer: wall-clock, user and system time, as Torch7's. The clocks come from C
-- (torch._clock: CLOCK_MONOTONIC and getrusage); the bookkeeping is plain Lua.
local torch = require 'torch.core'
local clock = torch._clock

local Timer = torch.class('torch.Timer')

-- A new timer is running from zero.
function Timer:__init()
   self.running = true
   self:reset()
end

-- Sets the totals to zero and restarts counting from now; a stopped timer stays stopped.
function Timer:reset()
   self.total_real, self.total_user, self.total_sys = 0, 0, 0
   self.start_real, self.start_user, self.start_sys = clock()
   return self
end

-- Stops counting, keeping the time elapsed so far. Stopping a stopped timer does nothing.
function Timer:stop()
   if self.running then
      local r, u, s = clock()
      self.total_real = self.total_real + (r - self.start_real)
      self.total_user = self.total_user + (u - self.start_user)
      self.total_sys = self.total_sys + (s - self.start_sys)
      self.running = false
   end
   return self
end

-- Counts again from now, adding to the time kept by stop().
function Timer:resume()
   if not self.running then
      self.start_real, self.start_user, self.start_sys = clock()
      self.running = true
   end
   return self
end

-- {real=, user=, sys=}: seconds counted while running since the last reset.
function Timer:time()
   local real, user, sys = self.total_real, self.total_user, self.total_sys
   if self.running then
      local r, u, s = clock()
      real = real + (r - self.start_real)
      user = user + (u - self.start_user)
      sys = sys + (s - self.start_sys)
   end
   return {real = real, user = user, sys = sys}
end

function Timer:__tostring__()
   return 'torch.Timer [status: ' .. (self.running and 'running' or 'stopped') .. ']'
end

return Timer
