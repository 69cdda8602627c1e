require 'torch'

-- The dlua executable, run through a shell: options, the arg table, exit status, errors.
local DLUA = os.getenv('DLUA') or './build-dlua/dlua'

local function q(s) return "'" .. tostring(s):gsub("'", "'\\''") .. "'" end

-- Runs dlua with the given shell-quoted argument string (and optional stdin text);
-- returns stdout, stderr and the exit code.
local function run(args, input, env)
  local errf, inf = os.tmpname(), os.tmpname()
  local f = assert(io.open(inf, 'w'))
  f:write(input or '')
  f:close()
  local cmd = (env or '') .. ' ' .. q(DLUA) .. ' ' .. args .. ' <' .. inf .. ' 2>' .. errf
  local p = assert(io.popen(cmd, 'r'))
  local out = p:read('a')
  local _, _, code = p:close()
  f = assert(io.open(errf))
  local err = f:read('a')
  f:close()
  os.remove(errf)
  os.remove(inf)
  return out, err, code
end

local function tmpfile(text)
  local name = os.tmpname()
  local f = assert(io.open(name, 'w'))
  f:write(text)
  f:close()
  return name
end

local function tmpdir()
  local p = io.popen('mktemp -d')
  local d = p:read('l')
  p:close()
  return d
end

