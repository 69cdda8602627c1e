--[[ RMSprop (Tieleman and Hinton, 2012), as Torch7's optim.rmsprop:
m = alpha*m + (1-alpha)*g^2; x = x - lr * g / (sqrt(m) + epsilon).

config: learningRate (1e-2), alpha (0.99), epsilon (1e-8), weightDecay (0),
initialMean (0: the first value of m).
state: m. Returns x, {f(x)}.
]]
local K = torch._optim

function optim.rmsprop(opfunc, x, config, state)
   local config = config or {}
   local state = state or config
   local lr = config.learningRate or 1e-2
   local alpha = config.alpha or 0.99
   local epsilon = config.epsilon or 1e-8
   local wd = config.weightDecay or 0
   local mfill = config.initialMean or 0

   local fx, dfdx = optim._eval('optim.rmsprop', opfunc, x)

   state.m = state.m or optim._buffer(x, mfill)
   K.rmsprop(x, dfdx, state.m, lr, alpha, epsilon, wd)

   return x, {fx}
end
