-- torch.CmdLine: command-line options with typed defaults and a help text, as Torch7's.
-- Beyond Torch7: `--name value` and `--name=value` work for an option declared as
-- '-name' (and the other way round), a boolean option also takes an explicit
-- `true`/`false`, number arguments are converted, and a token that looks like an
-- option but is not one is reported as unknown instead of being taken as an argument.
local torch = require 'torch.core'

local CmdLine = torch.class('torch.CmdLine')

local function strip(str)
   return str:match('^%-*(.*)')
end

local function pad(str, n)
   return str .. string.rep(' ', n - #str)
end

-- cmd = torch.CmdLine([argseparator [, keyseparator]]): the separators are for cmd:string.
function CmdLine:__init(argseparator, keyseparator)
   self.argseparator = argseparator or ','
   self.keyseparator = keyseparator or '='
   self.options = {}
   self.arguments = {}
   self.helplines = {}
   self.dateformat = nil
   self.silentio = false
end

-- Reports a parse error: the message and the help text on stderr, then exits with
-- status 1 (as Torch7). Replace it on an instance to handle errors otherwise.
function CmdLine:error(msg)
   io.stderr:write('\n' .. msg .. '\n\n')
   self:help(self.argv, io.stderr)
   os.exit(1)
end

function CmdLine:silent()
   self.silentio = true
end

-- cmd:addTime([name [, format]]): cmd:log's lines start with the date (and name).
function CmdLine:addTime(name, format)
   format = format or '%Y-%m-%d %H:%M:%S'
   if type(format) ~= 'string' then error('addTime: argument 2: expected a format string', 2) end
   name = name and ('[' .. name .. ']: ') or ''
   self.dateformat = format .. name
end

-- cmd:argument(key, help [, type]): a positional argument, required, in order.
function CmdLine:argument(key, help, typ)
   if type(key) ~= 'string' then error('argument: argument 1: expected a name (string)', 2) end
   if typ ~= nil and typ ~= 'string' and typ ~= 'number' then
      error('argument ' .. key .. ': type must be "string" or "number"', 2)
   end
   table.insert(self.arguments, {key = key, help = help, type = typ})
   table.insert(self.helplines, self.arguments[#self.arguments])
end

-- cmd:option(key, default, help [, type]): an option such as '-lr' with its default;
-- the default's type (number, string, boolean) is the option's type.
function CmdLine:option(key, default, help, typ)
   if type(key) ~= 'string' or not key:find('^%-') then
      error('option: argument 1: expected a name starting with "-", got ' .. tostring(key), 2)
   end
   if default == nil then error('option ' .. key .. ' has no default value', 2) end
   typ = typ or type(default)
   if type(default) ~= typ then error('option ' .. key .. ' has wrong default type value', 2) end
   if typ ~= 'number' and typ ~= 'string' and typ ~= 'boolean' then
      error('option ' .. key .. ': type must be number, string or boolean, got ' .. typ, 2)
   end
   self.options[key] = {key = key, default = default, help = help, type = typ}
   table.insert(self.helplines, self.options[key])
end

-- cmd:text([txt]): a line of the help text.
function CmdLine:text(txt)
   txt = txt or ''
   if type(txt) ~= 'string' then error('text: argument 1: expected a string', 2) end
   table.insert(self.helplines, txt)
end

-- The defaults of all options, keyed by name without dashes.
function CmdLine:default()
   local params = {}
   for key, opt in pairs(self.options) do params[strip(key)] = opt.default end
   return params
end

-- The option a command-line token names, in either dash form.
function CmdLine:__findOption__(key)
   local opt = self.options[key]
   if opt then return opt end
   if key:find('^%-%-') then return self.options[key:sub(2)] end
   if key:find('^%-[^-]') then return self.options['-' .. key] end
end

local booleans = {['true'] = true, ['false'] = false}

-- Reads the option at arg[i] (value in `inline` for --key=value); returns the count of
-- tokens used.
function CmdLine:__readOption__(params, arg, i, opt, inline)
   local key = arg[i]
   if opt.type == 'boolean' then
      if inline ~= nil then
         if booleans[inline] == nil then
            self:error('invalid value for option ' .. opt.key .. ': ' .. inline .. ' (should be true or false)')
         end
         params[strip(opt.key)] = booleans[inline]
         return 1
      end
      if booleans[arg[i + 1]] ~= nil then
         params[strip(opt.key)] = booleans[arg[i + 1]]
         return 2
      end
      params[strip(opt.key)] = not opt.default
      return 1
   end
   local value, used = inline, 1
   if value == nil then
      value, used = arg[i + 1], 2
      if value == nil then self:error('missing argument for option ' .. key) end
   end
   if opt.type == 'number' then
      local v = tonumber(value)
      if not v then
         self:error('invalid type for option ' .. opt.key .. ' (should be number): ' .. value)
      end
      value = v
   end
   params[strip(opt.key)] = value
   return used
end

function CmdLine:__readArgument__(params, arg, i, nArgument)
   local value = arg[i]
   local argument = self.arguments[nArgument]
   if not argument then self:error('invalid argument: ' .. value) end
   if argument.type == 'number' then
      local v = tonumber(value)
      if not v then
         self:error('invalid argument type for argument ' .. argument.key .. ' (should be number): ' .. value)
      end
      value = v
   end
   params[strip(argument.key)] = value
   return 1
end

-- cmd:parse(arg) -> params: the options (defaults replaced by what the command line
-- gives) and arguments, keyed by name without dashes. -h, -help or --help prints the
-- help and exits.
function CmdLine:parse(arg)
   arg = arg or _G.arg or {}
   self.argv = arg
   local params = self:default()
   local nArgument, i = 0, 1
   while i <= #arg do
      local tok = arg[i]
      if type(tok) ~= 'string' then tok = tostring(tok) end
      if tok == '-help' or tok == '-h' or tok == '--help' then
         self:help(arg)
         os.exit(0)
      end
      local opt = self:__findOption__(tok)
      local inline
      if not opt and tok:find('^%-%-?[^-=][^=]*=') then
         local key, value = tok:match('^([^=]+)=(.*)$')
         opt = self:__findOption__(key)
         inline = opt and value
      end
      if opt then
         i = i + self:__readOption__(params, arg, i, opt, inline)
      elseif tok:find('^%-') and not tonumber(tok) and tok ~= '-' then
         self:error('unknown option ' .. tok)
      else
         nArgument = nArgument + 1
         i = i + self:__readArgument__(params, arg, i, nArgument)
      end
   end
   if nArgument < #self.arguments then
      self:error('not enough arguments: expected ' .. #self.arguments .. ', got ' .. nArgument)
   end
   return params
end

-- cmd:string(prefix, params, ignore) -> a name made of the arguments and the options
-- that differ from their defaults, e.g. 'exp,lr=0.5,usecuda=t' (for a folder name).
-- Options in `ignore` are left out.
function CmdLine:string(prefix, params, ignore)
   local arguments, options = {}, {}
   prefix = prefix or ''
   ignore = ignore or {}
   for k, v in pairs(params) do
      local opt = self.options['-' .. k] or self.options['--' .. k]
      if ignore[k] then
         -- left out
      elseif opt then
         if v ~= opt.default or ignore[k] == false then
            if type(v) == 'boolean' then v = v and 't' or 'f' end
            table.insert(options, k .. self.keyseparator .. tostring(v))
         end
      else
         for n = 1, #self.arguments do
            if strip(self.arguments[n].key) == k then
               arguments[n] = k .. self.keyseparator .. tostring(v)
            end
         end
      end
   end
   table.sort(options)
   local parts = {}
   for n = 1, #self.arguments do
      if arguments[n] then parts[#parts + 1] = arguments[n] end
   end
   for _, o in ipairs(options) do parts[#parts + 1] = o end
   local str = table.concat(parts, self.argseparator)
   if str == '' then return prefix end
   return prefix .. self.argseparator .. str
end

-- cmd:log(file, params): from now on print() also writes to file (with the date when
-- addTime was called); the parameters are written first.
function CmdLine:log(file, params)
   local f = assert(io.open(file, 'w'))
   local oprint = print
   local cmd = self
   print = function(...)
      if not cmd.silentio then oprint(...) end
      local n, parts = select('#', ...), {}
      if cmd.dateformat then parts[1] = os.date(cmd.dateformat) end
      for k = 1, n do parts[#parts + 1] = tostring((select(k, ...))) end
      f:write(table.concat(parts, ' ') .. '\n')
      f:flush()
   end
   print('[program started on ' .. os.date() .. ']')
   print('[command line arguments]')
   if params then
      local keys = {}
      for k in pairs(params) do keys[#keys + 1] = k end
      table.sort(keys)
      for _, k in ipairs(keys) do print(k, params[k]) end
   end
   print('[----------------------]')
end

-- cmd:help([arg [, file]]): writes the usage and the help lines (to stdout by default).
function CmdLine:help(arg, out)
   out = out or io.stdout
   out:write('Usage: ')
   if arg and arg[0] then out:write(tostring(arg[0]) .. ' ') end
   out:write('[options]')
   for n = 1, #self.arguments do
      out:write(' <' .. strip(self.arguments[n].key) .. '>')
   end
   out:write('\n')
   local width = 0
   for _, line in ipairs(self.helplines) do
      if type(line) == 'table' then
         local label = line.default ~= nil and line.key or '<' .. strip(line.key) .. '>'
         width = math.max(width, #label)
      end
   end
   for _, line in ipairs(self.helplines) do
      if type(line) == 'table' then
         out:write('  ')
         if line.default ~= nil then
            out:write(pad(line.key, width))
            if line.help then out:write(' ' .. line.help) end
            out:write(' [' .. tostring(line.default) .. ']')
         else
            out:write(pad('<' .. strip(line.key) .. '>', width))
            if line.help then out:write(' ' .. line.help) end
         end
      else
         out:write(line)
      end
      out:write('\n')
   end
end

return CmdLine
