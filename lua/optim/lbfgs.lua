--[[ L-BFGS, as Torch7's optim.lbfgs (after minFunc, Mark Schmidt).

Without config.lineSearch, steps are of fixed size learningRate along the L-BFGS
direction (the first one scaled by min(1, 1/|g|_1)), which suits stochastic problems.
A line search function, if given, is called as
   f, g, x, t, nEvals = lineSearch(opfunc, x, t, d, f, g, gtd, config.lineSearchOptions).

config: maxIter (20), maxEval (maxIter*1.25), tolFun (1e-5), tolX (1e-9),
nCorrection (100), learningRate (1), lineSearch, lineSearchOptions, verbose (false).
state: funcEval, nIter, d, t, old_dirs, old_stps, Hdiag, g_old, f_old.
Returns x, {f(x) at each evaluation} (f[1] before optimization), and the number of
evaluations of this call.
]]
local K = torch._optim
local dot, axpby, asum = K.dot, K.axpby, K.asum

function optim.lbfgs(opfunc, x, config, state)
   local config = config or {}
   local state = state or config
   local maxIter = tonumber(config.maxIter) or 20
   local maxEval = tonumber(config.maxEval) or maxIter * 1.25
   local tolFun = config.tolFun or 1e-5
   local tolX = config.tolX or 1e-9
   local nCorrection = config.nCorrection or 100
   local lineSearch = config.lineSearch
   local lineSearchOpts = config.lineSearchOptions
   local learningRate = config.learningRate or 1
   local verbose = config.verbose and function(...) print('<optim.lbfgs> ', ...) end
                   or function() end
   state.funcEval = state.funcEval or 0
   state.nIter = state.nIter or 0

   local f, g = optim._eval('optim.lbfgs', opfunc, x)
   local f_hist = {f}
   local currentFuncEval = 1
   state.funcEval = state.funcEval + 1

   if asum(g) <= tolFun then
      verbose('optimality condition below tolFun')
      return x, f_hist, currentFuncEval
   end

   -- y and s vectors are recycled through a pool, so that steady state allocates nothing;
   -- unlike Torch7 the pool grows on demand instead of holding nCorrection+1 up front
   state.dir_bufs = state.dir_bufs or {}
   state.stp_bufs = state.stp_bufs or {}
   local function take(pool)
      return table.remove(pool) or optim._buffer(g)
   end

   local d, t = state.d, state.t
   local old_dirs, old_stps = state.old_dirs, state.old_stps
   local Hdiag, g_old, f_old = state.Hdiag, state.g_old, state.f_old
   state.ro = state.ro or {}
   state.al = state.al or {}
   state.q = state.q or optim._buffer(g)
   local ro, al, q = state.ro, state.al, state.q

   local nIter = 0
   while nIter < maxIter do
      nIter = nIter + 1
      state.nIter = state.nIter + 1

      -- the descent direction
      if state.nIter == 1 then
         d = d or optim._buffer(g)
         axpby(d, -1, g, 0)
         old_dirs, old_stps = {}, {}
         Hdiag = 1
      else
         local y, s = take(state.dir_bufs), take(state.stp_bufs)
         axpby(y, 1, g, 0)
         axpby(y, -1, g_old, 1)   -- y = g - g_old
         axpby(s, t, d, 0)        -- s = t*d
         local ys = dot(y, s)
         if ys > 1e-10 then
            if #old_dirs == nCorrection then
               -- limited memory: the oldest pair goes back to the pool
               table.insert(state.dir_bufs, table.remove(old_dirs, 1))
               table.insert(state.stp_bufs, table.remove(old_stps, 1))
            end
            table.insert(old_dirs, s)
            table.insert(old_stps, y)
            Hdiag = ys / dot(y, y)
         else
            table.insert(state.dir_bufs, y)
            table.insert(state.stp_bufs, s)
         end

         -- two-loop recursion: d = -H*g with the initial Hessian Hdiag*I
         local k = #old_dirs
         for i = 1, k do ro[i] = 1 / dot(old_stps[i], old_dirs[i]) end
         axpby(q, -1, g, 0)
         for i = k, 1, -1 do
            al[i] = dot(old_dirs[i], q) * ro[i]
            axpby(q, -al[i], old_stps[i], 1)
         end
         axpby(d, Hdiag, q, 0)
         for i = 1, k do
            local be_i = dot(old_stps[i], d) * ro[i]
            axpby(d, al[i] - be_i, old_dirs[i], 1)
         end
      end
      g_old = g_old or optim._buffer(g)
      axpby(g_old, 1, g, 0)
      f_old = f

      -- the step length
      local gtd = dot(g, d)
      if gtd > -tolX then break end   -- no descent along d
      if state.nIter == 1 then
         t = math.min(1, 1 / asum(g)) * learningRate
      else
         t = learningRate
      end

      local lsFuncEval = 0
      if lineSearch and type(lineSearch) == 'function' then
         f, g, x, t, lsFuncEval = lineSearch(opfunc, x, t, d, f, g, gtd, lineSearchOpts)
         table.insert(f_hist, f)
      else
         axpby(x, t, d, 1)
         if nIter ~= maxIter then
            -- in a stochastic setting the last evaluation would be of no use
            f, g = optim._eval('optim.lbfgs', opfunc, x)
            lsFuncEval = 1
            table.insert(f_hist, f)
         end
      end
      currentFuncEval = currentFuncEval + lsFuncEval
      state.funcEval = state.funcEval + lsFuncEval

      -- stopping conditions
      if nIter == maxIter then
         verbose('reached max number of iterations')
         break
      end
      if currentFuncEval >= maxEval then
         verbose('max nb of function evals')
         break
      end
      if asum(g) <= tolFun then
         verbose('optimality condition below tolFun')
         break
      end
      if math.abs(t) * asum(d) <= tolX then
         verbose('step size below tolX')
         break
      end
      if math.abs(f - f_old) < tolX then
         verbose('function value changing less than tolX')
         break
      end
   end

   state.old_dirs, state.old_stps = old_dirs, old_stps
   state.Hdiag, state.g_old, state.f_old = Hdiag, g_old, f_old
   state.t, state.d = t, d
   return x, f_hist, currentFuncEval
end
