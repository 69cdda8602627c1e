-- Shared helpers for the specs: tensors to plain tables, and error capture.
local H = {}
local assert = require 'luassert'

-- Nested Lua table of a tensor's values.
function H.values(t) return t:totable() end

-- The error message of f(...), or nil when it does not raise.
function H.errmsg(f, ...)
  local ok, err = pcall(f, ...)
  if ok then return nil end
  return tostring(err)
end

-- Asserts f raises an error whose message contains every given plain string.
function H.raises(f, ...)
  local msg = H.errmsg(f)
  assert(msg, 'expected an error')
  for _, s in ipairs({...}) do
    assert(msg:find(s, 1, true), ('error %q does not contain %q'):format(msg, s))
  end
  return msg
end

-- Asserts two numbers, or nested tables of numbers, agree within tol (default 1e-6).
function H.near(a, b, tol)
  tol = tol or 1e-6
  if type(a) == 'table' then
    assert.are.equal(#b, #a)
    for i = 1, #a do H.near(a[i], b[i], tol) end
    return
  end
  assert(math.abs(a - b) <= tol, string.format('%.10g differs from %.10g', a, b))
end

-- Nested Lua tables of the values of a tensor or a nested table of tensors.
function H.vals(x)
  if torch.isTensor(x) then return x:totable() end
  local out = {}
  for i, v in ipairs(x) do out[i] = H.vals(v) end
  return out
end

-- Gradient checks through nn.Jacobian in float64: input, and a parameter with its gradient.
function H.jac(m, input, lo, hi)
  local err = nn.Jacobian.testJacobian(m, input, lo, hi)
  assert(err < 1e-6, torch.type(m) .. ': jacobian error ' .. err)
end

function H.jacp(m, input, p, dp)
  local err = nn.Jacobian.testJacobianParameters(m, input, p, dp)
  assert(err < 1e-6, torch.type(m) .. ': parameter jacobian error ' .. err)
end

-- Runs a driver script in its own dlua process (so that a crash does not take busted
-- down), with environment assignments env (a string, may be ''), and returns its stdout,
-- its exit code and a message with the end of its stderr for a failing assertion.
-- timeout(1) turns a hang into exit code 124. prog runs it instead of dlua ('lua5.4').
function H.run_driver(script, env, prog)
  local dlua = prog or os.getenv('DLUA') or './build/dlua'
  local function q(s) return "'" .. tostring(s):gsub("'", "'\\''") .. "'" end
  local errf = os.tmpname()
  local p = assert(io.popen(('%s timeout 600 %s %s 2>%s'):format(env or '', q(dlua), script, errf), 'r'))
  local out = p:read('a')
  local _, _, code = p:close()
  local f = assert(io.open(errf))
  local err = f:read('a')
  f:close()
  os.remove(errf)
  local msg = ('exit code %s%s\nlast stderr:\n%s'):format(tostring(code),
    code == 124 and ' (hang)' or '', err:sub(-3000))
  return out, code, msg
end

-- Runs a training script in its own dlua process and returns the two numbers it prints
-- on its line `rss A B` (resident kB at two epochs). The script may call rss(), defined
-- here before it. The child runs without AddressSanitizer's quarantine, which fills over
-- the first epochs and reads as growth. prog as for run_driver.
function H.run_rss(script, prog)
  local path = os.tmpname()
  local w = assert(io.open(path, 'w'))
  w:write([[
local function rss()
  for line in io.lines('/proc/self/status') do
    local kb = line:match('^VmRSS:%s+(%d+)')
    if kb then return tonumber(kb) end
  end
end
]], script)
  w:close()
  local asan = os.getenv('ASAN_OPTIONS')
  local out, code, msg = H.run_driver(path, asan and ("ASAN_OPTIONS='" .. asan .. ":quarantine_size_mb=0'"), prog)
  os.remove(path)
  local a, b = out:match('rss%s+(%d+)%s+(%d+)')
  assert(code == 0 and a, msg .. '\nstdout:\n' .. out:sub(-2000))
  return tonumber(a), tonumber(b)
end

return H
