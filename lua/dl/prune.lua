-- dl.prune: magnitude pruning (docs/pruning.md).
--
-- Unstructured pruning zeroes the smallest weights of each nn.Linear and
-- nn.SpatialConvolution(MM) and keeps a mask (module.weightMask, 1 kept, 0 pruned, of the
-- weight's type, so that :float() and torch.save carry it) so that fine-tuning cannot
-- bring them back. Masking the gradient is not enough for that: momentum and Adam's
-- moments from before pruning still move a weight whose gradient is zero. So the
-- optimizers of the optim table are wrapped (once, the first time a model is pruned):
-- before a step each pruned gradient is zeroed (weight decay then adds nothing, and the
-- optimizer's statistics elsewhere are those of the masked model), and after it each
-- pruned weight is set back to 0 — what the step did to it is undone, whatever the
-- optimizer's state holds. dl.fit calls these same functions.
--
-- Structured pruning removes whole output neurons of Linear layers and output channels
-- of convolutions (those of smallest weight norm) and shrinks what reads them: the next
-- Linear's or convolution's inputs, a batch normalization in between, and a View,
-- Reshape or Flatten between a convolution and a Linear (the Linear's columns of the
-- removed channels). The model gets smaller and faster; what cannot be shrunk safely is
-- refused before anything changes.
local dl = require 'dl'
require 'nn'
require 'optim'

local prune = {}

-- errors are raised at the script's line, however deep in this file they are found
local function fail(fmt, ...) torch._error(('dl.prune: ' .. fmt):format(...)) end

-- the layers pruned: Linear and 2-D convolutions (SpatialConvolutionMM is a subclass)
local function prunable(m)
  return torch.isTypeOf(m, 'nn.Linear') or torch.isTypeOf(m, 'nn.SpatialConvolution')
end

-- Every module of the tree, in order, each once: a module met twice (shared, as a
-- weight-tied clone would be) is refused, since shrinking one use would shrink the other.
local function walk(m, visit, seen, path)
  if seen[m] then
    fail('%s (%s) appears twice in the model: a shared module cannot be pruned', torch.type(m), path)
  end
  seen[m] = true
  visit(m, path)
  for i, c in ipairs(m.modules or {}) do walk(c, visit, seen, path .. '.' .. i) end
end

-- The elements [first, last] of its storage that t reaches.
local function reach(t)
  local first = t:storageOffset()
  local last = first
  for d = 1, t:dim() do last = last + (t:size(d) - 1) * t:stride(d) end
  return first, last
end

-- Layers whose parameters overlap another layer's in memory (clone('weight', 'bias')).
-- After getParameters every parameter lies in one storage: only overlaps count.
local function check_shared_storage(layers)
  local seen = {}
  for _, l in ipairs(layers) do
    for _, name in ipairs({'weight', 'bias'}) do
      local t = l.m[name]
      if t and t:nElement() > 0 then
        local s, first, last = torch.pointer(t:storage()), reach(t)
        for _, o in ipairs(seen) do
          if o.s == s and first <= o.last and o.first <= last then
            fail('%s (%s) shares its %s with %s (%s): shared parameters cannot be pruned',
                 torch.type(l.m), l.path, name, torch.type(o.l.m), o.l.path)
          end
        end
        seen[#seen + 1] = {s = s, first = first, last = last, l = l}
      end
    end
  end
end

-- ---- unstructured: masks ----------------------------------------------------------------

local tracked = setmetatable({}, {__mode = 'k'}) -- the modules whose masks hold

local function mask_gradients()
  for m in pairs(tracked) do
    if m.weightMask and m.gradWeight and m.gradWeight:nElement() == m.weightMask:nElement() then
      m.gradWeight:cmul(m.weightMask)
    end
  end
end

local function mask_weights()
  for m in pairs(tracked) do
    if m.weightMask then m.weight:cmul(m.weightMask) end
  end
end

-- optim's step functions (opfunc, x, config, state), wrapped so that the masks hold.
local OPTIMIZERS = {'sgd', 'nag', 'adam', 'adamw', 'adamax', 'adagrad', 'adadelta', 'rmsprop',
                    'rprop', 'asgd', 'lbfgs', 'cg'}
local wrapped = setmetatable({}, {__mode = 'k'})

-- The objective of the step running, read by the one feval below (saved and restored
-- around each step, so a step inside another's objective works too): a step allocates no
-- closure and no table, as training's steady state must not.
local current

local function feval(...)
  local fx, dfdx = current(...)
  mask_gradients()
  return fx, dfdx
end

-- An error the optimizer raised at its caller's line (error(msg, 2)) has no position
-- under pcall: it gets the script's, as without the wrapper.
local function rethrow(msg)
  if type(msg) == 'string' and not msg:match('^[^%s:]+:%d+: ') then torch._error(msg) end
  error(msg, 0)
end

-- prune.step(optimizer): the optimizer with the masks of every pruned model applied around
-- each step; for a step function held before dl.prune wrapped optim's. optim's steps
-- return at most three values (x, the f values, lbfgs's evaluation count): so does this.
function prune.step(optimizer)
  if type(optimizer) ~= 'function' then
    torch._error(('dl.prune.step: expected an optimizer function, got %s'):format(type(optimizer)))
  end
  if wrapped[optimizer] then return optimizer end
  local function step(opfunc, x, ...)
    local outer = current
    current = opfunc
    local ok, r1, r2, r3 = pcall(optimizer, feval, x, ...)
    current = outer
    if not ok then rethrow(r1) end
    mask_weights()
    return r1, r2, r3
  end
  wrapped[step] = true
  return step
end

local function wrap_optim()
  for _, name in ipairs(OPTIMIZERS) do
    if type(optim[name]) == 'function' then optim[name] = prune.step(optim[name]) end
  end
end

-- dl.prune.reapply(model): zeroes the masked weights of model's layers and has the
-- optimizers keep them at zero: for a pruned model read back with torch.load.
function prune.reapply(model)
  if not torch.isTypeOf(model, 'nn.Module') then
    torch._error(('dl.prune.reapply: expected an nn module, got %s'):format(torch.type(model)))
  end
  local any = false
  walk(model, function(m)
    if m.weightMask then
      tracked[m] = true
      m.weight:cmul(m.weightMask)
      any = true
    end
  end, {}, torch.type(model))
  if any then wrap_optim() end
  return model
end

-- dl.prune.remove(model): drops the masks (the zeros stay, fine-tuning may move them).
function prune.remove(model)
  walk(model, function(m)
    m.weightMask = nil
    tracked[m] = nil
  end, {}, torch.type(model))
  return model
end

-- dl.prune.sparsity(model) -> fraction, zeros, total: the zero weights of its Linear and
-- convolution layers.
function prune.sparsity(model)
  local zeros, total = 0, 0
  walk(model, function(m)
    if prunable(m) then
      total = total + m.weight:nElement()
      zeros = zeros + m.weight:eq(0):sum()
    end
  end, {}, torch.type(model))
  return total > 0 and zeros / total or 0, zeros, total
end

local function unstructured(model, amount, layers)
  for _, l in ipairs(layers) do
    local w = l.m.weight
    local n = w:nElement()
    local k = math.floor(amount * n + 0.5)
    local mask = l.m.weightMask
    if not (mask and mask:nElement() == n and mask:type() == w:type()) then
      mask = w.new(w:size()):fill(1)
    end
    if k > 0 then
      -- the k smallest magnitudes, the pruned ones (already 0) first; ties by position
      local mag = w:clone():cmul(mask):abs():view(-1)
      local _, order = torch.sort(mag)
      mask:view(-1):indexFill(1, order:narrow(1, 1, k), 0)
    end
    l.m.weightMask = mask
    tracked[l.m] = true
    w:cmul(mask)
  end
  wrap_optim()
end

-- ---- structured: removing units ---------------------------------------------------------

-- modules that act on each unit (neuron or channel) alone, and keep the unit count
local PASS = {}
for _, name in ipairs({'nn.ReLU', 'nn.ReLU6', 'nn.Tanh', 'nn.Sigmoid', 'nn.ELU', 'nn.LeakyReLU',
                       'nn.GELU', 'nn.SoftPlus', 'nn.SoftSign', 'nn.HardTanh', 'nn.Threshold',
                       'nn.Abs', 'nn.Square', 'nn.Dropout', 'nn.SpatialDropout', 'nn.Identity',
                       'nn.Contiguous', 'nn.Copy', 'nn.SpatialMaxPooling',
                       'nn.SpatialAveragePooling', 'nn.SpatialAdaptiveMaxPooling',
                       'nn.SpatialAdaptiveAveragePooling', 'nn.TanhShrink'}) do
  PASS[name] = true
end
local NORM = {['nn.BatchNormalization'] = true, ['nn.SpatialBatchNormalization'] = true}
local RESHAPE = {['nn.View'] = true, ['nn.Reshape'] = true, ['nn.Flatten'] = true}

-- The leaves of model in the order they run, through nn.Sequential containers (nested
-- to any depth); any other container is a barrier: units cannot be followed through it.
local function chain(model)
  local list = {}
  walk(model, function(m, path)
    if torch.type(m) == 'nn.Sequential' then return end
    list[#list + 1] = {m = m, path = path, barrier = m.modules ~= nil}
  end, {}, torch.type(model))
  -- a barrier's inner modules were listed after it: drop them, they are inside it
  local out, inside = {}, nil
  for _, l in ipairs(list) do
    if inside and l.path:sub(1, #inside + 1) == inside .. '.' then
      -- skip
    else
      inside = l.barrier and l.path or nil
      out[#out + 1] = l
    end
  end
  return out
end

local function units_of(m) return m.weight:size(1) end

local function inputs_of(m)
  if torch.isTypeOf(m, 'nn.Linear') then return m.weight:size(2) end
  return m.nInputPlane
end

-- The plan for producer i: the modules up to its consumer, or nil when its outputs are
-- the model's (no Linear or convolution reads them). Refuses what it cannot follow.
local function plan_for(list, i)
  local p = list[i]
  local conv = torch.isTypeOf(p.m, 'nn.SpatialConvolution')
  local plan = {producer = p, norms = {}, reshapes = {}, spatial = 1}
  local flat = false
  for j = i + 1, #list do
    local l = list[j]
    local t = torch.type(l.m)
    if prunable(l.m) then
      if torch.isTypeOf(l.m, 'nn.Linear') then
        local n = inputs_of(l.m)
        if n % units_of(p.m) ~= 0 then
          fail('%s (%s) reads %d inputs, not a multiple of the %d units of %s (%s)', t, l.path,
               n, units_of(p.m), torch.type(p.m), p.path)
        end
        if conv and not flat then
          fail('%s (%s) reads the channels of %s (%s) without a View, Reshape or Flatten', t,
               l.path, torch.type(p.m), p.path)
        end
        plan.spatial = n // units_of(p.m)
        for _, r in ipairs(plan.reshapes) do
          local size = r.m.size or {-1}
          if torch.type(r.m) ~= 'nn.Flatten' and not (#size == 1 and (size[1] == -1 or size[1] == n)) then
            fail('%s (%s) has sizes it would keep after pruning: only a one-dimension view (-1, '
                 .. 'or the flattened size) can be shrunk', torch.type(r.m), r.path)
          end
        end
      elseif inputs_of(l.m) ~= units_of(p.m) or flat then
        fail('%s (%s) does not read the %d channels of %s (%s)', t, l.path, units_of(p.m),
             torch.type(p.m), p.path)
      end
      plan.consumer = l
      return plan
    elseif NORM[t] then
      if l.m.running_mean:nElement() ~= units_of(p.m) then
        fail('%s (%s) normalizes %d units, not the %d of %s (%s)', t, l.path,
             l.m.running_mean:nElement(), units_of(p.m), torch.type(p.m), p.path)
      end
      plan.norms[#plan.norms + 1] = l
    elseif RESHAPE[t] then
      flat = true
      plan.reshapes[#plan.reshapes + 1] = l
    elseif not PASS[t] then
      local why = l.barrier and 'a container other than nn.Sequential (a branch, or a residual add)'
                  or 'a module whose effect on units dl.prune does not know'
      fail('cannot shrink the outputs of %s (%s): they go through %s (%s), %s',
           torch.type(p.m), p.path, t, l.path, why)
    end
  end
  return nil
end

-- The units to keep: the (1 - amount) fraction of largest weight norm, in their order.
-- Producers are pruned in order, so the norms are those of the inputs that remain.
local function keep_units(m, amount, p)
  local n = units_of(m)
  local remove = math.min(n - 1, math.floor(amount * n + 0.5))
  local norms = m.weight:view(n, -1):norm(p, 2):view(-1)
  local order = {}
  for i = 1, n do order[i] = i end
  table.sort(order, function(a, b)
    if norms[a] ~= norms[b] then return norms[a] > norms[b] end
    return a < b
  end)
  local keep = {}
  for i = 1, n - remove do keep[i] = order[i] end
  table.sort(keep)
  return torch.LongTensor(keep)
end

local function shrink(m, name, dim, index)
  local t = m[name]
  if torch.isTensor(t) and t:nElement() > 0 then m[name] = t:index(dim, index) end
end

-- The columns of a flattened C x S input that the kept channels give.
local function columns(keep, spatial)
  if spatial == 1 then return keep end
  local cols = torch.LongTensor(keep:nElement() * spatial)
  for i = 1, keep:nElement() do
    local first = (keep[i] - 1) * spatial
    for s = 1, spatial do cols[(i - 1) * spatial + s] = first + s end
  end
  return cols
end

-- a View or Reshape of one size, the flattened one (plan_for checked), gets the new one
local function resize_reshape(l, new)
  local m, t = l.m, torch.type(l.m)
  if t == 'nn.Flatten' or m.size[1] == -1 then return end
  if t == 'nn.View' then
    local nid = m.numInputDims
    m:resetSize(new)
    if nid then m:setNumInputDims(nid) end
  else
    m.size, m.nelement = {new}, new
  end
end

local function apply_plan(plan, amount, p)
  local prod, cons = plan.producer.m, plan.consumer.m
  local old = units_of(prod)
  local keep = keep_units(prod, amount, p)
  if keep:nElement() == old then return 0 end
  for _, name in ipairs({'weight', 'gradWeight'}) do shrink(prod, name, 1, keep) end
  for _, name in ipairs({'bias', 'gradBias'}) do shrink(prod, name, 1, keep) end
  if prod.weightMask then shrink(prod, 'weightMask', 1, keep) end
  if torch.isTypeOf(prod, 'nn.SpatialConvolution') then prod.nOutputPlane = keep:nElement() end
  for _, l in ipairs(plan.norms) do
    for _, name in ipairs({'weight', 'bias', 'gradWeight', 'gradBias', 'running_mean',
                           'running_var'}) do
      shrink(l.m, name, 1, keep)
    end
    l.m.save_mean, l.m.save_std = l.m.running_mean.new(), l.m.running_mean.new()
  end
  for _, l in ipairs(plan.reshapes) do
    resize_reshape(l, keep:nElement() * plan.spatial)
  end
  local cols = columns(keep, plan.spatial)
  for _, name in ipairs({'weight', 'gradWeight', 'weightMask'}) do shrink(cons, name, 2, cols) end
  if torch.isTypeOf(cons, 'nn.SpatialConvolution') then cons.nInputPlane = keep:nElement() end
  return old - keep:nElement()
end

local function structured(model, amount, list, p)
  -- plan every producer before changing anything, so that a refusal leaves the model whole
  local plans = {}
  for i, l in ipairs(list) do
    if prunable(l.m) then plans[#plans + 1] = plan_for(list, i) end
  end
  local removed = 0
  for _, plan in ipairs(plans) do removed = removed + apply_plan(plan, amount, p) end
  -- a tensor left a view into getParameters' flat storage (a layer not shrunk, the output
  -- layer's bias) would save the whole old storage with it: each gets its own
  walk(model, function(m)
    for _, name in ipairs({'weight', 'bias', 'gradWeight', 'gradBias', 'weightMask'}) do
      local t = m[name]
      if torch.isTensor(t) and t:storage() and t:storage():size() ~= t:nElement() then
        m[name] = t:clone()
      end
    end
  end, {}, torch.type(model))
  model:clearState()
  return removed
end

-- dl.prune(model [, {amount = 0.5, structured = false, norm = 2}]) -> model
local function call(_, model, options)
  if not torch.isTypeOf(model, 'nn.Module') then fail('expected an nn module, got %s', torch.type(model)) end
  options = options or {}
  if type(options) ~= 'table' then fail('options must be a table, got %s', type(options)) end
  local amount = options.amount == nil and 0.5 or options.amount
  if type(amount) ~= 'number' or amount < 0 or amount >= 1 then
    fail('amount must be a number in [0, 1), got %s', tostring(amount))
  end
  local p = options.norm or 2
  if p ~= 1 and p ~= 2 then fail('norm must be 1 or 2, got %s', tostring(p)) end
  local layers = {}
  walk(model, function(m, path)
    if prunable(m) then layers[#layers + 1] = {m = m, path = path} end
  end, {}, torch.type(model))
  check_shared_storage(layers)
  if #layers == 0 then fail('%s has no nn.Linear or nn.SpatialConvolution to prune', torch.type(model)) end
  if options.structured then
    structured(model, amount, chain(model), p)
  else
    unstructured(model, amount, layers)
  end
  return model
end

dl.prune = setmetatable(prune, {__call = call})
return prune
