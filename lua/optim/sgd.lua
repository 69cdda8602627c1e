--[[ Stochastic gradient descent, as Torch7's optim.sgd.

config: learningRate (1e-3), learningRateDecay (0), weightDecay (0), weightDecays
(a tensor of per-parameter decays, used when weightDecay is 0), momentum (0), dampening
(= momentum), nesterov (false), learningRates (a tensor of per-parameter rates).
state: evalCounter, dfdx (the momentum buffer). Returns x, {f(x) before the step}.
]]
local K = torch._optim

function optim.sgd(opfunc, x, config, state)
   local config = config or {}
   local state = state or config
   local lr = config.learningRate or 1e-3
   local lrd = config.learningRateDecay or 0
   local wd = config.weightDecay or 0
   local mom = config.momentum or 0
   local damp = config.dampening or mom
   local nesterov = config.nesterov or false
   local lrs = config.learningRates
   local wds = (wd == 0) and config.weightDecays or nil
   state.evalCounter = state.evalCounter or 0
   local nevals = state.evalCounter
   if nesterov and (mom <= 0 or damp ~= 0) then
      error('optim.sgd: Nesterov momentum requires a momentum and zero dampening', 2)
   end

   local fx, dfdx = optim._eval('optim.sgd', opfunc, x)

   -- the first step with momentum starts the buffer at the gradient itself
   local buf, init = nil, false
   if mom ~= 0 then
      buf = state.dfdx
      if not buf then
         buf = optim._buffer(x)
         state.dfdx = buf
         init = true
      end
   end
   local clr = lr / (1 + nevals * lrd)
   K.sgd(x, dfdx, buf, lrs, wds, clr, wd, mom, damp, nesterov, init)

   state.evalCounter = nevals + 1
   return x, {fx}
end
