-- The training loop for the common case: fit and evaluate, with a progress bar, a
-- history of the figures, validation and early stopping.
local dl = require 'dl'

-- Number of rows of out whose arg-max is the target class.
local function count_correct(out, y)
  if out:dim() == 1 then out = out:view(1, -1) end
  local _, pred = out:max(2)
  return pred:view(-1):eq(y:view(-1)):sum()
end

local function is_classification(y) return y:type() == 'torch.LongTensor' end

-- dl.evaluate(model, criterion, X, y [, batchSize]): mean loss and, for class targets,
-- accuracy, in evaluation mode. The model's mode is restored afterwards.
function dl.evaluate(model, criterion, X, y, batchSize)
  local was_training = model.train
  model:evaluate()
  batchSize = batchSize or 256
  local n, loss, correct = X:size(1), 0, 0
  for first = 1, n, batchSize do
    local len = math.min(batchSize, n - first + 1)
    local xb, yb = X:narrow(1, first, len), y:narrow(1, first, len)
    local out = model:forward(xb)
    loss = loss + criterion:forward(out, yb) * len
    if is_classification(y) then correct = correct + count_correct(out, yb) end
  end
  if was_training ~= false then model:training() end
  return loss / n, is_classification(y) and correct / n or nil
end

-- dl.evaluate over the ranks: each evaluates its part of X, and the sums are reduced.
local function dist_evaluate(dist, model, criterion, X, y)
  local Xs, ys = dist.shard(X, y)
  local loss, acc = 0, 0
  if Xs then loss, acc = dl.evaluate(model, criterion, Xs, ys) end
  local len = Xs and Xs:size(1) or 0
  local sums = dist.allreduce(torch.DoubleTensor({loss * len, (acc or 0) * len, len}))
  return sums[1] / sums[3], is_classification(y) and sums[2] / sums[3] or nil
end

local function add(history, key, value)
  if value == nil then return end
  history[key] = history[key] or {}
  table.insert(history[key], value)
end

-- Checkpoints hold what a resumed run needs to continue exactly as an uninterrupted one:
-- the model, the optimizer's config and state, torch's generator, dl's shuffling
-- generator, the epoch, the history, the schedule's base rate and the weight average.
local function checkpoint_path(dir, epoch) return ('%s/epoch-%04d.t7'):format(dir, epoch) end

local function save_checkpoint(dir, epoch, model, run)
  os.execute(('mkdir -p %q'):format(dir))
  local ck = {
    epoch = epoch, model = model:clone():clearState(), config = run.config, state = run.state,
    -- as a string: .t7 numbers are doubles, and the generator needs all 64 bits
    rng = torch.getRNGState(), rand = ('%d'):format(run.rand.s), history = run.history,
    baseLearningRate = run.baseLR, ema = run.ema and run.ema:state(), ranks = run.ranks,
  }
  torch.save(checkpoint_path(dir, epoch), ck)
  torch.save(dir .. '/last.t7', ck)
end

