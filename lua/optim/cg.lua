--[[ Nonlinear conjugate gradient (Polak-Ribiere) with a line search using quadratic and
cubic interpolation and the Wolfe-Powell conditions, as Torch7's optim.cg, a rewrite of
Carl E. Rasmussen's minimize.m. Limits the number of function evaluations.

config: maxEval (maxIter*1.25), maxIter (20), rho (0.01), sig (0.5), int (0.1),
ext (3.0), ratio (100). state: df0, df1, df2, df3, x0, s (buffers, reused).
Returns x, {f(x) at the start and after each successful line search}, and the number
of evaluations.
]]
local K = torch._optim
local dot, axpby = K.dot, K.axpby

function optim.cg(opfunc, x, config, state)
   local config = config or {}
   local state = state or config
   local rho = config.rho or 0.01
   local sig = config.sig or 0.5
   local int = config.int or 0.1
   local ext = config.ext or 3.0
   local maxIter = config.maxIter or 20
   local ratio = config.ratio or 100
   local maxEval = config.maxEval or maxIter * 1.25
   local red = 1

   local i = 0
   local ls_failed = false
   local fx = {}
   local z1, z2, z3 = 0, 0, 0
   local d1, d2, d3 = 0, 0, 0
   local f1, f2, f3 = 0, 0, 0

   if not torch.isTensor(x) then error('optim.cg: x must be a tensor, got ' .. torch.type(x), 2) end
   for _, name in ipairs{'df0', 'df1', 'df2', 'df3', 'x0', 's'} do
      state[name] = state[name] or optim._buffer(x)
   end
   local df0, df1, df2, df3 = state.df0, state.df1, state.df2, state.df3
   local x0, s = state.x0, state.s
   local f0 = 0
   local tdf

   local function eval()
      local f, g = optim._eval('optim.cg', opfunc, x)
      i = i + 1
      return f, g
   end

   f1, tdf = eval()
   fx[#fx + 1] = f1
   axpby(df1, 1, tdf, 0)
   axpby(s, -1, df1, 0)            -- steepest descent first
   d1 = -dot(s, s)
   z1 = red / (1 - d1)

   while i < math.abs(maxEval) do
      axpby(x0, 1, x, 0)
      f0 = f1
      axpby(df0, 1, df1, 0)

      axpby(x, z1, s, 1)
      f2, tdf = eval()
      axpby(df2, 1, tdf, 0)
      d2 = dot(df2, s)
      f3, d3, z3 = f1, d1, -z1     -- point 3 starts equal to point 1
      local m = math.min(maxIter, maxEval - i)
      local success = false
      local limit = -1

      while true do
         while (f2 > f1 + z1 * rho * d1 or d2 > -sig * d1) and m > 0 do
            limit = z1
            if f2 > f1 then
               z2 = z3 - (0.5 * d3 * z3 * z3) / (d3 * z3 + f2 - f3)   -- quadratic fit
            else
               local A = 6 * (f2 - f3) / z3 + 3 * (d2 + d3)         -- cubic fit
               local B = 3 * (f3 - f2) - z3 * (d3 + 2 * d2)
               z2 = (math.sqrt(B * B - A * d2 * z3 * z3) - B) / A
            end
            if z2 ~= z2 or z2 == math.huge or z2 == -math.huge then
               z2 = z3 / 2                                        -- bisect on failure
            end
            z2 = math.max(math.min(z2, int * z3), (1 - int) * z3)
            z1 = z1 + z2
            axpby(x, z2, s, 1)
            f2, tdf = eval()
            axpby(df2, 1, tdf, 0)
            m = m - 1
            d2 = dot(df2, s)
            z3 = z3 - z2
         end
         if f2 > f1 + z1 * rho * d1 or d2 > -sig * d1 then
            break                                                 -- failure
         elseif d2 > sig * d1 then
            success = true
            break
         elseif m == 0 then
            break
         end
         local A = 6 * (f2 - f3) / z3 + 3 * (d2 + d3)           -- cubic extrapolation
         local B = 3 * (f3 - f2) - z3 * (d3 + 2 * d2)
         z2 = -d2 * z3 * z3 / (B + math.sqrt(B * B - A * d2 * z3 * z3))
         if z2 ~= z2 or z2 == math.huge or z2 == -math.huge or z2 < 0 then
            if limit < -0.5 then
               z2 = z1 * (ext - 1)
            else
               z2 = (limit - z1) / 2
            end
         elseif limit > -0.5 and (z2 + z1) > limit then
            z2 = (limit - z1) / 2
         elseif limit < -0.5 and (z2 + z1) > z1 * ext then
            z2 = z1 * (ext - 1)
         elseif z2 < -z3 * int then
            z2 = -z3 * int
         elseif limit > -0.5 and z2 < (limit - z1) * (1 - int) then
            z2 = (limit - z1) * (1 - int)
         end
         f3 = f2; d3 = d2; z3 = -z2
         z1 = z1 + z2
         axpby(x, z2, s, 1)
         f2, tdf = eval()
         axpby(df2, 1, tdf, 0)
         m = m - 1
         d2 = dot(df2, s)
      end

      if success then
         f1 = f2
         fx[#fx + 1] = f1
         -- Polak-Ribiere direction
         local ss = (dot(df2, df2) - dot(df2, df1)) / dot(df1, df1)
         axpby(s, -1, df2, ss)
         df1, df2 = df2, df1
         d2 = dot(df1, s)
         if d2 > 0 then                                            -- not downhill: reset
            axpby(s, -1, df1, 0)
            d2 = -dot(s, s)
         end
         z1 = z1 * math.min(ratio, d1 / (d2 - 1e-320))
         d1 = d2
         ls_failed = false
      else
         axpby(x, 1, x0, 0)                                        -- back to the last point
         f1 = f0
         axpby(df1, 1, df0, 0)
         if ls_failed or i > maxEval then break end                -- failed twice in a row
         df1, df2 = df2, df1
         axpby(s, -1, df1, 0)
         d1 = -dot(s, s)
         z1 = 1 / (1 - d1)
         ls_failed = true
      end
   end
   state.df1, state.df2 = df1, df2
   return x, fx, i
end
