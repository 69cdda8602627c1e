-- dl.report(path, run): one self-contained HTML file describing a training run (no
-- network, no JavaScript): the training and validation curves as inline SVG, the model,
-- the confusion matrix as a heat map, the run's settings and timings, and the profile
-- when there is one. dl.fit{report = 'run.html'} calls it at the end.
--
-- Each curve is a <path class="curve" data-key="loss"> in an <svg class="chart"> whose
-- data-xmin/xmax/ymin/ymax and data-left/right/top/bottom attributes give the mapping:
--   px = left + (x - xmin) / (xmax - xmin) * (right - left)
--   py = bottom - (y - ymin) / (ymax - ymin) * (bottom - top)
-- with x the epoch, so a reader (or a test) can take the points back to the values.
local dl = require 'dl'

local function esc(s)
  return (tostring(s):gsub('[&<>"]', {['&'] = '&amp;', ['<'] = '&lt;', ['>'] = '&gt;', ['"'] = '&quot;'}))
end

local function num(v)
  if v == math.floor(v) and math.abs(v) < 1e15 then return ('%d'):format(v) end
  return ('%.6g'):format(v)
end

local COLORS = {loss = '#1f77b4', val_loss = '#ff7f0e', accuracy = '#2ca02c', val_accuracy = '#d62728'}
local PALETTE = {'#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b'}

