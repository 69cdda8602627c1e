--[[ Rprop (Riedmiller and Braun, 1993), as Torch7's optim.rprop: each parameter has its
own step size, multiplied by etaplus while its gradient keeps its sign and by etaminus
when the sign flips (and then that parameter does not move); x -= sign(g)*stepsize.

config: stepsize (0.1, the initial step), etaplus (1.2), etaminus (0.5),
stepsizemax (50), stepsizemin (1e-6), niter (1, steps per call).
state: delta (the last gradient, zeroed where the sign flipped), stepsize (a tensor).
Returns x, {f(x) at each of the niter steps}.
]]
local K = torch._optim

function optim.rprop(opfunc, x, config, state)
   local config = config or {}
   local state = state or config
   local stepsize = config.stepsize or 0.1
   local etaplus = config.etaplus or 1.2
   local etaminus = config.etaminus or 0.5
   local stepsizemax = config.stepsizemax or 50.0
   local stepsizemin = config.stepsizemin or 1e-06
   local niter = config.niter or 1

   local hfx = {}
   for i = 1, niter do
      local fx, dfdx = optim._eval('optim.rprop', opfunc, x)
      -- when state is config, state.stepsize replaces the number: read it above first
      if not state.delta then
         state.delta = optim._buffer(x)
         state.stepsize = optim._buffer(x, stepsize)
      end
      K.rprop(x, dfdx, state.delta, state.stepsize, etaplus, etaminus, stepsizemin,
              stepsizemax)
      hfx[i] = fx
   end
   return x, hfx
end
