-- A per-module profiler: where the time of a training step goes.
--
-- dl.Profiler wraps the methods of every module of a model (containers and nngraph
-- gModules included) while it is attached, as instance fields that shadow the class's
-- methods, and removes them when detached: a model that is not being profiled runs its
-- own methods and pays nothing. Each wrapped call is a span; spans nest (a container's
-- forward holds its children's), so each module gets a total time (its spans) and a self
-- time (its spans less its children's). The self times of all the rows, plus the rows a
-- caller adds (the optimizer's update, the data loading) and an "other" row for the time
-- spent outside every span, add up to the measured steps.
--
--   dl.profile(model, input [, target, criterion] [, options]) -> profiler (printed)
--   dl.fit(..., {profile = true | 'trace.json' | {trace = 'trace.json', out = f}})
local dl = require 'dl'

local now = torch._monitor.now

local Profiler = torch.class('dl.Profiler')

-- The methods a span covers. backward calls updateGradInput and accGradParameters on the
-- same module; those calls are then part of the backward span, not spans of their own.
local FORWARD, BACKWARD = 1, 2
local wrapped_methods = {
  {'updateOutput', FORWARD}, {'backward', BACKWARD},
  {'updateGradInput', BACKWARD}, {'accGradParameters', BACKWARD},
}

-- dl.Profiler([options]): options.trace = true keeps every span for trace() (at most
-- options.maxSpans, 200000, so a long run cannot fill memory).
function Profiler:__init(options)
  options = options or {}
  self.rows, self.byModule, self.saved = {}, {}, {}
  self.extra = {}        -- rows added by the caller: {name=, time=, calls=}
  self.steps, self.stepTime = 0, 0
  self.tracing = options.trace and true or false
  self.maxSpans = options.maxSpans or 200000
  self.spans = {n = 0}   -- flat: row, phase, start, duration, depth per span
  -- the stack of open spans, as parallel arrays so a call allocates nothing
  self.depth = 0
  self.stackRow, self.stackPhase, self.stackStart, self.stackChild = {}, {}, {}, {}
  self.origin = now()
  self.attached = false
end

local function count_params(m)
  local n = 0
  local ok, ws = pcall(m.parameters, m)
  if ok and type(ws) == 'table' then for _, w in ipairs(ws) do n = n + w:nElement() end end
  return n
end

local function new_row(name, path, module)
  return {name = name, path = path, module = module,
          fwdSelf = 0, fwdTotal = 0, fwdCalls = 0, bwdSelf = 0, bwdTotal = 0, bwdCalls = 0}
end

-- Registers module (and, recursively, the modules it holds) under path ("1.3" is the
-- third module of the model's first).
function Profiler:_register(m, path)
  if self.byModule[m] then return end
  local row = new_row(torch.typename(m) or 'module', path, m)
  self.rows[#self.rows + 1] = row
  self.byModule[m] = row
  if type(m.modules) == 'table' then
    for i, child in ipairs(m.modules) do
      self:_register(child, path == '' and tostring(i) or (path .. '.' .. i))
    end
  end
end

function Profiler:_open(row, phase)
  local d = self.depth + 1
  self.depth = d
  self.stackRow[d], self.stackPhase[d], self.stackChild[d] = row, phase, 0
  self.stackStart[d] = now()
end

function Profiler:_close()
  local t = now()
  local d = self.depth
  local row, phase, start = self.stackRow[d], self.stackPhase[d], self.stackStart[d]
  local dur = t - start
  local self_time = dur - self.stackChild[d]
  self.depth = d - 1
  if d > 1 then self.stackChild[d - 1] = self.stackChild[d - 1] + dur end
  if phase == FORWARD then
    row.fwdSelf, row.fwdTotal = row.fwdSelf + self_time, row.fwdTotal + dur
  else
    row.bwdSelf, row.bwdTotal = row.bwdSelf + self_time, row.bwdTotal + dur
  end
  if self.tracing then
    local s = self.spans
    local n = s.n
    if n < self.maxSpans * 5 then
      s[n + 1], s[n + 2], s[n + 3], s[n + 4], s[n + 5] = row, phase, start, dur, d
      s.n = n + 5
    end
  end
end

local function wrap(prof, m, row, name, phase)
  local orig = m[name]
  local counts_call = name ~= 'accGradParameters'
  -- An error closes this call's span (each wrapped level closes its own), so the
  -- profiler's stack stays right when a script catches the error and carries on.
  local function on_error(err)
    prof:_close()
    return err
  end
  local function body(ok, ...)
    if not ok then
      error(..., 0)
    end
    prof:_close()
    return ...
  end
  return function(self, ...)
    local d = prof.depth
    -- inside this module's own backward: part of that span
    if phase == BACKWARD and d > 0 and prof.stackRow[d] == row and prof.stackPhase[d] == BACKWARD then
      return orig(self, ...)
    end
    if phase == FORWARD then
      row.fwdCalls = row.fwdCalls + 1
    elseif counts_call then
      row.bwdCalls = row.bwdCalls + 1
    end
    prof:_open(row, phase)
    return body(xpcall(orig, on_error, self, ...))
  end
end

-- attach(model [, criterion]): wraps the methods of every module of model (and of the
-- criterion, as a row of its own). Returns the profiler.
function Profiler:attach(model, criterion)
  if self.attached then error('dl.Profiler: attach: already attached (detach first)', 2) end
  if type(model) ~= 'table' or not torch.isTypeOf(model, 'nn.Module') then
    error(('dl.Profiler: attach: expected an nn.Module, got %s'):format(torch.type(model)), 2)
  end
  self:_register(model, '')
  if criterion then self:_register(criterion, 'criterion') end
  for m, row in pairs(self.byModule) do
    local saved = {}
    for _, mp in ipairs(wrapped_methods) do
      local name = mp[1]
      if type(m[name]) == 'function' then
        saved[name] = {rawget(m, name)}
        rawset(m, name, wrap(self, m, row, name, mp[2]))
      end
    end
    self.saved[m] = saved
  end
  self.attached = true
  return self
end

local output_info

-- detach(): restores every wrapped method (an instance field the module had before is
-- put back; otherwise the class's method shows through again). The outputs' shapes are
-- taken now, so a later forward (an evaluation) does not change the table.
function Profiler:detach()
  for _, r in ipairs(self.rows) do r.shape, r.bytes = output_info(r.module.output) end
  for m, saved in pairs(self.saved) do
    for name, old in pairs(saved) do rawset(m, name, old[1]) end
  end
  self.saved = {}
  self.attached = false
  return self
end

-- add(name, seconds [, calls]): adds time to a row of the caller's (the optimizer's
-- update, the data loading), which takes part in the totals.
function Profiler:add(name, seconds, calls)
  local r = self.extra[name]
  if not r then
    r = {name = name, time = 0, calls = 0}
    self.extra[name] = r
    self.extra[#self.extra + 1] = r
  end
  r.time = r.time + seconds
  r.calls = r.calls + (calls or 1)
end

-- step(seconds): counts one measured step and its time (a timer around the whole step).
function Profiler:step(seconds)
  self.steps = self.steps + 1
  self.stepTime = self.stepTime + seconds
end

local elsize = {
  ['torch.DoubleTensor'] = 8, ['torch.FloatTensor'] = 4, ['torch.LongTensor'] = 8,
  ['torch.IntTensor'] = 4, ['torch.ShortTensor'] = 2, ['torch.CharTensor'] = 1,
  ['torch.ByteTensor'] = 1, ['torch.HalfTensor'] = 2, ['torch.BoolTensor'] = 1,
}

-- The shape and the bytes of a module's output (a tensor, or a table of them).
function output_info(o)
  if torch.isTensor(o) then
    local dims = {}
    for i = 1, o:dim() do dims[i] = tostring(o:size(i)) end
    return table.concat(dims, 'x'), o:nElement() * (elsize[torch.type(o)] or 4)
  elseif type(o) == 'table' then
    local parts, bytes = {}, 0
    for _, v in ipairs(o) do
      local s, b = output_info(v)
      parts[#parts + 1] = s
      bytes = bytes + b
    end
    return '{' .. table.concat(parts, ', ') .. '}', bytes
  end
  return '-', 0
end

-- rows(): the rows sorted by self time (forward + backward), each
--   {name, path, calls, fwdSelf, fwdTotal, bwdSelf, bwdTotal, self, total, output, bytes,
--    params}
-- in seconds per profile (not per step), then the caller's rows, then "other".
function Profiler:report()
  local out = {}
  local sum = 0
  for _, r in ipairs(self.rows) do
    local shape, bytes = r.shape, r.bytes
    if self.attached or not shape then shape, bytes = output_info(r.module.output) end
    local is_leaf = type(r.module.modules) ~= 'table'
    out[#out + 1] = {
      name = r.name, path = r.path, calls = math.max(r.fwdCalls, r.bwdCalls),
      fwdCalls = r.fwdCalls, bwdCalls = r.bwdCalls,
      fwdSelf = r.fwdSelf, fwdTotal = r.fwdTotal, bwdSelf = r.bwdSelf, bwdTotal = r.bwdTotal,
      self = r.fwdSelf + r.bwdSelf, total = r.fwdTotal + r.bwdTotal,
      output = shape, bytes = bytes, params = is_leaf and count_params(r.module) or nil,
      module = r.module,
    }
    sum = sum + r.fwdSelf + r.bwdSelf
  end
  table.sort(out, function(a, b)
    if a.self ~= b.self then return a.self > b.self end
    return a.path < b.path
  end)
  for _, e in ipairs(self.extra) do
    out[#out + 1] = {name = e.name, path = '', calls = e.calls, self = e.time, total = e.time,
                     extra = true}
    sum = sum + e.time
  end
  local other = self.stepTime > 0 and math.max(self.stepTime - sum, 0) or 0
  if self.stepTime > 0 then
    out[#out + 1] = {name = 'other (outside the rows above)', path = '', calls = self.steps,
                     self = other, total = other, extra = true}
  end
  return out, sum + other
end

local function ms(s) return ('%.3f'):format(s * 1e3) end

local function human_bytes(b)
  if b >= 2^20 then return ('%.1f MB'):format(b / 2^20) end
  if b >= 2^10 then return ('%.1f kB'):format(b / 2^10) end
  return ('%d B'):format(b)
end

-- The terminal table: times in milliseconds per step, rows sorted by self time.
function Profiler:__tostring__()
  local rows, total = self:report()
  local steps = math.max(self.steps, 1)
  local head = {'module', 'calls', 'self', 'total', 'fwd self', 'fwd total', 'bwd self',
                'bwd total', 'self %', 'output', 'bytes', 'params'}
  local lines = {}
  local function opt_ms(v) return v and ms(v / steps) or '' end
  for _, r in ipairs(rows) do
    local name = r.extra and r.name or ((r.path == '' and 'model' or r.path) .. ' ' .. r.name)
    local calls = r.calls / steps
    lines[#lines + 1] = {
      name, calls == math.floor(calls) and ('%d'):format(calls) or ('%.1f'):format(calls),
      ms(r.self / steps), ms(r.total / steps),
      opt_ms(r.fwdSelf), opt_ms(r.fwdTotal), opt_ms(r.bwdSelf), opt_ms(r.bwdTotal),
      total > 0 and ('%.1f'):format(100 * r.self / total) or '0.0',
      r.output or '', r.bytes and human_bytes(r.bytes) or '', r.params and tostring(r.params) or '',
    }
  end
  local totals = {'total (self times)', '', '', '', '', '', '', '', '100.0', '', '', ''}
  local widths = {}
  for i, h in ipairs(head) do
    local w = #h
    for _, l in ipairs(lines) do w = math.max(w, utf8.len(l[i]) or #l[i]) end
    w = math.max(w, #totals[i])
    widths[i] = w
  end
  local function fmt(l)
    local parts = {}
    for i, v in ipairs(l) do
      parts[i] = i == 1 and (v .. (' '):rep(widths[i] - (utf8.len(v) or #v)))
                 or ((' '):rep(widths[i] - #v) .. v)
    end
    return table.concat(parts, '  ')
  end
  local rule = ('-'):rep(#fmt(head))
  local outl = {('Profile: %d step%s, %s ms per step (times in ms per step; self excludes the modules inside)')
                  :format(self.steps, self.steps == 1 and '' or 's', ms(total / steps)),
                rule, fmt(head), rule}
  for _, l in ipairs(lines) do outl[#outl + 1] = fmt(l) end
  outl[#outl + 1] = rule
  totals[3] = ms(total / steps)
  outl[#outl + 1] = fmt(totals)
  return table.concat(outl, '\n')
end

local function json_string(s)
  return '"' .. s:gsub('[%c"\\]', function(c)
    if c == '"' then return '\\"' elseif c == '\\' then return '\\\\' end
    return ('\\u%04x'):format(c:byte())
  end) .. '"'
end

-- trace(path): writes the spans as Chrome trace-event JSON (chrome://tracing, Perfetto):
-- one complete event ("ph": "X") per module call, in microseconds since the profiler
-- was made; spans nest by time as the calls did. Needs dl.Profiler{trace = true}.
function Profiler:trace(path)
  if not self.tracing then error('dl.Profiler: trace: this profiler keeps no spans (make it with {trace = true})', 2) end
  local f, err = io.open(path, 'w')
  if not f then error(('dl.Profiler: trace: cannot write %s: %s'):format(path, err), 2) end
  f:write('{"displayTimeUnit": "ms", "traceEvents": [\n')
  local s = self.spans
  local names = {}
  for i = 1, s.n, 5 do
    local row, phase, start, dur, depth = s[i], s[i + 1], s[i + 2], s[i + 3], s[i + 4]
    local name = names[row]
    if not name then
      name = json_string((row.path == '' and 'model' or row.path) .. ' ' .. row.name)
      names[row] = name
    end
    f:write(i > 1 and ',\n' or '', ('{"name": %s, "cat": "%s", "ph": "X", "ts": %.3f, "dur": %.3f, "pid": 1, "tid": 1, "args": {"depth": %d}}')
      :format(name, phase == FORWARD and 'forward' or 'backward', (start - self.origin) * 1e6, dur * 1e6, depth))
  end
  f:write('\n]}\n')
  f:close()
  return path
end

-- dl.profile(model, input [, target, criterion] [, options]): runs options.steps (10)
-- training steps after options.warmup (2) unprofiled ones: zero the gradients, forward,
-- and with a criterion the loss, its gradient and the backward pass (without one, the
-- forward pass alone). Prints the table to options.out (io.stdout; false for none),
-- writes options.trace (a file name) as Chrome trace JSON, and returns the profiler.
function dl.profile(model, input, target, criterion, options)
  if options == nil and type(target) == 'table' and not torch.isTensor(target)
     and not torch.isTypeOf(target, 'nn.Module') and criterion == nil then
    options, target = target, nil
  end
  options = options or {}
  if type(model) ~= 'table' or not torch.isTypeOf(model, 'nn.Module') then
    error(('dl.profile: argument 1: expected an nn.Module, got %s'):format(torch.type(model)), 2)
  end
  if criterion ~= nil and not (type(criterion) == 'table' and torch.isTypeOf(criterion, 'nn.Criterion')) then
    error(('dl.profile: argument 4: expected an nn.Criterion, got %s'):format(torch.type(criterion)), 2)
  end
  if criterion and target == nil then error('dl.profile: a criterion needs a target (argument 3)', 2) end
  local steps, warmup = options.steps or 10, options.warmup or 2
  local function step()
    if criterion then
      model:zeroGradParameters()
      local out = model:forward(input)
      criterion:forward(out, target)
      model:backward(input, criterion:backward(out, target))
    else
      model:forward(input)
    end
  end
  for _ = 1, warmup do step() end
  local prof = dl.Profiler{trace = options.trace}
  prof:attach(model, criterion)
  local ok, err = pcall(function()
    for _ = 1, steps do
      local t0 = now()
      step()
      prof:step(now() - t0)
    end
  end)
  prof:detach()
  if not ok then error(err, 0) end
  if options.trace then prof:trace(options.trace) end
  local out = options.out
  if out == nil then out = io.stdout end
  if out then out:write(tostring(prof), '\n') end
  return prof
end

return Profiler
