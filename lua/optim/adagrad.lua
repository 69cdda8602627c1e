--[[ Adagrad (Duchi et al., 2011), as Torch7's optim.adagrad:
paramVariance += g^2; x = x - clr * g / (sqrt(paramVariance) + 1e-10).

config: learningRate (1e-3), learningRateDecay (0), weightDecay (0).
state: evalCounter, paramVariance. Returns x, {f(x)}.
]]
local K = torch._optim

function optim.adagrad(opfunc, x, config, state)
   local config = config or {}
   local state = state or config
   local lr = config.learningRate or 1e-3
   local lrd = config.learningRateDecay or 0
   local wd = config.weightDecay or 0
   state.evalCounter = state.evalCounter or 0
   local nevals = state.evalCounter

   local fx, dfdx = optim._eval('optim.adagrad', opfunc, x)

   local clr = lr / (1 + nevals * lrd)
   state.paramVariance = state.paramVariance or optim._buffer(x)
   K.adagrad(x, dfdx, state.paramVariance, clr, wd)

   state.evalCounter = nevals + 1
   return x, {fx}
end
