-- torch.save, torch.load, torch.serialize, torch.deserialize: Torch7's functions over
-- torch.DiskFile and torch.MemoryFile (lua/torch/File.lua).
local torch = require 'torch.core'
require 'torch.File'
local C = torch._file

local sformat = string.format

local function setformat(f, fn, format)
   if format == nil or format == 'binary' or format == 'b64' then
      f:binary()
   elseif format == 'ascii' then
      f:ascii()
   elseif format == 'b32' then
      f:binary()
      f:longSize(4)
   else
      error(sformat("%s: format '%s' (expected 'binary', 'ascii', 'b32' or 'b64')", fn, tostring(format)), 3)
   end
   return f
end

local function checkname(fn, name)
   if type(name) ~= 'string' then
      error(sformat('%s: argument 1: expected a file name, got %s', fn, type(name)), 3)
   end
end

-- torch.save(filename, object [, format]): writes a temporary file next to filename,
-- flushes it to disk and renames it over filename, so that a crash mid-save leaves the
-- previous file whole.
function torch.save(filename, object, format, referenced)
   checkname('save', filename)
   if format == 'b32' then error("save: format 'b32' is for reading old files; save writes 8-byte longs", 2) end
   local f = C.savetemp(filename)
   setformat(f, 'save', format)
   if referenced == false then f:referenced(false) end
   local ok, err = pcall(f.writeObject, f, object)
   if not ok then
      f:close() -- removes the temporary file
      error(sformat("save: '%s': %s", filename, tostring(err)), 2)
   end
   f:_commit()
end

-- torch.load(filename [, format [, options]]): format 'binary' (the default, 8-byte
-- longs), 'ascii', 'b32' (binary with 4-byte longs) or 'b64'; options.expanded = true
-- accepts tensors far larger than their storage (stride-0 views), refused by default;
-- options.trust = true loads the Lua functions the file holds (refused by default: their
-- bytecode is not verified, so a crafted file could run anything).
function torch.load(filename, format, options)
   checkname('load', filename)
   setformat(torch.MemoryFile(), 'load', format) -- a bad format fails before opening
   local f = torch.DiskFile(filename, 'r')
   setformat(f, 'load', format)
   if type(options) == 'table' and options.expanded then f:allowExpanded(true) end
   if type(options) == 'table' and options.trust == true then f:trustFunctions(true) end
   C.sweep(filename) -- temporaries that killed saves of this file left behind
   local ok, obj = pcall(f.readObject, f)
   f:close()
   if not ok then error(sformat("load: '%s': %s", filename, tostring(obj)), 2) end
   return obj
end

-- torch.serialize(object [, format]) -> string
function torch.serialize(object, format)
   local f = setformat(torch.MemoryFile('rw'), 'serialize', format)
   local ok, err = pcall(f.writeObject, f, object)
   if not ok then
      f:close()
      error('serialize: ' .. tostring(err), 2)
   end
   local s = f:string()
   f:close()
   return s
end

-- torch.deserialize(string [, format [, options]]) -> object; options as torch.load's
function torch.deserialize(s, format, options)
   if type(s) ~= 'string' then
      error('deserialize: argument 1: expected a string, got ' .. type(s), 2)
   end
   local f = setformat(torch.MemoryFile(s, 'r'), 'deserialize', format)
   if type(options) == 'table' and options.trust == true then f:trustFunctions(true) end
   local ok, obj = pcall(f.readObject, f)
   f:close()
   if not ok then error('deserialize: ' .. tostring(obj), 2) end
   return obj
end

return torch
