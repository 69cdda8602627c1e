-- dl.fit{report = 'run.html'}: a self-contained HTML file whose SVG curves carry the
-- history's values, rendered in headless Chromium (Debian's chromium; `make deps`
-- installs it). Without chromium the rendering test fails and says so.
require 'torch'
require 'nn'
require 'optim'
require 'dl'
local H = require 'spec.helpers'

local M = require 'spec.dl_monitor_helpers'
local readfile, tmpdir = M.readfile, M.tmpdir
local function sh(cmd) return M.sh(cmd .. ' 2>/dev/null') end

local function attrs(tag)
  local t = {}
  for k, v in tag:gmatch('([%w%-]+)="([^"]*)"') do t[k] = v end
  return t
end

-- The charts of an HTML text: {{attrs of the svg, curves = {key = {{x, y}, ...}}}, ...}
local function charts(html)
  local out = {}
  for svg, body in html:gmatch('(<svg class="chart"[^>]*>)(.-)</svg>') do
    local c = {a = attrs(svg), curves = {}}
    for path in body:gmatch('<path class="curve"[^>]*>') do
      local pa = attrs(path)
      local pts = {}
      for x, y in pa.d:gmatch('[ML]([%d.%-]+) ([%d.%-]+)') do pts[#pts + 1] = {tonumber(x), tonumber(y)} end
      c.curves[pa['data-key']] = pts
    end
    out[#out + 1] = c
  end
  return out
end

-- The value a point stands for, through the mapping the svg states (see lua/dl/report.lua).
local function unmap(a, px, py)
  local n = function(k) return tonumber(a['data-' .. k]) end
  local x = n('xmin') + (px - n('left')) / (n('right') - n('left')) * (n('xmax') - n('xmin'))
  local y = n('ymin') + (n('bottom') - py) / (n('bottom') - n('top')) * (n('ymax') - n('ymin'))
  return x, y, n('ymax') - n('ymin')
end

local function run_fit(path)
  torch.manualSeed(11)
  local X = torch.randn(240, 4)
  local y = torch.LongTensor(240)
  for i = 1, 240 do y[i] = (X[i][1] > 0 and 1 or 0) + (X[i][2] > 0 and 2 or 0) + 1 end
  local model = nn.Sequential():add(nn.Linear(4, 16)):add(nn.ReLU()):add(nn.Linear(16, 4))
  local history = dl.fit(model, nn.CrossEntropyCriterion(), optim.adam, X, y, {
    epochs = 5, batchSize = 20, config = {learningRate = 0.02}, validation = 0.25,
    report = path, verbose = false, plot = false, classes = {'neither', 'x1', 'x2', 'both'},
  })
  return history
end

describe('dl.fit{report = ...}', function()
  local dir, path, history, html

  setup(function()
    dir = tmpdir()
    path = dir .. '/run.html'
    history = run_fit(path)
    html = readfile(path)
  end)

  teardown(function() os.execute(('rm -rf %q'):format(dir)) end)

  it('is one self-contained file: no scripts, no links, no fetches', function()
    assert.truthy(html:find('^<!DOCTYPE html>'))
    assert.is_nil(html:find('<script', 1, true))
    assert.is_nil(html:find('<link', 1, true))
    assert.is_nil(html:find(' src="', 1, true))
    assert.is_nil(html:find('href=', 1, true))
    -- the only URL is the SVG namespace, which is a name, not a fetch
    local stripped = html:gsub('xmlns="http://www.w3.org/2000/svg"', '')
    assert.is_nil(stripped:find('https?://'))
  end)

  it('draws the curves with points at the history\'s values', function()
    local cs = charts(html)
    assert.are.equal(2, #cs)
    local want = {loss = 1, val_loss = 1, accuracy = 2, val_accuracy = 2}
    for key, chart in pairs(want) do
      local pts = cs[chart].curves[key]
      assert.is_not_nil(pts, key)
      assert.are.equal(5, #pts, key)
      for i, p in ipairs(pts) do
        local x, y, span = unmap(cs[chart].a, p[1], p[2])
        H.near(x, history.epoch[i], 1e-2)
        -- the path has three decimals of a 230-pixel-high chart
        assert.is_true(math.abs(y - history[key][i]) <= span * 1e-4,
          ('%s[%d]: %.6f drawn, %.6f in the history'):format(key, i, y, history[key][i]))
      end
    end
  end)

  it('has the model, the confusion matrix, the settings and the timings', function()
    assert.truthy(html:find('<pre class="model">nn.Sequential', 1, true))
    assert.truthy(html:find('nn.Linear(4 -&gt; 16)', 1, true))
    assert.truthy(html:find('148 parameters', 1, true)) -- 4*16+16 + 16*4+4
    local cells = 0
    for _ in html:gmatch('<rect class="cell"') do cells = cells + 1 end
    assert.are.equal(16, cells)
    assert.truthy(html:find('Confusion matrix (validation set', 1, true))
    assert.truthy(html:find('class="rowlabel">both</text>', 1, true))
    assert.truthy(html:find('<title>x1 as both: %d+</title>'))
    assert.truthy(html:find('<th>batchSize</th><td>20</td>', 1, true))
    assert.truthy(html:find('<th>config</th><td>{learningRate = 0.02}</td>', 1, true))
    assert.truthy(html:find('<th>epoch 5</th><td>', 1, true))
    assert.truthy(html:find('samples/s', 1, true))
  end)

  it('renders in headless Chromium', function()
    local chromium = sh('command -v chromium'):match('%S+')
    assert(chromium, '\n\n*** chromium is not installed: this spec cannot check the report renders.\n'
      .. '*** Install it with `make deps` (Debian package chromium) and run the spec again. ***\n')
    local png = dir .. '/shot.png'
    local blank = dir .. '/blank.png'
    local base = ('env -u LD_PRELOAD %s --headless --disable-gpu --no-sandbox --user-data-dir=%q '
      .. '--window-size=1200,1600 '):format(chromium, dir .. '/profile')
    sh(base .. ('--screenshot=%q file://%s'):format(png, path))
    sh(base .. ('--screenshot=%q about:blank'):format(blank))
    local shot = readfile(png)
    assert.are.equal('\137PNG\r\n\26\n', shot:sub(1, 8))
    -- IHDR: the size asked for
    local w, h = string.unpack('>I4>I4', shot, 17)
    assert.are.same({1200, 1600}, {w, h})
    -- a blank page of the same size compresses to far less than the rendered report
    local empty = readfile(blank)
    assert.is_true(#shot > 4 * #empty, ('screenshot %d bytes, blank page %d bytes'):format(#shot, #empty))
    -- the DOM Chromium built holds the four curves with their points
    local dom = sh(base .. ('--dump-dom file://%s'):format(path))
    local cs = charts(dom)
    assert.are.equal(2, #cs)
    assert.are.equal(5, #cs[1].curves.loss)
    assert.are.equal(5, #cs[2].curves.val_accuracy)
  end)
end)

describe('dl.report', function()
  it('writes a report from a history alone', function()
    local dir = tmpdir()
    local p = dl.report(dir .. '/h.html', {history = {epoch = {1, 2}, loss = {1, 0.5}}, title = 'a <b> run'})
    local s = readfile(p)
    assert.truthy(s:find('<h1>a &lt;b&gt; run</h1>', 1, true))
    assert.are.equal(1, #charts(s))
    os.execute(('rm -rf %q'):format(dir))
  end)

  it('reports bad arguments', function()
    H.raises(function() dl.report(5, {}) end, 'dl.report: argument 1: expected a file name, got number')
    H.raises(function() dl.report('/tmp/x.html', {}) end, 'expected a table with a history')
    H.raises(function() dl.report('/nonexistent/dir/x.html', {history = {loss = {1}}}) end, 'dl.report: cannot write /nonexistent/dir/x.html')
  end)
end)
