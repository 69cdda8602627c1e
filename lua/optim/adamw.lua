--[[ AdamW (Loshchilov and Hutter, 2019; not in Torch7), as PyTorch's torch.optim.AdamW:
decoupled weight decay x = x - lr*weightDecay*x, then the Adam step
x = x - lr/(1-beta1^t) * m / (sqrt(v)/sqrt(1-beta2^t) + epsilon).

config: learningRate (1e-3), beta1 (0.9), beta2 (0.999), epsilon (1e-8),
weightDecay (1e-2), weightDecayMask (a tensor of x's size and type, each element's share of
the decay: 1 decays, 0 does not; PyTorch's parameter groups on a flat vector, made by
dl.weightDecayMask). state: t, m, v. Returns x, {f(x)}.
]]
local K = torch._optim

function optim.adamw(opfunc, x, config, state)
   local config = config or {}
   local state = state or config
   local lr = config.learningRate or 1e-3
   local beta1 = config.beta1 or 0.9
   local beta2 = config.beta2 or 0.999
   local epsilon = config.epsilon or 1e-8
   local wd = config.weightDecay or 1e-2

   local fx, dfdx = optim._eval('optim.adamw', opfunc, x)

   state.t = (state.t or 0) + 1
   state.m = state.m or optim._buffer(x)
   state.v = state.v or optim._buffer(x)
   local biasCorrection1 = 1 - beta1 ^ state.t
   local biasCorrection2 = 1 - beta2 ^ state.t
   K.adamw(x, dfdx, state.m, state.v, config.weightDecayMask, lr, beta1, beta2, epsilon, wd,
           biasCorrection1, biasCorrection2)

   return x, {fx}
end
