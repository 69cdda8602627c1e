require 'torch'

-- The dlua REPL on a real pseudo-terminal: a detached tmux session on a private socket,
-- driven with send-keys and read with capture-pane, polling until the expected text
-- shows up (or a timeout). HOME points at a temporary folder for the history file.
local DLUA = os.getenv('DLUA') or './build-dlua/dlua'
local TIMEOUT = 15 -- seconds; generous for sanitizer builds

local function q(s) return "'" .. tostring(s):gsub("'", "'\\''") .. "'" end

local function sh(cmd)
  local p = assert(io.popen(cmd .. ' 2>&1'))
  local out = p:read('a')
  p:close()
  return out
end

local abs = DLUA:sub(1, 1) == '/' and DLUA or (os.getenv('PWD') .. '/' .. DLUA)
local id = sh('echo $$'):gsub('%s', '')
local home = sh('mktemp -d'):gsub('%s', '')
local socket = 'dluaspec-' .. id
-- tmux runs without the sanitizer preload that the spec runner may set for busted
local tmux = 'env -u LD_PRELOAD tmux -L ' .. socket .. ' '
local nsessions = 0
local session -- the current session's name

-- Starts dlua in a new session; when it exits, the pane shows "[exited N]".
local function start()
  nsessions = nsessions + 1
  session = 'repl' .. nsessions
  local script = home .. '/run' .. nsessions .. '.sh'
  local f = assert(io.open(script, 'w'))
  -- the shell shares dlua's terminal: it must survive the Ctrl-C sent to dlua
  f:write(('trap : INT\nHOME=%s TERM=xterm %s\necho "[exited $?]"\nsleep 600\n')
          :format(q(home), q(abs)))
  f:close()
  sh(tmux .. 'new-session -d -s ' .. session .. ' -x 150 -y 50 ' .. q('sh ' .. script))
end

local function screen()
  return sh(tmux .. 'capture-pane -p -J -S -1000 -t ' .. session)
end

-- Waits until the screen contains text (plain), after position `from`; returns the end
-- position of the match, or fails the test with the screen shown.
local function waitfor(text, from)
  local deadline = os.time() + TIMEOUT
  local s
  repeat
    s = screen()
    local _, e = s:find(text, from or 1, true)
    if e then return e, s end
    os.execute('sleep 0.05')
  until os.time() > deadline
  error(('timed out waiting for %q; screen:\n%s'):format(text, s))
end

-- Types text literally (tmux reads a final ';' as its command separator: escape it).
local function type(text)
  text = text:gsub(';$', '\\;')
  sh(tmux .. 'send-keys -t ' .. session .. ' -l -- ' .. q(text))
end

local function key(...)
  sh(tmux .. 'send-keys -t ' .. session .. ' ' .. table.concat({...}, ' '))
end

local function line(text)
  type(text)
  key('Enter')
end

describe('the dlua REPL', function()
  setup(function()
    assert(sh('command -v tmux'):find('tmux'), 'tmux is needed (make deps installs it)')
    start()
    waitfor('> ')
  end)

  teardown(function()
    local path = sh(tmux .. "display-message -p '#{socket_path}'"):gsub('%s+$', '')
    sh(tmux .. 'kill-server')
    if path:find(socket, 1, true) then os.remove(path) end -- tmux leaves it behind
    os.execute('rm -rf ' .. q(home))
  end)

  it('prints the value of an expression', function()
    line('1+1')
    waitfor('> 1+1\n2\n> ')
    line('"a" .. 3')
    waitfor('> "a" .. 3\na3\n> ')
    line('select("#", 1, nil, 3), nil')
    local _, s = waitfor('> select("#", 1, nil, 3), nil\n3')
    assert.truthy(s:find('\n3%s+nil\n> '))
  end)

  it('prints a tensor', function()
    line('x = torch.FloatTensor({{1,2},{3,4}})')
    line('x')
    waitfor('> x\n 1  2\n 3  4\n[torch.FloatTensor of size 2x2]\n> ')
  end)

  it('does not print the value of a line ending with ;', function()
    line('x;')
    line('print("after-quiet")')
    waitfor('> x;\n> print("after-quiet")\nafter-quiet\n')
  end)

  it('continues an incomplete statement on the next line with >>', function()
    line('for i = 1, 3 do')
    waitfor('> for i = 1, 3 do\n>> ')
    line('io.write(i * 11, " ")')
    line('end')
    waitfor('>> end\n11 22 33 > ')
  end)

  it('prints an error and goes on', function()
    line('error("oops-1")')
    local e = waitfor('stdin:1: oops-1')
    waitfor('stack traceback:', e)
    line('print("still-here")')
    waitfor('still-here\n> ', e)
  end)

  it('completes methods of a tensor with tab', function()
    type('x:nar')
    key('Tab')
    waitfor('> x:narrow')
    line('(1, 2, 1)')
    waitfor('> x:narrow(1, 2, 1)\n 3  4\n[torch.FloatTensor of size 1x2]\n> ')
  end)

  it('completes fields of global tables with tab', function()
    type('torch.getdefaultt')
    key('Tab')
    waitfor('> torch.getdefaulttensortype')
    line('()')
    waitfor('> torch.getdefaulttensortype()\ntorch.DoubleTensor\n> ')
    type('myVeryOwnGlob = 5')
    key('Enter')
    type('myVeryOw')
    key('Tab')
    key('Enter')
    waitfor('> myVeryOwnGlob\n5\n> ')
  end)

  it('completes methods found through a chain of __index tables', function()
    line('Base = {}; Base.__index = Base; function Base.greetBase() return "hi" end')
    line('Cls = setmetatable({}, Base); Cls.__index = Cls; obj = setmetatable({}, Cls)')
    type('obj:greetB')
    key('Tab')
    line('()')
    waitfor('> obj:greetBase()\nhi\n> ')
  end)

  it('interrupts a running loop with Ctrl-C and returns to the prompt, every time', function()
    local e = 1
    for round = 1, 2 do
      line('while true do end')
      os.execute('sleep 0.3')
      key('C-c')
      e = waitfor('interrupted!', e)
      line('print("alive-" .. ' .. round .. ')')
      e = waitfor('alive-' .. round .. '\n> ', e)
    end
  end)

  it('drops the line being typed on Ctrl-C at the prompt', function()
    type('error("never-run")')
    key('C-c')
    line('40 + 2')
    local e, s = waitfor('> 40 + 2\n42\n> ')
    assert.falsy(s:find('never-run', 1, true) and s:find('stdin:1: never-run', 1, true))
    assert.truthy(e)
  end)

  it('exits on Ctrl-D and saves the history', function()
    line('print("last-line")')
    waitfor('last-line\n> ')
    key('C-d')
    waitfor('[exited 0]')
    local f = assert(io.open(home .. '/.dlua_history'))
    local h = f:read('a')
    f:close()
    assert.truthy(h:find('print("last-line")', 1, true))
    assert.truthy(h:find('1+1', 1, true))
  end)

  it('recalls the history of an earlier session with the up arrow', function()
    start()
    waitfor('> ')
    key('Up')
    waitfor('> print("last-line")')
    key('Enter')
    waitfor('> print("last-line")\nlast-line\n> ')
    key('C-d')
    waitfor('[exited 0]')
  end)
end)
