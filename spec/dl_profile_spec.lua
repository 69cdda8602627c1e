-- dl.profile, dl.Profiler and nn.Profile: rows for every module (nested containers and
-- gModules), totals against a timer around the same steps, the trace JSON's nesting,
-- restoring the methods, errors inside a profiled model, and fit's profile rows.
require 'torch'
require 'nn'
require 'nngraph'
require 'optim'
require 'dl'
local H = require 'spec.helpers'

-- A small JSON reader (objects, arrays, strings, numbers, true/false/null), written here
-- so the trace is checked by a parser that is not the writer.
local function json_decode(s)
  local pos = 1
  local function ws() pos = s:find('[^ \t\r\n]', pos) or #s + 1 end
  local value
  local function str()
    local out = {}
    pos = pos + 1
    while true do
      local c = s:sub(pos, pos)
      if c == '"' then pos = pos + 1 return table.concat(out) end
      if c == '\\' then
        local e = s:sub(pos + 1, pos + 1)
        if e == 'u' then
          out[#out + 1] = utf8.char(tonumber(s:sub(pos + 2, pos + 5), 16))
          pos = pos + 6
        else
          out[#out + 1] = ({n = '\n', t = '\t', r = '\r', b = '\b', f = '\f'})[e] or e
          pos = pos + 2
        end
      elseif c == '' then error('unterminated string')
      else out[#out + 1] = c; pos = pos + 1 end
    end
  end
  function value()
    ws()
    local c = s:sub(pos, pos)
    if c == '{' then
      local obj = {}
      pos = pos + 1
      ws()
      if s:sub(pos, pos) == '}' then pos = pos + 1 return obj end
      while true do
        ws()
        assert(s:sub(pos, pos) == '"', 'expected a key at ' .. pos)
        local k = str()
        ws()
        assert(s:sub(pos, pos) == ':', 'expected : at ' .. pos)
        pos = pos + 1
        obj[k] = value()
        ws()
        local d = s:sub(pos, pos)
        pos = pos + 1
        if d == '}' then return obj end
        assert(d == ',', 'expected , or } at ' .. pos)
      end
    elseif c == '[' then
      local arr = {}
      pos = pos + 1
      ws()
      if s:sub(pos, pos) == ']' then pos = pos + 1 return arr end
      while true do
        arr[#arr + 1] = value()
        ws()
        local d = s:sub(pos, pos)
        pos = pos + 1
        if d == ']' then return arr end
        assert(d == ',', 'expected , or ] at ' .. pos)
      end
    elseif c == '"' then return str()
    elseif s:sub(pos, pos + 3) == 'true' then pos = pos + 4 return true
    elseif s:sub(pos, pos + 4) == 'false' then pos = pos + 5 return false
    elseif s:sub(pos, pos + 3) == 'null' then pos = pos + 4 return nil
    end
    local num = s:match('^-?%d+%.?%d*[eE]?[-+]?%d*', pos)
    assert(num and #num > 0, 'unexpected character at ' .. pos)
    pos = pos + #num
    return tonumber(num)
  end
  local v = value()
  ws()
  assert(pos > #s, 'trailing characters at ' .. pos)
  return v
end

local function nested_model()
  local inner = nn.Sequential():add(nn.Linear(64, 64)):add(nn.Tanh())
  local branch = nn.ConcatTable():add(nn.Linear(64, 32)):add(nn.Linear(64, 32))
  return nn.Sequential():add(nn.Linear(32, 64)):add(nn.ReLU()):add(inner)
    :add(branch):add(nn.JoinTable(2)):add(nn.Linear(64, 5))
end

local function graph_model()
  local x = nn.Identity()()
  local h = nn.Tanh()(nn.Linear(16, 32)(x))
  local y = nn.Linear(32, 4)(nn.CAddTable()({h, nn.Linear(16, 32)(x)}))
  return nn.gModule({x}, {y})
end

local function rows_by_module(prof)
  local rows = prof:report()
  local by = {}
  for _, r in ipairs(rows) do if r.module then by[r.module] = r end end
  return by, rows
end

describe('dl.profile', function()
  it('has a row for every module of nested containers, with calls, shapes and params', function()
    torch.manualSeed(1)
    local model = nested_model()
    local x, y = torch.randn(8, 32), torch.LongTensor(8):random(1, 5)
    local crit = nn.CrossEntropyCriterion()
    local prof = dl.profile(model, x, y, crit, {steps = 3, warmup = 1, out = false})
    local by = rows_by_module(prof)
    local all = model:listModules()
    assert.are.equal(11, #all)
    for _, m in ipairs(all) do
      local r = by[m]
      assert.is_not_nil(r, torch.typename(m))
      assert.are.equal(3, r.fwdCalls, torch.typename(m))
      assert.are.equal(3, r.bwdCalls, torch.typename(m))
      assert.is_true(r.fwdSelf >= 0 and r.fwdSelf <= r.fwdTotal + 1e-12)
      assert.is_true(r.bwdSelf >= 0 and r.bwdSelf <= r.bwdTotal + 1e-12)
    end
    assert.is_not_nil(by[crit])
    assert.are.equal(3, by[crit].fwdCalls)
    -- shapes, bytes (double tensors) and parameter counts
    assert.are.equal('8x64', by[model.modules[1] ].output) -- the first Linear (32 -> 64)
    assert.are.equal(8 * 64 * 8, by[model.modules[1] ].bytes)
    assert.are.equal(32 * 64 + 64, by[model.modules[1] ].params)
    assert.are.equal('{8x32, 8x32}', by[model.modules[4] ].output)
    -- a container's forward total is its self time plus its children's totals
    local inner = model.modules[3]
    local kids = by[inner.modules[1] ].fwdTotal + by[inner.modules[2] ].fwdTotal
    H.near(by[inner].fwdTotal, by[inner].fwdSelf + kids, 1e-9)
    local kidsb = by[inner.modules[1] ].bwdTotal + by[inner.modules[2] ].bwdTotal
    H.near(by[inner].bwdTotal, by[inner].bwdSelf + kidsb, 1e-9)
    -- the paths: "3.1" is the first module of the third
    assert.are.equal('3.1', by[inner.modules[1] ].path)
    assert.are.equal('', by[model].path)
  end)

  it('covers the nodes of an nngraph gModule', function()
    torch.manualSeed(2)
    local g = graph_model()
    local prof = dl.profile(g, torch.randn(4, 16), torch.LongTensor(4):random(1, 4),
                            nn.CrossEntropyCriterion(), {steps = 2, warmup = 1, out = false})
    local by = rows_by_module(prof)
    for _, m in ipairs(g:listModules()) do
      assert.is_not_nil(by[m], torch.typename(m))
      assert.are.equal(2, by[m].fwdCalls, torch.typename(m))
    end
    assert.are.equal(6, #g.modules)
    -- the graph's own span holds its nodes'
    local sum = 0
    for _, m in ipairs(g.modules) do sum = sum + by[m].fwdTotal end
    H.near(by[g].fwdTotal, by[g].fwdSelf + sum, 1e-9)
  end)

  it('adds up to a timer around the same steps (within 10%)', function()
    torch.manualSeed(3)
    local model = nn.Sequential()
    for _ = 1, 4 do model:add(nn.Linear(256, 256)):add(nn.Tanh()) end
    model:add(nn.Linear(256, 10))
    local crit = nn.CrossEntropyCriterion()
    local x, y = torch.randn(128, 256), torch.LongTensor(128):random(1, 10)
    local prof = dl.Profiler():attach(model, crit)
    local timer = torch.Timer()
    for _ = 1, 5 do
      local out = model:forward(x)
      crit:forward(out, y)
      model:backward(x, crit:backward(out, y))
    end
    local measured = timer:time().real
    prof:detach()
    local rows = prof:report()
    local sum = 0
    for _, r in ipairs(rows) do sum = sum + r.self end
    assert.is_true(math.abs(sum - measured) <= 0.1 * measured,
      ('rows add up to %.4f s, the timer says %.4f s'):format(sum, measured))
    -- with measured steps, the table's total is the steps' time (an "other" row holds
    -- what no module did)
    local p2 = dl.profile(model, x, y, crit, {steps = 3, warmup = 0, out = false})
    local rows2, total2 = p2:report()
    H.near(total2, p2.stepTime, 1e-9)
    assert.are.equal('other (outside the rows above)', rows2[#rows2].name)
    local s = tostring(p2)
    assert.truthy(s:find('total (self times)', 1, true))
    assert.truthy(s:find('1 nn.Linear', 1, true))
  end)

  it('sorts the rows by self time', function()
    local model = nested_model()
    local prof = dl.profile(model, torch.randn(4, 32), {steps = 2, warmup = 0, out = false})
    local rows = prof:report()
    for i = 2, #rows do
      if not rows[i].extra then assert.is_true(rows[i - 1].self >= rows[i].self) end
    end
    -- without a criterion only the forward pass runs
    local by = rows_by_module(prof)
    assert.are.equal(2, by[model].fwdCalls)
    assert.are.equal(0, by[model].bwdCalls)
  end)

  it('restores every method when detached and costs nothing afterwards', function()
    local model = nested_model()
    local lin = model.modules[1]
    local custom = function(self, input) return nn.Linear.updateOutput(self, input) end
    lin.updateOutput = custom -- an instance method of the user's own is kept
    dl.profile(model, torch.randn(2, 32), torch.LongTensor{1, 2}, nn.ClassNLLCriterion(),
               {steps = 1, warmup = 0, out = false})
    assert.are.equal(custom, rawget(lin, 'updateOutput'))
    for _, m in ipairs(model:listModules()) do
      for _, name in ipairs{'updateGradInput', 'accGradParameters', 'backward'} do
        assert.is_nil(rawget(m, name), torch.typename(m) .. ':' .. name)
      end
      if m ~= lin then assert.is_nil(rawget(m, 'updateOutput')) end
    end
  end)

  it('writes a Chrome trace whose spans nest', function()
    local model = nested_model()
    local path = os.tmpname()
    dl.profile(model, torch.randn(4, 32), torch.LongTensor(4):fill(2), nn.CrossEntropyCriterion(),
               {steps = 2, warmup = 0, out = false, trace = path})
    local doc = json_decode(require('spec.dl_monitor_helpers').readfile(path))
    os.remove(path)
    local ev = doc.traceEvents
    -- per step: 11 modules and the criterion, forward and backward
    assert.are.equal(2 * 2 * 12, #ev)
    local names = {}
    for _, e in ipairs(ev) do
      assert.are.equal('X', e.ph)
      assert.is_true(e.dur >= 0)
      names[e.name] = true
    end
    assert.is_true(names['3.1 nn.Linear'])
    assert.is_true(names['model nn.Sequential'])
    -- every span below the top lies inside a span one level up of the same phase
    for _, e in ipairs(ev) do
      if e.args.depth > 1 then
        local inside = false
        for _, p in ipairs(ev) do
          if p.args.depth == e.args.depth - 1 and p.cat == e.cat and p.ts <= e.ts + 1e-3
             and e.ts + e.dur <= p.ts + p.dur + 1e-3 then
            inside = true
            break
          end
        end
        assert.is_true(inside, e.name .. ' at ' .. e.ts)
      end
    end
  end)

  it('keeps going after an error inside a profiled module', function()
    local model = nn.Sequential():add(nn.Linear(3, 2)):add(nn.Linear(4, 1))
    local prof = dl.Profiler():attach(model)
    local msg = H.errmsg(function() model:forward(torch.randn(2, 3)) end)
    assert.truthy(msg and msg:find('nn.Linear', 1, true), msg)
    assert.are.equal(0, prof.depth)
    prof:detach()
    assert.is_nil(rawget(model.modules[2], 'updateOutput'))
  end)

  it('reports bad arguments', function()
    H.raises(function() dl.profile('x', torch.randn(2)) end, 'dl.profile: argument 1: expected an nn.Module, got string')
    H.raises(function() dl.profile(nn.Linear(2, 2), torch.randn(2), torch.randn(2), 5) end,
             'dl.profile: argument 4: expected an nn.Criterion')
    H.raises(function() dl.Profiler():trace('/tmp/x.json') end, 'keeps no spans')
    local p = dl.Profiler():attach(nn.Linear(2, 2))
    H.raises(function() p:attach(nn.Linear(2, 2)) end, 'already attached')
    p:detach()
  end)
end)

describe('dl.fit{profile = true}', function()
  it('profiles the training steps, with optimizer and data-loading rows', function()
    torch.manualSeed(4)
    local X = torch.randn(96, 6)
    local y = X:select(2, 1):gt(0):long() + 1
    local model = nn.Sequential():add(nn.Linear(6, 8)):add(nn.ReLU()):add(nn.Linear(8, 2))
    local lines = {}
    local out = {write = function(_, ...) for _, s in ipairs{...} do lines[#lines + 1] = s end end,
                 flush = function() end}
    local _, prof = dl.fit(model, nn.CrossEntropyCriterion(), optim.sgd, X, y,
      {epochs = 2, batchSize = 32, config = {learningRate = 0.1}, profile = true, out = out,
       plot = false, validation = 0.25})
    assert.are.equal(2 * 3, prof.steps) -- 72 training rows in batches of 32
    local rows = prof:report()
    local names = {}
    for _, r in ipairs(rows) do names[r.name] = r end
    assert.are.equal(6, names['optimizer step (optim.sgd)'].calls)
    assert.are.equal(6, names['data loading (dl.batches)'].calls)
    local by = rows_by_module(prof)
    assert.are.equal(6, by[model.modules[1] ].fwdCalls) -- validation is not profiled
    -- the output column is the last training batch's (8 of 72 rows), not validation's (24)
    assert.are.equal('8x8', by[model.modules[1] ].output)
    local text = table.concat(lines)
    assert.truthy(text:find('Profile: 6 steps', 1, true))
    for _, m in ipairs(model:listModules()) do assert.is_nil(rawget(m, 'updateOutput')) end
  end)

  it('takes its wrappers off the model when training stops with an error', function()
    local X = torch.randn(64, 6)
    local y = torch.LongTensor(64):fill(1)
    y[40] = 3 -- a class the 2-way output does not have: the second batch fails
    local model = nn.Sequential():add(nn.Linear(6, 8)):add(nn.ReLU()):add(nn.Linear(8, 2))
    local first = model.modules[1].gradInput
    local ok, err = pcall(dl.fit, model, nn.CrossEntropyCriterion(), optim.sgd, X, y,
      {epochs = 1, batchSize = 32, profile = true, shuffle = false, verbose = false, plot = false,
       out = {write = function() end, flush = function() end}})
    assert.is_false(ok)
    assert.truthy(tostring(err):find('ClassNLLCriterion', 1, true) or tostring(err):find('target', 1, true), err)
    for _, m in ipairs(model:listModules()) do
      for _, name in ipairs{'updateOutput', 'updateGradInput', 'accGradParameters', 'backward', 'forward'} do
        assert.is_nil(rawget(m, name), name)
      end
    end
    assert.are.equal(first, model.modules[1].gradInput) -- fit's skipped input gradient is back
  end)
end)

describe('nn.Profile', function()
  local function sink()
    local s = {text = ''}
    function s:write(...) for _, v in ipairs{...} do self.text = self.text .. v end end
    return s
  end

  it('passes values and gradients through and prints every interval', function()
    torch.manualSeed(5)
    local lin = nn.Linear(3, 2)
    local p = nn.Profile(lin, 2, 'fc')
    p.out = sink()
    local x = torch.randn(4, 3)
    local ref = lin:clone()
    local y = p:forward(x)
    H.near(y:totable(), ref:forward(x):totable(), 1e-12)
    local go = torch.randn(4, 2)
    H.near(p:backward(x, go):totable(), ref:backward(x, go):totable(), 1e-12)
    H.near(lin.gradWeight:totable(), ref.gradWeight:totable(), 1e-12)
    assert.are.equal('', p.out.text)
    p:forward(x)
    p:backward(x, go)
    assert.truthy(p.out.text:find('^fc took %d+%.%d%d%d seconds for 2 forward passes\n'), p.out.text)
    assert.truthy(p.out.text:find('fc took %d+%.%d%d%d seconds for 2 backward passes\n'), p.out.text)
    -- (module, name) and the default name
    assert.are.equal('lin', nn.Profile(nn.Linear(2, 2), 'lin').name)
    assert.are.equal('nn.Tanh', nn.Profile(nn.Tanh()).name)
    assert.are.equal(100, nn.Profile(nn.Tanh()).printInterval)
  end)

  it('passes the float64 gradient checks', function()
    local p = nn.Profile(nn.Linear(4, 3), 1000)
    H.jac(p, torch.randn(2, 4))
    local w, dw = p:getParameters()
    H.jacp(p, torch.randn(2, 4), w, dw)
    assert.is_true(nn.Jacobian.testIO(nn.Profile(nn.Tanh(), 1000), torch.randn(3, 2)) < 1e-12)
  end)

  it('rejects what it cannot profile', function()
    H.raises(function() nn.Profile(5) end, 'nn.Profile: expected an nn.Module to profile, got number')
    H.raises(function() nn.Profile(nn.Tanh(), 0) end, 'printInterval must be a whole number >= 1, got 0')
  end)
end)
