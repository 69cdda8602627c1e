--[==[ optim.de(opfunc, x [, config]) -> x, fx

Differential Evolution (Storn and Price), the DE/best/1/bin scheme of Torch7's optim.de:
a population of popsize points drawn uniformly in [minRegion, maxRegion]^D; each
generation, every member i gets a child whose coordinates are, with probability
crossoverRate (and always for one random coordinate),
   best[j] + scaleFactor * (pop[r1][j] - pop[r2][j])      (r1, r2, i distinct)
and its own coordinates otherwise; a child at least as good as its parent replaces it.
Only f is used: opfunc(x) may return a gradient, which is ignored.

config:
   popsize        population size (10 * D)
   scaleFactor    the differential weight (0.5; Torch7 had no default)
   crossoverRate  the crossover probability (0.9; Torch7 had no default)
   maxFEs         the number of evaluations (1000 * D; Torch7 had no default)
   minRegion, maxRegion   the box of the initial population (-30, 30)
   seed           the seed of the search's own generator (1, as Torch7 fixed it)
As in Torch7 the search draws from its own generator seeded with seed, so that a run is
repeatable whatever the default generator's state; the starting values of x are not used.
x is set to the best point found and returned, with fx: a DoubleTensor of the maxFEs
values of f in the order of evaluation (evaluation stops exactly at maxFEs).
(Torch7 returned a new flat tensor, took the worst member of the first population as
its first "best", and could index past fx when maxFEs was not a multiple of popsize.)
]==]
require 'torch'

local function checkconfig(name, v, lo)
   if type(v) ~= 'number' or v ~= v or v < lo then
      error(string.format('optim.de: config.%s must be a number >= %s, got %s', name,
                          tostring(lo), tostring(v)), 3)
   end
end

function optim.de(opfunc, x, config)
   if not optim._callable(opfunc) then
      error('optim.de: argument 1 (opfunc): expected a function, got ' .. torch.type(opfunc), 2)
   end
   if not torch.isTensor(x) or x:nElement() == 0 then
      error('optim.de: argument 2 (x): expected a non-empty tensor, got ' .. torch.type(x), 2)
   end
   config = config or {}
   local D = x:nElement()
   local popsize = config.popsize or 10 * D
   local F = config.scaleFactor or 0.5
   local CR = config.crossoverRate or 0.9
   local maxFEs = tonumber(config.maxFEs) or 1000 * D
   local minRegion = config.minRegion or -30
   local maxRegion = config.maxRegion or 30
   checkconfig('popsize', popsize, 3)
   checkconfig('scaleFactor', F, 0)
   checkconfig('crossoverRate', CR, 0)
   checkconfig('maxFEs', maxFEs, 1)
   checkconfig('minRegion', minRegion, -math.huge)
   checkconfig('maxRegion', maxRegion, minRegion)
   popsize, maxFEs = math.floor(popsize), math.floor(maxFEs)

   local gen = torch.Generator()
   torch.manualSeed(gen, config.seed or 1)
   local candidate = x.new(x:size())
   local fx = torch.DoubleTensor(maxFEs)
   local fes = 0
   local function evaluate(point)
      candidate:copy(point:view(x:size()))
      local v = opfunc(candidate)
      if type(v) ~= 'number' then
         error('optim.de: opfunc must return f(x) as a number, got ' .. torch.type(v), 3)
      end
      fes = fes + 1
      fx[fes] = v
      return v
   end

   local pop = torch.DoubleTensor(popsize, D):uniform(gen, minRegion, maxRegion)
   local fitness = {}
   local best, bestf = 1, math.huge
   for i = 1, popsize do
      if fes == maxFEs then break end
      fitness[i] = evaluate(pop[i])
      if fitness[i] < bestf then best, bestf = i, fitness[i] end
   end
   local bestx = pop[best]:clone()

   local P = pop:totable()
   local child = torch.DoubleTensor(D)
   while fes < maxFEs do
      local children, childf = {}, {}
      for i = 1, popsize do
         if fes == maxFEs then break end
         local r1, r2
         repeat r1 = torch.random(gen, 1, popsize) until r1 ~= i
         repeat r2 = torch.random(gen, 1, popsize) until r2 ~= i and r2 ~= r1
         local jrand = torch.random(gen, 1, D)
         local c, p, a, b = {}, P[i], P[r1], P[r2]
         for j = 1, D do
            if j == jrand or torch.uniform(gen, 0, 1) < CR then
               c[j] = bestx[j] + F * (a[j] - b[j])
            else
               c[j] = p[j]
            end
            child[j] = c[j]
         end
         children[i], childf[i] = c, evaluate(child)
      end
      -- selection, after the whole generation, as Torch7
      for i, c in pairs(children) do
         if childf[i] <= fitness[i] then
            P[i], fitness[i] = c, childf[i]
            if childf[i] < bestf then
               bestf = childf[i]
               for j = 1, D do bestx[j] = c[j] end
            end
         end
      end
   end

   x:copy(bestx:view(x:size()))
   return x, fx
end

return optim.de
