-- Registration clashes. The binding files register C functions into shared tables (torch,
-- the tensor metatables, torch._nn, torch._io, ...), and a name registered twice silently
-- takes the later function. Loaded with DLUA_REGCHECK in the environment, the module
-- records every registration in torch._registrations (src/lua/lt_core.c, lt_register and
-- lt_register_in). This spec loads it so in a fresh interpreter and fails on any name
-- registered twice in one table, or replaced afterwards by the Lua side of the packages.
require 'torch'

local function tmpfile(text)
  local name = os.tmpname()
  local f = assert(io.open(name, 'w'))
  f:write(text)
  f:close()
  return name
end

-- Runs a Lua chunk in a fresh interpreter (same module paths); env is a prefix such as
-- 'DLUA_REGCHECK=1'. Returns its output and whether it succeeded.
local function run(code, env)
  local lua = os.getenv('DLUA_LUA') or 'lua5.4'
  local script = tmpfile(code)
  local p = assert(io.popen(('env %s %s %s 2>&1'):format(env, lua, script)))
  local out = p:read('a')
  local ok = p:close()
  os.remove(script)
  return out, ok
end

-- Prints one line per registration: table, name, the lt_open_* function that made it,
-- whether the table held the name already, and whether the C function is still there
-- once the Lua packages are loaded.
local dump = [[
local torch = require 'torch'
require 'nn'
require 'optim'
require 'dl'
local types = {'Float', 'Double', 'Long', 'Byte'}
local function intact(r)
  if r.table == 'tensor methods' then
    for _, T in ipairs(types) do
      local mt = torch.getmetatable('torch.' .. T .. 'Tensor')
      if rawget(mt, r.name) ~= r.func then return false end
    end
    return true
  end
  local t = r.table == 'torch' and torch or torch[r.table:match('^torch%.(.+)$')]
  return rawget(t, r.name) == r.func
end
for _, r in ipairs(torch._registrations) do
  print(table.concat({r.table, r.name, r.by, tostring(r.replaced), tostring(intact(r))}, '\t'))
end
]]

local function records()
  local out, ok = run(dump, 'DLUA_REGCHECK=1')
  assert(ok, out)
  local list = {}
  for line in out:gmatch('[^\n]+') do
    local field = '([^\t]+)\t'
    local tab, name, by, replaced, intact = line:match('^' .. field:rep(3) .. '(%a+)\t(%a+)$')
    assert(tab, 'unexpected line: ' .. line)
    list[#list + 1] = {table = tab, name = name, by = by, replaced = replaced == 'true',
                       intact = intact == 'true'}
  end
  return list
end

-- The clashes in a list of records, one message each.
local function clashes(list)
  local found, by, last = {}, {}, {}
  for i, r in ipairs(list) do
    local key = r.table .. ' ' .. r.name
    if r.replaced or by[key] then -- by[key] alone: twice in one list, set once
      found[#found + 1] = by[key]
        and ('%s: %s registered by %s, then again by %s'):format(r.table, r.name, by[key], r.by)
        or ('%s: %s was set before %s registered it'):format(r.table, r.name, r.by)
    end
    by[key] = by[key] and by[key] .. ', ' .. r.by or r.by
    last[key] = i
  end
  for _, i in pairs(last) do
    local r = list[i]
    if not r.intact then
      found[#found + 1] = ('%s: %s of %s is replaced by Lua code'):format(r.table, r.name, r.by)
    end
  end
  table.sort(found)
  return found
end

describe('registration check', function()
  it('records nothing unless DLUA_REGCHECK is set', function()
    local out, ok = run("print(type(require('torch')._registrations))", '-u DLUA_REGCHECK')
    assert.is_truthy(ok, out)
    assert.are.equal('nil\n', out)
  end)

  it('records each registration with the function that made it', function()
    local list = records()
    assert.is_true(#list > 300, #list .. ' records')
    local seen = {}
    for _, r in ipairs(list) do seen[r.table .. ' ' .. r.name] = r.by end
    assert.are.equal('lt_open_random', seen['torch manualSeed'])
    assert.are.equal('lt_open_random', seen['torch Generator'])
    assert.are.equal('lt_open_tensor', seen['tensor methods narrow'])
    assert.are.equal('lt_open_pointwise', seen['tensor methods cmax'])
    assert.are.equal('lt_open_idx', seen['torch._io readIDX'])
    assert.are.equal('lt_open_optim', seen['torch._optim sgd'])
  end)

  it('reports a name registered twice, set before, or replaced by Lua', function()
    local list = {
      {table = 'torch', name = 'f', by = 'lt_open_a', replaced = false, intact = true},
      {table = 'torch', name = 'g', by = 'lt_open_a', replaced = false, intact = true},
      {table = 'tensor methods', name = 'f', by = 'lt_open_b', replaced = false, intact = true},
      {table = 'torch', name = 'f', by = 'lt_open_b', replaced = true, intact = true},
      {table = 'torch._nn', name = 'h', by = 'lt_open_c', replaced = true, intact = true},
      {table = 'torch', name = 'k', by = 'lt_open_c', replaced = false, intact = false},
      {table = 'torch._io', name = 'r', by = 'lt_open_d', replaced = false, intact = true},
      {table = 'torch._io', name = 'r', by = 'lt_open_d', replaced = false, intact = true},
    }
    assert.are.same({
      'torch._io: r registered by lt_open_d, then again by lt_open_d',
      'torch._nn: h was set before lt_open_c registered it',
      'torch: f registered by lt_open_a, then again by lt_open_b',
      'torch: k of lt_open_c is replaced by Lua code',
    }, clashes(list))
  end)

  it('finds no clash in the binding files', function()
    local found = clashes(records())
    assert(#found == 0, 'registration clashes:\n  ' .. table.concat(found, '\n  '))
  end)
end)