-- An SVG line chart of history[keys] against history.epoch.
local function chart(history, keys, title)
  local present = {}
  for _, k in ipairs(keys) do
    if type(history[k]) == 'table' and #history[k] > 0 then present[#present + 1] = k end
  end
  if #present == 0 then return '' end
  local xs = history.epoch or {}
  local ymin, ymax, xmin, xmax = math.huge, -math.huge, math.huge, -math.huge
  for _, k in ipairs(present) do
    for i, v in ipairs(history[k]) do
      local x = xs[i] or i
      if v == v and math.abs(v) ~= math.huge then
        ymin, ymax = math.min(ymin, v), math.max(ymax, v)
        xmin, xmax = math.min(xmin, x), math.max(xmax, x)
      end
    end
  end
  if ymin > ymax then return '' end
  if ymin == ymax then ymin, ymax = ymin - 0.5, ymax + 0.5 end
  if xmin == xmax then xmin, xmax = xmin - 0.5, xmax + 0.5 end
  local W, H, left, right, top, bottom = 560, 300, 60, 540, 30, 260
  local function px(x) return left + (x - xmin) / (xmax - xmin) * (right - left) end
  local function py(y) return bottom - (y - ymin) / (ymax - ymin) * (bottom - top) end
  local p = {}
  p[#p + 1] = ('<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" '
    .. 'data-xmin="%s" data-xmax="%s" data-ymin="%s" data-ymax="%s" data-left="%d" data-right="%d" data-top="%d" data-bottom="%d">')
    :format(W, H, W, H, num(xmin), num(xmax), ('%.17g'):format(ymin), ('%.17g'):format(ymax), left, right, top, bottom)
  p[#p + 1] = ('<text x="%d" y="18" class="title">%s</text>'):format(left, esc(title))
  -- grid and axis labels: five levels
  for i = 0, 4 do
    local v = ymin + (ymax - ymin) * i / 4
    local y = py(v)
    p[#p + 1] = ('<line x1="%d" y1="%.2f" x2="%d" y2="%.2f" class="grid"/>'):format(left, y, right, y)
    p[#p + 1] = ('<text x="%d" y="%.2f" class="ylabel">%s</text>'):format(left - 6, y + 4, ('%.4g'):format(v))
  end
  local xticks = math.min(#xs > 0 and #xs or 1, 10)
  for i = 0, xticks - 1 do
    local v = xticks > 1 and xmin + (xmax - xmin) * i / (xticks - 1) or xmin
    p[#p + 1] = ('<text x="%.2f" y="%d" class="xlabel">%s</text>'):format(px(v), bottom + 16, ('%.4g'):format(v))
  end
  p[#p + 1] = ('<line x1="%d" y1="%d" x2="%d" y2="%d" class="axis"/>'):format(left, bottom, right, bottom)
  p[#p + 1] = ('<line x1="%d" y1="%d" x2="%d" y2="%d" class="axis"/>'):format(left, top, left, bottom)
  p[#p + 1] = ('<text x="%d" y="%d" class="xlabel">epoch</text>'):format((left + right) // 2, bottom + 34)
  for n, k in ipairs(present) do
    local color = COLORS[k] or PALETTE[(n - 1) % #PALETTE + 1]
    local d = {}
    for i, v in ipairs(history[k]) do
      if v == v and math.abs(v) ~= math.huge then
        d[#d + 1] = ('%s%.3f %.3f'):format(#d == 0 and 'M' or 'L', px(xs[i] or i), py(v))
      end
    end
    p[#p + 1] = ('<path class="curve" data-key="%s" d="%s" stroke="%s" fill="none" stroke-width="2"/>')
      :format(esc(k), table.concat(d, ' '), color)
    for i, v in ipairs(history[k]) do
      if v == v and math.abs(v) ~= math.huge then
        p[#p + 1] = ('<circle cx="%.3f" cy="%.3f" r="3" fill="%s"><title>%s epoch %s: %.6g</title></circle>')
          :format(px(xs[i] or i), py(v), color, esc(k), num(xs[i] or i), v)
      end
    end
    -- the legend on the title's line, right of it, so it never covers a curve
    local lx = left + 110 + (n - 1) * 110
    p[#p + 1] = ('<rect x="%d" y="11" width="14" height="4" fill="%s"/><text x="%d" y="17" class="legend">%s</text>')
      :format(lx, color, lx + 18, esc(k))
  end
  p[#p + 1] = '</svg>'
  return table.concat(p, '\n')
end

-- The confusion matrix as an SVG heat map, each cell shaded by its share of its row.
local function heatmap(cm)
  local m = cm.matrix
  local k = #m
  local cell = k <= 10 and 40 or math.max(12, 400 // k)
  local names = {}
  local longest = 1
  for i = 1, k do
    names[i] = cm.classes and cm.classes[i] or tostring(i)
    longest = math.max(longest, #names[i])
  end
  -- rows are labelled on the left, columns above at 45 degrees: room for the longest
  local label_w = math.min(150, 16 + longest * 7)
  local label_h = math.min(110, 16 + math.ceil(longest * 5))
  local W, H = label_w + k * cell + label_h, label_h + k * cell + 10 -- the last column's label leans right
  local p = {('<svg class="confusion" xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d">')
    :format(W, H, W, H)}
  for i = 1, k do
    local total = 0
    for j = 1, k do total = total + m[i][j] end
    p[#p + 1] = ('<text x="%d" y="%d" class="rowlabel">%s</text>'):format(label_w - 6, label_h + (i - 1) * cell + cell // 2 + 4, esc(names[i]))
    for j = 1, k do
      local share = total > 0 and m[i][j] / total or 0
      local shade = math.floor(255 - share * 200 + 0.5)
      local color = i == j and ('rgb(%d,%d,255)'):format(shade, shade) or ('rgb(255,%d,%d)'):format(shade, shade)
      local x, y = label_w + (j - 1) * cell, label_h + (i - 1) * cell
      p[#p + 1] = ('<rect class="cell" x="%d" y="%d" width="%d" height="%d" fill="%s"><title>%s as %s: %d</title></rect>')
        :format(x, y, cell, cell, color, esc(names[i]), esc(names[j]), m[i][j])
      if cell >= 28 then
        p[#p + 1] = ('<text x="%d" y="%d" class="count"%s>%d</text>'):format(x + cell // 2, y + cell // 2 + 4,
          share > 0.6 and ' style="fill: #fff"' or '', m[i][j])
      end
    end
  end
  for j = 1, k do
    local x, y = label_w + (j - 1) * cell + cell // 2, label_h - 8
    p[#p + 1] = ('<text x="%d" y="%d" class="collabel" transform="rotate(-45 %d %d)">%s</text>'):format(x, y, x, y, esc(names[j]))
  end
  p[#p + 1] = '</svg>'
  return table.concat(p, '\n')
end

local function kv_table(rows)
  local p = {'<table class="kv">'}
  for _, r in ipairs(rows) do
    p[#p + 1] = ('<tr><th>%s</th><td>%s</td></tr>'):format(esc(r[1]), esc(r[2]))
  end
  p[#p + 1] = '</table>'
  return table.concat(p, '\n')
end

local function settings_rows(settings)
  local rows = {}
  local keys = {}
  for k in pairs(settings or {}) do keys[#keys + 1] = k end
  table.sort(keys)
  for _, k in ipairs(keys) do
    local v = settings[k]
    if type(v) == 'table' then
      local parts = {}
      local ks = {}
      for kk in pairs(v) do if type(v[kk]) ~= 'table' and type(v[kk]) ~= 'userdata' then ks[#ks + 1] = tostring(kk) end end
      table.sort(ks)
      for _, kk in ipairs(ks) do parts[#parts + 1] = kk .. ' = ' .. tostring(v[kk] == nil and v[tonumber(kk)] or v[kk]) end
      v = '{' .. table.concat(parts, ', ') .. '}'
    end
    rows[#rows + 1] = {k, tostring(v)}
  end
  return rows
end

local function count_params(model)
  local n = 0
  local ws = model.parameters and model:parameters() or {}
  for _, w in ipairs(ws or {}) do n = n + w:nElement() end
  return n
end

local STYLE = [[
body { font-family: sans-serif; margin: 24px; color: #222; background: #fff; }
h1 { font-size: 22px; } h2 { font-size: 17px; margin-top: 28px; border-bottom: 1px solid #ddd; }
.charts { display: flex; flex-wrap: wrap; gap: 16px; }
svg text { font-size: 11px; fill: #333; }
svg .title { font-size: 13px; font-weight: bold; }
svg .ylabel, svg .rowlabel { text-anchor: end; } svg .xlabel, svg .count { text-anchor: middle; }
svg .collabel { text-anchor: start; }
svg .grid { stroke: #e5e5e5; } svg .axis { stroke: #555; }
pre { background: #f6f6f6; padding: 10px; font-size: 12px; overflow-x: auto; }
table.kv th { text-align: left; padding-right: 16px; font-weight: normal; color: #555; }
table.kv td { font-family: monospace; }
]]

-- dl.report(path, run): writes the HTML file. run: history (dl.fit's), model, and
-- optionally criterion, confusion ({matrix = rows, classes =, accuracy =, set =}),
-- settings (a table of name = value), timings ({total =, epochs = {...}, steps =,
-- samples =}), profile (a dl.Profiler), title. Returns path.
function dl.report(path, run)
  if type(path) ~= 'string' then error(('dl.report: argument 1: expected a file name, got %s'):format(type(path)), 2) end
  if type(run) ~= 'table' or type(run.history) ~= 'table' then
    error('dl.report: argument 2: expected a table with a history (dl.fit\'s result)', 2)
  end
  local h = run.history
  local p = {'<!DOCTYPE html>', '<html><head><meta charset="utf-8">',
             ('<title>%s</title>'):format(esc(run.title or 'dlua training report')),
             '<style>' .. STYLE .. '</style></head><body>',
             ('<h1>%s</h1>'):format(esc(run.title or 'Training report')),
             ('<p class="meta">written %s by dlua</p>'):format(os.date('!%Y-%m-%d %H:%M UTC'))}
  p[#p + 1] = '<h2>Curves</h2><div class="charts">'
  p[#p + 1] = chart(h, {'loss', 'val_loss'}, 'loss')
  p[#p + 1] = chart(h, {'accuracy', 'val_accuracy'}, 'accuracy')
  p[#p + 1] = '</div>'
  local final = {}
  for _, k in ipairs{'loss', 'accuracy', 'val_loss', 'val_accuracy'} do
    if h[k] and #h[k] > 0 then final[#final + 1] = {'final ' .. k, ('%.4f'):format(h[k][#h[k]])} end
  end
  if #final > 0 then p[#p + 1] = kv_table(final) end
  if run.model then
    p[#p + 1] = '<h2>Model</h2>'
    p[#p + 1] = ('<p>%d parameters</p>'):format(count_params(run.model))
    p[#p + 1] = '<pre class="model">' .. esc(tostring(run.model)) .. '</pre>'
    if run.criterion then p[#p + 1] = ('<p>criterion: <code>%s</code></p>'):format(esc(torch.typename(run.criterion) or tostring(run.criterion))) end
  end
  if run.confusion then
    p[#p + 1] = ('<h2>Confusion matrix (%s set, rows: targets, columns: predictions)</h2>'):format(esc(run.confusion.set or 'validation'))
    if run.confusion.accuracy then p[#p + 1] = ('<p>accuracy %.4f</p>'):format(run.confusion.accuracy) end
    p[#p + 1] = heatmap(run.confusion)
  end
  if run.settings then
    p[#p + 1] = '<h2>Settings</h2>'
    p[#p + 1] = kv_table(settings_rows(run.settings))
  end
  local t = run.timings
  if t then
    local rows = {}
    if t.total then rows[#rows + 1] = {'total time', ('%.2f s'):format(t.total)} end
    if t.steps then rows[#rows + 1] = {'steps', tostring(t.steps)} end
    for i, e in ipairs(t.epochs or {}) do
      rows[#rows + 1] = {('epoch %d'):format(i), t.samples and ('%.2f s, %.0f samples/s'):format(e, t.samples / e) or ('%.2f s'):format(e)}
    end
    p[#p + 1] = '<h2>Timings</h2>'
    p[#p + 1] = kv_table(rows)
  end
  if run.profile then
    p[#p + 1] = '<h2>Profile</h2><pre class="profile">' .. esc(tostring(run.profile)) .. '</pre>'
  end
  p[#p + 1] = '</body></html>'
  local f, err = io.open(path, 'w')
  if not f then error(('dl.report: cannot write %s: %s'):format(path, err), 2) end
  f:write(table.concat(p, '\n'), '\n')
  f:close()
  return path
end

return dl
