-- nn.Jacobian: checks a module's backward against finite differences of its forward, as
-- Torch7's nn.Jacobian. Beyond Torch7, inputs, outputs and parameters may be nested tables
-- of tensors (for table modules: CAddTable, ConcatTable, ...). Work in double precision
-- (module:double()) for errors near 1e-9; in float, expect 1e-3.
local nn = require 'nn'

local Jacobian = {}
nn.Jacobian = Jacobian

-- The tensors of x (a tensor or a nested array of them), in order.
local function leaves(x, list)
   list = list or {}
   if torch.isTensor(x) then
      list[#list + 1] = x
   elseif type(x) == 'table' then
      for i = 1, #x do leaves(x[i], list) end
   elseif x ~= nil then
      error('nn.Jacobian: expected a tensor or a table of tensors, got ' .. torch.type(x), 3)
   end
   return list
end

-- All the numbers of x, as one Lua array, in row-major order of each tensor in turn.
local function values(x)
   local out = {}
   for _, t in ipairs(leaves(x)) do
      local n = t:nElement()
      if n > 0 then
         for _, v in ipairs(t:clone():view(n):totable()) do out[#out + 1] = v end
      end
   end
   return out
end

-- Element access into x by a global 1-based position: get(i), set(i, v), and the count.
-- Each tensor must be contiguous, since writes go through a flat view of it.
local function accessor(x)
   local views, starts, total = {}, {}, 0
   for k, t in ipairs(leaves(x)) do
      if not t:isContiguous() then
         error('nn.Jacobian: tensor ' .. k .. ' to perturb is not contiguous', 3)
      end
      local n = t:nElement()
      views[k] = n > 0 and t:view(n) or t
      starts[k] = total
      total = total + n
   end
   local function locate(i)
      for k = #views, 1, -1 do
         if i > starts[k] then return views[k], i - starts[k] end
      end
   end
   return {
      n = total,
      get = function(i) local v, j = locate(i); return v[j] end,
      set = function(i, val) local v, j = locate(i); v[j] = val end,
   }
end

local function zeros_like(x)
   local z = nn.utils.recursiveResizeAs(nil, x)
   return nn.utils.recursiveFill(z, 0)
end

local function fill_uniform(x, minval, maxval)
   for _, t in ipairs(leaves(x)) do
      -- index tensors (LookupTable's input) keep their values
      local ty = t:type()
      if t:nElement() > 0 and (ty == 'torch.DoubleTensor' or ty == 'torch.FloatTensor') then
         t:uniform(minval, maxval)
      end
   end
end

-- A matrix (table of rows) into a DoubleTensor.
local function matrix(rows, nrows, ncols)
   local m = torch.DoubleTensor(math.max(nrows, 0), math.max(ncols, 0))
   if nrows == 0 or ncols == 0 then return m end
   return m:copy(torch.DoubleTensor(rows))
end

-- Jacobian from backward: entry (i, j) = d output_j / d param_i, one backward pass per
-- output element. param (with dparam) defaults to the input (gradInput).
function Jacobian.backward(module, input, param, dparam)
   local doparam = param ~= nil
   module:forward(input)
   local dout = zeros_like(module.output)
   local sdout = accessor(dout)
   local nparam = accessor(param or input).n
   local rows = {}
   for i = 1, nparam do rows[i] = {} end
   for j = 1, sdout.n do
      nn.utils.recursiveFill(dout, 0)
      sdout.set(j, 1)
      module:zeroGradParameters()
      local din = module:updateGradInput(input, dout)
      module:accGradParameters(input, dout, 1)
      local v = values(doparam and dparam or din)
      for i = 1, nparam do rows[i][j] = v[i] end
   end
   return matrix(rows, nparam, sdout.n)
end

-- Jacobian from central differences of forward: row i = (f(p + h e_i) - f(p - h e_i)) / 2h.
function Jacobian.forward(module, input, param, perturbation)
   param = param or input
   local h = perturbation or 1e-6
   local sin = accessor(param)
   local rows, nout = {}, #values(module:forward(input))
   for i = 1, sin.n do
      local orig = sin.get(i)
      sin.set(i, orig - h)
      local outa = values(module:forward(input))
      sin.set(i, orig + h)
      local outb = values(module:forward(input))
      sin.set(i, orig)
      local row = {}
      for j = 1, nout do row[j] = (outb[j] - outa[j]) / (2 * h) end
      rows[i] = row
   end
   return matrix(rows, sin.n, nout)
end

-- The largest absolute difference between two matrices of the same sizes.
local function maxdiff(a, b)
   if a:nElement() ~= b:nElement() then
      error(string.format('nn.Jacobian: jacobians of %d and %d elements (check that '
                          .. 'forward and backward agree on sizes)', a:nElement(), b:nElement()), 3)
   end
   local va, vb, err = values(a), values(b), 0
   for i = 1, #va do
      local d = math.abs(va[i] - vb[i])
      if d > err or d ~= d then err = d end
   end
   return err
end

-- testJacobian(module, input [, minval, maxval, perturbation]): fills input uniformly in
-- [minval, maxval] (default [-2, 2]) and returns the largest difference between the
-- jacobians of backward and of finite differences, w.r.t. the input.
function Jacobian.testJacobian(module, input, minval, maxval, perturbation)
   minval, maxval = minval or -2, maxval or 2
   fill_uniform(input, minval, maxval)
   local jac_fprop = Jacobian.forward(module, input, input, perturbation)
   local jac_bprop = Jacobian.backward(module, input)
   return maxdiff(jac_fprop, jac_bprop)
end

-- testJacobianParameters(module, input, param, dparam [, minval, maxval, perturbation]):
-- the same w.r.t. a parameter (module.weight with module.gradWeight, say).
function Jacobian.testJacobianParameters(module, input, param, dparam, minval, maxval, perturbation)
   minval, maxval = minval or -2, maxval or 2
   fill_uniform(input, minval, maxval)
   fill_uniform(param, minval, maxval)
   local jac_bprop = Jacobian.backward(module, input, param, dparam)
   local jac_fprop = Jacobian.forward(module, input, param, perturbation)
   return maxdiff(jac_fprop, jac_bprop)
end

-- Parameters after accUpdateGradParameters(input, e_j, 1), one column per output j.
function Jacobian.backwardUpdate(module, input, param)
   module:forward(input)
   local dout = zeros_like(module.output)
   local sdout = accessor(dout)
   local params = module:parameters()
   local orig = {}
   for k = 1, #params do orig[k] = params[k]:clone() end
   local nparam = accessor(param).n
   local rows = {}
   for i = 1, nparam do rows[i] = {} end
   for j = 1, sdout.n do
      for k = 1, #params do params[k]:copy(orig[k]) end
      nn.utils.recursiveFill(dout, 0)
      sdout.set(j, 1)
      module:updateGradInput(input, dout)
      module:accUpdateGradParameters(input, dout, 1)
      local v = values(param)
      for i = 1, nparam do rows[i][j] = v[i] end
   end
   for k = 1, #params do params[k]:copy(orig[k]) end
   return matrix(rows, nparam, sdout.n)
end

-- What those parameters should be: p_i - d output_j / d p_i, from finite differences.
function Jacobian.forwardUpdate(module, input, param, perturbation)
   local h = perturbation or 1e-6
   local sin = accessor(param)
   local rows, nout = {}, #values(module:forward(input))
   for i = 1, sin.n do
      local orig = sin.get(i)
      sin.set(i, orig - h)
      local outa = values(module:forward(input))
      sin.set(i, orig + h)
      local outb = values(module:forward(input))
      sin.set(i, orig)
      local row = {}
      for j = 1, nout do row[j] = orig - (outb[j] - outa[j]) / (2 * h) end
      rows[i] = row
   end
   return matrix(rows, sin.n, nout)
end

-- testJacobianUpdateParameters(module, input, param [, minval, maxval, perturbation]):
-- checks accUpdateGradParameters (the update of the weights in place).
function Jacobian.testJacobianUpdateParameters(module, input, param, minval, maxval, perturbation)
   minval, maxval = minval or -2, maxval or 2
   fill_uniform(input, minval, maxval)
   fill_uniform(param, minval, maxval)
   local params_bprop = Jacobian.backwardUpdate(module, input, param)
   local params_fprop = Jacobian.forwardUpdate(module, input, param, perturbation)
   return maxdiff(params_fprop, params_bprop)
end

-- Largest absolute difference between two tensors or nested tables of them.
local function leafdiff(a, b)
   local la, lb, err = leaves(a), leaves(b), 0
   if #la ~= #lb then return math.huge end
   for i = 1, #la do
      if la[i]:nElement() ~= lb[i]:nElement() then return math.huge end
      local va, vb = values(la[i]), values(lb[i])
      for j = 1, #va do
         local d = math.abs(va[j] - vb[j])
         if d > err or d ~= d then err = d end
      end
   end
   return err
end

local function copyof(x)
   if torch.isTensor(x) then return x:clone() end
   local t = {}
   for i = 1, #x do t[i] = copyof(x[i]) end
   return t
end

-- testIO(module, input [, minval, maxval]): saves the module in binary form, loads it back,
-- and returns the largest differences between the outputs and between the gradInputs of
-- the original and the loaded module on the same input and gradOutput (both 0 when
-- serialization keeps everything that matters).
function Jacobian.testIO(module, input, minval, maxval)
   minval, maxval = minval or -2, maxval or 2
   local input2 = copyof(input)
   module:forward(input)
   local go = copyof(module.output)
   fill_uniform(go, minval, maxval)
   local go2 = copyof(go)
   module:zeroGradParameters()
   module:updateGradInput(input, go)
   module:accGradParameters(input, go)
   local fo, bo = copyof(module.output), copyof(module.gradInput)

   local loaded = torch.deserialize(torch.serialize(module))
   loaded:forward(input2)
   loaded:zeroGradParameters()
   loaded:updateGradInput(input2, go2)
   loaded:accGradParameters(input2, go2)
   return leafdiff(fo, loaded.output), leafdiff(bo, loaded.gradInput)
end

-- testAllUpdate(module, input, weight, gradWeight): the four ways a parameter named
-- `weight` (with gradient `gradWeight`) can be updated must agree. From a copy of the
-- weight w and a step lr drawn in [0.1, 1], with one random gradOutput g:
--   accGradParameters then updateParameters(lr) gives w - lr * dw;
--   accUpdateGradParameters(input, g, lr) gives the same weight;
--   two clones sharing the weight, each doing accGradParameters + updateParameters,
--   or each doing accUpdateGradParameters, give w - 2 * lr * dw in both.
-- Returns a table of the four errors (norms of the differences), keyed by case.
function Jacobian.testAllUpdate(module, input, weight, gradWeight)
   local lr = torch.uniform(0.1, 1)
   local errors = {}
   local function run(m, g, how)
      m:forward(input)
      if how == 'acc' then m:zeroGradParameters() end
      m:updateGradInput(input, g)
      if how == 'acc' then
         m:accGradParameters(input, g)
         m:updateParameters(lr)
      else
         m:accUpdateGradParameters(input, g, lr)
      end
   end
   local w0 = module[weight]:clone()
   local ref = module:clone()
   ref:forward(input)
   local g = torch.rand(ref.output:size()):typeAs(ref.output)
   run(ref, g, 'acc')
   local dw = ref[gradWeight]
   errors.accGradParameters = (w0 - dw * lr - ref[weight]):norm()

   local upd = module:clone()
   run(upd, g, 'update')
   errors.accUpdateGradParameters = (upd[weight] - ref[weight]):norm()

   for _, how in ipairs({'acc', 'update'}) do
      local a, b = module:clone(), module:clone()
      b:share(a, weight)
      run(a, g, how)
      run(b, g, how)
      local want = w0 - dw * (2 * lr)
      local key = (how == 'acc' and 'accGradParameters' or 'accUpdateGradParameters') .. ' [shared]'
      errors[key] = (want - a[weight]):norm() + (want - b[weight]):norm()
   end
   return errors
end

return Jacobian
