--[[ AdaMax (Kingma and Ba, 2014, section 7), as Torch7's optim.adamax: Adam with the
infinity norm, u = max(beta2*u, |g| + epsilon), x = x - lr/(1-beta1^t) * m/u.

config: learningRate (2e-3), beta1 (0.9), beta2 (0.999), epsilon (1e-38), weightDecay (0,
an L2 term added to the gradient). state: t, m, u, and g (the decayed gradient) when
weightDecay is not 0. Returns x, {f(x)}.
]]
local K = torch._optim

function optim.adamax(opfunc, x, config, state)
   local config = config or {}
   local state = state or config
   local lr = config.learningRate or 0.002
   local beta1 = config.beta1 or 0.9
   local beta2 = config.beta2 or 0.999
   local epsilon = config.epsilon or 1e-38
   local wd = config.weightDecay or 0

   local fx, dfdx = optim._eval('optim.adamax', opfunc, x)
   if wd ~= 0 then
      -- g = dfdx + wd*x in a buffer of its own: the caller's gradient is not written
      state.g = state.g or optim._buffer(x)
      K.axpby(state.g, 1, dfdx, 0)
      K.axpby(state.g, wd, x, 1)
      dfdx = state.g
   end

   state.t = (state.t or 0) + 1
   state.m = state.m or optim._buffer(x)
   state.u = state.u or optim._buffer(x)
   local stepSize = lr / (1 - beta1 ^ state.t)
   K.adamax(x, dfdx, state.m, state.u, stepSize, beta1, beta2, epsilon)

   return x, {fx}
end
