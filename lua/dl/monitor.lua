-- What dl.fit shows of a run besides its progress bar: the profile (options.profile),
-- TensorBoard logs (options.logdir), the HTML report (options.report) and the loss
-- curve at the end on a terminal (options.plot). dl.fit calls the hooks below; with none
-- of these options (and stdout not a terminal) there is no monitor and fit runs as it
-- did.
local dl = require 'dl'

local now = torch._monitor.now

local Monitor = torch.class('dl.Monitor')

-- dl.Monitor.create(options, model, criterion, data): a monitor, or nil when nothing is
-- asked for. data = {X=, y=, Xv=, yv=, classification=}.
function Monitor.create(options, model, criterion, data)
  local out = options.out or io.stdout
  local plot = options.plot
  if plot == nil then plot = options.verbose ~= false and io.type(out) == 'file' and torch._io.isatty(out) end
  if not (options.profile or options.logdir or options.report or plot) then return nil end
  local m = dl.Monitor()
  m:_init(options, model, criterion, data, plot)
  return m
end

local function check_option(name, v, what)
  if v ~= nil and v ~= false and type(v) ~= what and not (name == 'profile' and (v == true or type(v) == 'table')) then
    error(('fit: %s must be a %s, got %s'):format(name, what, type(v)), 5)
  end
end

function Monitor:_init(options, model, criterion, data, plot)
  check_option('logdir', options.logdir, 'string')
  check_option('report', options.report, 'string')
  check_option('profile', options.profile, 'string')
  self.options, self.model, self.criterion, self.data = options, model, criterion, data
  self.out = options.out or io.stdout
  self.plot = plot
  self.step_count = 0
  self.epochTimes = {}
  self.start = now()
  local p = options.profile
  if p then
    local trace = type(p) == 'string' and p or type(p) == 'table' and p.trace or nil
    self.trace = trace
    self.profiler = dl.Profiler{trace = trace ~= nil}
  end
  if options.logdir then self.writer = dl.SummaryWriter(options.logdir) end
end

-- optimizer(fn): fn wrapped so the profile has a row for the update itself (the
-- optimizer's time less the closure's forward and backward).
function Monitor:optimizer(fn)
  local prof = self.profiler
  if not prof then return fn end
  local name = 'update'
  for k, v in pairs(package.loaded.optim or {}) do
    if v == fn and type(k) == 'string' then name = 'optim.' .. k end
  end
  local row = 'optimizer step (' .. name .. ')'
  local feval, inner = nil, 0
  local function timed_feval(x)
    local t0 = now()
    local a, b = feval(x)
    inner = inner + (now() - t0)
    return a, b
  end
  return function(f, x, config, state)
    feval, inner = f, 0
    local t0 = now()
    local r1, r2 = fn(timed_feval, x, config, state)
    prof:add(row, (now() - t0) - inner)
    return r1, r2
  end
end

-- batches(iterator): the iterator timed, as the profile's data-loading row.
function Monitor:batches(f)
  local prof = self.profiler
  if not prof then return f end
  return function(s, c)
    local t0 = now()
    local a, b, i, n = f(s, c)
    if a ~= nil then prof:add('data loading (dl.batches)', now() - t0) end
    return a, b, i, n
  end
end

