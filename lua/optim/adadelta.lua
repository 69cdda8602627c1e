--[[ Adadelta (Zeiler, 2012), as Torch7's optim.adadelta:
paramVariance = rho*paramVariance + (1-rho)*g^2
delta = sqrt(accDelta + eps) / sqrt(paramVariance + eps) * g;  x = x - delta
accDelta = rho*accDelta + (1-rho)*delta^2

config: rho (0.9), eps (1e-6), weightDecay (0). state: evalCounter, paramVariance,
accDelta. Returns x, {f(x)}.
]]
local K = torch._optim

function optim.adadelta(opfunc, x, config, state)
   local config = config or {}
   local state = state or config
   local rho = config.rho or 0.9
   local eps = config.eps or 1e-6
   local wd = config.weightDecay or 0
   state.evalCounter = state.evalCounter or 0

   local fx, dfdx = optim._eval('optim.adadelta', opfunc, x)

   state.paramVariance = state.paramVariance or optim._buffer(x)
   state.accDelta = state.accDelta or optim._buffer(x)
   K.adadelta(x, dfdx, state.paramVariance, state.accDelta, rho, eps, wd)

   state.evalCounter = state.evalCounter + 1
   return x, {fx}
end
