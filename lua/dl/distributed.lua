-- dl.distributed: data-parallel training over Open MPI (docs/distributed.md). Collectives
-- on tensors of every type, blocking and non-blocking, a DataParallel wrapper whose
-- bucketed gradient allreduce overlaps backward, and the per-rank shards of each epoch's
-- batches. The MPI calls live in the C module dl/mpi.so (src/lua/lt_mpi.c, src/dist), the
-- only part of dlua linked against libmpi: it is loaded here, and nowhere else.
require 'torch'
local dl = require 'dl'

local ok, mpi = pcall(require, 'dl.mpi')
if not ok then
  error(('dl.distributed: cannot load the MPI module dl/mpi.so (%s)\n'
    .. 'It needs Open MPI: install it (Debian: apt-get install openmpi-bin libopenmpi-dev, '
    .. 'or make deps) and rebuild dlua'):format(tostring(mpi):match('^[^\n]*')), 2)
end

local dist = {}
package.loaded['dl.distributed'] = dist

local state = {rank = 0, size = 1}

local function raise(fmt, ...) torch._error(fmt:format(...)) end

-- init() -> rank, size: initialises MPI once (later calls return the same). Under
-- `dlua --np N` or mpirun each process gets its rank in [0, N-1]; run alone, rank 0 of 1.
function dist.init()
  if not state.inited then
    state.rank, state.size = mpi.init()
    state.inited = true
  end
  return state.rank, state.size
end

function dist.rank() return (dist.init()) end
function dist.size() return select(2, dist.init()) end
function dist.initialized() return mpi.initialized() end
function dist.barrier() dist.init(); mpi.barrier() end
function dist.hostname() dist.init(); return mpi.hostname() end
-- Seconds of the wall clock, the same on every rank of one host (MPI_Wtime).
function dist.wtime() return mpi.wtime() end
-- abort([message[, code]]): prints message on stderr and ends every rank of the job.
function dist.abort(msg, code) mpi.abort(msg and tostring(msg) or nil, code or 1) end

-- Runs f on a contiguous copy of t when t is not contiguous, and copies the result back.
local function inplace(fn, t, f)
  if not torch.isTensor(t) then raise('dl.distributed.%s: expected a tensor, got %s', fn, torch.type(t)) end
  if t:isContiguous() then f(t); return t end
  local c = t:contiguous()
  f(c)
  return t:copy(c)
end

-- allreduce(t[, op]): t becomes the elementwise op over every rank's t, in place; op is
-- 'sum' (the default), 'mean' (Float and Double), 'max' or 'min'. Returns t.
function dist.allreduce(t, op)
  dist.init()
  return inplace('allreduce', t, function(c) mpi.allreduce(c, op) end)
end

-- broadcast(t[, root]): every rank's t becomes root's (0 by default). Returns t.
function dist.broadcast(t, root)
  dist.init()
  return inplace('broadcast', t, function(c) mpi.broadcast(c, root or 0) end)
end

-- reduce(t[, root[, op]]): root's t becomes the op over every rank's t; the others keep
-- theirs. Returns t.
function dist.reduce(t, root, op)
  dist.init()
  return inplace('reduce', t, function(c) mpi.reduce(c, op, root or 0) end)
end

-- The result of allgather: size x t's sizes, of t's type.
local function gathered(t, out)
  if not torch.isTensor(t) then raise('dl.distributed.allgather: expected a tensor, got %s', torch.type(t)) end
  local sizes = {state.size}
  for d = 1, t:dim() do sizes[d + 1] = t:size(d) end
  out = out or t.new()
  if out:type() ~= t:type() then
    raise('dl.distributed.allgather: the result is a %s, the input a %s', out:type(), t:type())
  end
  return out:resize(table.unpack(sizes))
end

-- allgather(t[, out]) -> out: a tensor of size x t's sizes whose row r+1 is rank r's t.
function dist.allgather(t, out)
  dist.init()
  out = gathered(t, out)
  if out:isContiguous() then
    mpi.allgather(out, t:contiguous())
    return out
  end
  local c = out:contiguous()
  mpi.allgather(c, t:contiguous())
  return out:copy(c)
end

-- The non-blocking forms return a handle: handle:test() progresses it and says whether it
-- completed, handle:wait() waits and returns the result tensor. The tensors must be
-- contiguous, and neither resized nor read (nor, for the input, written) until then.
-- iallreduce takes an optional scale that multiplies the result on completion.
function dist.iallreduce(t, op, scale) dist.init(); return mpi.iallreduce(t, op, scale) end
function dist.ibroadcast(t, root) dist.init(); return mpi.ibroadcast(t, root or 0) end
function dist.ireduce(t, root, op) dist.init(); return mpi.ireduce(t, op, root or 0) end
function dist.iallgather(t, out)
  dist.init()
  out = gathered(t, out)
  return mpi.iallgather(out, t)
end

