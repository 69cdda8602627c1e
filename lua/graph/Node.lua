-- graph.Node(data): a node holding `data`, with the ordered list of the nodes its edges
-- point to (`children`). As in Torch7, `children` also maps each child to its position,
-- and the fields `id`, `visited` and `marked` are kept so that saved graphs have
-- Torch7's layout; the traversals here keep their bookkeeping in local tables instead.
local Node = torch.class('graph.Node')

function Node:__init(data)
   self.data = data
   self.id = 0
   self.children = {}
   self.visited = false
   self.marked = false
end

local function isnode(x)
   return type(x) == 'table' and torch.isTypeOf(x, 'graph.Node')
end
graph._isnode = isnode

-- add(child): appends child to the children unless it is there already; a plain list of
-- nodes adds each of them.
function Node:add(child)
   if type(child) == 'table' and not torch.typename(child) then
      for _, c in ipairs(child) do self:add(c) end
      return
   end
   if not isnode(child) then
      error(torch.type(self) .. ':add: expected a graph.Node, got ' .. torch.type(child), 2)
   end
   local children = self.children
   if children[child] == nil then
      local n = #children + 1
      children[n] = child
      children[child] = n
   end
end

-- visit(pre, post): depth first from this node, each reachable node once; pre(node) runs
-- before the node's children are visited, post(node) after.
function Node:visit(pre, post)
   local seen = {}
   local function walk(node)
      seen[node] = true
      if pre then pre(node) end
      for _, child in ipairs(node.children) do
         if not seen[child] then walk(child) end
      end
      if post then post(node) end
   end
   walk(self)
end

-- dfs(fn): fn(node) for every node reachable from this one, children before parents
-- (post-order). Returns the nodes in that order.
function Node:dfs(fn)
   local order = {}
   self:visit(nil, function(node)
      order[#order + 1] = node
      if fn then fn(node) end
   end)
   return order
end
Node.dfs_dirty = Node.dfs

-- bfs(fn): fn(node) for every node reachable from this one, breadth first. Returns the
-- nodes in that order.
function Node:bfs(fn)
   local queue, queued, head = {self}, {[self] = true}, 1
   while queue[head] do
      local node = queue[head]
      head = head + 1
      if fn then fn(node) end
      for _, child in ipairs(node.children) do
         if not queued[child] then
            queued[child] = true
            queue[#queue + 1] = child
         end
      end
   end
   return queue
end
Node.bfs_dirty = Node.bfs

-- graph(): the graph.Graph of the edges reachable from this node (breadth first).
function Node:graph()
   local g = graph.Graph()
   self:bfs(function(node)
      for _, child in ipairs(node.children) do g:add(graph.Edge(node, child)) end
   end)
   if #g.nodes == 0 then -- a lone node is still a graph of one node
      g.nodes[1], g.nodes[self] = self, 1
      self.id = 1
   end
   return g
end

-- hasCycle(): whether a path from this node comes back to a node on it.
function Node:hasCycle()
   local state = {} -- 1: on the current path, 2: finished
   local function walk(node)
      state[node] = 1
      for _, child in ipairs(node.children) do
         local s = state[child]
         if s == 1 or (s == nil and walk(child)) then return true end
      end
      state[node] = 2
      return false
   end
   return walk(self)
end

function Node:label()
   return tostring(self.data)
end

return Node
