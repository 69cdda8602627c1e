-- nngraph.Node: a graph.Node whose data table holds what a node of an nn.gModule needs,
-- under Torch7's names: `module`, `annotations` (name, description, graphAttributes,
-- _debugLabel), `mapindex` (the data of the node's inputs in order, and each such data
-- mapped to its position), `reverseMap` (the nodes that take this one as an input), and
-- for split nodes `nSplitOutputs` and `selectindex`. In nngraph's graphs a node's
-- children are its inputs.
local utils = require 'nngraph.utils'
utils.internal()

local Node, parent = torch.class('nngraph.Node', 'graph.Node')

function Node:__init(data)
   if data ~= nil and not utils.istable(data) then
      error('nngraph.Node: expected a table of data, got ' .. torch.type(data), 3)
   end
   parent.__init(self, data or {})
   local d = self.data
   d.annotations = d.annotations or {}
   d.mapindex = d.mapindex or {}
   d.reverseMap = d.reverseMap or {}
   if not d.annotations._debugLabel then d.annotations._debugLabel = utils.debugLabel() end
end

-- add(child [, domap]): with domap, child becomes the next input of this node (recorded
-- in mapindex, and this node in child's reverseMap). A node cannot take the same node
-- as input twice: mapindex could not tell the two apart.
function Node:add(child, domap)
   if domap then
      if not utils.isnode(child) then
         utils.raise('nngraph.Node:add: expected an nngraph.Node, got %s', torch.type(child))
      end
      local mapindex = self.data.mapindex
      if mapindex[child.data] then
         utils.raise('nngraph.Node:add: %s already takes %s as its input %d', utils.describe(self),
                     utils.describe(child), mapindex[child.data])
      end
      parent.add(self, child)
      mapindex[#mapindex + 1] = child.data
      mapindex[child.data] = #mapindex
      child.data.reverseMap[self] = true
   else
      parent.add(self, child)
   end
end

-- split(n): n new nodes, the i-th giving element i of this node's output (a table).
-- split(1) is nngraph.JustElement()(node).
function Node:split(n)
   if type(n) ~= 'number' or n ~= math.floor(n) or n < 1 then
      utils.raise('nngraph.Node:split: expected a number of outputs >= 1, got %s', tostring(n))
   end
   n = math.tointeger(n)
   if n == 1 then return nngraph.JustElement()(self) end
   local label = self.data.annotations._debugLabel
   local at = utils.debugLabel():match('^(%[.-%]:%d+)') or '?'
   local splitter = nngraph.Node({nSplitOutputs = n,
                                  annotations = {_debugLabel = label .. ' split at ' .. at .. '-mnode'}})
   splitter:add(self, true)
   local outs = {}
   for i = 1, n do
      outs[i] = nngraph.Node({selectindex = i, input = {},
                              annotations = {_debugLabel = label .. '-' .. i}})
      outs[i]:add(splitter, true)
   end
   return table.unpack(outs, 1, n)
end

-- annotate{name = ..., description = ..., graphAttributes = {...}}: merges the fields into
-- data.annotations; returns the node.
function Node:annotate(annotations)
   if not utils.istable(annotations) then
      utils.raise('nngraph.Node:annotate: expected a table, got %s', torch.type(annotations))
   end
   for k, v in pairs(annotations) do self.data.annotations[k] = v end
   return self
end

function Node:graphNodeName()
   local name = self.data.annotations.name
   if name then return tostring(name) .. ' (' .. self.id .. ')' end
   return 'Node' .. self.id
end

-- The Graphviz attributes of the node: annotations.graphAttributes, with the place the
-- node was made in as tooltip.
function Node:graphNodeAttributes()
   local a = self.data.annotations
   a.graphAttributes = a.graphAttributes or {}
   if a.graphAttributes.tooltip == nil then a.graphAttributes.tooltip = a._debugLabel end
   return a.graphAttributes
end

-- A short description of a value: 'Tensor[2x3]', '{Tensor[3],Tensor[3]}'.
local function describe(v)
   if torch.isTensor(v) then
      local t = v:type() == torch.Tensor():type() and 'Tensor' or v:type()
      return t .. '[' .. table.concat(v:size():totable(), 'x') .. ']'
   elseif utils.istable(v) then
      local parts = {}
      for i = 1, utils.maxn(v) do parts[i] = describe(v[i]) end
      return '{' .. table.concat(parts, ',') .. '}'
   end
   return (tostring(v):gsub('\n', '\\l'))
end

-- label(): the node's data, one field a line (Graphviz's left-justified \l lines):
-- module, split index or count, the inputs of the last forward, the input nodes.
function Node:label()
   local d, lines = self.data, {}
   if d.annotations.description then lines[#lines + 1] = 'desc = ' .. tostring(d.annotations.description) end
   if d.module then lines[#lines + 1] = 'module = ' .. describe(d.module) end
   if d.nSplitOutputs then lines[#lines + 1] = 'nSplitOutputs = ' .. d.nSplitOutputs end
   if d.selectindex then lines[#lines + 1] = 'selectindex = ' .. d.selectindex end
   if d.input and #d.input > 0 then lines[#lines + 1] = 'input = ' .. describe(d.input) end
   if #d.mapindex > 1 then
      local ids = {}
      for i, data in ipairs(d.mapindex) do ids[i] = 'Node' .. tostring(data.forwardNodeId or '') end
      lines[#lines + 1] = 'mapindex = {' .. table.concat(ids, ',') .. '}'
   end
   return table.concat(lines, '\\l')
end

-- node - module: module(node), so graphs can be written x - nn.Linear(3, 4) - nn.Tanh().
function Node.__sub__(prev, nxt)
   return nxt(prev)
end

return Node
