--[==[ optim.checkgrad(opfunc, x [, eps]) -> diff, dC, dC_est

Checks opfunc's gradient against central differences, as Torch7's optim.checkgrad:
dC is the gradient opfunc returns at x (a copy), dC_est[i] = (f(x + eps*e_i) -
f(x - eps*e_i)) / (2*eps) (eps 1e-7), and diff = |dC - dC_est| / |dC + dC_est|, which
should be near eps-sized for a correct gradient. x is restored. Use double tensors:
in float, eps = 1e-7 is below the precision of x.
]==]
require 'torch'

function optim.checkgrad(opfunc, x, eps)
   if not optim._callable(opfunc) then
      error('optim.checkgrad: argument 1 (opfunc): expected a function, got '
            .. torch.type(opfunc), 2)
   end
   if not torch.isTensor(x) then
      error('optim.checkgrad: argument 2 (x): expected a tensor, got ' .. torch.type(x), 2)
   end
   eps = eps or 1e-7
   if type(eps) ~= 'number' or not (eps > 0) then
      error('optim.checkgrad: argument 3 (eps): expected a number > 0, got ' .. tostring(eps), 2)
   end
   local function value(fx)
      if type(fx) == 'number' then return fx end
      if torch.isTensor(fx) and fx:nElement() == 1 then return fx:view(-1)[1] end
      error('optim.checkgrad: opfunc must return f(x) as a number, got ' .. torch.type(fx), 3)
   end
   local _, grad = opfunc(x)
   if not torch.isTensor(grad) or grad:nElement() ~= x:nElement() then
      error(string.format('optim.checkgrad: opfunc must return df/dx, a tensor of %d elements, got %s',
                          x:nElement(), torch.type(grad)), 2)
   end
   local dC = grad:clone():view(-1)
   local dC_est = dC.new(dC:size())
   -- x's elements one at a time, through a flat view when x is contiguous
   local flat = x:isContiguous() and x:view(-1) or nil
   local n = x:nElement()
   for i = 1, n do
      local get, set
      if flat then
         get, set = function() return flat[i] end, function(v) flat[i] = v end
      else
         local idx, r = {}, i - 1
         for d = x:dim(), 1, -1 do
            idx[d] = r % x:size(d) + 1
            r = r // x:size(d)
         end
         local sub = x
         for d = 1, x:dim() - 1 do sub = sub:select(1, idx[d]) end
         local last = idx[x:dim()]
         get, set = function() return sub[last] end, function(v) sub[last] = v end
      end
      local orig = get()
      set(orig + eps)
      local c1 = value((opfunc(x)))
      set(orig - eps)
      local c2 = value((opfunc(x)))
      set(orig)
      dC_est[i] = (c1 - c2) / (2 * eps)
   end
   local diff = (dC - dC_est):norm() / (dC + dC_est):norm()
   return diff, dC:view(x:size()), dC_est:view(x:size())
end

return optim.checkgrad