-- epochStart(epoch, steps): steps, the optimizer steps of the epochs before (a resumed
-- run's included), numbers the TensorBoard steps, so a resumed run continues its curves.
function Monitor:epochStart(epoch, steps)
  self.epochStarted = now()
  if steps then self.step_count = steps end
  if self.profiler then
    self.profiler:attach(self.model, self.criterion)
    self.mark = now()
  end
end

-- step(n, loss, correct, lr): after each optimizer step (n samples, the batch's loss,
-- its correct predictions or nil, the learning rate).
function Monitor:step(n, loss, correct, lr)
  self.step_count = self.step_count + 1
  local s = self.step_count
  if self.profiler then
    local t = now()
    self.profiler:step(t - self.mark)
    self.mark = t
  end
  local w = self.writer
  if w then
    w:addScalar('train/loss', loss, s)
    if correct then w:addScalar('train/accuracy', correct / n, s) end
    if lr then w:addScalar('train/learning_rate', lr, s) end
  end
end

-- epochEnd(epoch): after the epoch's last step, before validation: the profile covers
-- the training steps only, and the checkpoint saves a model without wrappers.
function Monitor:epochEnd(epoch)
  if self.profiler then self.profiler:detach() end
  self.epochTimes[#self.epochTimes + 1] = now() - self.epochStarted
end

-- abort(): after an error mid-run: the model without the profiler's wrappers, the event
-- file closed with what it holds.
function Monitor:abort()
  if self.profiler and self.profiler.attached then self.profiler:detach() end
  if self.writer then self.writer:close() end
end

local function last(list) return list and list[#list] end

-- logEpoch(epoch, history, lr): the epoch's figures and the parameters' histograms.
function Monitor:logEpoch(epoch, history, lr)
  local w = self.writer
  if not w then return end
  for _, k in ipairs{'loss', 'accuracy', 'val_loss', 'val_accuracy'} do
    local v = last(history[k])
    if v and #history[k] == #history.epoch then w:addScalar('epoch/' .. k, v, epoch) end
  end
  if lr then w:addScalar('epoch/learning_rate', lr, epoch) end
  for path, t in pairs(self:_parameterTags()) do w:addHistogram(path, t, epoch) end
  w:flush()
end

-- {tag = tensor} for every parameter tensor: params/<path>_<class>/<field>.
function Monitor:_parameterTags()
  if self.tags then return self.tags end
  local tags = {}
  local function visit(m, path)
    for _, field in ipairs{'weight', 'bias'} do
      if torch.isTensor(m[field]) and m[field]:nElement() > 0 then
        tags[('params/%s%s/%s'):format(path == '' and '' or path .. '_', torch.typename(m), field)] = m[field]
      end
    end
    if type(m.modules) == 'table' then
      for i, c in ipairs(m.modules) do visit(c, path == '' and tostring(i) or path .. '.' .. i) end
    end
  end
  visit(self.model, '')
  self.tags = tags
  return tags
end

-- finish(history, settings): prints the profile and the loss curve, closes the logs,
-- writes the report.
function Monitor:finish(history, settings)
  local total = now() - self.start
  local out = self.out
  local options = self.options
  if self.profiler then
    local p = options.profile
    local pout = nil
    if type(p) == 'table' then pout = p.out end
    if pout == nil then pout = options.verbose ~= false and out or false end
    if pout then pout:write(tostring(self.profiler), '\n') end
    if self.trace then self.profiler:trace(self.trace) end
  end
  if self.writer then self.writer:close() end
  if options.report then
    dl.report(options.report, {
      history = history, model = self.model, criterion = self.criterion,
      confusion = self:_confusion(), settings = settings,
      timings = {total = total, epochs = self.epochTimes, steps = self.step_count,
                 samples = settings and settings.samples},
      profile = self.profiler,
    })
  end
  if self.plot and history.loss and #history.loss > 1 then
    dl.plot(history, {out = out, title = 'loss', keys = history.val_loss and #history.val_loss == #history.loss and {'loss', 'val_loss'} or {'loss'}})
  end
  return self.profiler
end

-- The confusion matrix of the validation set (or the training set), for class targets.
function Monitor:_confusion()
  local d = self.data
  if not d.classification or not optim then return nil end
  local X, y = d.Xv or d.X, d.yv or d.y
  local classes = math.floor(y:max())
  if classes < 2 or classes > 100 then return nil end
  local cm = optim.ConfusionMatrix(classes)
  local model = self.model
  local was_training = model.train
  model:evaluate()
  for first = 1, X:size(1), 256 do
    local len = math.min(256, X:size(1) - first + 1)
    cm:batchAdd(model:forward(X:narrow(1, first, len)), y:narrow(1, first, len))
  end
  if was_training ~= false then model:training() end
  cm:updateValids()
  local rows = {}
  for i = 1, classes do
    rows[i] = {}
    for j = 1, classes do rows[i][j] = cm.mat[i][j] end
  end
  return {matrix = rows, accuracy = cm.totalValid, classes = self.options.classes,
          set = d.Xv and 'validation' or 'training'}
end

return Monitor