-- Copies every tensor field of the saved modules into the live ones (weights, biases,
-- running statistics), so the caller's model object carries on.
local function restore_model(model, saved)
  local live, from = model:listModules(), saved:listModules()
  if #live ~= #from then
    error(('fit: checkpoint has %d modules, the model %d'):format(#from, #live), 3)
  end
  for i, m in ipairs(live) do
    if torch.typename(m) ~= torch.typename(from[i]) then
      error(('fit: checkpoint module %d is %s, the model has %s'):format(
        i, torch.typename(from[i]), torch.typename(m)), 3)
    end
    for k, v in pairs(from[i]) do
      if torch.isTensor(v) and torch.isTensor(m[k]) and k ~= 'output' and k ~= 'gradInput' then
        if v:nElement() == m[k]:nElement() then m[k]:copy(v) end
      elseif type(v) ~= 'table' and type(v) ~= 'userdata' and k ~= 'train' then
        m[k] = v
      end
    end
  end
end

local skips_input_grad = {
  ['nn.Linear'] = true, ['nn.SpatialConvolution'] = true, ['nn.SpatialConvolutionMM'] = true,
}

local function restore_table(dst, src)
  for k in pairs(dst) do dst[k] = nil end
  for k, v in pairs(src) do dst[k] = v end
end

-- dl.fit(model, criterion, optimizer, X, y [, options]) trains and returns the history
-- (a table of lists: loss, accuracy, val_loss, val_accuracy).
-- optimizer: an optim function such as optim.adam. options:
--   epochs (10), batchSize (32), config (the optimizer's config table, {}),
--   state (the optimizer's state, a new table), validation (a fraction of X held out,
--   or {X, y}), shuffle (true), seed (0), verbose (true), out (io.stdout),
--   earlyStopping ({patience = n, monitor = 'val_loss', minDelta = 0}),
--   onEpoch (function(epoch, history) called after each epoch; returning false stops),
--   checkpoint ({dir = 'ckpt', every = 1}: save dir/epoch-NNNN.t7 and dir/last.t7),
--   resume (a checkpoint file to continue from, e.g. 'ckpt/last.t7'),
--   transform (a function (xb, yb) -> xb, yb applied to each training batch, e.g. dl.augment),
--   schedule (a dl.schedule function: config.learningRate is set to the base rate times
--   schedule(step, totalSteps, stepsPerEpoch) before each step, and restored at the end),
--   ema (a decay such as 0.999: keep a dl.EMA average of the parameters, validate with
--   it, and leave it in the model at the end),
--   profile (true, a trace file name, or {trace =, out =}: a per-module profile of the
--   training steps, printed at the end and returned as fit's second result),
--   logdir (a folder for TensorBoard event files), report (an HTML file to write;
--   classes, a list of names, labels its confusion matrix),
--   plot (draw the loss curve at the end; default when out is a terminal).
--   (lua/dl/monitor.lua holds these four; docs/dl_monitor.md.)
--   distributed (true or dl.distributed.DataParallel's options: train on every rank of
--   an MPI job, batchSize rows each; docs/distributed.md).
function dl.fit(model, criterion, optimizer, X, y, options)
  options = options or {}
  local dist, rank, ranks = nil, 0, 1
  if options.distributed then
    dist = require 'dl.distributed'
    rank, ranks = dist.init()
    if rank ~= 0 then -- figures, logs, reports and checkpoints come from rank 0 only
      local o = {}
      for k, v in pairs(options) do o[k] = v end
      o.verbose, o.checkpoint, o.logdir, o.report, o.profile, o.plot = false, nil, nil, nil, nil, false
      options = o
    end
  end
  if X:size(1) ~= y:size(1) then
    error(('fit: %d rows of inputs but %d targets'):format(X:size(1), y:size(1)), 2)
  end
  local epochs, batchSize = options.epochs or 10, options.batchSize or 32
  local config, state = options.config or {}, options.state or {}
  local Xv, yv
  if type(options.validation) == 'number' then
    X, y, Xv, yv = dl.split(X, y, options.validation, options.seed or 0)
  elseif type(options.validation) == 'table' then
    Xv, yv = options.validation[1], options.validation[2]
  end
  local rand = dl.Rand(options.seed or 0)
  local history = options.history or {}
  local ck_ema
  local schedule, baseLR = options.schedule, config.learningRate
  if schedule ~= nil and type(schedule) ~= 'function' then
    error(('fit: schedule must be a function such as dl.schedule.cosine{}, got %s'):format(type(schedule)), 2)
  end
  if schedule and type(baseLR) ~= 'number' then
    error('fit: a schedule needs the base rate in config.learningRate', 2)
  end
  local decay = options.ema
  if decay ~= nil and decay ~= false and (type(decay) ~= 'number' or decay < 0 or decay >= 1) then
    error(('fit: ema must be a decay in [0, 1) such as 0.999, got %s'):format(tostring(decay)), 2)
  end
  if options.resume then
    local ok, ck = pcall(torch.load, options.resume)
    if not ok then error(('fit: cannot resume from %s: %s'):format(options.resume, ck), 2) end
    if (ck.ranks or 1) ~= ranks then
      error(('fit: the checkpoint was written by %d ranks, this run has %d'):format(ck.ranks or 1, ranks), 2)
    end
    restore_model(model, ck.model)
    restore_table(config, ck.config)
    restore_table(state, ck.state)
    torch.setRNGState(ck.rng)
    rand.s = math.tointeger(tonumber(ck.rand))
    history = ck.history
    baseLR = ck.baseLearningRate or config.learningRate
    ck_ema = ck.ema
  end
  local ddp = dist and dist.DataParallel(model, type(options.distributed) == 'table' and options.distributed or nil)
  local params, grads
  if ddp then params, grads = ddp.params, ddp.grads else params, grads = model:getParameters() end
  local ema = decay and dl.EMA(params, decay) or nil
  if ema and options.resume then
    if not ck_ema then error('fit: the checkpoint has no weight average to resume (it was saved without ema)', 2) end
    ema:load(ck_ema)
  end
  -- Nothing uses the gradient with respect to the data, so the first layer of a
  -- Sequential skips it (as PyTorch does for inputs without requires_grad). Only layers
  -- whose backward accepts a nil gradInput take part; fit restores the buffer at the end.
  local layer1 = model.modules and model.modules[1]
  local layer1_gi = layer1 and skips_input_grad[torch.typename(layer1)] and layer1.gradInput
  if layer1_gi then layer1.gradInput = nil end
  if state.m and state.m:nElement() ~= params:nElement() then
    error('fit: the optimizer state does not match the model\'s parameters', 2)
  end
  local stop = options.earlyStopping
  local best, waited = math.huge, 0
  local xb, yb, weight
  local function feval()
    grads:zero()
    local out = model:forward(xb)
    local loss = criterion:forward(out, yb)
    if ddp then
      ddp:backward(xb, criterion:backward(out, yb), weight)
    else
      model:backward(xb, criterion:backward(out, yb))
    end
    return loss, grads
  end
  local first = (history.epoch and #history.epoch or 0) + 1
  local mon = dl.Monitor.create(options, model, criterion,
    {X = X, y = y, Xv = Xv, yv = yv, classification = is_classification(y)})
  if mon then optimizer = mon:optimizer(optimizer) end
  local buffers = {} -- the batch tensors, reused from epoch to epoch
  local function train_epochs()
    for epoch = first, epochs do
      if options.verbose ~= false then (options.out or io.stdout):write(('Epoch %d/%d\n'):format(epoch, epochs)) end
      model:training()
      local nb = (X:size(1) + batchSize * ranks - 1) // (batchSize * ranks)
      local bar = options.verbose ~= false and dl.Progress(nb, {out = options.out, samples = X:size(1)}) or nil
      local seen, total_loss, correct = 0, 0, 0
      local batcher = dist and dist.batches or dl.batches
      local batches, bstate, bfirst = batcher(X, y, batchSize, {shuffle = options.shuffle, rand = rand, transform = options.transform, buffers = buffers})
      if mon then batches = mon:batches(batches); mon:epochStart(epoch, (epoch - 1) * nb) end
      for bx, by, b in batches, bstate, bfirst do
        xb, yb = bx, by
        if dist then -- this rank's share of the global batch (dist.batches' weight)
          local global = batchSize * ranks
          weight = bx:size(1) * ranks / math.min(global, X:size(1) - (b - 1) * global)
        end
        if schedule then
          config.learningRate = baseLR * schedule((epoch - 1) * nb + b - 1, epochs * nb, nb)
        end
        local _, fx = optimizer(feval, params, config, state)
        if ema then ema:update() end
        local len = bx:size(1)
        seen = seen + len
        total_loss = total_loss + fx[1] * len
        local figures = {{'loss', total_loss / seen}}
        local batch_correct
        if is_classification(y) then
          batch_correct = count_correct(model.output, by)
          correct = correct + batch_correct
          figures[2] = {'accuracy', correct / seen}
        end
        if mon then mon:step(len, fx[1], batch_correct, config.learningRate) end
        if bar then bar:update(b, figures) end
      end
      if mon then mon:epochEnd(epoch) end
      if ddp then -- the global figures: sums over the ranks
        local sums = dist.allreduce(torch.DoubleTensor({total_loss, correct, seen}))
        total_loss, correct, seen = sums[1], sums[2], sums[3]
        ddp:syncBuffers()
      end
      add(history, 'epoch', epoch)
      add(history, 'loss', total_loss / seen)
      if is_classification(y) then add(history, 'accuracy', correct / seen) end
      local figures = {{'loss', total_loss / seen}}
      if is_classification(y) then figures[2] = {'accuracy', correct / seen} end
      if Xv then
        if ema then ema:swap() end
        local vl, va
        if ddp then vl, va = dist_evaluate(dist, model, criterion, Xv, yv) else vl, va = dl.evaluate(model, criterion, Xv, yv) end
        if ema then ema:swap() end
        add(history, 'val_loss', vl)
        add(history, 'val_accuracy', va)
        figures[#figures + 1] = {'val_loss', vl}
        if va then figures[#figures + 1] = {'val_accuracy', va} end
      end
      if bar then bar:finish(figures) end
      if mon then mon:logEpoch(epoch, history, config.learningRate) end
      local ck = options.checkpoint
      if ck and epoch % (ck.every or 1) == 0 then
        save_checkpoint(ck.dir or 'checkpoints', epoch, model,
          {config = config, state = state, rand = rand, history = history, baseLR = baseLR, ema = ema,
           ranks = dist and ranks or nil})
      end
      if options.onEpoch and options.onEpoch(epoch, history) == false then break end
      if stop then
        local monitor = stop.monitor or (Xv and 'val_loss' or 'loss')
        local value = history[monitor][#history[monitor]]
        if monitor:find('accuracy') then value = -value end
        if value < best - (stop.minDelta or 0) then
          best, waited = value, 0
        else
          waited = waited + 1
          if waited >= (stop.patience or 3) then
            if options.verbose ~= false then
              (options.out or io.stdout):write(('Early stopping: %s did not improve for %d epochs\n'):format(monitor, waited))
            end
            break
          end
        end
      end
    end
  end
  -- an error mid-run (a bad batch, a NaN check of the script's) leaves the model as it was
  -- given: the first layer's gradInput back, the profiler's wrappers off, the logs closed
  local ok, err = pcall(train_epochs)
  if layer1_gi then layer1.gradInput = layer1_gi end
  if not ok then
    if mon then mon:abort() end
    error(err, 0)
  end
  if schedule then config.learningRate = baseLR end
  if ema then ema:apply() end
  local profile = mon and mon:finish(history, {
    epochs = epochs, batchSize = batchSize, samples = X:size(1), config = config,
    validation = Xv and Xv:size(1) or nil, seed = options.seed or 0,
    schedule = schedule ~= nil, ema = decay or nil,
  })
  return history, profile
end

return dl
