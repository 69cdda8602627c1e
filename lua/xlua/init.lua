-- xlua: Torch7's helper package: a progress bar, a table-aware print, a require that
-- does not fail, named-argument unpacking, and a few string and table helpers. Names
-- and behaviour as Torch7's xlua; its REPL parts, OptionParser and Profiler are not
-- provided (dlua has its own REPL, torch.CmdLine, torch.Timer). See docs/xlua.md.
local sys = require 'sys'

local xlua = {}
_G.xlua = xlua
package.loaded.xlua = xlua

-- xlua.formatTime(seconds): the two largest units of a duration, '1h3m', '2s450ms', '0ms'.
function xlua.formatTime(seconds)
   if type(seconds) ~= 'number' then
      error('xlua.formatTime: argument 1: expected a number, got ' .. type(seconds), 2)
   end
   if seconds ~= seconds or seconds == math.huge then return '?' end
   seconds = math.max(seconds, 0)
   local parts = {}
   local units = {{'D', 86400}, {'h', 3600}, {'m', 60}, {'s', 1}, {'ms', 0.001}}
   for _, u in ipairs(units) do
      local n = math.floor(seconds / u[2] + 1e-9)
      seconds = seconds - n * u[2]
      if n > 0 and #parts < 2 then parts[#parts + 1] = string.format('%d%s', n, u[1]) end
   end
   if #parts == 0 then return '0ms' end
   return table.concat(parts)
end

-- The terminal's width: $COLUMNS, else `tput cols` when stdout is a terminal, else 80;
-- asked once, at the first progress bar.
local termwidth
local function width()
   if termwidth then return termwidth end
   termwidth = tonumber(os.getenv('COLUMNS'))
   if not termwidth then
      local p = io.popen('tput cols 2>/dev/null', 'r')
      termwidth = p and tonumber(p:read('a'))
      if p then p:close() end
   end
   termwidth = math.min(math.max(termwidth or 80, 40), 120)
   return termwidth
end

-- The state of the bar being drawn: one at a time, as in Torch7.
local bar = nil

