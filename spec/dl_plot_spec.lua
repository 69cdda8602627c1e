-- dl.plot and dl.show in the terminal, and the progress output of dl.fit through a pipe
-- (plain lines, no control characters) and on a pseudo-terminal (the loss curve).
require 'torch'
require 'nn'
require 'optim'
require 'dl'
local H = require 'spec.helpers'

local DLUA = os.getenv('DLUA') or './build/dlua'

local function lines_of(s)
  local t = {}
  for l in (s .. '\n'):gmatch('(.-)\n') do t[#t + 1] = l end
  return t
end

-- The braille cells' dot bits by (column, row) of the 2 x 4 grid.
local BITS = {{0x01, 0x02, 0x04, 0x40}, {0x08, 0x10, 0x20, 0x80}}

describe('dl.plot', function()
  it('fits the given width and height, with axes and values', function()
    local h = {epoch = {1, 2, 3, 4}, loss = {2, 1, 0.5, 0.25}, val_loss = {2.2, 1.3, 0.9, 0.8}}
    for _, size in ipairs{{40, 10}, {60, 14}, {100, 20}} do
      local s = dl.plot(h, {width = size[1], height = size[2], out = false})
      local ls = lines_of(s)
      assert.are.equal(size[2], #ls)
      for _, l in ipairs(ls) do assert.is_true(utf8.len(l) <= size[1], ('%d > %d: %s'):format(utf8.len(l), size[1], l)) end
      assert.is_nil(s:find('\27', 1, true)) -- no colour off a terminal
    end
    local ls = lines_of(dl.plot(h, {width = 40, height = 10, out = false}))
    -- the y axis runs from the largest value (top) to the smallest (bottom), the x axis
    -- over the epochs, and the legend names the lists (losses first)
    assert.truthy(ls[1]:find('^%s*2%.2 ┤'), ls[1])
    assert.truthy(ls[7]:find('^%s*0%.25 ┤'), ls[7])
    assert.truthy(ls[8]:find('└', 1, true))
    assert.truthy(ls[9]:find('^%s+1%s+2%.5%s+4$'), ls[9])
    assert.truthy(ls[10]:find('loss', 1, true) < ls[10]:find('val_loss', 1, true))
  end)

  it('puts the dots where the values are', function()
    -- y = {0, 1} against x = {1, 2}: a diagonal from the bottom left to the top right
    local s = dl.plot({x = {1, 2}, y = {0, 1}}, {width = 24, height = 8, out = false, legend = false})
    local ls = lines_of(s)
    local plot_rows = {}
    for i = 1, 6 do plot_rows[i] = ls[i]:match('\226\148[\164\130](.*)$') end -- after ┤ or │
    local function cell(r, c) return utf8.codepoint(plot_rows[r], utf8.offset(plot_rows[r], c)) end
    local w = utf8.len(plot_rows[1])
    -- bottom-left dot: column 0, row 3 of the first cell of the last row
    assert.is_true(cell(6, 1) - 0x2800 & BITS[1][4] ~= 0)
    -- top-right dot: column 1, row 0 of the last cell of the first row
    assert.is_true(cell(1, w) - 0x2800 & BITS[2][1] ~= 0)
    -- the top-left and bottom-right cells stay empty
    assert.are.equal(32, cell(1, 1))
    assert.are.equal(32, cell(6, w))
  end)

  it('takes tensors, lists and {x, y}, in braille or blocks', function()
    local t = torch.range(1, 30):apply(function(v) return math.sin(v / 5) end)
    local a = dl.plot(t, {width = 50, height = 10, out = false})
    assert.truthy(a:find('y', 1, true))
    local b = dl.plot({3, 1, 2}, {width = 30, height = 8, out = false, chars = 'block'})
    assert.truthy(b:find('[▀▄█]'))
    assert.is_nil(b:find('[\226][\160-\163]')) -- no braille
    local c = dl.plot(torch.Tensor{{1, 2, 3}, {3, 2, 1}}, {width = 30, height = 8, out = false})
    assert.truthy(c:find('row 2', 1, true))
    local d = dl.plot({x = torch.Tensor{0, 10}, y = {5, 6}}, {width = 30, height = 8, out = false})
    assert.truthy(lines_of(d)[7]:find('10$'))
    -- colour on request: one escape per run of a series and a reset
    local e = dl.plot({1, 2}, {width = 30, height = 8, out = false, color = true})
    assert.truthy(e:find('\27[36m', 1, true))
  end)

  it('writes to out and returns the text', function()
    local got = {}
    local s = dl.plot({1, 2, 3}, {width = 30, height = 8, out = {write = function(_, ...) got[#got + 1] = table.concat{...} end}})
    assert.are.equal(s .. '\n', table.concat(got))
  end)

  it('reports what it cannot draw', function()
    H.raises(function() dl.plot('x') end, 'dl.plot: expected a history, a tensor, a list or {x=, y=}, got string')
    H.raises(function() dl.plot({x = {1, 2}, y = {1}}, {out = false}) end, 'dl.plot: 2 x values but 1 y values')
    H.raises(function() dl.plot(torch.Tensor(2, 2, 2), {out = false}) end, 'a tensor must have 1 or 2 dimensions, got 3')
    H.raises(function() dl.plot({1, 2}, {width = 10, out = false}) end, 'width >= 20')
    H.raises(function() dl.plot({}, {out = false}) end, 'nothing to plot')
    H.raises(function() dl.plot({0 / 0}, {out = false}) end, 'no finite values')
    H.raises(function() dl.plot({epoch = {1}, loss = {1}}, {keys = {'acc'}, out = false}) end, 'the history has no acc')
  end)
end)

describe('dl.show', function()
  it('draws grey blocks, two characters a pixel', function()
    local s = dl.show(torch.Tensor{{0, 1}, {1, 0}}, {mode = 'grey', out = false})
    assert.are.same({'  ██', '██  '}, lines_of(s))
    local mid = dl.show(torch.Tensor{{0, 0.5, 1}}, {mode = 'grey', out = false, min = 0, max = 1})
    assert.are.equal('  ▒▒██', mid)
  end)

  it('draws 24-bit colour half blocks, two rows a line', function()
    local img = torch.Tensor(3, 2, 1):zero()
    img[1][1][1] = 1 -- top pixel red
    img[3][2][1] = 1 -- bottom pixel blue
    local s = dl.show(img, {mode = 'color', out = false, min = 0, max = 1})
    assert.are.equal('\27[38;2;255;0;0m\27[48;2;0;0;255m▀\27[0m', s)
    -- an odd height: the last line's lower half is black
    local g = dl.show(torch.Tensor{{1}}, {mode = 'color', out = false, min = 0, max = 1})
    assert.are.equal('\27[38;2;255;255;255m\27[48;2;0;0;0m▀\27[0m', g)
  end)

  it('tiles a filter bank, each filter on its own scale', function()
    local bank = torch.Tensor(4, 1, 2, 2)
    for i = 1, 4 do bank[i] = torch.Tensor{{0, 1}, {1, 0}} * i end
    local ls = lines_of(dl.show(bank, {mode = 'grey', out = false}))
    -- 2 x 2 tiles of 2 x 2 pixels, one pixel apart: 5 x 5 pixels
    assert.are.equal(5, #ls)
    for _, l in ipairs(ls) do assert.are.equal(10, utf8.len(l)) end
    assert.are.equal('  ██    ██', ls[1])
    assert.are.equal('          ', ls[3])
  end)

  it('reports what it cannot draw', function()
    H.raises(function() dl.show({}) end, 'dl.show: expected an image tensor, got table')
    H.raises(function() dl.show(torch.Tensor(2, 2, 2), {out = false}) end, 'an image must have 1 or 3 channels, got 2')
    H.raises(function() dl.show(torch.Tensor(2, 5, 2, 2), {out = false}) end, 'a batch must have 1 or 3 channels, got 5')
    H.raises(function() dl.show(torch.Tensor(2), {out = false}) end, 'got 1 dimensions')
    H.raises(function() dl.show(torch.Tensor(2, 2), {mode = 'x', out = false}) end, 'mode must be "color" or "grey"')
  end)
end)

local FIT = [[
require 'nn'; require 'optim'; require 'dl'
torch.manualSeed(1)
local X = torch.randn(200, 4)
local y = X:select(2, 1):gt(0):long() + 1
local model = nn.Sequential():add(nn.Linear(4, 8)):add(nn.Tanh()):add(nn.Linear(8, 2))
dl.fit(model, nn.CrossEntropyCriterion(), optim.adam, X, y, {epochs = 3, batchSize = 10, config = {learningRate = 0.01}})
]]

local M = require 'spec.dl_monitor_helpers'
local function write_script() return M.writefile(FIT) end

describe('dl.fit output', function()
  it('prints one plain line per epoch through a pipe', function()
    local script = write_script()
    local out = M.sh(('%s %s | cat'):format(DLUA, script))
    os.remove(script)
    assert.is_nil(out:find('[\r\27]'), 'control characters in piped output')
    local ls = lines_of(out)
    assert.are.equal(7, #ls, out) -- "Epoch i/3" and its line, three times, then the end
    assert.are.equal('', ls[7])
    for e = 1, 3 do
      assert.are.equal(('Epoch %d/3'):format(e), ls[2 * e - 1])
      assert.truthy(ls[2 * e]:find('^20/20 %[=+%] %- %d+s %d+%a+/step %- [%d.]+ samples/s %- loss: [%d.]+ %- accuracy: [%d.]+$'), ls[2 * e])
    end
  end)

  it('redraws in place and draws the loss curve on a terminal', function()
    local script = write_script()
    local log = os.tmpname()
    -- script(1) runs the command on a pseudo-terminal and keeps what it wrote
    local cmd = ('env -u LD_PRELOAD COLUMNS=80 LINES=30 script -qfec %q %q > /dev/null 2>&1')
      :format(DLUA .. ' ' .. script, log)
    local ok = os.execute(cmd)
    assert.is_true(ok == true or ok == 0, 'script(1) failed: ' .. cmd)
    local out = M.readfile(log)
    os.remove(script)
    os.remove(log)
    assert.truthy(out:find('\r', 1, true))
    assert.truthy(out:find('ETA: ', 1, true))
    assert.truthy(out:find('samples/s', 1, true))
    assert.truthy(out:find('└', 1, true), 'no chart at the end')
    assert.truthy(out:find('[\226][\160-\163]'), 'no braille in the chart')
  end)
end)