describe('dlua', function()
  it('runs a script with arg set as lua5.4 sets it, and ... too', function()
    local script = tmpfile([[
      print(select('#', ...), ...)
      for i = -3, 3 do io.write(i, '=', tostring(arg[i]), ' ') end
      print()
    ]])
    local out, err, code = run('-e "x=1" ' .. q(script) .. ' a "b c"')
    assert.are.equal(0, code, err)
    local lines = {}
    for l in out:gmatch('[^\n]+') do lines[#lines + 1] = l end
    assert.are.equal('2\ta\tb c', lines[1])
    assert.are.equal(('-3=%s -2=-e -1=x=1 0=%s 1=a 2=b c 3=nil '):format(DLUA, script), lines[2])
    os.remove(script)
  end)

  it('sets arg[0] to the interpreter when there is no script', function()
    local out = run('-e "print(arg[0], arg[1], arg[-1])"')
    assert.are.equal(DLUA .. '\t-e\tnil\n', out)
  end)

  it('has torch loaded as a global before the script', function()
    local out, err, code = run('-e "print(torch.type(torch.Tensor(2)), package.loaded.torch == torch)"')
    assert.are.equal(0, code, err)
    assert.are.equal('torch.DoubleTensor\ttrue\n', out)
  end)

  it('prints tensors with the torch printer', function()
    local out = run([[-e "print(torch.LongTensor({{1,2},{3,4}}))"]])
    assert.are.equal(' 1  2\n 3  4\n[torch.LongTensor of size 2x2]\n', out)
  end)

  it('finds its Lua files next to the executable, from any folder', function()
    local abs = DLUA:sub(1, 1) == '/' and DLUA or (os.getenv('PWD') .. '/' .. DLUA)
    local cmd = 'cd / && env -u LUA_PATH -u LUA_CPATH -u LUA_INIT ' .. q(abs) ..
                ' -e "print(torch.Tensor(1):dim())" 2>&1'
    local p = io.popen(cmd)
    local out = p:read('a')
    p:close()
    assert.are.equal('1\n', out)
  end)

  it('runs -e options in order, with -l mod and -l g=mod', function()
    local dir = tmpdir()
    local f = assert(io.open(dir .. '/mymod.lua', 'w'))
    f:write('return {value = 42}')
    f:close()
    local env = 'LUA_PATH=' .. q(dir .. '/?.lua;;')
    local out, err, code = run('-l mymod -l g=mymod -e "io.write(mymod.value)" -e "print(g.value)"',
                               nil, env)
    assert.are.equal(0, code, err)
    assert.are.equal('4242\n', out)
    os.remove(dir .. '/mymod.lua')
    os.remove(dir)
  end)

  it('runs a script from stdin with -', function()
    local out, err, code = run('- a b', 'print(arg[0], #arg, ...)')
    assert.are.equal(0, code, err)
    assert.are.equal('-\t2\ta\tb\n', out)
  end)

  it('runs stdin as a file when it is not a terminal and there are no arguments', function()
    local out = run('', 'local x = 2\nprint(x * 21)\n')
    assert.are.equal('42\n', out)
  end)

  it('stops handling options after --', function()
    local script = tmpfile('print(arg[1], arg[2])')
    local out, err, code = run('-- ' .. q(script) .. ' -e -v')
    assert.are.equal(0, code, err)
    assert.are.equal('-e\t-v\n', out)
    os.remove(script)
  end)

  it('prints the versions of dlua and Lua with -v', function()
    local out, _, code = run('-v')
    assert.are.equal(0, code)
    assert.truthy(out:find('^dlua %d+%.%d+'))
    assert.truthy(out:find('Lua 5.4', 1, true))
  end)

  it('prints usage for --help and exits with success', function()
    local out, _, code = run('--help')
    assert.are.equal(0, code)
    assert.truthy(out:find('usage: ', 1, true))
    assert.truthy(out:find('-e stat', 1, true))
  end)

  it('rejects unknown options and missing option arguments', function()
    local out, err, code = run('-x')
    assert.are.equal(1, code)
    assert.are.equal('', out)
    assert.truthy(err:find("unrecognized option '-x'", 1, true))
    assert.truthy(err:find('usage: ', 1, true))
    _, err, code = run('-e')
    assert.are.equal(1, code)
    assert.truthy(err:find("'-e' needs argument", 1, true))
  end)

  it('reports an uncaught error with a traceback and a failing status', function()
    local script = tmpfile('local function f() error("boom") end\nf()\n')
    local out, err, code = run(q(script))
    assert.are.equal(1, code)
    assert.are.equal('', out)
    assert.truthy(err:find(':1: boom', 1, true))
    assert.truthy(err:find('stack traceback:', 1, true))
    assert.truthy(err:find("in local 'f'", 1, true) or err:find("in function 'f'", 1, true))
    os.remove(script)
    _, err, code = run('-e "error({})"')
    assert.are.equal(1, code)
    assert.truthy(err:find('error object is a table value', 1, true))
  end)

  it('reports syntax errors and missing scripts', function()
    local _, err, code = run('-e "x = = 1"')
    assert.are.equal(1, code)
    assert.truthy(err:find('unexpected symbol', 1, true))
    _, err, code = run('/nonexistent/script.lua')
    assert.are.equal(1, code)
    assert.truthy(err:find('cannot open /nonexistent/script.lua', 1, true))
  end)

  it('exits with the status given to os.exit', function()
    local _, _, code = run('-e "os.exit(3)"')
    assert.are.equal(3, code)
    _, _, code = run('-e "os.exit(false)"')
    assert.are.equal(1, code)
    _, _, code = run('-e "os.exit(true)"')
    assert.are.equal(0, code)
  end)

  it('runs LUA_INIT (a chunk, or @file) before the options, unless -E', function()
    local out = run('-e "print(x)"', nil, 'LUA_INIT=' .. q('x = 7'))
    assert.are.equal('7\n', out)
    local init = tmpfile('y = "from file"')
    out = run('-e "print(y)"', nil, 'LUA_INIT=' .. q('@' .. init))
    assert.are.equal('from file\n', out)
    out = run('-e "print(x)"', nil, 'LUA_INIT_5_4=' .. q('x = 1') .. ' LUA_INIT=' .. q('x = 2'))
    assert.are.equal('1\n', out)
    out = run('-E -e "print(x)"', nil, 'LUA_INIT=' .. q('x = 7'))
    assert.are.equal('nil\n', out)
    local _, err, code = run('-e "print(1)"', nil, 'LUA_INIT=' .. q('error("init failed")'))
    assert.are.equal(1, code)
    assert.truthy(err:find('init failed', 1, true))
    os.remove(init)
  end)

  it('enters the REPL after the script with -i, reading plain lines from a pipe', function()
    local script = tmpfile('z = 20')
    local out, err, code = run('-i ' .. q(script), 'z + 1\nprint("x")\nz;\n')
    assert.are.equal(0, code, err)
    assert.truthy(out:find('\n21\nx\n', 1, true))
    assert.falsy(out:find('20\n', 1, true))
    assert.falsy(out:find('> ', 1, true)) -- no prompts without a terminal
    os.remove(script)
  end)

  it('keeps going in the piped REPL after an error, and continues incomplete lines', function()
    local out, err = run('-i', 'error("first")\nfor i = 1, 2 do\nprint(i * 5)\nend\n')
    assert.truthy(err:find('stdin:1: first', 1, true))
    assert.truthy(out:find('5\n10\n', 1, true))
    -- input ending inside a statement reports it
    _, err = run('-i', 'if true then\n')
    assert.truthy(err:find("'end' expected", 1, true))
  end)
end)
