-- Printing of tensors and storages, in Torch7's format: one common format for all the
-- printed values (integers without decimals, a shared scale factor line, or exponent
-- notation), matrices as aligned rows split into column blocks that fit 80 characters,
-- higher dimensions as a sequence of 2D slices, and a footer naming type and size.
-- Tensors past THRESHOLD elements are summarised as PyTorch does: EDGE items at each end
-- of every dimension, with "..." between, so that printing a big tensor stays cheap.
local torch = require 'torch.core'

local THRESHOLD = 1000
local EDGE = 3
local WIDTH = 80

local tensortypes = {'FloatTensor', 'DoubleTensor', 'LongTensor', 'ByteTensor', 'CharTensor',
                     'ShortTensor', 'IntTensor', 'HalfTensor'}
local storagetypes = {'FloatStorage', 'DoubleStorage', 'LongStorage', 'ByteStorage', 'CharStorage',
                      'ShortStorage', 'IntStorage', 'HalfStorage'}

local function isfinite(v)
  return v == v and v ~= math.huge and v ~= -math.huge
end

-- The indices shown along a dimension of size n: all of them, or the first and last EDGE
-- with false standing for the elided middle.
local function shown(n, summarise)
  local idx = {}
  if summarise and n > 2 * EDGE then
    for i = 1, EDGE do idx[#idx + 1] = i end
    idx[#idx + 1] = false
    for i = n - EDGE + 1, n do idx[#idx + 1] = i end
  else
    for i = 1, n do idx[i] = i end
  end
  return idx
end

-- Number of decimal digits before the point of a positive magnitude (0.05 -> -1, 5 -> 1).
local function exponent(a)
  return math.floor(math.log(a, 10)) + 1
end

-- Chooses one format for all the values, as Torch7 does. Returns a function that formats
-- one value, the scale factor (or nil) and the width of a formatted value.
local function printformat(values)
  local intmode, amin, amax, special = true, nil, nil, false
  for _, v in ipairs(values) do
    if isfinite(v) then
      if intmode and v ~= math.floor(v) then intmode = false end
      local a = math.abs(v + 0.0) -- as a float: math.abs(math.mininteger) is negative
      if not amin or a < amin then amin = a end
      if not amax or a > amax then amax = a end
    else
      special = true
    end
  end
  -- zero counts as one digit, like 1..9
  local emin = (amin and amin ~= 0) and exponent(amin) or 1
  local emax = (amax and amax ~= 0) and exponent(amax) or 1
  local fmt, sz, scale
  if intmode then
    if emax > 9 then
      fmt, sz = 'e', 11
    else
      fmt, sz = 'd', emax + 1
    end
  elseif emax - emin > 4 then
    fmt, sz = 'e', 11
    if math.abs(emax) > 99 or math.abs(emin) > 99 then sz = 12 end
  elseif emax > 5 or emax < 0 then
    fmt, sz, scale = 'f', 7, 10.0 ^ (emax - 1)
  else
    fmt, sz = 'f', emax == 0 and 7 or emax + 6
  end
  if special and sz < 4 then sz = 4 end -- room for "-inf"
  local pattern = fmt == 'd' and ('%' .. sz .. 'd') or ('%' .. sz .. '.4' .. fmt)
  local divisor = scale or 1
  local function format(v)
    if v ~= v then return string.format('%' .. sz .. 's', 'nan') end
    if v == math.huge then return string.format('%' .. sz .. 's', 'inf') end
    if v == -math.huge then return string.format('%' .. sz .. 's', '-inf') end
    if fmt == 'd' then return string.format(pattern, v) end
    return string.format(pattern, v / divisor)
  end
  return format, scale, sz
end

local function scaleline(scale)
  return string.format('%.0e', scale) .. ' *'
end

local function pad(s, sz)
  return string.rep(' ', sz - #s) .. s
end

-- An element reader over a tensor's storage, so that any view (transposed, narrowed,
-- expanded) prints without a copy.
local function reader(t)
  local s, off, nd = t:storage(), t:storageOffset(), t:dim()
  local stride = {}
  for d = 1, nd do stride[d] = t:stride(d) end
  return function(idx)
    local k = off
    for d = 1, nd do k = k + (idx[d] - 1) * stride[d] end
    return s[k]
  end
end

-- Calls f(idx) for every combination of shown indices (idx[d] == false marks "...").
local function each(lists, f)
  local idx, n = {}, #lists
  local function rec(d)
    if d > n then return f(idx) end
    for _, i in ipairs(lists[d]) do
      idx[d] = i
      rec(d + 1)
    end
  end
  rec(1)
end

-- The values that will be printed (elided ones left out), to choose the format.
local function collect(get, lists)
  local values = {}
  each(lists, function(idx)
    for d = 1, #idx do
      if not idx[d] then return end
    end
    values[#values + 1] = get(idx)
  end)
  return values
end

-- A column of values, one a line (1D tensors and storages).
local function printvector(lines, get, rows, format, scale, sz)
  if scale then lines[#lines + 1] = scaleline(scale) end
  for _, i in ipairs(rows) do
    lines[#lines + 1] = i and format(get(i)) or pad('...', sz)
  end
end

-- A matrix: rows of aligned values, in blocks of columns that fit the width.
-- get2(i, j) reads an element; rows and cols are shown-index lists.
local function printmatrix(lines, get2, rows, cols, format, scale, sz, indent)
  local perline = math.max(1, (WIDTH - #indent) // (sz + 1))
  local lead = indent .. (scale and ' ' or '')
  for first = 1, #cols, perline do
    local last = math.min(first + perline - 1, #cols)
    if #cols > perline then
      if first > 1 then lines[#lines + 1] = '' end
      local a = cols[first] or cols[first + 1]
      local b = cols[last] or cols[last - 1]
      lines[#lines + 1] = indent .. 'Columns ' .. a .. ' to ' .. b
    end
    if scale then lines[#lines + 1] = indent .. scaleline(scale) end
    for _, i in ipairs(rows) do
      if not i then
        lines[#lines + 1] = lead .. pad('...', sz) -- elided rows
      else
        local cells = {}
        for c = first, last do
          local j = cols[c]
          cells[#cells + 1] = j and format(get2(i, j)) or pad('...', sz)
        end
        lines[#lines + 1] = lead .. table.concat(cells, ' ')
      end
    end
  end
end

local function sizestring(t)
  local dims = {}
  for d = 1, t:dim() do dims[d] = tostring(t:size(d)) end
  return table.concat(dims, 'x')
end

local function tensor_tostring(t)
  local name = rawget(getmetatable(t), '__typename')
  local nd = t:dim()
  if nd == 0 then return '[' .. name .. ' with no dimension]' end
  local footer = '[' .. name .. ' of size ' .. sizestring(t) .. ']'
  local n = 1
  for d = 1, nd do n = n * t:size(d) end
  if n == 0 then return footer end
  local summarise = n > THRESHOLD
  local lists = {}
  for d = 1, nd do lists[d] = shown(t:size(d), summarise) end
  local get = reader(t)
  local format, scale, sz = printformat(collect(get, lists))
  local lines = {}
  if nd == 1 then
    printvector(lines, function(i) return get({i}) end, lists[1], format, scale, sz)
  elseif nd == 2 then
    printmatrix(lines, function(i, j) return get({i, j}) end, lists[1], lists[2], format,
                scale, sz, '')
  else
    local lead = {}
    for d = 1, nd - 2 do lead[d] = lists[d] end
    local idx = {}
    local function get2(i, j)
      idx[nd - 1], idx[nd] = i, j
      return get(idx)
    end
    local dots = false -- the last thing printed was "...": one per elided run
    each(lead, function(pos)
      for d = 1, nd - 2 do
        if not pos[d] then
          if not dots then
            lines[#lines + 1] = ''
            lines[#lines + 1] = '...'
          end
          dots = true
          return
        end
        idx[d] = pos[d]
      end
      dots = false
      if #lines > 0 then lines[#lines + 1] = '' end
      local label = {}
      for d = 1, nd - 2 do label[d] = tostring(pos[d]) end
      lines[#lines + 1] = '(' .. table.concat(label, ',') .. ',.,.) ='
      printmatrix(lines, get2, lists[nd - 1], lists[nd], format, scale, sz, ' ')
    end)
  end
  lines[#lines + 1] = footer
  return table.concat(lines, '\n')
end

local function storage_tostring(s)
  local name = rawget(getmetatable(s), '__typename')
  local n = #s
  local footer = '[' .. name .. ' of size ' .. n .. ']'
  if n == 0 then return footer end
  local rows = shown(n, n > THRESHOLD)
  local get = function(i) return s[i] end
  local values = {}
  for _, i in ipairs(rows) do
    if i then values[#values + 1] = get(i) end
  end
  local format, scale, sz = printformat(values)
  local lines = {}
  printvector(lines, get, rows, format, scale, sz)
  lines[#lines + 1] = footer
  return table.concat(lines, '\n')
end

for _, name in ipairs(tensortypes) do
  rawset(torch[name], '__tostring', tensor_tostring)
end
for _, name in ipairs(storagetypes) do
  rawset(torch[name], '__tostring', storage_tostring)
end

-- Exposed for code that prints tensors in its own layout (and for the specs).
torch._printformat = printformat

return torch
