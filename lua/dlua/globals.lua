-- dlua.globals: what the `dlua` executable sets up before a script, as Torch7's `th` did:
-- the Lua 5.1 names of dlua.compat, and the globals torch, paths, sys and xlua. The
-- packages other than torch are loaded at the first read of their global name, so that
-- scripts that never use them start as fast as before. See docs/compat.md.
require 'dlua.compat'

local lazy = {paths = 'paths', sys = 'sys', xlua = 'xlua'}

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
   if type(previous) == 'function' then return previous(t, k) end
   if type(previous) == 'table' then return previous[k] end
   return nil
end

return {lazy = lazy}
