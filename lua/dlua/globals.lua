-- dlua.globals: what the `dlua` executable sets up before a script, as Torch7's `th` did:
-- the Lua 5.1 names of dlua.compat, and the globals torch, paths, sys and xlua (and nn,
-- optim, dl and help). The packages other than torch are loaded at the first read of
-- their global name, so that scripts that never use them start as fast as before. See
-- docs/compat.md.
require 'dlua.compat'

local lazy = {paths = 'paths', sys = 'sys', xlua = 'xlua'}
-- nn, optim and dl without a require, and help (docs/*.md at the prompt: dlua.help)
lazy.nn, lazy.optim, lazy.dl, lazy.help = 'nn', 'optim', 'dl', 'dlua.help'

-- Penlight's modules, which th put in the globals (trepl requires 'pl', whose lazy
-- globals these are): char-rnn and others call path.join and path.exists. They are
-- loaded only when Penlight (Debian's lua-penlight) is installed; otherwise the name
-- reads as nil, as before.
local optional = {path = 'pl.path', stringx = 'pl.stringx', tablex = 'pl.tablex'}

local mt = getmetatable(_G)
if mt == nil then
   mt = {}
   setmetatable(_G, mt)
end
local previous = mt.__index

-- A read of a missing global: one of the lazy packages is required and stored as a plain
-- global (so later reads do not come here); anything else reads as nil, as without this.
mt.__index = function(t, k)
   local name = lazy[k]
   if name ~= nil then
      local m = require(name)
      rawset(t, k, m)
      return m
   end
   name = optional[k]
   if name ~= nil then
      local ok, m = pcall(require, name)
      if ok then
         rawset(t, k, m)
         return m
      end
   end
   if type(previous) == 'function' then return previous(t, k) end
   if type(previous) == 'table' then return previous[k] end
   return nil
end

-- include(file): Torch7's global, dofile of file in the directory of the file calling it
-- (how packages written for th load their parts: include('Layer.lua') in init.lua).
-- Not a tail call, so that paths.dofile finds the caller three levels up.
if rawget(_G, 'include') == nil then
   rawset(_G, 'include', function(file, depth)
      require('paths').dofile(file, 3 + (depth or 0))
   end)
end

return {lazy = lazy, optional = optional}