-- xlua.progress(current, goal): draws ' [=====>....] current/goal ETA: 1m2s | Step: 3ms'
-- on one line, rewritten in place with '\r'. A bar starts when current is smaller than at
-- the previous call (or after a finished bar) and ends with a newline when current
-- reaches goal. The line is redrawn at most every 0.1 s (and always at the end), so that
-- logs written to a file stay small.
function xlua.progress(current, goal)
   if type(current) ~= 'number' or type(goal) ~= 'number' then
      error(string.format('xlua.progress: expected (current, goal) numbers, got (%s, %s)',
                          type(current), type(goal)), 2)
   end
   if goal <= 0 then error('xlua.progress: argument 2: goal must be > 0, got ' .. goal, 2) end
   current = math.max(0, math.min(current, goal))
   local now = sys.clock()
   if bar == nil or bar.done or current < bar.last then
      bar = {start = now, first = current, last = current, drawn = -math.huge, done = false}
   end
   bar.last = current
   local finished = current >= goal
   if not finished and now - bar.drawn < 0.1 then return end
   bar.drawn = now
   local elapsed = now - bar.start
   local step = current > bar.first and elapsed / (current - bar.first) or 0
   local info
   if finished then
      info = string.format(' %d/%d Tot: %s | Step: %s', current, goal,
                           xlua.formatTime(elapsed), xlua.formatTime(step))
   else
      info = string.format(' %d/%d ETA: %s | Step: %s', current, goal,
                           xlua.formatTime((goal - current) * step), xlua.formatTime(step))
   end
   -- a fixed share of the line for the text, so the bar keeps its length as it changes
   local len = math.max(10, width() - 48)
   local filled = math.floor(current * len / goal)
   local body = string.rep('=', math.max(filled - 1, 0)) .. (filled > 0 and (finished and '=' or '>') or '')
   body = body .. string.rep('.', len - #body)
   io.write('\r [', body, ']', info, '  ')
   if finished then
      bar.done = true
      io.write('\n')
   end
   io.flush()
end

-- xlua.print(obj, ...): print, but a table is listed as {[key] = value, ...} (values
-- cut to 40 characters) and an object with a usage string shows it.
function xlua.print(obj, ...)
   if type(obj) == 'table' and not (torch and torch.typename and torch.typename(obj)) then
      local mt = getmetatable(obj)
      if mt and mt.__tostring then
         io.write(tostring(obj))
      else
         if type(obj.usage) == 'string' then io.write(obj.usage, '\n\nFIELDS:\n') end
         local lines = {}
         for k, v in pairs(obj) do
            local s = type(v) == 'userdata' and '<userdata>' or tostring(v):gsub('\n', '\\n')
            if #s > 40 then s = s:sub(1, 40) .. ' ... ' end
            lines[#lines + 1] = '[' .. tostring(k) .. '] = ' .. s
         end
         io.write('{', table.concat(lines, ',\n '), '}')
      end
   else
      io.write(tostring(obj))
   end
   if select('#', ...) > 0 then
      io.write('    ')
      print(...)
   else
      io.write('\n')
   end
end

-- xlua.error(message [, domain [, usage]]): error('<domain> message') in red.
function xlua.error(message, domain, usage)
   local c = sys.COLORS
   if domain then message = '<' .. tostring(domain) .. '> ' .. tostring(message) end
   local msg = c.Red .. tostring(message) .. c.none
   if usage then msg = msg .. '\n' .. tostring(usage) end
   error(msg, 2)
end

-- xlua.trycatch(try, catch): calls try(); on an error, catch(err).
function xlua.trycatch(try, catch)
   local ok, err = pcall(try)
   if not ok then catch(err) end
end

-- xlua.installed(name): true and the file when package.searchpath finds the package.
function xlua.installed(name)
   if type(name) ~= 'string' then
      error('xlua.installed: argument 1: expected a string, got ' .. type(name), 2)
   end
   if package.loaded[name] then return true, name end
   local f = package.searchpath(name, package.path) or package.searchpath(name, package.cpath)
   if f then return true, f end
   return false, nil
end

-- xlua.require(name): require(name), or, when it fails, a warning on stdout and false
-- (Torch7's result), so that optional packages can be tried.
function xlua.require(name)
   if type(name) ~= 'string' then
      error('xlua.require: argument 1: expected a string, got ' .. type(name), 2)
   end
   local ok, mod = pcall(require, name)
   if not ok then
      print(mod)
      print('warning: <' .. name .. '> could not be loaded (is it installed?)')
      return false
   end
   return mod
end

local function valstr(v)
   if type(v) == 'string' then return string.format('%q', v):gsub('\\\n', '\\n') end
   if type(v) == 'table' then return xlua.table2string(v) end
   return tostring(v)
end

local function keystr(k)
   if type(k) == 'string' and k:match('^[_%a][_%w]*$') then return k end
   return '[' .. valstr(k) .. ']'
end

-- xlua.table2string(t [, newline]): t written as a Lua constructor, '{1,2,a=3}', one
-- field a line when newline is true. Cycles are written as '<cycle>'.
function xlua.table2string(t, newline, seen)
   if type(t) ~= 'table' then
      error('xlua.table2string: argument 1: expected a table, got ' .. type(t), 2)
   end
   seen = seen or {}
   if seen[t] then return '<cycle>' end
   seen[t] = true
   local out, done = {}, {}
   local function val(v)
      if type(v) == 'table' then return xlua.table2string(v, false, seen) end
      return valstr(v)
   end
   for i, v in ipairs(t) do
      out[#out + 1] = val(v)
      done[i] = true
   end
   local sep = newline and ' : ' or '='
   for k, v in pairs(t) do
      if not done[k] then out[#out + 1] = keystr(k) .. sep .. val(v) end
   end
   seen[t] = nil
   if newline then return '{\n   ' .. table.concat(out, '\n   ') .. '\n}' end
   return '{' .. table.concat(out, ',') .. '}'
end

-- xlua.usage(funcname, description, example, arg1, ...): a help text for a function,
-- from argument descriptions {arg = name, type = 'number', help = '...', req = bool,
-- default = v}.
function xlua.usage(funcname, description, example, ...)
   local defs = {...}
   if defs[1] and defs[1].tabled then defs = defs[1].tabled end
   local lines = {string.rep('+', 69), funcname}
   if description then lines[#lines + 1] = '\n' .. description end
   lines[#lines + 1] = '\n> usage:'
   local named = defs[1] and defs[1].arg
   lines[#lines + 1] = funcname .. (named and '{' or '(')
   for _, d in ipairs(defs) do
      local key = named and (d.arg .. ' = ' .. tostring(d.type)) or tostring(d.type)
      if not d.req then key = '[' .. key .. ']' end
      key = '    ' .. key
      local line = key .. string.rep(' ', math.max(1, 40 - #key)) .. '-- ' .. tostring(d.help or '')
      if type(d.default) == 'table' then
         line = line .. '  [default = ' .. xlua.table2string(d.default) .. ']'
      elseif d.default ~= nil then
         line = line .. '  [default = ' .. tostring(d.default) .. ']'
      elseif d.defaulta then
         line = line .. '  [default == ' .. d.defaulta .. ']'
      end
      lines[#lines + 1] = line
   end
   lines[#lines + 1] = named and '}' or ')'
   if example then lines[#lines + 1] = '\n' .. example end
   lines[#lines + 1] = string.rep('+', 69)
   return table.concat(lines, '\n')
end

-- xlua.unpack(args, funcname, description, def1, def2, ...): named or positional
-- arguments to a table. args is {...} of the caller; when it holds one plain table (not
-- a torch object), its fields are the named arguments, else the positions follow the
-- defs. Returns the table (fields by name and by position, and .usage) and then the
-- values in the order of the defs. A missing required argument is an error that shows
-- the usage.
function xlua.unpack(args, funcname, description, ...)
   if type(args) ~= 'table' then
      error('xlua.unpack: argument 1: expected the table of arguments {...}, got ' .. type(args), 2)
   end
   local defs = {...}
   local usage = setmetatable({}, {__tostring = function()
      return xlua.usage(funcname, description, nil, {tabled = defs})
   end})
   local given
   local a1 = args[1]
   if #args == 1 and type(a1) == 'table' and #a1 == 0 and getmetatable(a1) == nil then
      given = a1
   else
      given = {}
      for i, d in ipairs(defs) do given[d.arg] = args[i] end
   end
   local out = {usage = usage}
   for i, d in ipairs(defs) do
      local v = given[d.arg]
      if v == nil then v = d.default end
      if v == nil and d.defaulta then v = out[d.defaulta] end
      if v == nil and d.req then
         error(string.format('%s: missing argument: %s\n%s', tostring(funcname), d.arg,
                             tostring(usage)), 2)
      end
      out[d.arg] = v
      out[i] = v
   end
   return out, table.unpack(out, 1, #defs)
end

-- xlua.unpack_class(object, args, funcname, description, ...): xlua.unpack, with the
-- named results stored in object.
function xlua.unpack_class(object, args, funcname, description, ...)
   local out = xlua.unpack(args, funcname, description, ...)
   for k, v in pairs(out) do
      if type(k) ~= 'number' then object[k] = v end
   end
   return out
end

-- xlua.envparams(defaults): defaults, each overridden by the environment variable of its
-- name, converted to the default's type (number, boolean).
function xlua.envparams(defaults)
   local params = {}
   for k, v in pairs(defaults) do
      local s = os.getenv(k)
      if s == nil then
         params[k] = v
      elseif type(v) == 'number' then
         params[k] = tonumber(s) or error('xlua.envparams: ' .. k .. '=' .. s .. ' is not a number', 2)
      elseif type(v) == 'boolean' then
         local l = s:lower()
         if l == 'true' then params[k] = true
         elseif l == 'false' then params[k] = false
         else error('xlua.envparams: ' .. k .. '=' .. s .. ' is not true or false', 2) end
      else
         params[k] = s
      end
   end
   return params
end

-- string.split(s, pattern) and table helpers, added by Torch7's xlua to the standard
-- tables (only when absent).
if string.split == nil then string.split = sys.split end

-- table.splice(t [, start [, length]]): t without elements start..start+length-1, and
-- the removed ones.
if table.splice == nil then
   function table.splice(t, start, length)
      start, length = start or 1, length or 1
      local kept, removed = {}, {}
      for i, v in ipairs(t) do
         if i < start or i >= start + length then kept[#kept + 1] = v else removed[#removed + 1] = v end
      end
      return kept, removed
   end
end

-- string.tosymbol('a.b.c'): the value the expression names (an error when nil).
if string.tosymbol == nil then
   function string.tosymbol(s)
      local chunk, err = load('return ' .. s)
      if not chunk then error(err, 2) end
      local ok, v = pcall(chunk)
      if not ok then error(v, 2) end
      if v == nil then error('symbol "' .. s .. '" does not exist', 2) end
      return v
   end
end

-- Torch7's xlua also made these globals.
rawset(_G, 'xprint', xlua.print)
rawset(_G, 'xerror', xlua.error)
rawset(_G, 'xrequire', xlua.require)

return xlua
