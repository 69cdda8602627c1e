-- A progress bar per epoch, drawn as Keras draws it:
--   12/30 [=========>....................] - ETA: 1s - 5120 samples/s - loss: 0.4512 - accuracy: 0.8750
-- redrawn in place on a terminal; on anything else (a log file, a pipe) only the final
-- line of each epoch is written, so logs stay readable.
local dl = require 'dl'

local Progress = torch.class('dl.Progress')

function Progress:__init(total, options)
  options = options or {}
  self.total = total
  self.width = options.width or 30
  self.samples = options.samples -- samples in the epoch, for the samples/s figure
  self.out = options.out or io.stdout
  self.tty = options.tty
  if self.tty == nil then self.tty = io.type(self.out) == 'file' and torch._io.isatty(self.out) end
  self.timer = torch.Timer()
  self.last = -1
end

local function fmt_time(s)
  s = math.floor(s + 0.5) -- whole seconds: the formats below want integers
  if s >= 3600 then return ('%d:%02d:%02d'):format(s // 3600, s % 3600 // 60, s % 60) end
  if s >= 60 then return ('%d:%02d'):format(s // 60, s % 60) end
  return ('%ds'):format(s)
end

local function fmt_values(values)
  local parts = {}
  for _, kv in ipairs(values or {}) do
    parts[#parts + 1] = ('%s: %.4f'):format(kv[1], kv[2])
  end
  return #parts > 0 and (' - ' .. table.concat(parts, ' - ')) or ''
end

-- The line for `done` of `total` steps, `values` a list of {name, value}.
function Progress:line(done, values, elapsed)
  local n = self.total
  local digits = #tostring(n)
  local bar
  local filled = n > 0 and math.floor(self.width * done / n) or self.width
  if done >= n then
    bar = ('='):rep(self.width)
  else
    bar = ('='):rep(math.max(filled - 1, 0)) .. (filled > 0 and '>' or '') .. ('.'):rep(self.width - filled)
  end
  local timing
  if done >= n then
    local per = done > 0 and elapsed / done or 0
    timing = (' - %s %s/step'):format(fmt_time(elapsed),
      per >= 1 and ('%.0fs'):format(per) or per >= 1e-3 and ('%.0fms'):format(per * 1e3) or ('%.0fus'):format(per * 1e6))
  else
    local eta = done > 0 and elapsed / done * (n - done) or 0
    timing = ' - ETA: ' .. fmt_time(eta)
  end
  if self.samples and elapsed > 0 and n > 0 then
    -- the batches done hold this share of the samples (exact but for a short last batch)
    local rate = math.min(self.samples, self.samples * done / n) / elapsed
    timing = timing .. (rate >= 100 and ' - %.0f samples/s' or ' - %.1f samples/s'):format(rate)
  end
  return ('%' .. digits .. 'd/%d [%s]%s%s'):format(done, n, bar, timing, fmt_values(values))
end

-- Reports progress; redraws at most every 50 ms on a terminal.
function Progress:update(done, values)
  local elapsed = self.timer:time().real
  if self.tty then
    if done < self.total and elapsed - self.last < 0.05 then return end
    self.last = elapsed
    self.out:write('\r', self:line(done, values, elapsed), '\27[K')
    self.out:flush()
  end
end

-- Ends the epoch's line with the final figures (and validation ones).
function Progress:finish(values)
  local elapsed = self.timer:time().real
  self.out:write(self.tty and '\r' or '', self:line(self.total, values, elapsed),
                 self.tty and '\27[K\n' or '\n')
  self.out:flush()
end

return Progress
