-- dlua.help: the documentation of docs/*.md at the prompt, as trepl's `?` was.
--   help(f)  help('torch.narrow')  help(nn.Linear)   -- the global help is this module
--   ?torch.narrow  ?nn.Linear  ?dl.fit  ?nn  ?       -- at the dlua prompt
-- An entry is a heading of a docs page and the text up to the next heading of the same
-- or a higher level; it is found by the names in its heading (`x:narrow(...)` answers
-- narrow, torch.narrow and x:narrow). A page name (`?nn`, `?tensor`) lists the page's
-- headings; `?` alone lists the pages.
local help = {}

-- The folder of the .md files: $DLUA_DOCS, the source tree's docs/ (lua/dlua/help.lua
-- -> ../../docs), or where `make install` puts them ($PREFIX/share/doc/dlua, from
-- $PREFIX/share/lua/5.4/dlua/help.lua).
local function docs_dir()
  local candidates = {}
  if os.getenv('DLUA_DOCS') then candidates[1] = os.getenv('DLUA_DOCS') end
  local me = package.searchpath('dlua.help', package.path)
  if me then
    local dir = me:match('^(.*)/dlua/help%.lua$') or '.'
    candidates[#candidates + 1] = dir .. '/../docs'
    candidates[#candidates + 1] = dir .. '/../../doc/dlua'
  end
  for _, d in ipairs(candidates) do
    local f = io.open(d .. '/tensor.md')
    if f then f:close() return d end
  end
  return nil
end

local function list_pages(dir)
  local p = io.popen(('ls %q 2>/dev/null'):format(dir))
  local pages = {}
  for name in p:lines() do
    if name:match('%.md$') then pages[#pages + 1] = name:sub(1, -4) end
  end
  p:close()
  table.sort(pages)
  return pages
end

local index -- {pages = {name = {title=, lines=, headings = {...}}}, keys = {name = {entries}}}

-- The names a heading answers to: every dotted or colon name and every called name.
local function heading_names(text)
  local names = {}
  for q in text:gmatch('[%a_][%w_]*[%.:][%w_%.:]*[%w_]') do names[#names + 1] = q end
  for q in text:gmatch('([%a_][%w_]*)%s*%(') do names[#names + 1] = q end
  return names
end

local function build()
  if index then return index end
  index = {pages = {}, keys = {}, dir = docs_dir()}
  if not index.dir then return index end
  for _, page in ipairs(list_pages(index.dir)) do
    local lines = {}
    for l in io.lines(index.dir .. '/' .. page .. '.md') do lines[#lines + 1] = l end
    local p = {name = page, lines = lines, headings = {}}
    local fence = false
    for i, l in ipairs(lines) do
      if l:match('^```') then fence = not fence end
      local hashes, text = l:match('^(#+)%s+(.*)$')
      if hashes and not fence then
        local h = {level = #hashes, text = text, first = i, page = p}
        p.headings[#p.headings + 1] = h
        if h.level == 1 and not p.title then p.title = text end
        for _, name in ipairs(heading_names(text)) do
          local full = name
          local last = name:match('[%.:]([%w_]+)$') or name
          for _, k in ipairs{full, last} do
            index.keys[k] = index.keys[k] or {}
            local list = index.keys[k]
            if list[#list] ~= h then list[#list + 1] = h end
          end
        end
      end
    end
    -- each entry ends before the next heading of its level or above
    for j, h in ipairs(p.headings) do
      h.last = #lines
      for k = j + 1, #p.headings do
        if p.headings[k].level <= h.level then h.last = p.headings[k].first - 1 break end
      end
    end
    index.pages[page] = p
  end
  return index
end

local function entry_text(h)
  local out = {}
  for i = h.first, h.last do out[#out + 1] = h.page.lines[i] end
  while #out > 0 and out[#out]:match('^%s*$') do out[#out] = nil end
  return table.concat(out, '\n') .. ('\n  (docs/%s.md)'):format(h.page.name)
end

-- The entries for a name, best first: a heading holding the whole name, then those
-- holding its last part (torch.narrow -> x:narrow), those on the page of its first part
-- (nn.X -> nn*.md) ahead.
function help.lookup(name)
  local idx = build()
  local exact = idx.keys[name]
  if exact then return exact end
  local last = name:match('[%.:]([%w_]+)$')
  local list = last and idx.keys[last]
  if not list then return {} end
  local first = name:match('^([%w_]+)')
  local sorted = {}
  for i, h in ipairs(list) do sorted[i] = h end
  table.sort(sorted, function(a, b)
    local pa = a.page.name:sub(1, #first) == first or (first == 'torch' and a.page.name == 'tensor')
    local pb = b.page.name:sub(1, #first) == first or (first == 'torch' and b.page.name == 'tensor')
    if pa ~= pb then return pa end
    if a.page.name ~= b.page.name then return a.page.name < b.page.name end
    return a.first < b.first
  end)
  return sorted
end

-- A name for a value: its path from the globals torch, nn, optim, dl, nngraph, image
-- (two levels down), or nil.
local function name_of(v)
  local seen = {}
  local roots = {'torch', 'nn', 'optim', 'dl', 'nngraph', 'image', 'paths', 'sys', 'xlua'}
  for _, r in ipairs(roots) do
    local t = package.loaded[r]
    if type(t) == 'table' then
      if t == v then return r end
      for k, x in pairs(t) do
        if type(k) == 'string' then
          if x == v then return r .. '.' .. k end
          if type(x) == 'table' and not seen[x] and k:sub(1, 1) ~= '_' then
            seen[x] = true
            for k2, y in pairs(x) do
              if y == v and type(k2) == 'string' then return r .. '.' .. k .. '.' .. k2 end
            end
          end
        end
      end
    end
  end
  -- a class: torch.typename knows its name
  if type(v) == 'table' and torch and torch.typename then
    local ok, n = pcall(torch.typename, v)
    if ok and n then return n end
  end
  return nil
end

-- The text help prints for a query (a string, or a value to name).
function help.text(q)
  local idx = build()
  if not idx.dir then
    return 'help: the documentation is not installed (set DLUA_DOCS to the folder of the .md files)'
  end
  if q == nil or q == '' then
    local out = {'Topics (?name for one, ?page for a page\'s entries):'}
    for _, name in ipairs(list_pages(idx.dir)) do
      local p = idx.pages[name]
      out[#out + 1] = ('  %-16s %s'):format(name, p.title or '')
    end
    return table.concat(out, '\n')
  end
  local name = q
  if type(q) ~= 'string' then
    name = name_of(q)
    if not name then return ('help: no documentation found for this %s'):format(type(q)) end
  end
  name = name:match('^%s*(.-)%s*$')
  local page = idx.pages[name]
  if page and not idx.keys[name] or (page and name == 'nn') then
    local out = {('%s (docs/%s.md)'):format(page.title or name, name)}
    for _, h in ipairs(page.headings) do
      if h.level > 1 then out[#out + 1] = ('  '):rep(h.level - 2) .. h.text end
    end
    return table.concat(out, '\n')
  end
  local found = help.lookup(name)
  if #found == 0 then return ('help: nothing documented as %s (? lists the topics)'):format(name) end
  local out = {entry_text(found[1])}
  if #found > 1 then
    local also = {}
    for i = 2, math.min(#found, 6) do also[#also + 1] = ('%s (docs/%s.md)'):format(found[i].text, found[i].page.name) end
    out[#out + 1] = '\nSee also: ' .. table.concat(also, '; ')
  end
  return table.concat(out, '\n')
end

-- help(q): prints the entry.
function help.show(q)
  io.write(help.text(q), '\n')
end

return setmetatable(help, {__call = function(_, q) help.show(q) end})
