--[[ Averaged SGD (Bottou's sgd-2.0), as Torch7's optim.asgd:
x = (1 - lambda*eta_t)*x - eta_t*g;  ax = ax + mu_t*(x - ax)
eta_t = eta0 / (1 + lambda*eta0*t)^alpha,  mu_t = 1/max(1, t - t0)

config: eta0 (1e-4), lambda (1e-4), alpha (0.75), t0 (1e6).
state: eta_t, mu_t, t, ax. Returns x, {f(x)}, ax (the averaged x).
]]
local K = torch._optim

function optim.asgd(opfunc, x, config, state)
   local config = config or {}
   local state = state or config
   local eta0 = config.eta0 or 1e-4
   local lambda = config.lambda or 1e-4
   local alpha = config.alpha or 0.75
   local t0 = config.t0 or 1e6
   state.eta_t = state.eta_t or eta0
   state.mu_t = state.mu_t or 1
   state.t = state.t or 0

   local fx, dfdx = optim._eval('optim.asgd', opfunc, x)

   state.ax = state.ax or optim._buffer(x)
   K.asgd(x, dfdx, state.ax, state.eta_t, lambda, state.mu_t)

   state.t = state.t + 1
   state.eta_t = eta0 / (1 + lambda * eta0 * state.t) ^ alpha
   state.mu_t = 1 / math.max(1, state.t - t0)
   return x, {fx}, state.ax
end
