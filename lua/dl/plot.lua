-- Pictures in the terminal: line charts (dl.plot) and images (dl.show).
--
--   dl.plot(history | tensor | list | {x = ..., y = ...} [, options]) -> string
--   dl.show(image | filterBank [, options]) -> string
-- Both write the picture to options.out (io.stdout; false for none) and return it.
local dl = require 'dl'

local function isatty(f) return io.type(f) == 'file' and torch._io.isatty(f) end

-- The terminal's size, or nil when out is not a terminal.
local function terminal_size(out)
  if not isatty(out or io.stdout) then return nil end
  local cols, rows = tonumber(os.getenv('COLUMNS')), tonumber(os.getenv('LINES'))
  if not (cols and rows) then
    local p = io.popen('stty size < /dev/tty 2>/dev/null')
    local s = p and p:read('a') or ''
    if p then p:close() end
    local r, c = s:match('(%d+)%s+(%d+)')
    rows, cols = rows or tonumber(r), cols or tonumber(c)
  end
  return cols, rows
end
dl._terminalSize = terminal_size

local function tolist(v, what)
  if torch.isTensor(v) then
    if v:dim() ~= 1 then error(('dl.plot: %s must be a 1-D tensor, got %d dimensions'):format(what, v:dim()), 4) end
    local t = {}
    for i = 1, v:size(1) do t[i] = v[i] end
    return t
  elseif type(v) == 'table' then
    for i = 1, #v do
      if type(v[i]) ~= 'number' then
        error(('dl.plot: %s[%d] must be a number, got %s'):format(what, i, type(v[i])), 4)
      end
    end
    return v
  end
  error(('dl.plot: %s must be a list or a 1-D tensor, got %s'):format(what, torch.type(v)), 4)
end

local function range(n) local t = {} for i = 1, n do t[i] = i end return t end

