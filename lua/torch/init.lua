-- torch: the tensor library. The C module torch.core holds the tensor types and their
-- methods; the files below add what is best written in Lua.
local torch = require 'torch.core'
-- errors are reported at the script's line, not inside these files (src/lua/lt_where.c)
torch._setlibroot(debug.getinfo(1, 'S').source)
_G.torch = torch
package.loaded.torch = torch

require 'torch.class'     -- torch.class, torch.type, typename, isTypeOf, isTensor
require 'torch.File'      -- DiskFile, MemoryFile, readObject/writeObject
require 'torch.serialize' -- save, load, serialize, deserialize
require 'torch.tensor'    -- tensor methods written in Lua, operators
require 'torch.print'     -- __tostring of tensors and storages
require 'torch.apply'     -- apply, map, map2
require 'torch.Timer'
require 'torch.CmdLine'
require 'torch.Tester'
require 'torch.util'    -- packageLuaPath, include, tic, toc, totable
require 'torch.math_extra' -- isSetTo, multinomialAlias, serializeToStorage, mod, id, isequal

return torch
