-- Learning-rate schedules for dl.fit (PyTorch's torch.optim.lr_scheduler, as plain
-- functions). A schedule maps the step about to be taken to a factor of the base
-- learning rate: factor = schedule(step, total, perEpoch), where step counts from 0
-- over the whole run, total is the run's number of steps and perEpoch the steps in
-- one epoch. Being a pure function of the step, a schedule resumes exactly.
local dl = require 'dl'

dl.schedule = {}

-- level: how many calls up the user's code is, counted from check's caller
local function check(fn, name, value, ok, what, level)
  if value ~= nil and (type(value) ~= 'number' or not ok(value)) then
    error(('dl.schedule.%s: %s must be %s, got %s'):format(fn, name, what, tostring(value)), (level or 2) + 1)
  end
end

-- A ramp from 1/warmup up to 1 over the first warmup steps, then curve(t) for t from 0
-- to 1 over the remaining steps, scaled to fall from 1 down to min.
local function decaying(fn, opt, curve)
  opt = opt or {}
  check(fn, 'min', opt.min, function(v) return v >= 0 and v <= 1 end, 'in [0, 1]', 3)
  check(fn, 'warmup', opt.warmup, function(v) return v >= 0 end, 'a non-negative step count', 3)
  local min, warmup = opt.min or 0, opt.warmup or 0
  return function(step, total)
    if step < warmup then return (step + 1) / warmup end
    local t = math.min((step - warmup) / math.max(total - warmup - 1, 1), 1)
    return min + (1 - min) * curve(t)
  end
end

-- dl.schedule.cosine{[min = 0] [, warmup = 0]}: after the warm-up, half a cosine from 1
-- down to min at the last step (CosineAnnealingLR with T_max the whole run).
function dl.schedule.cosine(opt)
  local f = decaying('cosine', opt, function(t) return 0.5 * (1 + math.cos(math.pi * t)) end)
  return f -- not a tail call, so that errors point at the caller
end

-- dl.schedule.linear{[min = 0] [, warmup = 0]}: after the warm-up, a straight line from 1
-- down to min at the last step.
function dl.schedule.linear(opt)
  local f = decaying('linear', opt, function(t) return 1 - t end)
  return f
end

-- dl.schedule.step{every = epochs [, gamma = 0.1]}: multiplies by gamma every `every`
-- epochs (StepLR).
function dl.schedule.step(opt)
  opt = opt or {}
  if opt.every == nil then error('dl.schedule.step: every (epochs between decays) is required', 2) end
  check('step', 'every', opt.every, function(v) return v >= 1 and v == math.floor(v) end, 'a positive whole number of epochs')
  check('step', 'gamma', opt.gamma, function(v) return v > 0 end, 'positive')
  local every, gamma = opt.every, opt.gamma or 0.1
  return function(step, total, perEpoch)
    return gamma ^ ((step // perEpoch) // every)
  end
end

-- dl.schedule.exponential{gamma}: multiplies by gamma after every epoch (ExponentialLR).
function dl.schedule.exponential(opt)
  opt = opt or {}
  if opt.gamma == nil then error('dl.schedule.exponential: gamma is required', 2) end
  check('exponential', 'gamma', opt.gamma, function(v) return v > 0 end, 'positive')
  local gamma = opt.gamma
  return function(step, total, perEpoch) return gamma ^ (step // perEpoch) end
end

return dl.schedule