-- Normalizes what dl.plot accepts into {{name=, x=, y=}, ...}.
local function series_of(data, options)
  if torch.isTensor(data) then
    if data:dim() == 1 then return {{name = options.name or 'y', x = range(data:size(1)), y = tolist(data, 'y')}} end
    if data:dim() == 2 then
      local s = {}
      for i = 1, data:size(1) do
        s[i] = {name = 'row ' .. i, x = range(data:size(2)), y = tolist(data[i], 'row ' .. i)}
      end
      return s
    end
    error(('dl.plot: a tensor must have 1 or 2 dimensions, got %d'):format(data:dim()), 3)
  end
  if type(data) ~= 'table' then
    error(('dl.plot: expected a history, a tensor, a list or {x=, y=}, got %s'):format(torch.type(data)), 3)
  end
  if data.y ~= nil then
    local y = tolist(data.y, 'y')
    local x = data.x ~= nil and tolist(data.x, 'x') or range(#y)
    if #x ~= #y then error(('dl.plot: %d x values but %d y values'):format(#x, #y), 3) end
    return {{name = options.name or data.name or 'y', x = x, y = y}}
  end
  if #data > 0 then return {{name = options.name or 'y', x = range(#data), y = tolist(data, 'values')}} end
  -- a history from dl.fit: every list of numbers but the epoch numbers, against them
  local keys = options.keys
  if not keys then
    keys = {}
    for k, v in pairs(data) do
      if k ~= 'epoch' and type(v) == 'table' and #v > 0 and type(v[1]) == 'number' then keys[#keys + 1] = k end
    end
    -- losses first, then the rest, each in name order
    table.sort(keys, function(a, b)
      local la, lb = a:find('loss') ~= nil, b:find('loss') ~= nil
      if la ~= lb then return la end
      return a < b
    end)
  end
  local s = {}
  for _, k in ipairs(keys) do
    local y = data[k]
    if y == nil then error(('dl.plot: the history has no %s'):format(k), 3) end
    y = tolist(y, k)
    local x = data.epoch and #data.epoch == #y and data.epoch or range(#y)
    s[#s + 1] = {name = k, x = x, y = y}
  end
  if #s == 0 then error('dl.plot: nothing to plot (an empty history or list)', 3) end
  return s
end

local function fmt_num(v)
  if v == 0 then return '0' end
  local a = math.abs(v)
  if a >= 1e5 or a < 1e-3 then return ('%.2e'):format(v) end
  local s = ('%.4g'):format(v)
  return s
end

-- Braille dots: a cell is 2 dots wide and 4 high; bit of dot (col, row), 0-based.
local BRAILLE = {{0x01, 0x02, 0x04, 0x40}, {0x08, 0x10, 0x20, 0x80}}
local COLORS = {'\27[36m', '\27[33m', '\27[35m', '\27[32m', '\27[31m', '\27[34m'}
local MARKS = {'*', '+', 'o', 'x', '#', '@'}

-- dl.plot(data [, options]): a line chart. options: width, height (characters of the
-- whole chart; default the terminal's width and a third of its height, or 72 x 16
-- off a terminal), keys (the history's lists to draw), title, chars ('braille' or
-- 'block'), color (ANSI colours per series; default when out is a terminal), logy,
-- out (io.stdout; false to only return the string).
function dl.plot(data, options)
  options = options or {}
  local out = options.out
  if out == nil then out = io.stdout end
  local series = series_of(data, options)
  local cols, rows = terminal_size(out or io.stdout)
  local width = options.width or (cols and math.max(math.min(cols, 120), 30)) or 72
  local height = options.height or (rows and math.max(math.min(rows // 3, 24), 8)) or 16
  if width < 20 or height < 4 then
    error(('dl.plot: the chart needs width >= 20 and height >= 4, got %d x %d'):format(width, height), 2)
  end
  local color = options.color
  if color == nil then color = out and isatty(out) or false end
  local block = options.chars == 'block'
  local logy = options.logy
  -- the value range
  local xmin, xmax, ymin, ymax = math.huge, -math.huge, math.huge, -math.huge
  local function ty(v) return logy and (v > 0 and math.log(v, 10) or nil) or v end
  for _, s in ipairs(series) do
    for i = 1, #s.y do
      local y = ty(s.y[i])
      if y and y == y and y ~= math.huge and y ~= -math.huge then
        xmin, xmax = math.min(xmin, s.x[i]), math.max(xmax, s.x[i])
        ymin, ymax = math.min(ymin, y), math.max(ymax, y)
      end
    end
  end
  if xmin > xmax then error('dl.plot: no finite values to plot', 2) end
  if ymin == ymax then ymin, ymax = ymin - 0.5, ymax + 0.5 end
  if xmin == xmax then xmin, xmax = xmin - 0.5, xmax + 0.5 end
  local function label(v) return fmt_num(logy and 10 ^ v or v) end
  -- layout: y labels, then the axis, then the plot
  local legend_lines = options.legend == false and 0 or 1
  local title_lines = options.title and 1 or 0
  local plot_h = height - 2 - legend_lines - title_lines -- x axis and x labels
  if plot_h < 2 then error(('dl.plot: height %d leaves no room for the chart'):format(height), 2) end
  local ylabels = {label(ymax), label((ymin + ymax) / 2), label(ymin)}
  local lw = 0
  for _, l in ipairs(ylabels) do lw = math.max(lw, #l) end
  local plot_w = width - lw - 2
  local px, py = block and 1 or 2, block and 2 or 4 -- dots per cell
  local W, H = plot_w * px, plot_h * py
  local cells, owner = {}, {}
  for r = 1, plot_h do cells[r], owner[r] = {}, {} end
  local function dot(x, y, k)
    if x < 0 or x >= W or y < 0 or y >= H then return end
    local r, c = y // py + 1, x // px + 1
    local bit = block and (y % 2 == 0 and 1 or 2) or BRAILLE[x % 2 + 1][y % 4 + 1]
    cells[r][c] = (cells[r][c] or 0) | bit
    owner[r][c] = owner[r][c] or k
  end
  local function to_px(x, y)
    return math.floor((x - xmin) / (xmax - xmin) * (W - 1) + 0.5),
           math.floor((ymax - y) / (ymax - ymin) * (H - 1) + 0.5)
  end
  for k, s in ipairs(series) do
    local lx, ly
    for i = 1, #s.y do
      local y = ty(s.y[i])
      if y and y == y and y ~= math.huge and y ~= -math.huge then
        local x1, y1 = to_px(s.x[i], y)
        if lx then
          -- a straight line of dots from the previous point
          local n = math.max(math.abs(x1 - lx), math.abs(y1 - ly), 1)
          for j = 0, n do
            dot(math.floor(lx + (x1 - lx) * j / n + 0.5), math.floor(ly + (y1 - ly) * j / n + 0.5), k)
          end
        else
          dot(x1, y1, k)
        end
        lx, ly = x1, y1
      else
        lx, ly = nil, nil
      end
    end
  end
  -- without colour, several series are told apart by a mark at each point (where the
  -- points are not too dense to leave room between marks)
  local marks = {}
  if not color and #series > 1 then
    for k, s in ipairs(series) do
      if #s.y * 3 <= plot_w then
        for i = 1, #s.y do
          local y = ty(s.y[i])
          if y and y == y and y ~= math.huge and y ~= -math.huge then
            local x1, y1 = to_px(s.x[i], y)
            local r, c = y1 // py + 1, x1 // px + 1
            marks[r] = marks[r] or {}
            marks[r][c] = MARKS[(k - 1) % #MARKS + 1]
          end
        end
      end
    end
  end
  local lines = {}
  if options.title then
    local t = options.title
    if utf8.len(t) > width then t = t:sub(1, width) end
    lines[1] = t
  end
  local label_at = {[1] = ylabels[1], [(plot_h + 1) // 2] = ylabels[2], [plot_h] = ylabels[3]}
  for r = 1, plot_h do
    local parts = {('%' .. lw .. 's'):format(label_at[r] or ''), label_at[r] and ' ┤' or ' │'}
    local cur
    for c = 1, plot_w do
      local bits = cells[r][c]
      local ch
      if marks[r] and marks[r][c] then
        ch = marks[r][c]
      elseif not bits then
        ch = ' '
      elseif block then
        ch = bits == 3 and '█' or bits == 1 and '▀' or '▄'
      else
        ch = utf8.char(0x2800 + bits)
      end
      if color then
        local want = bits and COLORS[(owner[r][c] - 1) % #COLORS + 1] or nil
        if want ~= cur then parts[#parts + 1] = want or '\27[0m'; cur = want end
      end
      parts[#parts + 1] = ch
    end
    if color and cur then parts[#parts + 1] = '\27[0m' end
    lines[#lines + 1] = table.concat(parts)
  end
  lines[#lines + 1] = (' '):rep(lw + 1) .. '└' .. ('─'):rep(plot_w)
  local xl, xr = fmt_num(xmin), fmt_num(xmax)
  local xm = fmt_num((xmin + xmax) / 2)
  local gap = plot_w - #xl - #xr
  local axis = (' '):rep(lw + 2) .. xl
  if gap > #xm + 2 then
    local left = (gap - #xm) // 2
    axis = axis .. (' '):rep(left) .. xm .. (' '):rep(gap - #xm - left) .. xr
  else
    axis = axis .. (' '):rep(math.max(gap, 1)) .. xr
  end
  lines[#lines + 1] = axis
  if legend_lines > 0 then
    local parts = {}
    for k, s in ipairs(series) do
      local mark = color and (COLORS[(k - 1) % #COLORS + 1] .. '━━\27[0m')
                   or #series > 1 and ('─' .. MARKS[(k - 1) % #MARKS + 1] .. '─') or '──'

      parts[#parts + 1] = mark .. ' ' .. s.name
    end
    local legend = (' '):rep(lw + 2) .. table.concat(parts, '   ')
    if not color and utf8.len(legend) > width then legend = legend:sub(1, width) end
    lines[#lines + 1] = legend
  end
  local text = table.concat(lines, '\n')
  if out then out:write(text, '\n') end
  return text
end

-- dl.show ------------------------------------------------------------------------------

local GREYS = {' ', '░', '▒', '▓', '█'}

-- Tiles a batch N x C x H x W into one C x H' x W' image with one pixel between tiles,
-- each tile scaled to [0, 1] on its own (as image.toDisplayTensor does for filters).
local function tile(batch, ncols, scale_each)
  local n, c, h, w = batch:size(1), batch:size(2), batch:size(3), batch:size(4)
  ncols = ncols or math.ceil(math.sqrt(n))
  local nrows = math.ceil(n / ncols)
  local img = torch.DoubleTensor(c, nrows * (h + 1) - 1, ncols * (w + 1) - 1):fill(0)
  for i = 1, n do
    local t = batch[i]:double()
    if scale_each then
      local lo, hi = t:min(), t:max()
      t = (t - lo) / (hi > lo and hi - lo or 1)
    end
    local r, col = (i - 1) // ncols, (i - 1) % ncols
    img:narrow(2, r * (h + 1) + 1, h):narrow(3, col * (w + 1) + 1, w):copy(t)
  end
  return img, not scale_each
end

-- dl.show(t [, options]): draws an image in the terminal. t is H x W (grey), C x H x W
-- (C = 1 grey, 3 colour) or N x C x H x W (a batch or a filter bank, tiled with each
-- tile scaled to its own range). options: mode ('color': 24-bit colour half blocks,
-- two pixels a character; 'grey': shade characters, no escape codes; default 'color'
-- on a terminal), min and max (the value range; default the image's), ncols (tiles
-- per row), out (io.stdout; false to only return the string).
function dl.show(t, options)
  options = options or {}
  local out = options.out
  if out == nil then out = io.stdout end
  if not torch.isTensor(t) then error(('dl.show: expected an image tensor, got %s'):format(torch.type(t)), 2) end
  local img = t
  local scaled = false
  if t:dim() == 4 then
    if t:size(2) ~= 1 and t:size(2) ~= 3 then
      error(('dl.show: a batch must have 1 or 3 channels, got %d'):format(t:size(2)), 2)
    end
    img = tile(t, options.ncols, options.min == nil)
    scaled = options.min == nil
  elseif t:dim() == 2 then
    img = t:view(1, t:size(1), t:size(2))
  elseif t:dim() ~= 3 then
    error(('dl.show: expected H x W, C x H x W or N x C x H x W, got %d dimensions'):format(t:dim()), 2)
  end
  local c, h, w = img:size(1), img:size(2), img:size(3)
  if c ~= 1 and c ~= 3 then error(('dl.show: an image must have 1 or 3 channels, got %d'):format(c), 2) end
  img = img:double()
  local lo, hi = options.min, options.max
  if scaled then lo, hi = 0, 1 end
  lo, hi = lo or img:min(), hi or img:max()
  local span = hi > lo and hi - lo or 1
  local function v(ch, y, x)
    local p = (img[ch][y][x] - lo) / span
    return p < 0 and 0 or p > 1 and 1 or p
  end
  local mode = options.mode
  if mode == nil then mode = out and isatty(out) and 'color' or 'grey' end
  if mode ~= 'color' and mode ~= 'grey' then
    error(('dl.show: mode must be "color" or "grey", got %s'):format(tostring(mode)), 2)
  end
  local lines = {}
  if mode == 'color' then
    local function rgb(y, x)
      if y > h then return 0, 0, 0 end
      if c == 1 then local g = math.floor(v(1, y, x) * 255 + 0.5) return g, g, g end
      return math.floor(v(1, y, x) * 255 + 0.5), math.floor(v(2, y, x) * 255 + 0.5), math.floor(v(3, y, x) * 255 + 0.5)
    end
    for y = 1, h, 2 do
      local parts = {}
      for x = 1, w do
        local r1, g1, b1 = rgb(y, x)
        local r2, g2, b2 = rgb(y + 1, x)
        parts[x] = ('\27[38;2;%d;%d;%dm\27[48;2;%d;%d;%dm▀'):format(r1, g1, b1, r2, g2, b2)
      end
      lines[#lines + 1] = table.concat(parts) .. '\27[0m'
    end
  else
    for y = 1, h do
      local parts = {}
      for x = 1, w do
        local g = c == 1 and v(1, y, x) or (0.299 * v(1, y, x) + 0.587 * v(2, y, x) + 0.114 * v(3, y, x))
        local ch = GREYS[math.min(#GREYS, math.floor(g * #GREYS) + 1)]
        parts[x] = ch .. ch -- two characters a pixel keep the aspect ratio
      end
      lines[#lines + 1] = table.concat(parts)
    end
  end
  local text = table.concat(lines, '\n')
  if out then out:write(text, '\n') end
  return text
end

return dl
