-- The REPL's help and completions on a pseudo-terminal (script(1) gives dlua one and
-- feeds it the typed lines), the lazy globals nn, optim, dl and help, and tracebacks
-- without C frames named after whatever table holds the function.
require 'torch'

local DLUA = os.getenv('DLUA') or './build/dlua'
local abs = DLUA:sub(1, 1) == '/' and DLUA or (os.getenv('PWD') .. '/' .. DLUA)

local function q(s) return "'" .. tostring(s):gsub("'", "'\\''") .. "'" end

local sh = require('spec.dl_monitor_helpers').sh

-- Types each input (a string; "\t" is Tab) into a dlua REPL, a pause after each, and
-- returns what the terminal showed, without carriage returns.
local function session(inputs, dir)
  local parts = {}
  for _, s in ipairs(inputs) do
    parts[#parts + 1] = ('printf %%s %s; sleep 0.4'):format(q(s))
  end
  parts[#parts + 1] = "printf 'os.exit()\\n'"
  local cmd = ('cd %s && (%s) | env -u LD_PRELOAD HOME=%s TERM=xterm timeout 30 script -qfec %s /dev/null')
    :format(q(dir), table.concat(parts, '; '), q(dir), q(abs))
  return (sh(cmd):gsub('\r', ''))
end

describe('the REPL help', function()
  local dir
  setup(function()
    dir = require('spec.dl_monitor_helpers').tmpdir()
    os.execute(('mkdir -p %s/datadir && touch %s/datadir/iris_flowers.csv'):format(q(dir), q(dir)))
  end)
  teardown(function() os.execute('rm -rf ' .. q(dir)) end)

  it('prints an entry with ?name, the topics with ?, a page with ?page', function()
    local out = session({'?torch.narrow\n', '?\n', '?dl_monitor\n', '?no.such.thing\n'}, dir)
    assert.truthy(out:find('### `x:narrow(dim, index, size)`\nElements `index .. index+size-1` of dimension `dim`.', 1, true), out)
    assert.truthy(out:find('(docs/tensor.md)', 1, true))
    assert.truthy(out:find('Topics (?name for one', 1, true))
    assert.truthy(out:find('\n  tensor +Tensors\n'))
    assert.truthy(out:find('(docs/dl_monitor.md)\nThe profiler\n', 1, true), out)
    assert.truthy(out:find('help: nothing documented as no.such.thing', 1, true))
  end)

  it('has help(f) for values and names', function()
    local out = session({'help(nn.Linear)\n', "help('dl.plot')\n"}, dir)
    assert.truthy(out:find('### nn.Linear(inputSize, outputSize', 1, true), out)
    assert.truthy(out:find('### dl.plot(data [, options])', 1, true), out)
  end)

  it('completes module names and file names inside strings', function()
    local out = session({'nn.SpatialMaxPoo\t\n', 'print("datadir/iris_\t")\n'}, dir)
    assert.truthy(out:find('nn.SpatialMaxPooling', 1, true), out)
    assert.truthy(out:find('\ndatadir/iris_flowers.csv\n', 1, true), out)
  end)

  it('reports an error with the script frames only', function()
    local out = session({'x = torch.Tensor(5)\n', 'x:narrow(1, 7, 1)\n'}, dir)
    assert.truthy(out:find('stdin:1: narrow: index 7 out of range for dimension 1 (size 5)\nstack traceback:\n\tstdin:1: in main chunk\n', 1, true), out)
    assert.is_nil(out:find('[C]', 1, true))
    assert.is_nil(out:find('torch.serialize', 1, true))
  end)
end)

describe('the dlua globals', function()
  it('loads nn, optim, dl and help on first use', function()
    local out = sh(('%s -e %s 2>&1'):format(q(DLUA),
      q("print(rawget(_G, 'nn') == nil, torch.type(nn.Linear(2, 2)), type(optim.sgd), type(dl.fit), type(help.text))")))
    assert.are.equal('true\tnn.Linear\tfunction\tfunction\tfunction\n', out)
  end)

  it('prints a script error with its frames and no C frame names', function()
    local f = require('spec.dl_monitor_helpers').writefile(
      'local function g(t) return t:narrow(1, 9, 1) end\nlocal function f() local r = g(torch.Tensor(3)); return r end\nf()\n')
    local out = sh(('%s %s 2>&1'):format(q(DLUA), q(f)))
    os.remove(f)
    assert.truthy(out:find(':1: narrow: index 9 out of range', 1, true), out)
    assert.truthy(out:find(":2: in local 'f'", 1, true) or out:find(":2: in upvalue 'f'", 1, true), out)
    assert.truthy(out:find(':3: in main chunk', 1, true), out)
    assert.is_nil(out:find('[C]', 1, true), out)
  end)
end)
