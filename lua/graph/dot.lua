-- graph.dot(g, title, filename): writes filename.dot (and filename.svg where Graphviz's
-- `dot` program is installed). Torch7 drew through the Graphviz library via LuaJIT's FFI;
-- here the program is run instead.

local function quote(s) return "'" .. tostring(s):gsub("'", "'\\''") .. "'" end

-- graph.hasGraphviz([program = 'dot']): whether the Graphviz program is on the PATH.
function graph.hasGraphviz(program)
   local ok = os.execute('command -v ' .. quote(program or 'dot') .. ' >/dev/null 2>&1')
   return ok == true
end

local function writefile(path, s, fname)
   local f, err = io.open(path, 'w')
   if not f then error(fname .. ': cannot write ' .. path .. ': ' .. tostring(err), 3) end
   f:write(s)
   f:close()
end

local function checkgraph(g, fname)
   if not (type(g) == 'table' and torch.isTypeOf(g, 'graph.Graph')) then
      error(fname .. ': argument 1: expected a graph.Graph (e.g. gmodule.fg), got ' .. torch.type(g), 3)
   end
end

-- graph.graphvizFile(g, algorithm, filename): renders g with the Graphviz program
-- `algorithm` ('dot', 'neato', ...) in the format named by filename's extension.
function graph.graphvizFile(g, algorithm, fname)
   checkgraph(g, 'graph.graphvizFile')
   algorithm = algorithm or 'dot'
   local format = type(fname) == 'string' and fname:match('%.(%w+)$')
   if not format then error('graph.graphvizFile: filename needs an extension (.svg, .png, ...)', 2) end
   if not graph.hasGraphviz(algorithm) then
      error('graph.graphvizFile: the Graphviz program ' .. algorithm .. ' is not installed (Debian: graphviz)', 2)
   end
   local src = os.tmpname()
   writefile(src, g:todot(), 'graph.graphvizFile')
   local ok = os.execute(string.format('%s -T%s -o %s %s', quote(algorithm), format, quote(fname), quote(src)))
   os.remove(src)
   if ok ~= true then error('graph.graphvizFile: ' .. algorithm .. ' failed to write ' .. fname, 2) end
end

-- graph.dot(g [, title [, filename]]): writes g:todot(title) to filename .. '.dot', and
-- renders filename .. '.svg' when `dot` is installed. Without filename, a temporary name
-- is used. Returns the path of the .dot file and that of the .svg (nil when not made).
function graph.dot(g, title, fname)
   checkgraph(g, 'graph.dot')
   if fname == nil then
      fname = os.tmpname()
      os.remove(fname)
   elseif type(fname) ~= 'string' then
      error('graph.dot: argument 3: expected a file name without extension, got ' .. type(fname), 2)
   end
   local dotpath, svgpath = fname .. '.dot', fname .. '.svg'
   writefile(dotpath, g:todot(title), 'graph.dot')
   if graph.hasGraphviz('dot') and
      os.execute(string.format('dot -Tsvg -o %s %s', quote(svgpath), quote(dotpath))) == true then
      return dotpath, svgpath
   end
   return dotpath, nil
end
