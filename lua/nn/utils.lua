-- nn.utils: helpers over tensors and nested tables of tensors, as in Torch7's nn/utils.lua.
local nn = require 'nn'
local utils = {}
nn.utils = utils

local kernels = torch._nn or {}

-- An identity for the storage under a tensor (two tensors share memory exactly when their
-- ids are equal), or nil for a tensor that has no storage yet.
function utils.storageid(t)
   if kernels.storageid then return kernels.storageid(t) end
   local s = t:storage()
   return s and torch.pointer(s)
end

-- Converts every tensor in a nested structure to type tname. Tensors that shared a
-- storage before share one after (the cache is keyed by storage), so a model keeps its
-- flat parameters, and views of one buffer stay views of one buffer; one tensor object
-- held in two places is converted once and stays one object.
function utils.recursiveType(param, tname, cache)
   cache = cache or {}
   if type(param) == 'table' and not torch.isTensor(param) then
      if param.type and getmetatable(param) and torch.typename(param) then
         param:type(tname, cache)
      else
         for k, v in pairs(param) do param[k] = utils.recursiveType(v, tname, cache) end
      end
   elseif torch.isTensor(param) and param:type() ~= tname then
      -- the same tensor object met twice (two modules' fields) stays one object, as
      -- Torch7's cache keyed by tensor keeps it
      if cache[param] then return cache[param] end
      local orig = param
      local sid = utils.storageid(param)
      if not sid then return torch.getconstructortable(tname)() end
      local key = sid .. tname
      local storage = cache[key]
      if not storage then
         local old = param:storage()
         local whole = param.new():set(old, 1, {#old})
         storage = whole:type(tname):storage()
         cache[key] = storage
      end
      param = torch.getconstructortable(tname)():set(storage, param:storageOffset(),
                                                     param:size(), param:stride())
      cache[orig] = param
   end
   return param
end

-- A deep copy of a nested structure of tables and tensors. Tensors that share a storage
-- in the original share one (new) storage in the copy; classes (metatables) are kept.
function utils.deepcopy(obj, memo)
   memo = memo or {}
   if memo[obj] ~= nil then return memo[obj] end
   if torch.isTensor(obj) then
      local sid = utils.storageid(obj)
      local copy
      if not sid then
         copy = obj.new()
      else
         local key = 'storage:' .. sid
         local storage = memo[key]
         if not storage then
            local old = obj:storage()
            storage = obj.new():set(old, 1, {#old}):clone():storage()
            memo[key] = storage
         end
         copy = obj.new():set(storage, obj:storageOffset(), obj:size(), obj:stride())
      end
      memo[obj] = copy
      return copy
   elseif type(obj) == 'table' then
      local copy = {}
      memo[obj] = copy
      for k, v in pairs(obj) do copy[utils.deepcopy(k, memo)] = utils.deepcopy(v, memo) end
      local mt = getmetatable(obj)
      if mt then setmetatable(copy, mt) end
      return copy
   end
   return obj -- numbers, strings, functions, storages and other userdata are shared
end

-- Empties the named fields: tensors become empty (keeping their type), tables of tensors
-- are emptied recursively.
function utils.clear(self, ...)
   local names = {...}
   if type(names[1]) == 'table' then names = names[1] end
   local function clear(f)
      if self[f] == nil then return end
      if torch.isTensor(self[f]) then
         self[f]:set()
      elseif type(self[f]) == 'table' then
         self[f] = {}
      else
         self[f] = nil
      end
   end
   for _, f in ipairs(names) do clear(f) end
   return self
end

-- Makes out the same nested shape as input and resizes its tensors like input's.
function utils.recursiveResizeAs(t1, t2)
   if type(t2) == 'table' then
      t1 = type(t1) == 'table' and not torch.isTensor(t1) and t1 or {}
      for key, _ in pairs(t2) do t1[key], t2[key] = utils.recursiveResizeAs(t1[key], t2[key]) end
      for key, _ in pairs(t1) do if not t2[key] then t1[key] = nil end end
   elseif torch.isTensor(t2) then
      t1 = torch.isTensor(t1) and t1:type() == t2:type() and t1 or t2.new()
      t1:resizeAs(t2)
   else
      error('recursiveResizeAs: expecting nested tensors or tables, got ' .. torch.type(t1) ..
            ' and ' .. torch.type(t2))
   end
   return t1, t2
end

function utils.recursiveFill(t2, val)
   if type(t2) == 'table' then
      for key, _ in pairs(t2) do t2[key] = utils.recursiveFill(t2[key], val) end
   elseif torch.isTensor(t2) then
      t2:fill(val)
   else
      error('recursiveFill: expecting tensor or table thereof, got ' .. type(t2))
   end
   return t2
end

function utils.recursiveCopy(t1, t2)
   if type(t2) == 'table' then
      t1 = type(t1) == 'table' and not torch.isTensor(t1) and t1 or {}
      for key, _ in pairs(t2) do t1[key], t2[key] = utils.recursiveCopy(t1[key], t2[key]) end
   elseif torch.isTensor(t2) then
      t1 = torch.isTensor(t1) and t1:type() == t2:type() and t1 or t2.new()
      t1:resizeAs(t2):copy(t2)
   else
      error('recursiveCopy: expecting nested tensors or tables, got ' .. torch.type(t1) ..
            ' and ' .. torch.type(t2))
   end
   return t1, t2
end

-- t1 = t1 + val * t2, over nested tables.
function utils.recursiveAdd(t1, val, t2)
   if not t2 then t2, val = val, 1 end
   if type(t2) == 'table' then
      t1 = t1 or {}
      for key, _ in pairs(t2) do t1[key], t2[key] = utils.recursiveAdd(t1[key], val, t2[key]) end
   elseif torch.isTensor(t1) and torch.isTensor(t2) then
      t1:add(val, t2)
   else
      error('recursiveAdd: expecting nested tensors or tables, got ' .. torch.type(t1) ..
            ' and ' .. torch.type(t2))
   end
   return t1, t2
end

-- A contiguous view of input with the given sizes; a non-contiguous input is first copied
-- into the buffer output (reused from call to call).
function utils.contiguousView(output, input, ...)
   if not input:isContiguous() then
      output = output or input.new()
      input = output:resizeAs(input):copy(input)
   end
   return input:view(...)
end

-- Sizes as a plain Lua table ({2, 3}), for error messages.
function utils.sizestr(t)
   if not torch.isTensor(t) then return torch.type(t) end
   if t:dim() == 0 then return 'empty' end
   local s = {}
   for i = 1, t:dim() do s[i] = tostring(t:size(i)) end
   return table.concat(s, 'x')
end

-- The checks below are for the modules written over tensor operations, whose own errors
-- would name the operation ("view: ..."), not the module: where a kernel of torch._nn does
-- the work, it makes these checks itself, in the same words. self is the module: its
-- _error raises "<class>: <message>" at the script's line.

-- "Float" for a torch.FloatTensor, as the kernels' messages name types.
local function short(t) return t:type():match('^torch%.(%a+)Tensor$') or t:type() end

-- input is a Float or Double tensor of the module's type (that of its output buffer).
function utils.checkFloatTensor(self, input, what)
   what = what or 'input'
   if not torch.isTensor(input) then
      self:_error('%s must be a tensor, got %s', what, torch.type(input))
   end
   local t = input:type()
   if t ~= 'torch.FloatTensor' and t ~= 'torch.DoubleTensor' then
      self:_error('%s must be a Float or Double tensor, got a %s tensor', what, short(input))
   end
   if torch.isTensor(self.output) and self.output:type() ~= t then
      self:_error('output is a %s tensor, %s a %s tensor (convert with :type())',
                  short(self.output), what, short(input))
   end
end

-- input is a table of at least n Float or Double tensors of the module's type, all with
-- the same number of elements.
function utils.checkTableOfTensors(self, input, n)
   if type(input) ~= 'table' or torch.isTensor(input) or #input < n then
      self:_error('expected a table of %d or more tensors, got %s', n, torch.type(input))
   end
   for i = 1, #input do utils.checkFloatTensor(self, input[i], 'input ' .. i) end
   for i = 2, #input do
      if input[i]:nElement() ~= input[1]:nElement() then
         self:_error('input %d of size %s does not match input 1 of size %s', i,
                     utils.sizestr(input[i]), utils.sizestr(input[1]))
      end
   end
end

-- input is a table (not a tensor).
function utils.checkTable(self, input)
   if type(input) ~= 'table' or torch.isTensor(input) then
      self:_error('expected a table input, got %s', torch.type(input))
   end
end

-- True when param (a CAdd bias, a CMul weight) broadcasts to input as Torch7's expandAs
-- does: the same number of dimensions, each of param's sizes equal to input's or 1.
function utils.broadcastsTo(param, input)
   if param:dim() ~= input:dim() then return false end
   for d = 1, param:dim() do
      local p = param:size(d)
      if p ~= 1 and p ~= input:size(d) then return false end
   end
   return true
end

-- utils.sumToSize(self, t, like): t summed over the dimensions where like has size 1 (the
-- gradient of a parameter broadcast as in utils.broadcastsTo), in the buffers
-- self._sumA / self._sumB, which are reused. Returns t itself when nothing is summed.
function utils.sumToSize(self, t, like)
   local cur, flip = t, false
   for d = 1, like:dim() do
      if like:size(d) == 1 and cur:size(d) ~= 1 then
         local key = flip and '_sumB' or '_sumA'
         self[key] = self[key] or t.new()
         torch.sum(self[key], cur, d)
         cur, flip = self[key], not flip
      end
   end
   return cur
end

-- utils.integralArgs(self, ...) -> ...: the arguments, with each number that is a float
-- of integral value (3072 / 2, 2.0) as an integer. nn.Module's and nn.Criterion's
-- __initargs (see torch.class): Torch7 ran on LuaJIT, where 1536 and 1536.0 are the same
-- number, so its programs pass sizes, indices and counts computed with `/`. Tables and
-- other values pass unchanged; a non-integral size (3.5) stays a float, and the
-- module's own check refuses it, naming the module and the argument.
function utils.integralArgs(self, ...)
   local n = select('#', ...)
   local args = nil
   for i = 1, n do
      local v = select(i, ...)
      if math.type(v) == 'float' then
         local k = math.tointeger(v)
         if k ~= nil then
            args = args or table.pack(...)
            args[i] = k
         end
      end
   end
   if args == nil then return ... end
   return table.unpack(args, 1, n)
end

-- gradOutput has the sizes expected: those of a tensor, a table of sizes, or a number of
-- elements (for the modules that view it), in the kernels' words: "gradOutput of size
-- 4x4, expected 4x3". Computed from the input, not the last output: Torch7 lets a module
-- run backward without forward.
function utils.checkGradOutput(self, gradOutput, expected, paired)
   if not torch.isTensor(gradOutput) then
      self:_error('gradOutput must be a tensor, got %s', torch.type(gradOutput))
   end
   -- paired: the module reads gradOutput in row-major order, so Torch7's same element
   -- count in another shape is accepted, with the pointwise ops' deprecation warning
   if paired and torch.isTensor(expected) and gradOutput:nElement() == expected:nElement()
      and gradOutput:nElement() > 0 and not gradOutput:isSameSizeAs(expected) then
      torch._warn(string.format('%s: gradOutput of size %s paired with the input of size %s '
         .. 'in row-major order, as Torch7 did (deprecated: give gradOutput the output\'s size)',
         torch.typename(self), utils.sizestr(gradOutput), utils.sizestr(expected)))
      return
   end
   if type(expected) == 'number' then
      if gradOutput:nElement() ~= expected then
         self:_error('gradOutput of size %s, expected %d elements', utils.sizestr(gradOutput),
                     expected)
      end
      return
   end
   local size = torch.isTensor(expected) and expected:size():totable() or expected
   local ok = gradOutput:dim() == #size
   for i = 1, #size do ok = ok and gradOutput:size(i) == size[i] end
   if not ok then
      self:_error('gradOutput of size %s, expected %s', utils.sizestr(gradOutput),
                  #size == 0 and 'empty' or table.concat(size, 'x'))
   end
end

-- The last two dimensions of input picked by index lists (padding, upsampling): output
-- pixel (i, j) is input pixel (rows[i], cols[j]). Into self.output.
function utils.indexPlanes(self, input, rows, cols)
   local d = input:dim()
   local out = input:index(d - 1, rows):index(d, cols)
   self.output:resizeAs(out):copy(out)
   return self.output
end

-- The adjoint of indexPlanes: each input pixel gets the sum of the gradients of the output
-- pixels copied from it. Into self.gradInput; checks gradOutput's size. (Modules call it
-- as a tail call, so error level 2 is their caller.)
function utils.indexPlanesBackward(self, input, gradOutput, rows, cols)
   local d = input:dim()
   local size = input:size()
   size[d - 1], size[d] = rows:size(1), cols:size(1)
   local ok = gradOutput:dim() == d
   for i = 1, d do ok = ok and gradOutput:size(i) == size[i] end
   if not ok then
      self:_error('gradOutput of size %s, expected %s', utils.sizestr(gradOutput),
                  table.concat(size:totable(), 'x'))
   end
   size[d] = input:size(d)
   local partial = gradOutput.new():resize(size):zero():indexAdd(d, cols, gradOutput)
   self.gradInput:resizeAs(input):zero():indexAdd(d - 1, rows, partial)
   return self.gradInput
end

-- For modules of a vector input against columns or rows of a weight (Euclidean, Cosine,
-- ...): both sizes positive integers, or an error naming the module (called from __init).
function utils.checkVectorSizes(self, inputSize, outputSize)
   for _, v in ipairs({inputSize, outputSize}) do
      if math.type(v) ~= 'integer' or v < 1 then
         self:_error('sizes must be positive integers, got %s and %s', tostring(inputSize),
                     tostring(outputSize))
      end
   end
end

-- A vector of isz or an n x isz batch, as an n x isz view (modules call it as a tail call
-- from their updateOutput helpers, so error level 3 is the module's caller).
function utils.vectorBatch(self, input, isz)
   utils.checkFloatTensor(self, input)
   if (input:dim() ~= 1 and input:dim() ~= 2) or input:size(input:dim()) ~= isz then
      self:_error('input of size %s, expected %d or n x %d', utils.sizestr(input), isz, isz)
   end
   return input:contiguous():view(-1, isz)
end

-- addSingletonDimension([view,] t [, dim = 1]): a view of t with a dimension of size 1
-- inserted at dim (1 <= dim <= t:dim() + 1), sharing t's storage; into view when given.
function utils.addSingletonDimension(...)
   local view, t, dim
   if select('#', ...) >= 3 or (torch.isTensor(select(1, ...)) and torch.isTensor(select(2, ...))) then
      view, t, dim = ...
      if not torch.isTensor(view) then
         torch._error('nn.utils.addSingletonDimension: output tensor expected, got ' .. torch.type(view))
      end
   else
      t, dim = ...
   end
   if not torch.isTensor(t) then
      torch._error('nn.utils.addSingletonDimension: input tensor expected, got ' .. torch.type(t))
   end
   dim = dim or 1
   if math.type(dim) ~= 'integer' or dim < 1 or dim > t:dim() + 1 then
      torch._error(string.format('nn.utils.addSingletonDimension: invalid dimension %s for a '
                                 .. 'tensor of %d dimensions', tostring(dim), t:dim()))
   end
   view = view or t.new()
   local size, stride = torch.LongStorage(t:dim() + 1), torch.LongStorage(t:dim() + 1)
   for d = 1, dim - 1 do size[d], stride[d] = t:size(d), t:stride(d) end
   size[dim] = 1
   stride[dim] = dim <= t:dim() and t:size(dim) * t:stride(dim) or 1
   for d = dim + 1, t:dim() + 1 do size[d], stride[d] = t:size(d - 1), t:stride(d - 1) end
   view:set(t:storage(), t:storageOffset(), size, stride)
   return view
end


-- Gives cls (a module class with parent class parent) a type() that drops the named
-- buffers (they are remade in the new type by the next forward) and a clearState() that
-- empties them: what the distance modules (Euclidean, WeightedEuclidean, Cosine) share.
function utils.scratchBuffers(cls, parent, buffers)
   function cls:type(tname, tensorCache)
      if tname then
         for _, k in ipairs(buffers) do self[k] = nil end
      end
      return parent.type(self, tname, tensorCache)
   end
   function cls:clearState()
      utils.clear(self, buffers)
      return parent.clearState(self)
   end
end

return utils
