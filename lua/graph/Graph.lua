-- graph.Graph(): a directed graph as two lists, `nodes` and `edges`, each of which also
-- maps its elements to their positions (Torch7's layout: g.nodes[node] is node's index,
-- which is also node.id).
local Graph = torch.class('graph.Graph')

function Graph:__init()
   self.nodes = {}
   self.edges = {}
end

-- Appends item to list unless it is there; returns its position.
local function register(list, item)
   local i = list[item]
   if not i then
      i = #list + 1
      list[i], list[item] = item, i
   end
   return i
end

-- add(edge): adds a graph.Edge (or each edge of a plain list), its two nodes, and the
-- edge's `to` to the children of its `from`. Nodes get their index as `id`.
function Graph:add(edge)
   if type(edge) ~= 'table' then
      error('graph.Graph:add: expected a graph.Edge or a list of them, got ' .. torch.type(edge), 2)
   end
   if not torch.typename(edge) then
      for _, e in ipairs(edge) do self:add(e) end
      return
   end
   if not torch.isTypeOf(edge, 'graph.Edge') then
      error('graph.Graph:add: expected a graph.Edge, got ' .. torch.type(edge), 2)
   end
   register(self.edges, edge)
   edge.from.id = register(self.nodes, edge.from)
   edge.to.id = register(self.nodes, edge.to)
   edge.from:add(edge.to)
end

-- Rebuilds the graph with new nodes (of the same classes, sharing `data`); `flip`
-- reverses every edge. Returns the new graph and the map from old nodes to new ones.
local function rebuild(self, flip)
   local g, map = graph.Graph(), {}
   local function copy(node)
      local c = map[node]
      if not c then
         c = node.new(node.data)
         map[node] = c
      end
      return c
   end
   for _, n in ipairs(self.nodes) do copy(n) end
   for _, e in ipairs(self.edges) do
      local from, to = copy(e.from), copy(e.to)
      if flip then from, to = to, from end
      g:add(e.new(from, to, e.weight))
   end
   if #self.edges == 0 then
      for _, n in ipairs(self.nodes) do map[n].id = register(g.nodes, map[n]) end
   end
   return g, map
end

-- clone(): new nodes, the same data (tables are shared, not copied).
function Graph:clone()
   return (rebuild(self, false))
end

-- reverse(): the graph with every edge reversed, new nodes sharing the data; also the map
-- from this graph's nodes to the new ones.
function Graph:reverse()
   return rebuild(self, true)
end

-- The nodes with no edge into them (roots) or out of them (leaves), in index order.
local function ends(self, field)
   local touched = {}
   for _, e in ipairs(self.edges) do touched[e[field]] = true end
   local out = {}
   for _, n in ipairs(self.nodes) do
      if not touched[n] then out[#out + 1] = n end
   end
   return out
end

function Graph:roots() return ends(self, 'to') end
function Graph:leaves() return ends(self, 'from') end

-- hasCycle(): whether some path comes back to where it started.
function Graph:hasCycle()
   local succ = {}
   for _, n in ipairs(self.nodes) do succ[n] = {} end
   for _, e in ipairs(self.edges) do table.insert(succ[e.from], e.to) end
   local state = {}
   local function walk(n)
      state[n] = 1
      for _, m in ipairs(succ[n]) do
         if state[m] == 1 or (state[m] == nil and walk(m)) then return true end
      end
      state[n] = 2
      return false
   end
   for _, n in ipairs(self.nodes) do
      if state[n] == nil and walk(n) then return true end
   end
   return false
end

-- topsort(): the nodes in an order where every edge goes from an earlier node to a later
-- one. It is the post-order of a depth-first walk backwards along the edges from each
-- leaf (in index order), predecessors taken in edge order: for an nngraph module this is
-- the order in which Torch7 runs the nodes. Raises when the graph has a cycle.
function Graph:topsort()
   local pred, out = {}, {}
   for _, n in ipairs(self.nodes) do pred[n] = {} end
   for _, e in ipairs(self.edges) do
      table.insert(pred[e.to], e.from)
      out[e.from] = true
   end
   local order, state, cyclic = {}, {}, false
   local function walk(n)
      state[n] = 1
      for _, p in ipairs(pred[n]) do
         if state[p] == 1 then
            cyclic = true
         elseif state[p] == nil then
            walk(p)
         end
      end
      state[n] = 2
      order[#order + 1] = n
   end
   for _, n in ipairs(self.nodes) do
      if not out[n] and state[n] == nil then walk(n) end
   end
   if cyclic or #order ~= #self.nodes then
      error('graph.Graph:topsort: the graph has a cycle', 2)
   end
   return order
end

-- graph._dotEscape(s): s as a Graphviz ID: kept as it is when it is letters only,
-- otherwise quoted, with newlines written \n and quotes escaped.
function graph._dotEscape(s)
   s = tostring(s)
   if s:find('^[A-Za-z]+$') then return s end
   return '"' .. s:gsub('"', '\\"'):gsub('\n', '\\n') .. '"'
end

-- ' key=value key=value' from a table of Graphviz attributes, sorted by key.
local function attributes(t)
   local keys = {}
   for k in pairs(t) do keys[#keys + 1] = k end
   table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
   local parts = {}
   for i, k in ipairs(keys) do parts[i] = tostring(k) .. '=' .. graph._dotEscape(t[k]) end
   return #parts > 0 and ' ' .. table.concat(parts, ' ') or ''
end

-- todot([title]): the graph in Graphviz's dot language. Node n is drawn as `n<id>` with
-- its graphNodeName() (or "Node<id>") and label() as label, and graphNodeAttributes()
-- when the node class has them (nngraph's nodes do).
function Graph:todot(title)
   local out = {'digraph G {\n'}
   if title then
      out[#out + 1] = 'labelloc="t";\nlabel=' .. graph._dotEscape(title) .. ';\n'
   end
   out[#out + 1] = 'node [shape = oval];\n'
   for _, node in ipairs(self.nodes) do
      local name = node.graphNodeName and node:graphNodeName() or ('Node' .. node.id)
      local attrs = node.graphNodeAttributes and attributes(node:graphNodeAttributes()) or ''
      out[#out + 1] = string.format('n%d[label=%s%s];\n', node.id,
                                    graph._dotEscape(name .. '\n' .. node:label()), attrs)
   end
   for _, e in ipairs(self.edges) do
      out[#out + 1] = string.format('n%d -> n%d;\n', e.from.id, e.to.id)
   end
   out[#out + 1] = '}\n'
   return table.concat(out)
end

return Graph
