--[[ Adam (Kingma and Ba, 2014), as Torch7's optim.adam.

config: learningRate (1e-3), learningRateDecay (0: the rate is lr/(1 + (t-1)*decay)), beta1 (0.9), beta2 (0.999), epsilon (1e-8),
weightDecay (0, an L2 term added to the gradient). state: t, m, v.
x = x - lr*sqrt(1-beta2^t)/(1-beta1^t) * m / (sqrt(v) + epsilon). Returns x, {f(x)}.
]]
local K = torch._optim

function optim.adam(opfunc, x, config, state)
   local config = config or {}
   local state = state or config
   local lr = config.learningRate or 1e-3
   local lrd = config.learningRateDecay or 0
   local beta1 = config.beta1 or 0.9
   local beta2 = config.beta2 or 0.999
   local epsilon = config.epsilon or 1e-8
   local wd = config.weightDecay or 0

   local fx, dfdx = optim._eval('optim.adam', opfunc, x)

   local clr = lr / (1 + (state.t or 0) * lrd)
   state.t = (state.t or 0) + 1
   state.m = state.m or optim._buffer(x)
   state.v = state.v or optim._buffer(x)
   local biasCorrection1 = 1 - beta1 ^ state.t
   local biasCorrection2 = 1 - beta2 ^ state.t
   local stepSize = clr * math.sqrt(biasCorrection2) / biasCorrection1
   K.adam(x, dfdx, state.m, state.v, stepSize, beta1, beta2, epsilon, wd)

   return x, {fx}
end