-- The seconds per call of the raw MPI_Allreduce of count floats (the benchmark's peer).
function dist._bench_allreduce(count, iters)
  dist.init()
  return mpi.bench_allreduce(count, iters)
end

------------------------------------------------------------------------------------------
-- Sharding: every rank draws the same permutation (the same dl.Rand), cuts it into
-- global batches of size x batchSize rows, and takes its own contiguous part of each.

-- The first row and the length of rank r's part of a global batch of len rows.
local function part(len, r, n)
  local first = r * len // n
  return first + 1, (r + 1) * len // n - first
end

-- dist.batches(X, y, batchSize[, options]): like dl.batches, but yields this rank's part
-- of each global batch of size() x batchSize rows: xb, yb, b, nb, weight, where weight is
-- len x size / (global batch length), the factor backward's scale takes so that averaging
-- the ranks' gradients gives the mean over the global batch when parts differ in length.
-- options as dl.batches (shuffle, rand, seed, transform, buffers). A last global batch of
-- fewer rows than ranks is left out.
function dist.batches(X, y, batchSize, options)
  options = options or {}
  local r, n = dist.init()
  local rows = X:size(1)
  if batchSize < 1 then raise('dl.distributed.batches: batch size %d must be positive', batchSize) end
  local order, xb, yb = dl._batchorder(X, y, options)
  local global = batchSize * n
  local nb = (rows + global - 1) // global
  if rows - (nb - 1) * global < n then nb = nb - 1 end
  local b = 0
  return function()
    b = b + 1
    if b > nb then return nil end
    local gfirst = (b - 1) * global + 1
    local glen = math.min(global, rows - gfirst + 1)
    local first, len = part(glen, r, n)
    local idx = order:narrow(1, gfirst + first - 1, len)
    torch.index(xb, X, 1, idx)
    torch.index(yb, y, 1, idx)
    local weight = len * n / glen
    if options.transform then
      local tx, ty = options.transform(xb, yb)
      return tx, ty or yb, b, nb, weight
    end
    return xb, yb, b, nb, weight
  end
end

-- The rows of X (and y) that rank r evaluates: a contiguous part of them.
function dist.shard(X, y)
  local r, n = dist.init()
  local first, len = part(X:size(1), r, n)
  if len == 0 then return nil end
  return X:narrow(1, first, len), y and y:narrow(1, first, len)
end

------------------------------------------------------------------------------------------
-- DataParallel: what PyTorch's DistributedDataParallel does for a hand-written loop.

local DP = {}
DP.__index = DP

-- Broadcasts the buffers that are not parameters (batch normalisation's running_mean and
-- running_var) from rank 0, in the same order on every rank.
local function sync_buffers(model)
  for _, m in ipairs(model:listModules()) do
    local names = {}
    for k, v in pairs(m) do
      if type(k) == 'string' and k:match('^running_') and torch.isTensor(v) then names[#names + 1] = k end
    end
    table.sort(names)
    for _, k in ipairs(names) do dist.broadcast(m[k], 0) end
  end
end

-- The flat gradient ranges [lo, hi] (1-based in grads) of the Sequential's top-level
-- modules, or nil when they do not tile grads in order (shared parameters, another
-- container): the buckets then all start after backward.
local function module_ranges(model, grads)
  if torch.type(model) ~= 'nn.Sequential' or grads:nElement() == 0 then return nil end
  local base, ranges, next_lo = grads:storageOffset(), {}, 1
  for i, m in ipairs(model.modules) do
    local _, gs = m:parameters()
    if gs and #gs > 0 then
      local lo, hi = math.huge, 0
      for _, g in ipairs(gs) do
        if g:storage() ~= grads:storage() then return nil end
        local off = g:storageOffset() - base + 1
        lo, hi = math.min(lo, off), math.max(hi, off + g:nElement() - 1)
      end
      if lo ~= next_lo then return nil end
      ranges[#ranges + 1] = {module = i, lo = lo, hi = hi}
      next_lo = hi + 1
    end
  end
  if next_lo ~= grads:nElement() + 1 then return nil end
  return ranges
end

-- The buckets: contiguous slices of grads of about bucketBytes, made of whole modules,
-- from the last module back (the order backward frees them). bucket.first is the
-- module whose backward completes it (0: started after the whole backward).
local function plan_buckets(model, grads, bucketBytes)
  local esize = grads:elementSize()
  local per = math.max(1, bucketBytes // esize)
  local buckets = {}
  local ranges = module_ranges(model, grads)
  if ranges then
    local hi, first
    for k = #ranges, 1, -1 do
      local rg = ranges[k]
      hi = hi or rg.hi
      first = rg.module
      if hi - rg.lo + 1 >= per or k == 1 then
        buckets[#buckets + 1] = {lo = rg.lo, hi = hi, first = first}
        hi = nil
      end
    end
  else
    local n = grads:nElement()
    for hi = n, 1, -per do
      buckets[#buckets + 1] = {lo = math.max(1, hi - per + 1), hi = hi, first = 0}
    end
  end
  for _, bk in ipairs(buckets) do bk.view = grads:narrow(1, bk.lo, bk.hi - bk.lo + 1) end
  return buckets, ranges ~= nil
end

-- dist.DataParallel(model[, options]) wraps a model for a hand-written training loop.
-- It flattens the parameters (model:getParameters(), kept in .params and .grads), checks
-- that every rank has as many, and broadcasts the parameters and buffers from rank 0.
-- backward(input, gradOutput[, scale]) then leaves in .grads the average of every rank's
-- gradients: for an nn.Sequential, each bucket's allreduce starts as soon as backward has
-- passed the modules it covers and progresses between the modules' backward calls.
-- options: bucketMB (25), bucketBytes (overrides bucketMB), overlap (true).
function dist.DataParallel(model, options)
  options = options or {}
  local r, n = dist.init()
  local self = setmetatable({model = model, rank = r, size = n}, DP)
  self.params, self.grads = model:getParameters()
  local count = self.params:nElement()
  local counts = dist.allgather(torch.LongTensor({count}))
  for q = 0, n - 1 do
    local other = counts[q + 1][1]
    if other ~= count then
      raise('dl.distributed.DataParallel: rank %d has %d parameters but rank %d has %d '
        .. '(every rank must build the same model)', r, count, q, other)
    end
  end
  dist.broadcast(self.params, 0)
  sync_buffers(model)
  local bytes = options.bucketBytes or math.floor((options.bucketMB or 25) * 2 ^ 20)
  self.buckets, self.overlaps = plan_buckets(model, self.grads, bytes)
  if options.overlap == false then
    for _, bk in ipairs(self.buckets) do bk.first = 0 end
    self.overlaps = false
  end
  self.ready = {}
  for _, bk in ipairs(self.buckets) do
    self.ready[bk.first] = self.ready[bk.first] or {}
    table.insert(self.ready[bk.first], bk)
  end
  self.stats = {steps = 0, buckets = #self.buckets, early = 0, backward = 0, wait = 0}
  return self
end

function DP:forward(input) return self.model:forward(input) end
function DP:training() self.model:training(); return self end
function DP:evaluate() self.model:evaluate(); return self end
function DP:zeroGradParameters() self.grads:zero() end
function DP:getParameters() return self.params, self.grads end
-- Broadcasts the buffers (running statistics) from rank 0 again: per-rank batch
-- normalisation statistics drift apart; fit calls this at the end of each epoch.
function DP:syncBuffers() sync_buffers(self.model) end

-- Starts the buckets that module i's backward completed, then progresses all in flight.
function DP:_passed(i)
  local inv = 1 / self.size
  for _, bk in ipairs(self.ready[i] or {}) do
    bk.handle = mpi.iallreduce(bk.view, 'sum', inv)
  end
  for _, bk in ipairs(self.buckets) do
    if bk.handle and bk.handle:test() then bk.handle = nil; bk.early = true end
  end
end

-- Waits for every bucket: .grads then holds the ranks' average.
function DP:_finish()
  local t0 = mpi.wtime()
  local early = 0
  for _, bk in ipairs(self.buckets) do
    if bk.early then early = early + 1 end
    if bk.handle then bk.handle:wait(); bk.handle = nil end
    bk.early = nil
  end
  local st = self.stats
  st.wait = st.wait + (mpi.wtime() - t0)
  st.early = st.early + early
  st.steps = st.steps + 1
end

-- backward(input, gradOutput[, scale]) -> gradInput, with .grads averaged over the ranks.
function DP:backward(input, gradOutput, scale)
  local m, t0 = self.model, mpi.wtime()
  if self.overlaps then
    local mods, current = m.modules, gradOutput
    for i = #mods, 1, -1 do
      local previous = i > 1 and mods[i - 1].output or input
      current = m:rethrowErrors(mods[i], i, 'backward', previous, current, scale)
      mods[i].gradInput = current
      self:_passed(i)
    end
    m.gradInput = current
  else
    m:backward(input, gradOutput, scale)
  end
  self:_passed(0)
  self.stats.backward = self.stats.backward + (mpi.wtime() - t0)
  self:_finish()
  return m.gradInput
end

-- Averages .grads over the ranks after a backward run outside the wrapper.
function DP:allreduceGradients()
  self:_passed(0)
  for _, bk in ipairs(self.buckets) do
    if not bk.handle and bk.first ~= 0 then bk.handle = mpi.iallreduce(bk.view, 'sum', 1 / self.size) end
  end
  self:_finish()
end

-- The overlap so far: steps, buckets per step, the fraction of buckets whose allreduce
-- had completed before backward ended, and the mean seconds of backward (with the
-- allreduces it overlapped) and of the wait after it.
function DP:overlap()
  local st = self.stats
  local steps = math.max(st.steps, 1)
  return {steps = st.steps, buckets = st.buckets, completedEarly = st.early / (steps * st.buckets),
          backward = st.backward / steps, wait = st.wait / steps}
end

return dist
