-- sys: Torch7's small system package (clocks, shell commands, colours). Names and
-- results as in Torch7's sys on Linux. See docs/sys.md.
local paths = require 'paths'
local torch = require 'torch.util' -- torch.core with torch._walltime

local sys = {}
_G.sys = sys
package.loaded.sys = sys

-- sys.clock(): seconds since the epoch, with sub-microsecond resolution. The value is
-- the wall-clock time at load plus the monotonic time elapsed since, so that differences
-- of two readings are never negative even if the system clock is set meanwhile (the
-- clock of torch.tic).
sys.clock = torch._walltime

-- sys.tic() / sys.toc([verbose]): a single stopwatch, as Matlab's: toc returns the
-- seconds since the last tic (and prints them when verbose is true).
local started
function sys.tic()
   started = sys.clock()
end
function sys.toc(verbose)
   if started == nil then error('sys.toc: sys.tic() was never called', 2) end
   local dt = sys.clock() - started
   if verbose then print(dt) end
   return dt
end

local function checkstring(fn, i, s)
   if type(s) ~= 'string' then
      error(string.format('sys.%s: argument %d: expected a string, got %s', fn, i, type(s)), 3)
   end
end

local function trim(s)
   return (s:gsub('^%s+', ''):gsub('%s+$', ''))
end

-- sys.execute(cmd): runs cmd in the shell and returns its output (stdout and stderr)
-- without leading and trailing white space.
function sys.execute(cmd)
   checkstring('execute', 1, cmd)
   local f = assert(io.popen(cmd .. ' 2>&1', 'r'))
   local s = f:read('a') or ''
   f:close()
   return trim(s)
end

-- sys.fexecute(cmd [, readwhat]): the same through a temporary file; readwhat is the
-- io.read format of the output to return ('*all' by default, '*line' for its first line).
function sys.fexecute(cmd, readwhat)
   checkstring('fexecute', 1, cmd)
   readwhat = readwhat or 'a'
   if type(readwhat) == 'string' then readwhat = readwhat:gsub('^%*', '') end
   local tmp = os.tmpname()
   os.execute(cmd .. ' >' .. tmp .. ' 2>&1')
   local f = assert(io.open(tmp, 'r'))
   local s = f:read(readwhat) or ''
   f:close()
   os.remove(tmp)
   if type(s) == 'string' then s = trim(s) end
   return s
end

-- sys.uname(): 'linux', 'macos' or '?', as Torch7 named the system; sys.OS holds it.
function sys.uname()
   local name = paths.uname()
   if name == 'Linux' then return 'linux' end
   if name == 'Darwin' then return 'macos' end
   return '?'
end
sys.OS = sys.uname()

-- sys.ls/ll/la/lla([dir]): the output of ls, ls -l, ls -a, ls -la.
local function lister(flags)
   return function(d)
      if d ~= nil then checkstring('ls', 1, d) end
      return sys.execute('ls ' .. flags .. (d or ''))
   end
end
sys.ls, sys.ll, sys.la, sys.lla = lister(''), lister('-l '), lister('-a '), lister('-la ')

-- sys.fpath(): the directory and the name of the file that calls it.
function sys.fpath()
   local info = debug.getinfo(2, 'S')
   local src = info and info.source or ''
   local f = src:gsub('^@', '')
   if f:sub(1, 1) ~= '/' then f = paths.concat(paths.cwd(), f) end
   return paths.dirname(f), paths.basename(f)
end

-- sys.split(str, pat): the pieces of str between matches of pattern pat.
function sys.split(str, pat)
   checkstring('split', 1, str)
   checkstring('split', 2, pat)
   local t, last = {}, 1
   local s, e, cap = str:find('(.-)' .. pat, 1)
   while s do
      if s ~= 1 or cap ~= '' then t[#t + 1] = cap end
      last = e + 1
      if e < s then last = s + 1 end -- an empty match must still move forward
      s, e, cap = str:find('(.-)' .. pat, last)
   end
   if last <= #str then t[#t + 1] = str:sub(last) end
   return t
end

-- sys.isNaN(x): true for NaN, the only value not equal to itself.
function sys.isNaN(x) return x ~= x end

-- sys.sleep(seconds) / sys.usleep(microseconds): pause the process.
function sys.sleep(seconds)
   if type(seconds) ~= 'number' or seconds ~= seconds or seconds < 0 then
      error('sys.sleep: argument 1: expected a number of seconds >= 0, got ' .. tostring(seconds), 2)
   end
   os.execute(string.format('sleep %.6f', seconds))
end
function sys.usleep(us)
   if type(us) ~= 'number' or us ~= us or us < 0 then
      error('sys.usleep: argument 1: expected a number of microseconds >= 0, got ' .. tostring(us), 2)
   end
   sys.sleep(us / 1e6)
end

-- sys.COLORS: ANSI escape sequences; lower case are normal, capitalised bold, and a
-- leading '_' a background colour.
sys.COLORS = {
   none = '\27[0m',
   black = '\27[0;30m', red = '\27[0;31m', green = '\27[0;32m', yellow = '\27[0;33m',
   blue = '\27[0;34m', magenta = '\27[0;35m', cyan = '\27[0;36m', white = '\27[0;37m',
   Black = '\27[1;30m', Red = '\27[1;31m', Green = '\27[1;32m', Yellow = '\27[1;33m',
   Blue = '\27[1;34m', Magenta = '\27[1;35m', Cyan = '\27[1;36m', White = '\27[1;37m',
   _black = '\27[40m', _red = '\27[41m', _green = '\27[42m', _yellow = '\27[43m',
   _blue = '\27[44m', _magenta = '\27[45m', _cyan = '\27[46m', _white = '\27[47m',
}

-- The installation prefix: the folder above bin/ holding the interpreter.
do
   local dir = paths.execdir()
   if dir and paths.basename(dir) == 'bin' then dir = paths.dirname(dir) end
   sys.prefix = dir or ''
end

-- Names Torch7's sys shared with paths.
sys.dirname = paths.dirname
sys.basename = paths.basename
sys.concat = paths.concat
sys.filep = paths.filep
sys.dirp = paths.dirp

return sys
