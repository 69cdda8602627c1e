--[==[ optim.FistaLS(f, g, pl, xinit [, params]) -> x, history    (also optim.fista)

FISTA with backtracking (Beck and Teboulle, 2009), as Torch7's optim.FistaLS: minimises
F(x) = f(x) + g(x) with f smooth and g not (an L1 penalty, say), given
   f(x, 'dx')  -> f(x), df/dx      (f(x) alone when called without 'dx')
   g(x)        -> g(x)
   pl(x, L)       the proximal step in place: x = argmin_z g(z) + L/2 ||z - x||^2
                  (for g = lambda*|z|_1 the shrinkage of x by lambda/L)
Each iteration takes the step y - (1/L) df/dx(y) followed by pl, multiplying L by Lstep
until f at the new point is below its quadratic model at y, then sets
y = x_k + (t_k - 1)/t_(k+1) * (x_k - x_(k-1)) (FISTA) or y = x_k (ISTA).

params (all optional; Torch7's keys and defaults):
   L (0.1)          1/step size; the last L used is written back
   Lstep (1.5)      the factor of the backtracking
   maxiter (50), maxline (20 backtracking steps per iteration)
   errthres (1e-4)  stop when F changes by less between two iterations
   doFistaUpdate    false for ISTA; anything else (nil included) is FISTA
   verbose          print each step and keep xk and y in the history
and the work tensors xkm, y, ply, gfy, reused when the same params table comes back.

xinit is the starting point, updated in place to the solution, and returned with the
history: one table per iteration {F, Fply, Gply, Q, L, nline}. (Torch7 started from
zeros whatever xinit held, treated a nil doFistaUpdate as ISTA and returned the momentum
point y; here the search starts at xinit and x is the proximal iterate x_k, so that an L1
solution is exactly sparse.)
]==]
require 'torch'

function optim.FistaLS(f, g, pl, xinit, params)
   for i, fn in ipairs({{'f', f}, {'g', g}, {'pl', pl}}) do
      if not optim._callable(fn[2]) then
         error(string.format('optim.FistaLS: argument %d (%s): expected a function, got %s', i,
                             fn[1], torch.type(fn[2])), 2)
      end
   end
   if not torch.isTensor(xinit) then
      error('optim.FistaLS: argument 4 (xinit): expected a tensor, got ' .. torch.type(xinit), 2)
   end
   if params ~= nil and type(params) ~= 'table' then
      error('optim.FistaLS: argument 5 (params): expected a table, got ' .. torch.type(params), 2)
   end
   params = params or {}
   local L = params.L or 0.1
   local Lstep = params.Lstep or 1.5
   local maxiter = params.maxiter or 50
   local maxline = params.maxline or 20
   local errthres = params.errthres or 1e-4
   local fista = params.doFistaUpdate ~= false
   local verbose = params.verbose
   if type(L) ~= 'number' or not (L > 0) or type(Lstep) ~= 'number' or not (Lstep > 1) then
      error(string.format('optim.FistaLS: params.L must be > 0 and params.Lstep > 1, got %s and %s',
                          tostring(L), tostring(Lstep)), 2)
   end

   local function work(name)
      local t = params[name]
      if not torch.isTensor(t) or t:type() ~= xinit:type() then t = xinit.new() end
      params[name] = t:resizeAs(xinit)
      return t
   end
   local xk = xinit
   local xkm, y, ply, gfy = work('xkm'), work('y'), work('ply'), work('gfy')
   xkm:copy(xk)
   y:copy(xk)

   local function smooth(x, mode)
      local v, grad = f(x, mode)
      if type(v) ~= 'number' then
         error('optim.FistaLS: f must return f(x) as a number, got ' .. torch.type(v), 3)
      end
      if mode and not (torch.isTensor(grad) and grad:nElement() == x:nElement()) then
         error(string.format("optim.FistaLS: f(x, 'dx') must return f(x) and df/dx (a tensor of %d elements), got %s",
                             x:nElement(), torch.type(grad)), 3)
      end
      return v, grad
   end
   local function nonsmooth(x)
      local v = g(x)
      if type(v) ~= 'number' then
         error('optim.FistaLS: g must return g(x) as a number, got ' .. torch.type(v), 3)
      end
      return v
   end

   local history = {}
   local tk = 1
   for niter = 1, maxiter do
      local fy, grad = smooth(y, 'dx')
      gfy:copy(grad:view(xk:size()))   -- f may reuse its gradient tensor

      -- backtracking: the largest step 1/L whose point is below the quadratic model
      local nline, fply, Q = 0, 0, 0
      while true do
         ply:copy(y):add(-1 / L, gfy)
         pl(ply, L)
         fply = smooth(ply)
         xk:copy(ply)
         ply:add(-1, y)                                    -- ply - y
         Q = fy + gfy:dot(ply) + L / 2 * ply:dot(ply)
         if verbose then
            print(string.format('nline=%d L=%g fply=%g Q=%g fy=%g', nline, L, fply, Q, fy))
         end
         nline = nline + 1
         if fply <= Q then break end
         if nline > maxline then
            xk:copy(xkm)         -- no acceptable step: stay at the previous iterate
            fply = smooth(xk)
            break
         end
         L = L * Lstep
      end

      if fista then
         local tkp = (1 + math.sqrt(1 + 4 * tk * tk)) / 2
         y:copy(xk):add(-1, xkm):mul((tk - 1) / tkp):add(xk)
         tk = tkp
      else
         y:copy(xk)
      end
      xkm:copy(xk)

      local gply = nonsmooth(xk)
      local F = fply + gply
      if verbose then print(string.format('iter=%d F=%g', niter, F)) end
      history[niter] = {F = F, Fply = fply, Gply = gply, Q = Q, L = L, nline = nline}
      if verbose then history[niter].xk, history[niter].y = xk:clone(), y:clone() end
      params.L = L
      if niter > 1 and math.abs(F - history[niter - 1].F) <= errthres then break end
   end
   return xk, history
end

optim.fista = optim.FistaLS

return optim.FistaLS
