-- optim: Torch7's optimization package. Every algorithm has the signature
--    x, fs = optim.name(feval, x [, config [, state]])
-- where feval(x) returns f(x) and df/dx; x is updated in place. The per-element update
-- of each algorithm is one fused C loop (torch._optim, src/optim/update.c); the Lua
-- files keep Torch7's config keys, defaults and state fields.
require 'torch'

local optim = {}
_G.optim = optim
package.loaded.optim = optim

local K = torch._optim

-- Calls feval(x) and checks that it returned a gradient tensor; fn names the optimizer
-- in the error, which points at the script line that called the optimizer.
function optim._eval(fn, opfunc, x)
   if not torch.isTensor(x) then
      error(string.format('%s: x must be a tensor, got %s', fn, torch.type(x)), 3)
   end
   local fx, dfdx = opfunc(x)
   if not torch.isTensor(dfdx) then
      error(string.format('%s: feval must return f(x) and df/dx (a tensor), got %s as df/dx',
                          fn, torch.type(dfdx)), 3)
   end
   return fx, dfdx
end

-- Whether v can be called: a function, or a table or userdata with __call.
function optim._callable(v)
   if type(v) == 'function' then return true end
   local mt = getmetatable(v)
   return type(mt) == 'table' and mt.__call ~= nil
end

-- A state buffer: a new contiguous tensor of x's type and sizes, filled with value.
-- Made once per state table and reused at every step.
function optim._buffer(x, value)
   return K.zeros_like(x, value)
end

require 'optim.sgd'
require 'optim.nag'
require 'optim.adam'
require 'optim.adamw'
require 'optim.adamax'
require 'optim.adagrad'
require 'optim.adadelta'
require 'optim.rmsprop'
require 'optim.asgd'
require 'optim.rprop'
require 'optim.lbfgs'
require 'optim.cg'
require 'optim.lswolfe'
require 'optim.polyinterp'
require 'optim.cmaes'
require 'optim.de'
require 'optim.fista'
require 'optim.checkgrad'
require 'optim.ConfusionMatrix'
require 'optim.Logger'

return optim
