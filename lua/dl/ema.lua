-- An exponential moving average of a model's parameters (Polyak averaging, as PyTorch's
-- swa_utils.AveragedModel with an EMA and TensorFlow's ExponentialMovingAverage). The
-- optimizer's path is unchanged; the average smooths out the noise of its last steps,
-- which is worth about a point of test accuracy after a short training.
local dl = require 'dl'

local EMA = {}
EMA.__index = EMA

-- dl.EMA(params [, decay = 0.999]): params is the flat parameter tensor of
-- model:getParameters(); the average starts as a copy of it.
function dl.EMA(params, decay)
  if not torch.isTensor(params) then
    error(('dl.EMA: argument 1 must be the parameter tensor, got %s'):format(torch.type(params)), 2)
  end
  decay = decay or 0.999
  if type(decay) ~= 'number' or decay < 0 or decay >= 1 then
    error(('dl.EMA: decay must be a number in [0, 1), got %s'):format(tostring(decay)), 2)
  end
  return setmetatable({params = params, average = params:clone(), decay = decay, updates = 0}, EMA)
end

-- ema:update(): folds the current parameters into the average, after an optimizer step.
-- The first steps use a smaller decay, (1 + n) / (10 + n), so that the initial weights
-- fade out quickly instead of weighing on the average for thousands of steps.
function EMA:update()
  self.updates = self.updates + 1
  local d = math.min(self.decay, (1 + self.updates) / (10 + self.updates))
  self.average:lerp(self.params, 1 - d)
  return self
end

-- ema:swap(): exchanges the parameters and the average, e.g. to evaluate the averaged
-- model; swapping again restores the trained parameters.
function EMA:swap()
  self.spare = self.spare or self.params:clone()
  self.spare:copy(self.params)
  self.params:copy(self.average)
  self.average:copy(self.spare)
  return self
end

-- ema:apply(): copies the average into the parameters (at the end of training).
function EMA:apply()
  self.params:copy(self.average)
  return self
end

-- ema:state() and ema:load(state): what a checkpoint needs to continue the average.
function EMA:state() return {average = self.average, updates = self.updates, decay = self.decay} end

function EMA:load(state)
  if not torch.isTensor(state.average) or state.average:nElement() ~= self.params:nElement() then
    error('dl.EMA: the saved average does not match the parameters', 2)
  end
  self.average:copy(state.average)
  self.updates, self.decay = state.updates, state.decay
  return self
end

return dl.EMA
