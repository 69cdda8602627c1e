-- csvigo: the CSV package Torch7 programs load data with (csvigo.load, csvigo.save), with
-- its 'tidy' and 'raw' modes. Fields are strings, as csvigo gives them (torch.Tensor takes
-- a table of numeric strings). RFC 4180 quoting: a quoted field may hold the separator,
-- newlines and doubled quotes. For numeric data straight into tensors, dl.readCSV.
local csvigo = {}

local function fail(fn, msg, level) error('csvigo.' .. fn .. ': ' .. msg, level + 1) end

-- The records of text: a list of lists of strings.
local function parse(text, sep, path)
   local rows, row, field = {}, {}, {}
   local i, n = 1, #text
   local quoted_field = false
   local function end_field()
      row[#row + 1] = table.concat(field)
      field, quoted_field = {}, false
   end
   local function end_row()
      end_field()
      rows[#rows + 1] = row
      row = {}
   end
   while i <= n do
      local c = text:sub(i, i)
      if c == '"' and #field == 0 and not quoted_field then
         -- a quoted field: up to the closing quote, "" is a quote
         local j = i + 1
         while true do
            local q = text:find('"', j, true)
            if not q then
               fail('load', string.format('%s: a quoted field opened at byte %d is not closed', path, i), 3)
            end
            field[#field + 1] = text:sub(j, q - 1)
            if text:sub(q + 1, q + 1) == '"' then
               field[#field + 1] = '"'
               j = q + 2
            else
               i = q + 1
               break
            end
         end
         quoted_field = true
      elseif c == sep then
         end_field(); i = i + 1
      elseif c == '\r' and text:sub(i + 1, i + 1) == '\n' then
         end_row(); i = i + 2
      elseif c == '\n' then
         end_row(); i = i + 1
      else
         local j = i
         while j <= n do
            local d = text:sub(j, j)
            if d == sep or d == '\n' or d == '\r' then break end
            j = j + 1
         end
         field[#field + 1] = text:sub(i, j - 1)
         i = j
      end
   end
   if #field > 0 or #row > 0 or quoted_field then end_row() end
   return rows
end

local function options(fn, args)
   if type(args) == 'string' then args = {path = args} end
   if type(args) ~= 'table' then
      fail(fn, 'expected a path or a table of options, got ' .. type(args), 3)
   end
   local o = {}
   for k, v in pairs(args) do o[k] = v end
   o.separator = o.separator or ','
   if type(o.separator) ~= 'string' or #o.separator ~= 1 then
      fail(fn, 'separator must be one character, got ' .. tostring(o.separator), 3)
   end
   o.mode = o.mode or (fn == 'load' and 'tidy' or 'autodetect')
   if o.header == nil then o.header = 'auto' end
   return o
end

local function numeric(s) return tonumber(s) ~= nil end

-- csvigo.load(path | {path =, separator = ',', mode = 'tidy' | 'raw', header = 'auto' |
-- true | false, verbose = true, skip = 0}): 'tidy' gives {column name = list of strings}
-- (names from the header, or '1', '2', ... without one), 'raw' the list of records.
-- header 'auto' takes the first record as names when one of its fields is not a number.
function csvigo.load(args)
   local o = options('load', args)
   if type(o.path) ~= 'string' then fail('load', 'path must be a file name', 2) end
   local f, err = io.open(o.path, 'rb')
   if not f then fail('load', 'cannot open ' .. o.path .. ': ' .. tostring(err), 2) end
   local text = f:read('a')
   f:close()
   local rows = parse(text, o.separator, o.path)
   for _ = 1, o.skip or 0 do table.remove(rows, 1) end
   if o.mode == 'raw' then return rows end
   if o.mode ~= 'tidy' then
      fail('load', "mode must be 'tidy' or 'raw' (csvigo's 'query' and 'large' are not provided), got " ..
           tostring(o.mode), 2)
   end
   local names
   local first = rows[1] or {}
   local has_header = o.header == true
   if o.header == 'auto' then
      for _, v in ipairs(first) do if not numeric(v) then has_header = true end end
   end
   if has_header then
      names = table.remove(rows, 1)
   else
      names = {}
      for j = 1, #first do names[j] = tostring(j) end
   end
   local out = {}
   for j, name in ipairs(names) do out[name] = {} end
   for r, row in ipairs(rows) do
      if #row ~= #names then
         fail('load', string.format('%s: record %d has %d fields, the %s has %d', o.path,
              r + (has_header and 1 or 0), #row, has_header and 'header' or 'first record', #names), 2)
      end
      for j, name in ipairs(names) do out[name][r] = row[j] end
   end
   if o.verbose ~= false and o.verbose then
      print(string.format('<csv> loaded %d records, %d columns from %s', #rows, #names, o.path))
   end
   return out
end

local function quote(v, sep)
   v = tostring(v)
   if v:find('[' .. sep:gsub('%p', '%%%0') .. '"\r\n]') then
      return '"' .. v:gsub('"', '""') .. '"'
   end
   return v
end

-- csvigo.save{path =, data =, separator = ',', mode = 'autodetect' | 'raw' | 'tidy',
-- header = true, column_order = {names}}: writes records ('raw': a list of lists) or
-- columns ('tidy': {name = list}, names in column_order or sorted), quoting where needed.
-- The file is written whole to a temporary name and renamed over path.
function csvigo.save(args)
   local o = options('save', args)
   if type(o.path) ~= 'string' then fail('save', 'path must be a file name', 2) end
   if type(o.data) ~= 'table' then fail('save', 'data must be a table, got ' .. type(o.data), 2) end
   local mode = o.mode
   if mode == 'autodetect' then mode = type(o.data[1]) == 'table' and 'raw' or 'tidy' end
   local rows = {}
   if mode == 'raw' then
      rows = o.data
   elseif mode == 'tidy' then
      local names = o.column_order
      if not names then
         names = {}
         for k in pairs(o.data) do names[#names + 1] = k end
         table.sort(names, function(a, b) return tostring(a) < tostring(b) end)
      end
      local n = names[1] and #o.data[names[1]] or 0
      if o.header ~= false then rows[1] = names end
      for r = 1, n do
         local row = {}
         for j, name in ipairs(names) do
            local col = o.data[name]
            if type(col) ~= 'table' or #col ~= n then
               fail('save', string.format("column '%s' has %s values, the first has %d", tostring(name),
                    type(col) == 'table' and #col or 'no', n), 2)
            end
            row[j] = col[r]
         end
         rows[#rows + 1] = row
      end
   else
      fail('save', "mode must be 'autodetect', 'raw' or 'tidy', got " .. tostring(o.mode), 2)
   end
   local lines = {}
   for r, row in ipairs(rows) do
      local fields = {}
      for j, v in ipairs(row) do fields[j] = quote(v, o.separator) end
      lines[r] = table.concat(fields, o.separator)
   end
   local tmp = o.path .. '.tmp' .. tostring(os.time())
   local f, err = io.open(tmp, 'wb')
   if not f then fail('save', 'cannot write ' .. o.path .. ': ' .. tostring(err), 2) end
   local ok, werr = f:write(table.concat(lines, '\n'), #lines > 0 and '\n' or '')
   f:close()
   if not ok then os.remove(tmp); fail('save', 'cannot write ' .. o.path .. ': ' .. tostring(werr), 2) end
   local rok, rerr = os.rename(tmp, o.path)
   if not rok then os.remove(tmp); fail('save', 'cannot write ' .. o.path .. ': ' .. tostring(rerr), 2) end
end

_G.csvigo = csvigo -- Torch7 packages set their global, and its programs use it
package.loaded.csvigo = csvigo
return csvigo
