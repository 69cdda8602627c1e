-- nn.gModule(inputs, outputs): a module made of a directed acyclic graph of nodes, with
-- Torch7's nngraph layout. The graph is kept twice: `bg` has the nodes the script made
-- (children are a node's inputs) plus an output node joining the outputs and an input
-- node feeding the inputs; `fg` is its reverse (new nodes sharing the data tables).
-- `forwardnodes` and `backwardnodes` are their topological orders, and `modules` the
-- nodes' modules in forward order. A node's data holds, during a pass, `input` (the
-- values of its inputs, by position) and `gradOutput` (the gradients its consumers sent,
-- summed into `gradOutputBuffer` when there are several).
local nn = require 'nn'
local utils = require 'nngraph.utils'
utils.internal()
local nnutils = nn.utils
local raise, describe, isnode, istable = utils.raise, utils.describe, utils.isnode, utils.istable

local gModule, parent = torch.class('nn.gModule', 'nn.Container')

---------------------------------------------------------------- construction

-- The list of nodes given as inputs or outputs: a table of distinct nodes (or one node).
local function nodelist(list, what)
   if isnode(list) then return {list} end
   if not istable(list) then
      raise('nn.gModule: %s must be a table of nodes, got %s', what, torch.type(list))
   end
   local n, out, seen = utils.maxn(list), {}, {}
   if n == 0 then
      raise('nn.gModule: no %s (a graph needs at least one; an input is made with nn.Identity()())', what)
   end
   for i = 1, n do
      local x = list[i]
      if not isnode(x) then raise('nn.gModule: %s[%d] %s', what, i, utils.notNode(x)) end
      if seen[x] then
         raise('nn.gModule: %s[%d] is the same node as %s[%d]%s', what, i, what, seen[x],
               what == 'outputs' and ' (to give a node as two outputs, pass nn.Identity()(node) as the second)'
               or ' (each input is a node of its own, nn.Identity()())')
      end
      seen[x], out[i] = i, x
   end
   return out
end

-- Checks the graph the script made, before anything is changed in it: no cycle, every
-- path from an output ends at an input, every input is used, no module in two nodes,
-- every output of a split used, no node hanging off the graph without reaching an output.
local function check(inputs, outputs)
   local isinput = {}
   for i, x in ipairs(inputs) do
      if #x.children > 0 then
         raise('nn.gModule: inputs[%d], %s, takes input from another node (or is already the input ' ..
               'of another nn.gModule); an input node must have none: make it with nn.Identity()()',
               i, describe(x))
      end
      isinput[x] = i
   end
   local state, order, path = {}, {}, {}
   local function walk(node, out)
      state[node] = 1
      path[#path + 1] = node
      if #node.children == 0 and not isinput[node] then
         raise('nn.gModule: outputs[%d] is not computed from the inputs alone: it depends on %s, ' ..
               'which takes no input and is not in the inputs table', out, describe(node))
      end
      for _, child in ipairs(node.children) do
         if state[child] == 1 then
            local names, on = {}, false
            for _, p in ipairs(path) do
               if p == child then on = true end
               if on then names[#names + 1] = describe(p) end
            end
            names[#names + 1] = describe(child)
            raise('nn.gModule: the graph has a cycle (each node takes input from the next): %s',
                  table.concat(names, ' <- '))
         elseif state[child] == nil then
            walk(child, out)
         end
      end
      path[#path] = nil
      state[node] = 2
      order[#order + 1] = node
   end
   for i, o in ipairs(outputs) do
      if state[o] == nil then walk(o, i) end
   end
   for i, x in ipairs(inputs) do
      if not state[x] then
         raise('nn.gModule: inputs[%d], %s, is not used by any output', i, describe(x))
      end
   end
   local owner = {}
   for _, node in ipairs(order) do
      local m = node.data.module
      if m ~= nil then
         if owner[m] then
            raise("nn.gModule: one %s module is used by two nodes (declared at %s and %s): its output " ..
                  "buffer cannot serve both; give the second a clone that shares the parameters, " ..
                  "m:clone('weight', 'bias', 'gradWeight', 'gradBias')", torch.type(m),
                  utils.where(owner[m]), utils.where(node))
         end
         owner[m] = node
      end
      local n = node.data.nSplitOutputs
      if n then
         local used = 0
         for succ in pairs(node.data.reverseMap) do
            if state[succ] then used = used + 1 end
         end
         if used < n then
            local file, line = tostring(node.data.annotations._debugLabel):match('split at %[(.-)%]:(%d+)')
            raise('nn.gModule: %d of the %d outputs of split(%d) at %s:%s %s unused', n - used, n, n,
                  file or '?', line or '?', n - used == 1 and 'is' or 'are')
         end
      end
   end
   for _, node in ipairs(order) do
      for succ in pairs(node.data.reverseMap) do
         if not state[succ] then
            raise('nn.gModule: %s takes input from %s, which is in this graph, but leads to no output ' ..
                  '(add it to the outputs or do not make it)', describe(succ), describe(node))
         end
      end
   end
end

function gModule:__init(inputs, outputs)
   parent.__init(self)
   inputs = nodelist(inputs, 'inputs')
   outputs = nodelist(outputs, 'outputs')
   check(inputs, outputs)

   -- the output node takes the outputs as its inputs; the input node feeds the inputs
   -- (through a split when there are several)
   local outnode = nngraph.Node({input = {}})
   for _, o in ipairs(outputs) do outnode:add(o, true) end
   local innode = nngraph.Node({input = {}})
   if #inputs == 1 then
      inputs[1]:add(innode, true)
   else
      local selects = {innode:split(#inputs)}
      for i, x in ipairs(inputs) do x:add(selects[i], true) end
   end

   self.bg = outnode:graph()
   local fg, map = self.bg:reverse()
   self.fg = fg
   self.innode = map[innode]
   self.outnode = outnode
   self.verbose = false
   self.nInputs = #inputs
   self.forwardnodes = self.fg:topsort()
   self.backwardnodes = self.bg:topsort()
   for _, node in ipairs(self.forwardnodes) do
      node.data.forwardNodeId = node.id
      if node.data.module then self:add(node.data.module) end
   end
   self.output = nil
   self.gradInput = nil
   if #outputs > 1 then self.output = outnode.data.input end
end

---------------------------------------------------------------- running

-- What a node's module gets: its one input, or the table of its inputs.
local function nodeinput(data)
   local input = data.input
   if input == nil then return {} end
   if #input == 1 then return input[1] end
   return input
end

-- Writes the forward graph with the failed node in red (nngraph.setDebug(true)).
local function dumpfailed(self, node)
   local prefix = self.name or string.format('nngraph_%din_%dout', self.nInputs or 1, #self.outnode.children)
   local dot = self.fg:todot(prefix):gsub('}%s*$', '')
   local id = node.data.forwardNodeId
   if id then dot = dot .. string.format('n%d[style=filled, fillcolor=red];\n', id) end
   local f = io.open(prefix .. '.dot', 'w')
   if not f then return '' end
   f:write(dot .. '}\n')
   f:close()
   if graph.hasGraphviz('dot') then
      os.execute(string.format("dot -Tsvg -o '%s.svg' '%s.dot'", prefix, prefix))
   end
   return ' (graph written to ' .. prefix .. '.dot)'
end

-- Calls f(...) for a node; an error inside is reported with the node, as nn.Sequential
-- reports the place of a failing module.
local function protect(self, node, f, ...)
   local ok, a = pcall(f, ...)
   if ok then return a end
   if type(a) ~= 'string' then error(a, 0) end
   local extra = nngraph._debug and dumpfailed(self, node) or ''
   error(string.format('In node %s of nn.gModule, %s%s:\n%s', tostring(node.data.forwardNodeId or node.id),
                       describe(node), extra, a), 0)
end

local function fail(self, node, fmt, ...)
   protect(self, node, error, string.format(fmt, ...), 0)
end

function gModule:updateOutput(input)
   return self:runForwardFunction('updateOutput', input)
end

-- runForwardFunction(func, input): a forward pass calling func(module, input) at each
-- node; func may be a method name ('updateOutput').
function gModule:runForwardFunction(func, input)
   local method
   if type(func) == 'string' then method, func = func, nil end
   local nInputs = self.nInputs or #self.innode.children
   local list
   if nInputs <= 1 then
      list = {input}
   elseif not istable(input) then
      raise('nn.gModule: expected a table of %d inputs, got a %s', nInputs, torch.type(input))
   elseif #input ~= nInputs then
      raise('nn.gModule: expected %d inputs, got a table of %d', nInputs, #input)
   else
      list = input
   end
   for _, node in ipairs(self.forwardnodes) do
      local t = node.data.input
      if t then for k in pairs(t) do t[k] = nil end end
   end
   local ind = self.innode.data
   ind.input = ind.input or {}
   for i = 1, nInputs do ind.input[i] = list[i] end

   for _, node in ipairs(self.forwardnodes) do
      local data = node.data
      local out
      if data.selectindex then
         local x = data.input[1]
         if not istable(x) then
            fail(self, node, 'a split node needs a table as input, got a %s', torch.type(x))
         end
         out = x[data.selectindex]
      else
         local x = nodeinput(data)
         local m = data.module
         if m == nil then
            out = x
         elseif method then
            out = protect(self, node, m[method], m, x)
         else
            out = protect(self, node, func, m, x)
         end
         local n = data.nSplitOutputs
         if n and not (istable(out) and #out == n) then
            fail(self, node, 'split(%d) cannot split %s', n,
                 istable(out) and ('a table of ' .. #out .. ' elements') or ('a ' .. torch.type(out)))
         end
      end
      for _, child in ipairs(node.children) do
         local cd = child.data
         cd.input = cd.input or {}
         cd.input[cd.mapindex[data]] = out
      end
      if self.verbose then print(' V : ' .. node:label()) end
   end

   local outs = self.outnode.data.input
   if #self.outnode.children == 1 then self.output = outs[1] else self.output = outs end
   return self.output
end

-- Whether g carries a gradient (modules give nil or an empty tensor for inputs they do
-- not differentiate, such as indices).
local function hasgradient(g)
   return g ~= nil and not (torch.isTensor(g) and g:nElement() == 0)
end

-- The gradient w.r.t. a node's output: its one gradOutput, or (sum = true: computed now)
-- the sum of several in gradOutputBuffer; nil when no gradient reached the node.
local function gradoutput(data, sum)
   local list = data.gradOutput
   local n = list and #list or 0
   if n == 0 then return nil end
   if n == 1 then return list[1] end
   if sum then
      local buf = nnutils.recursiveResizeAs(data.gradOutputBuffer, list[1])
      buf = nnutils.recursiveCopy(buf, list[1])
      for i = 2, n do nnutils.recursiveAdd(buf, list[i]) end
      data.gradOutputBuffer = buf
   end
   return data.gradOutputBuffer
end

-- Zeros shaped like `like`, in the node's gradOutputBuffer (unused when no gradient came).
local function zeroslike(data, like)
   local buf = nnutils.recursiveResizeAs(data.gradOutputBuffer, like)
   data.gradOutputBuffer = nnutils.recursiveFill(buf, 0)
   return data.gradOutputBuffer
end

function gModule:updateGradInput(input, gradOutput)
   local outnode = self.outnode
   local od = outnode.data
   if od.input == nil or next(od.input) == nil then
      raise('nn.gModule: backward (updateGradInput) called before forward')
   end
   local nOut = #outnode.children
   if nOut > 1 then
      if not istable(gradOutput) then
         raise('nn.gModule: expected a table of %d gradOutputs, got a %s', nOut, torch.type(gradOutput))
      elseif #gradOutput ~= nOut then
         raise('nn.gModule: expected %d gradOutputs, got a table of %d', nOut, #gradOutput)
      end
   end
   for _, node in ipairs(self.backwardnodes) do
      local g = node.data.gradOutput
      if g then for k in pairs(g) do g[k] = nil end end
   end
   od.gradOutput = od.gradOutput or {}
   od.gradOutput[1] = gradOutput

   for _, node in ipairs(self.backwardnodes) do
      local data = node.data
      local go = gradoutput(data, true)
      if data.selectindex then
         -- the split node gets one table: element i from select node i
         local sd = node.children[1].data
         sd.gradOutput = sd.gradOutput or {}
         local t = sd.gradOutput[1]
         if t == nil then
            t = {}
            sd.gradOutput[1] = t
         end
         if go == nil then go = zeroslike(data, data.input[1][data.selectindex]) end
         t[data.selectindex] = go
      elseif go ~= nil then
         local gi = go
         local m = data.module
         if m then gi = protect(self, node, m.updateGradInput, m, nodeinput(data), go) end
         local n = #node.children
         if n > 1 and not istable(gi) then
            fail(self, node, 'the node has %d inputs but its gradInput is a %s, not a table', n, torch.type(gi))
         end
         for _, child in ipairs(node.children) do
            local g = gi
            if n > 1 then g = gi[data.mapindex[child.data]] end
            if hasgradient(g) then
               local cd = child.data
               cd.gradOutput = cd.gradOutput or {}
               cd.gradOutput[#cd.gradOutput + 1] = g
            end
         end
      end
      if self.verbose then print(' V : ' .. node:label()) end
   end

   local ind = self.innode.data
   local gi = gradoutput(ind, false)
   if gi == nil then gi = zeroslike(ind, ind.input[1]) end
   self.gradInput = gi
   return self.gradInput
end

-- Calls module[method](module, input, gradOutput, arg) at every node a gradient reached.
local function pergrad(self, method, arg)
   for _, node in ipairs(self.backwardnodes) do
      local data = node.data
      local m = data.module
      if m then
         local go = gradoutput(data, false)
         if go ~= nil then protect(self, node, m[method], m, nodeinput(data), go, arg) end
      end
   end
end

function gModule:accGradParameters(input, gradOutput, scale)
   pergrad(self, 'accGradParameters', scale or 1)
end

function gModule:accUpdateGradParameters(input, gradOutput, lr)
   pergrad(self, 'accUpdateGradParameters', lr)
end

---------------------------------------------------------------- the module protocol

-- Each node's data tables, once.
local function eachdata(self, fn)
   local seen = {}
   for _, list in ipairs({self.forwardnodes, self.backwardnodes}) do
      for _, node in ipairs(list) do
         if not seen[node.data] then
            seen[node.data] = true
            fn(node.data)
         end
      end
   end
end

-- type(typename): converts the modules, and the values of the last pass held in the
-- nodes; tensors sharing a storage keep sharing one.
function gModule:type(tname, cache)
   if not tname then return self._type end
   cache = cache or {}
   for _, m in ipairs(self.modules) do m:type(tname, cache) end
   eachdata(self, function(data)
      for _, k in ipairs({'input', 'gradOutput'}) do
         local t = data[k]
         if t then
            for i, v in pairs(t) do t[i] = nnutils.recursiveType(v, tname, cache) end
         end
      end
      if data.gradOutputBuffer then
         data.gradOutputBuffer = nnutils.recursiveType(data.gradOutputBuffer, tname, cache)
      end
   end)
   if self.output ~= nil then self.output = nnutils.recursiveType(self.output, tname, cache) end
   if self.gradInput ~= nil then self.gradInput = nnutils.recursiveType(self.gradInput, tname, cache) end
   self._type = tname
   return self
end

-- clearState(): the modules' buffers, and the inputs and gradients the nodes hold.
function gModule:clearState()
   parent.clearState(self)
   eachdata(self, function(data)
      data.input, data.gradOutput, data.gradOutputBuffer = nil, nil, nil
   end)
   return self
end

-- replace(fn): replaces each module by fn(module), in the nodes too.
function gModule:replace(callback)
   local out = callback(self)
   local new = {}
   for i, m in ipairs(self.modules) do
      new[m] = m:replace(callback)
      self.modules[i] = new[m]
   end
   eachdata(self, function(data)
      if data.module and new[data.module] then data.module = new[data.module] end
   end)
   return out
end

-- map(other, fn): fn(module, otherModule) for the modules of two gModules of the same
-- structure, node by node.
function gModule:map(gm, func)
   for i, node in ipairs(self.forwardnodes) do
      local other = gm.forwardnodes[i]
      if not other or (node.data.module ~= nil) ~= (other.data.module ~= nil) then
         raise('nn.gModule:map: the two graphs differ at node %d', i)
      end
      if node.data.module then func(node.data.module, other.data.module) end
   end
end

function gModule:share(mlp, ...)
   if not (type(mlp) == 'table' and torch.isTypeOf(mlp, 'nn.gModule')) or #mlp.modules ~= #self.modules then
      raise('nn.gModule:share: expected an nn.gModule of the same structure (%d modules), got %s',
            #self.modules, torch.type(mlp))
   end
   return parent.share(self, mlp, ...)
end

-- Reading a file: the fields, as saved; very old Torch7 files have no `modules`.
function gModule:read(file)
   local fields = file:readObject()
   if not istable(fields) then
      error('readObject: corrupt file: the fields of an nn.gModule are a ' .. torch.type(fields), 0)
   end
   for k, v in pairs(fields) do rawset(self, k, v) end
   if self.modules == nil then
      if not istable(self.forwardnodes) then
         error('readObject: corrupt file: an nn.gModule without modules nor forwardnodes', 0)
      end
      self.modules = {}
      for _, node in ipairs(self.forwardnodes) do
         if node.data.module then self.modules[#self.modules + 1] = node.data.module end
      end
   end
end

-- Printing: every module node in forward order with the nodes it takes input from.
function gModule:__tostring__()
   local head = self.name or torch.type(self)
   if not (self.forwardnodes and self.innode and self.outnode) then return head end
   local label, lines, k = {}, {head .. ' {'}, 0
   local ind, od = self.innode.data, self.outnode.data
   label[ind] = 'input'
   local function inputs(d)
      local t = {}
      for i, src in ipairs(d.mapindex) do t[i] = label[src] or '?' end
      return table.concat(t, ', ')
   end
   for _, node in ipairs(self.forwardnodes) do
      local d = node.data
      if d == ind then
         -- named already
      elseif d == od then
         lines[#lines + 1] = '  output <- ' .. inputs(d)
      elseif d.module then
         k = k + 1
         label[d] = '(' .. k .. ')'
         local name = d.annotations.name and (' "' .. tostring(d.annotations.name) .. '"') or ''
         lines[#lines + 1] = string.format('  (%d): %s%s <- %s', k,
                                           nn.Container._childstring(d.module, '  '), name, inputs(d))
      elseif d.selectindex then
         label[d] = (label[d.mapindex[1]] or '?') .. '[' .. d.selectindex .. ']'
      else
         label[d] = label[d.mapindex[1]]
      end
   end
   lines[#lines + 1] = '}'
   return table.concat(lines, '\n')
end

return gModule
