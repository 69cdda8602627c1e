--[[ A logger of training figures, as Torch7's optim.Logger: a text log with a header of
names and one line of values per add(), and plot(), which here writes an SVG file
(filename .. '.svg') instead of calling gnuplot.

   logger = optim.Logger('train.log')
   logger:setNames{'training error', 'test error'}
   for epoch = 1, n do logger:add{trainErr, testErr} end
   logger:style{'-', '-'}
   logger:plot()                       -- writes train.log.svg
]]
local Logger = torch.class('optim.Logger')

local function shellquote(s) return "'" .. s:gsub("'", "'\\''") .. "'" end

function Logger:__init(filename, timestamp)
   if filename then
      self.name = filename
      local dir = filename:match('^(.*)/[^/]*$')
      if dir and dir ~= '' then os.execute('mkdir -p ' .. shellquote(dir)) end
      if timestamp then
         -- a timestamp makes the log file unique; the plot keeps the given name
         filename = filename .. '-' .. os.date('%Y_%m_%d_%X')
      end
      local f, err = io.open(filename, 'w')
      if not f then error('Logger: cannot open ' .. tostring(err), 3) end
      self.file = f
      self.svgfile = self.name .. '.svg'
   else
      self.file = io.stdout
      self.name = 'stdout'
      print('<Logger> warning: no path provided, logging to std out')
   end
   self.empty = true
   self.names = {}     -- the column names, in order
   self.idx = {}       -- name -> column
   self.symbols = {}   -- column -> list of values
   self.styles = {}    -- column -> list of styles
   self.defaultStyle = '+'
   self.logscale = false
   self.showPlot = true
end

local function addcolumn(self, name)
   local k = #self.names + 1
   self.names[k] = name
   self.idx[name] = k
   self.symbols[k] = {}
   self.styles[k] = {self.defaultStyle}
   return k
end

local function writeheader(self)
   local f = self.file
   for _, name in ipairs(self.names) do f:write(tostring(name) .. '\t') end
   f:write('\n')
   f:flush()
end

function Logger:setNames(names)
   self.names, self.idx, self.symbols, self.styles = {}, {}, {}, {}
   for _, name in ipairs(names) do addcolumn(self, name) end
   self.empty = false
   self.nsymbols = #self.names
   writeheader(self)
   return self
end

-- The column of key k of an add() or style() table: a name, or a position.
local function column(self, k)
   local c = self.idx[k]
   if c then return c end
   if math.type(k) == 'integer' and self.symbols[k] then return k end
   return nil
end

