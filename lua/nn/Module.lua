-- nn.Module: the base class of every layer, with Torch7's protocol.
local nn = require 'nn'
local utils = nn.utils

local Module = torch.class('nn.Module')

-- Sizes given as integral floats (nn.Linear(3072, 3072 / 2)) reach every module's
-- __init as integers (utils.integralArgs).
Module.__initargs = utils.integralArgs

function Module:__init()
   self.gradInput = torch.Tensor()
   self.output = torch.Tensor()
   self._type = self.output:type()
   self.train = true
end

-- Tables of the module's parameters and of their gradients, in the same order, or nil.
function Module:parameters()
   if self.weight and self.bias then
      return {self.weight, self.bias}, {self.gradWeight, self.gradBias}
   elseif self.weight then
      return {self.weight}, {self.gradWeight}
   elseif self.bias then
      return {self.bias}, {self.gradBias}
   end
end

function Module:updateOutput(input)
   return self.output
end

function Module:forward(input)
   return self:updateOutput(input)
end

function Module:backward(input, gradOutput, scale)
   scale = scale or 1
   self:updateGradInput(input, gradOutput)
   self:accGradParameters(input, gradOutput, scale)
   return self.gradInput
end

function Module:backwardUpdate(input, gradOutput, lr)
   self:updateGradInput(input, gradOutput)
   self:accUpdateGradParameters(input, gradOutput, lr)
   return self.gradInput
end

function Module:updateGradInput(input, gradOutput)
   return self.gradInput
end

function Module:accGradParameters(input, gradOutput, scale)
end

-- Updates the weights directly: accumulating with scale -lr into the weights themselves.
-- A module whose parameters are shared (share, clone with names) cannot do that, since
-- its gradient buffers may be views too: it goes through its gradients instead.
function Module:accUpdateGradParameters(input, gradOutput, lr)
   if rawget(self, '_sharedUpdate') then
      return self:sharedAccUpdateGradParameters(input, gradOutput, lr)
   end
   local gradWeight, gradBias = self.gradWeight, self.gradBias
   self.gradWeight, self.gradBias = self.weight, self.bias
   self:accGradParameters(input, gradOutput, -lr)
   self.gradWeight, self.gradBias = gradWeight, gradBias
end

function Module:sharedAccUpdateGradParameters(input, gradOutput, lr)
   if self:parameters() then
      self:zeroGradParameters()
      self:accGradParameters(input, gradOutput, 1)
      self:updateParameters(lr)
   end
end

function Module:zeroGradParameters()
   local _, gradParams = self:parameters()
   if gradParams then
      for i = 1, #gradParams do gradParams[i]:zero() end
   end
end

function Module:updateParameters(learningRate)
   local params, gradParams = self:parameters()
   if params then
      for i = 1, #params do params[i]:add(-learningRate, gradParams[i]) end
   end
end

function Module:training()
   self.train = true
end

function Module:evaluate()
   self.train = false
end

-- share(mlp, 'weight', 'bias', ...): the named tensors of self become views of mlp's.
function Module:share(mlp, ...)
   for _, name in ipairs({...}) do
      if self[name] ~= nil then
         if not torch.isTensor(mlp[name]) then
            error(string.format('%s:share: the module to share with has no tensor %s',
                                torch.type(self), tostring(name)), 2)
         end
         self[name]:set(mlp[name])
         -- a flag, not Torch7's per-instance function, so that the module can be saved
         self._sharedUpdate, mlp._sharedUpdate = true, true
      end
   end
   return self
end

-- clone(...): a deep copy; tensors that share a storage inside the module share one in
-- the copy. With names ('weight', 'bias', ...), those are then shared with self.
function Module:clone(...)
   local clone = utils.deepcopy(self)
   if select('#', ...) > 0 then clone:share(self, ...) end
   return clone
end

function Module:type(tname, tensorCache)
   if not tname then return self._type end
   tensorCache = tensorCache or {}
   for key, param in pairs(self) do
      if key ~= '_type' then self[key] = utils.recursiveType(param, tname, tensorCache) end
   end
   self._type = tname
   return self
end

function Module:float(...)
   return self:type('torch.FloatTensor', ...)
end

function Module:double(...)
   return self:type('torch.DoubleTensor', ...)
end

function Module:reset()
end

-- The tensors of the flat layout: one interval [first, last) of a storage holds, at
-- fixed offsets, every tensor that lies in it (shared tensors overlap, which is fine).
local function span(t)
   local first, last = t:storageOffset() - 1, t:storageOffset()
   for d = 1, t:dim() do
      if t:size(d) == 0 then return first, first end
      last = last + (t:size(d) - 1) * t:stride(d)
   end
   return first, last
end

