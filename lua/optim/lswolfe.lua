--[==[ optim.lswolfe(opfunc, x, t, d, f, g, gtd [, options])
     -> f_new, g_new, x, t, nEvals

A line search along d from x for a step t satisfying the strong Wolfe conditions
   f(x + t*d) <= f + c1*t*gtd            (sufficient decrease)
   |g(x + t*d) . d| <= -c2*gtd           (curvature)
as Torch7's optim.lswolfe (after minFunc's WolfeLineSearch): a bracketing phase that
extrapolates with cubic interpolation (optim.polyinterp) until an interval holds such a
step, then a zoom phase that shrinks the interval by cubic interpolation. f, g and gtd
are f(x), df/dx at x and g . d (negative: d must be a descent direction); t is the first
step tried. x is left at x + t*d for the step returned, which has the lowest f found.

options: c1 (1e-4), c2 (0.9), tolX (1e-9: stop when the bracket times the slope is below
it), maxIter (20 evaluations), verbose (false).

It has optim.lbfgs's line-search signature:
   optim.lbfgs(feval, x, {lineSearch = optim.lswolfe, lineSearchOptions = {c2 = 0.5}})
]==]
require 'torch'

local function checktensor(i, name, v)
   if not torch.isTensor(v) then
      error(string.format('optim.lswolfe: argument %d (%s): expected a tensor, got %s',
                          i, name, torch.type(v)), 3)
   end
end

local function checknumber(i, name, v)
   if type(v) ~= 'number' or v ~= v then
      error(string.format('optim.lswolfe: argument %d (%s): expected a number, got %s',
                          i, name, type(v) == 'number' and 'nan' or torch.type(v)), 3)
   end
end

function optim.lswolfe(opfunc, x, t, d, f, g, gtd, options)
   if not optim._callable(opfunc) then
      error('optim.lswolfe: argument 1 (opfunc): expected a function, got '
            .. torch.type(opfunc), 2)
   end
   checktensor(2, 'x', x)
   checknumber(3, 't', t)
   checktensor(4, 'd', d)
   checknumber(5, 'f', f)
   checktensor(6, 'g', g)
   checknumber(7, 'gtd', gtd)
   if d:nElement() ~= x:nElement() or g:nElement() ~= x:nElement() then
      error(string.format('optim.lswolfe: x, d and g must have as many elements, got %d, %d and %d',
                          x:nElement(), d:nElement(), g:nElement()), 2)
   end
   if gtd >= 0 then
      error(string.format('optim.lswolfe: d is not a descent direction (g.d = %g, must be < 0)',
                          gtd), 2)
   end
   options = options or {}
   local c1 = options.c1 or 1e-4
   local c2 = options.c2 or 0.9
   local tolX = options.tolX or 1e-9
   local maxIter = options.maxIter or 20
   local verbose = options.verbose

   local abs, min, max = math.abs, math.min, math.max
   local x0 = x:clone()
   local dflat = d:contiguous():view(-1)
   local dx = dflat:view(x:size())
   local nEvals = 0

   -- f, a copy of the gradient, and the slope along d at x0 + step*d (x is left there)
   local function evalAt(step)
      x:copy(x0):add(step, dx)
      local fx, gx = opfunc(x)
      if type(fx) ~= 'number' or not torch.isTensor(gx) or gx:nElement() ~= x:nElement() then
         error(string.format('optim.lswolfe: opfunc must return f(x) (a number) and df/dx '
                             .. '(a tensor of %d elements), got %s and %s', x:nElement(),
                             torch.type(fx), torch.type(gx)), 3)
      end
      nEvals = nEvals + 1
      gx = gx:clone()
      return {t = step, f = fx, g = gx, gtd = gx:view(-1):dot(dflat)}
   end

   local start = {t = 0, f = f, g = g:clone(), gtd = gtd}
   local new = evalAt(t)
   local prev = start
   local bracket, done = nil, false
   local iter = 0

   -- bracketing: grow the step until [prev, new] holds a Wolfe point, or new is one
   while iter < maxIter do
      if new.f > f + c1 * new.t * gtd or (iter > 1 and new.f >= prev.f) then
         bracket = {prev, new}
         break
      elseif abs(new.gtd) <= -c2 * gtd then
         bracket = {new}
         done = true
         break
      elseif new.gtd >= 0 then
         bracket = {prev, new}
         break
      end
      -- extrapolate: the cubic's minimiser in [t + 0.01*(t - t_prev), 10*t]
      local step = optim.polyinterp({{prev.t, prev.f, prev.gtd}, {new.t, new.f, new.gtd}},
                                    new.t + 0.01 * (new.t - prev.t), new.t * 10)
      prev = new
      new = evalAt(step)
      iter = iter + 1
   end
   if bracket == nil then
      bracket = {start, new}
   end

   -- zoom: shrink the bracket around a point that satisfies both conditions
   local insufProgress = false
   while not done and iter < maxIter do
      local lo, hi = 1, 2
      if bracket[2].f < bracket[1].f then lo, hi = 2, 1 end
      local b1, b2 = bracket[1], bracket[2]
      local step = optim.polyinterp({{b1.t, b1.f, b1.gtd}, {b2.t, b2.f, b2.gtd}})
      local bmin, bmax = min(b1.t, b2.t), max(b1.t, b2.t)
      -- a step too close to an end of the bracket: move it 10% inside, the second time
      if min(bmax - step, step - bmin) / (bmax - bmin) < 0.1 then
         if insufProgress or step >= bmax or step <= bmin then
            if abs(step - bmax) < abs(step - bmin) then
               step = bmax - 0.1 * (bmax - bmin)
            else
               step = bmin + 0.1 * (bmax - bmin)
            end
            insufProgress = false
         else
            insufProgress = true
         end
      else
         insufProgress = false
      end

      new = evalAt(step)
      iter = iter + 1
      if new.f > f + c1 * new.t * gtd or new.f >= bracket[lo].f then
         bracket[hi] = new   -- no sufficient decrease, or not below the low end
      else
         if abs(new.gtd) <= -c2 * gtd then
            done = true
         elseif new.gtd * (bracket[hi].t - bracket[lo].t) >= 0 then
            bracket[hi] = bracket[lo]
         end
         bracket[lo] = new
      end
      if not done and abs((bracket[1].t - bracket[2].t) * new.gtd) < tolX then break end
   end
   if iter >= maxIter and verbose then
      print('<optim.lswolfe> ', 'reached max number of iterations')
   end

   local best = bracket[1]
   if bracket[2] and bracket[2].f < best.f then best = bracket[2] end
   x:copy(x0):add(best.t, dx)
   return best.f, best.g, x, best.t, nEvals
end

return optim.lswolfe