function Logger:add(symbols)
   if type(symbols) ~= 'table' then
      error('Logger.add: expected a table of values, got ' .. type(symbols), 2)
   end
   if self.empty then
      -- the first add() names the columns: positional values keep their order, and
      -- named ones are sorted, since pairs() has no order to keep
      local keys = {}
      for k in pairs(symbols) do keys[#keys + 1] = k end
      table.sort(keys, function(a, b)
         if type(a) == type(b) then return a < b end
         return type(a) == 'number'
      end)
      for _, k in ipairs(keys) do addcolumn(self, k) end
      self.empty = false
      self.nsymbols = #self.names
      writeheader(self)
   end
   local row = {}
   for k, v in pairs(symbols) do
      local c = column(self, k)
      if not c then error('Logger.add: unknown name ' .. tostring(k), 2) end
      if type(v) ~= 'number' and type(v) ~= 'string' then
         error('Logger.add: can only log numbers and strings, got ' .. type(v) .. ' for '
               .. tostring(k), 2)
      end
      row[c] = v
   end
   local f = self.file
   for c = 1, #self.names do
      local v = row[c]
      if type(v) == 'number' then
         f:write(string.format('%11.4e', v) .. '\t')
      elseif v == nil then
         f:write(string.format('%11s', 'nan') .. '\t')   -- a column missing from this add
      else
         f:write(v .. '\t')
      end
      table.insert(self.symbols[c], type(v) == 'number' and v or tonumber(v) or 0 / 0)
   end
   f:write('\n')
   f:flush()
end

-- Styles as Torch7's gnuplot ones: '-' a line, '+' a line with cross marks, '.' a line
-- with dots; a table of them draws the series once per style.
function Logger:style(symbols)
   for name, style in pairs(symbols) do
      local c = column(self, name)
      if not c then error('Logger.style: unknown name ' .. tostring(name), 2) end
      if type(style) == 'string' then
         self.styles[c] = {style}
      elseif type(style) == 'table' then
         self.styles[c] = style
      else
         error('Logger.style: style should be a string or a table of strings', 2)
      end
   end
   return self
end

function Logger:setlogscale(value)
   self.logscale = value
end

-- logger:display(on): Torch7's switch for showing the plot in a gnuplot window. Kept as
-- the flag showPlot; dlua has no plot window, and plot() writes the SVG file either way.
function Logger:display(on)
   self.showPlot = on
   return self
end

------------------------------------------------------------------------------------------
-- SVG plot

local function xmlescape(s)
   return (tostring(s):gsub('[&<>"\']', {['&'] = '&amp;', ['<'] = '&lt;', ['>'] = '&gt;',
                                         ['"'] = '&quot;', ["'"] = '&apos;'}))
end

-- "Nice" tick values covering [lo, hi]: multiples of 1, 2 or 5 times a power of ten.
local function ticks(lo, hi, n, minstep)
   if hi <= lo then lo, hi = lo - 1, hi + 1 end
   local raw = math.max((hi - lo) / n, minstep or 0)
   local mag = 10 ^ math.floor(math.log(raw, 10))
   local step = mag
   for _, m in ipairs{1, 2, 5, 10} do
      step = m * mag
      if step >= raw then break end
   end
   local t, first = {}, math.floor(lo / step) * step
   local last = math.ceil(hi / step) * step
   for i = 0, math.floor((last - first) / step + 0.5) do t[#t + 1] = first + i * step end
   return t, step
end

local function label(v, step)
   if math.abs(v) < step * 1e-6 then v = 0 end
   return string.format('%.6g', v)
end

local palette = {'#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b',
                 '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'}

-- Writes the series with more than one value (all, or the names given) as an SVG line
-- chart to self.svgfile, and returns its path (nil when there was nothing to plot).
function Logger:plot(...)
   if not self.svgfile then
      if not self.warned then
         print('<Logger> warning: logging to stdout, no file to plot to')
         self.warned = true
      end
      return nil
   end
   local cols = {}
   local args = {...}
   if #args == 0 then
      for c = 1, #self.names do cols[#cols + 1] = c end
   else
      for _, name in ipairs(args) do
         local c = column(self, name)
         if not c then error('Logger.plot: unknown name ' .. tostring(name), 2) end
         cols[#cols + 1] = c
      end
   end
   local series = {}
   for _, c in ipairs(cols) do
      if #self.symbols[c] > 1 then series[#series + 1] = c end
   end
   if #series == 0 then return nil end

   -- the data range, on a log10 scale when asked (non-positive values are left out)
   local function ty(v)
      if v ~= v then return nil end
      if self.logscale then return v > 0 and math.log(v, 10) or nil end
      return v
   end
   local nmax, ylo, yhi = 1, math.huge, -math.huge
   for _, c in ipairs(series) do
      local list = self.symbols[c]
      nmax = math.max(nmax, #list)
      for _, v in ipairs(list) do
         local y = ty(v)
         if y then ylo, yhi = math.min(ylo, y), math.max(yhi, y) end
      end
   end
   if ylo > yhi then ylo, yhi = 0, 1 end

   local W, H = 800, 500
   local left, right, top, bottom = 80, 200, 40, 50
   local pw, ph = W - left - right, H - top - bottom
   local yt, ystep = ticks(ylo, yhi, 6)
   local xt, xstep = ticks(1, nmax, 8, 1)   -- x counts adds: integer ticks
   local y0, y1 = yt[1], yt[#yt]
   local x0, x1 = 1, math.max(nmax, 2)
   local function px(i) return left + (i - x0) / (x1 - x0) * pw end
   local function py(y) return top + ph - (y - y0) / (y1 - y0) * ph end

   local out = {}
   local function w(s, ...) out[#out + 1] = select('#', ...) > 0 and s:format(...) or s end
   w('<?xml version="1.0" encoding="UTF-8"?>\n')
   w('<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" '
     .. 'font-family="sans-serif" font-size="12">\n', W, H, W, H)
   w('<rect x="0" y="0" width="%d" height="%d" fill="white"/>\n', W, H)
   w('<text x="%d" y="24" text-anchor="middle" font-size="14">%s</text>\n', left + pw // 2,
     xmlescape('<Logger::' .. self.name .. '>'))
   -- grid, ticks and their labels
   w('<g stroke="#dddddd" stroke-width="1">\n')
   for _, v in ipairs(yt) do w('<line x1="%d" y1="%.2f" x2="%d" y2="%.2f"/>\n', left, py(v), left + pw, py(v)) end
   for _, v in ipairs(xt) do
      if v >= x0 and v <= x1 then
         w('<line x1="%.2f" y1="%d" x2="%.2f" y2="%d"/>\n', px(v), top, px(v), top + ph)
      end
   end
   w('</g>\n')
   w('<g stroke="black" stroke-width="1">\n')
   w('<line x1="%d" y1="%d" x2="%d" y2="%d"/>\n', left, top + ph, left + pw, top + ph)
   w('<line x1="%d" y1="%d" x2="%d" y2="%d"/>\n', left, top, left, top + ph)
   w('</g>\n')
   w('<g class="yticks" text-anchor="end">\n')
   for _, v in ipairs(yt) do
      local text = self.logscale and label(10 ^ v, 10 ^ v) or label(v, ystep)
      w('<text x="%d" y="%.2f">%s</text>\n', left - 6, py(v) + 4, xmlescape(text))
   end
   w('</g>\n')
   w('<g class="xticks" text-anchor="middle">\n')
   for _, v in ipairs(xt) do
      if v >= x0 and v <= x1 then
         w('<text x="%.2f" y="%d">%s</text>\n', px(v), top + ph + 18, label(v, xstep))
      end
   end
   w('</g>\n')
   -- one polyline per series and style; '+' and '.' add marks at the points
   for si, c in ipairs(series) do
      local color = palette[(si - 1) % #palette + 1]
      local pts = {}
      for i, v in ipairs(self.symbols[c]) do
         local y = ty(v)
         if y then pts[#pts + 1] = string.format('%.2f,%.2f', px(i), py(y)) end
      end
      for _, style in ipairs(self.styles[c]) do
         w('<polyline class="series" fill="none" stroke="%s" stroke-width="1.5" points="%s"/>\n',
           color, table.concat(pts, ' '))
         if style:find('[+.]') and #pts <= 200 then
            w('<g stroke="%s" fill="%s">\n', color, color)
            for _, p in ipairs(pts) do
               local x, y = p:match('([^,]+),(.+)')
               x, y = tonumber(x), tonumber(y)
               if style:find('+', 1, true) then
                  w('<path d="M%.2f %.2fh6M%.2f %.2fv6"/>\n', x - 3, y, x, y - 3)
               else
                  w('<circle cx="%.2f" cy="%.2f" r="2"/>\n', x, y)
               end
            end
            w('</g>\n')
         end
      end
   end
   -- the legend
   w('<g class="legend">\n')
   for si, c in ipairs(series) do
      local color = palette[(si - 1) % #palette + 1]
      local y = top + 10 + (si - 1) * 20
      w('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="2"/>\n',
        left + pw + 15, y, left + pw + 40, y, color)
      w('<text x="%d" y="%d">%s</text>\n', left + pw + 46, y + 4, xmlescape(self.names[c]))
   end
   w('</g>\n')
   w('</svg>\n')

   local f, err = io.open(self.svgfile, 'w')
   if not f then error('Logger.plot: cannot write ' .. tostring(err), 2) end
   f:write(table.concat(out))
   f:close()
   return self.svgfile
end
