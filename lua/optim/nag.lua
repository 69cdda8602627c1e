--[[ Nesterov's accelerated gradient (Sutskever et al., 2013), as Torch7's optim.nag:
the gradient is taken at x + momentum*v, then v = momentum*v - lr*g and x = x + v.

config: learningRate (1e-3), learningRateDecay (0), weightDecay (0), momentum (0.9,
must be > 0), learningRates (tensor). state: evalCounter, dfdx (the velocity v),
x_copy. Returns x, {f(x + momentum*v)}.
]]
local K = torch._optim

function optim.nag(opfunc, x, config, state)
   local config = config or {}
   local state = state or config
   local lr = config.learningRate or 1e-3
   local lrd = config.learningRateDecay or 0
   local wd = config.weightDecay or 0
   local mom = config.momentum or 0.9
   local lrs = config.learningRates
   state.evalCounter = state.evalCounter or 0
   local nevals = state.evalCounter
   if mom <= 0 then
      error('optim.nag: Momentum must be positive for Nesterov Accelerated Gradient', 2)
   end
   if not torch.isTensor(x) then
      error('optim.nag: x must be a tensor, got ' .. torch.type(x), 2)
   end

   -- a zero velocity makes the first look-ahead a no-op, as Torch7's first step is
   state.dfdx = state.dfdx or optim._buffer(x)
   state.x_copy = state.x_copy or optim._buffer(x)
   K.nag_lookahead(x, state.x_copy, state.dfdx, mom)

   local fx, dfdx = optim._eval('optim.nag', opfunc, x)
   local clr = lr / (1 + nevals * lrd)
   K.nag(x, dfdx, state.x_copy, state.dfdx, lrs, clr, wd, mom)

   state.evalCounter = nevals + 1
   return x, {fx}
end
