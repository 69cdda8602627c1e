-- nngraph: Torch7's graph containers. Calling a module on nodes makes a node,
-- nn.Linear(3, 4)(x); nn.gModule(inputs, outputs) makes a module of the graph.
require 'nn'
require 'graph'

nngraph = nngraph or {}
local nngraph = nngraph
package.loaded.nngraph = nngraph

local utils = require 'nngraph.utils'
utils.internal()
nngraph.utils = utils

require 'nngraph.Node'
require 'nngraph.JustElement'
require 'nngraph.JustTable'
require 'nngraph.ModuleFromCriterion'
require 'nngraph.gModule'

local isnode, istable = utils.isnode, utils.istable

-- Whether a call's argument asks for a node: a node, or a plain table holding one.
local function wantsnode(input)
   if isnode(input) then return true end
   if istable(input) then
      if next(input) == nil then return true end
      for _, v in pairs(input) do
         if isnode(v) then return true end
      end
   end
   return false
end

-- module(...) on nodes: a new node taking the given nodes as inputs, in order.
local function makenode(module, ...)
   local nargs = select('#', ...)
   local input = ...
   local name = torch.type(module)
   if nargs > 1 then
      utils.raise('%s: pass several input nodes as one table, %s({a, b})', name, name)
   end
   local list = {}
   if isnode(input) then
      list[1] = input
   elseif nargs == 1 then
      if next(input) == nil then
         utils.raise('%s: an empty table of input nodes (for a node without inputs, call it with ' ..
                     'nothing: %s()())', name, name)
      end
      local seen = {}
      for i = 1, utils.maxn(input) do
         local x = input[i]
         if not isnode(x) then utils.raise('%s: input %d %s', name, i, utils.notNode(x)) end
         if seen[x] then
            utils.raise('%s: inputs %d and %d are the same node; a node takes each input node once ' ..
                        '(pass nn.Identity()(x) as the second)', name, seen[x], i)
         end
         seen[x], list[i] = i, x
      end
   end
   local node = nngraph.Node({module = module})
   for _, x in ipairs(list) do node:add(x, true) end
   return node
end

-- Module: calling it on nodes (or with no argument) makes a node, as in Torch7's nngraph;
-- on tensors it still runs forward (and backward), as dlua's nn.Module does.
local Module = torch.getmetatable('nn.Module')
local moduleCall = rawget(Module, '__call__')
function Module:__call__(...)
   local nargs, input = select('#', ...), ...
   if nargs == 0 or wantsnode(input) then return makenode(self, ...) end
   if nargs == 1 and input == nil then utils.raise('%s: input 1 is nil (a typo or a bad index?)', torch.type(self)) end
   if type(input) == 'table' and torch.isTypeOf(input, 'nn.Module') then
      utils.raise('%s: input 1 %s', torch.type(self), utils.notNode(input))
   end
   return moduleCall(self, ...)
end

-- -module is module(): a node without inputs; node - module is module(node).
function Module.__unm__(module)
   return module()
end

function Module.__sub__(prev, nxt)
   return nxt(prev)
end

-- A criterion called on nodes {prediction, target} makes an nn.ModuleFromCriterion node.
local Criterion = torch.getmetatable('nn.Criterion')
local criterionCall = rawget(Criterion, '__call__')
function Criterion:__call__(...)
   local nargs, input = select('#', ...), ...
   if nargs == 0 or wantsnode(input) then return nn.ModuleFromCriterion(self)(...) end
   return criterionCall(self, ...)
end

-- nngraph.nest(structure): one node standing for a nested table of nodes: a node is
-- itself, {node} becomes a node giving {value}, and longer lists nn.Identity nodes.
local function nest(x)
   if isnode(x) then return x end
   if not (istable(x) and #x > 0) then
      utils.raise('nngraph.nest: expected a node or a non-empty list of them, got %s', torch.type(x))
   end
   if #x == 1 then return nngraph.JustTable()(nest(x[1])) end
   local wrapped = {}
   for i, c in ipairs(x) do wrapped[i] = nest(c) end
   return nn.Identity()(wrapped)
end

function nngraph.nest(...)
   if select('#', ...) ~= 1 then utils.raise('nngraph.nest: expected one argument ({a, b} for several)') end
   return nest(...)
end

-- nngraph.annotateNodes(): names every node held in a local variable of the calling
-- function after that variable (nodes that have a name keep it).
function nngraph.annotateNodes(level)
   level = (level or 1) + 1
   local i = 1
   while true do
      local name, value = debug.getlocal(level, i)
      if not name then break end
      if isnode(value) and value.data.annotations.name == nil then
         value:annotate({name = name})
      end
      i = i + 1
   end
end

-- nngraph.setDebug(enable): when a module fails inside a gModule, the forward graph is
-- written to <name>.dot (and .svg) with the failing node in red.
function nngraph.setDebug(enable)
   nngraph._debug = enable and true or nil
end

return nngraph