-- Module.flatten(tensors): makes every tensor a view into one new contiguous storage and
-- returns a 1D tensor over it. Tensors that shared memory still share it afterwards. When
-- the tensors already tile one interval of one storage (a second getParameters, say), no
-- copy is made and the returned tensor is a view of that interval, so that flat tensors
-- returned earlier stay valid.
function Module.flatten(parameters)
   if not parameters or #parameters == 0 then return torch.Tensor() end
   local Tensor = parameters[1].new
   -- group tensors by storage (in order of first appearance), with their spans
   local groups, order = {}, {}
   for i, t in ipairs(parameters) do
      if not torch.isTensor(t) then
         error('flatten: parameter ' .. i .. ' is a ' .. torch.type(t) .. ', not a tensor', 3)
      end
      if t:type() ~= parameters[1]:type() then
         error(string.format('flatten: parameter %d is a %s, parameter 1 a %s', i, t:type(),
                             parameters[1]:type()), 3)
      end
      local sid = utils.storageid(t)
      if sid then
         local g = groups[sid]
         if not g then
            g = {storage = t:storage(), tensors = {}, spans = {}}
            groups[sid] = g
            order[#order + 1] = g
         end
         local first, last = span(t)
         g.tensors[#g.tensors + 1] = t
         g.spans[#g.spans + 1] = {first, last}
      end
   end
   -- merge the spans of each group into disjoint intervals
   local intervals, total = {}, 0
   for _, g in ipairs(order) do
      local sorted = {}
      for k, s in ipairs(g.spans) do sorted[k] = s end
      table.sort(sorted, function(a, b) return a[1] < b[1] end)
      local cur
      for _, s in ipairs(sorted) do
         if cur and s[1] <= cur.last then
            if s[2] > cur.last then cur.last = s[2] end
         else
            cur = {group = g, first = s[1], last = s[2]}
            intervals[#intervals + 1] = cur
         end
      end
   end
   for _, iv in ipairs(intervals) do
      iv.flat = total
      total = total + (iv.last - iv.first)
   end
   if #intervals == 1 then
      local iv = intervals[1]
      return Tensor():set(iv.group.storage, iv.first + 1, {total})
   end
   local flat = Tensor(total)
   local storage = flat:storage()
   for _, iv in ipairs(intervals) do
      local n = iv.last - iv.first
      if n > 0 then
         flat:narrow(1, iv.flat + 1, n):copy(Tensor():set(iv.group.storage, iv.first + 1, {n}))
      end
   end
   -- point every tensor at its place in the flat storage
   for _, g in ipairs(order) do
      for k, t in ipairs(g.tensors) do
         local first = g.spans[k][1]
         for _, iv in ipairs(intervals) do
            if iv.group == g and first >= iv.first and first <= iv.last then
               if t:nElement() > 0 then
                  t:set(storage, iv.flat + (first - iv.first) + 1, t:size(), t:stride())
               end
               break
            end
         end
      end
   end
   return flat
end

-- getParameters(): one flat weight tensor and one flat gradient tensor; every weight and
-- gradient of the module becomes a view into them.
function Module:getParameters()
   local parameters, gradParameters = self:parameters()
   local p, g = Module.flatten(parameters), Module.flatten(gradParameters)
   if p:nElement() ~= g:nElement() then
      error(string.format('%s:getParameters: %d parameters but %d gradients (check that '
                          .. 'parameters and their gradients are shared alike)',
                          torch.type(self), p:nElement(), g:nElement()), 2)
   end
   if parameters then
      local pbase, gbase = p:storageOffset(), g:storageOffset()
      for i = 1, #parameters do
         if parameters[i]:storageOffset() - pbase ~= gradParameters[i]:storageOffset() - gbase then
            error(torch.type(self) .. ':getParameters: misaligned parameter at ' .. i, 2)
         end
      end
   end
   return p, g
end

function Module:__call__(input, gradOutput)
   self:forward(input)
   if gradOutput then
      self:backward(input, gradOutput)
      return self.output, self.gradInput
   end
   return self.output
end

-- findModules(typename): the modules of that class in this tree, and their containers.
function Module:findModules(typename, container)
   container = container or self
   local nodes, containers = {}, {}
   if torch.typename(self) == typename then
      nodes[#nodes + 1] = self
      containers[#containers + 1] = container
   end
   if type(self.modules) == 'table' then
      for _, child in ipairs(self.modules) do
         local n, c = child:findModules(typename, self)
         for i = 1, #n do
            nodes[#nodes + 1] = n[i]
            containers[#containers + 1] = c[i]
         end
      end
   end
   return nodes, containers
end

-- listModules(): this module and all the modules inside it, depth first.
function Module:listModules()
   local modules = {self}
   if self.modules then
      for _, child in ipairs(self.modules) do
         for _, m in ipairs(child:listModules()) do modules[#modules + 1] = m end
      end
   end
   return modules
end

-- clearState(): empties the buffers (output, gradInput, ...), e.g. before saving.
function Module:clearState()
   return utils.clear(self, 'output', 'gradInput')
end

-- apply(fn): calls fn on this module and every module inside it.
function Module:apply(callback)
   callback(self)
   if self.modules then
      for _, module in ipairs(self.modules) do module:apply(callback) end
   end
end

-- replace(fn): replaces each module in the tree by fn(module) (bottom-up for children).
function Module:replace(callback)
   local out = callback(self)
   if self.modules then
      for i, module in ipairs(self.modules) do self.modules[i] = module:replace(callback) end
   end
   return out
end

function Module:__tostring__()
   return torch.type(self)
end

-- For error messages: "nn.Linear: input of size 2x5, expected ...".
function Module:_error(fmt, ...)
   torch._error(torch.type(self) .. ': ' .. string.format(fmt, ...)) -- at the script's line
end

return Module
