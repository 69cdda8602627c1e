--[==[ optim.cmaes(opfunc, x [, config [, state]]) -> x, fs, nEvals

CMA-ES, the Covariance Matrix Adaptation Evolution Strategy (Hansen), as Torch7's
optim.cmaes (itself after Hansen's barecmaes2): each iteration draws popsize candidates
m + sigma * N(0, C), ranks them by f, moves the mean m to the weighted mean of the best
half, and adapts the step size sigma and the covariance C along the evolution paths.
Only f is used: opfunc(x) may return a gradient, which is ignored.

config (Torch7 read these from state, which defaults to config; both work):
   sigma          the initial step size (standard deviation per coordinate), required
   maxEval        the evaluation budget (1e3 * N^2)
   ftarget        stop as soon as the best f of an iteration is <= ftarget
   popsize        candidates per iteration (4 + floor(3*ln N))
   verb_disp      print progress every verb_disp iterations (0: never, the default)
   min_iterations run at least this many iterations (1)
Other stops, as Torch7: the spread of f in one population below 1e-12, sigma * max std
below 1e-11, the condition of C above 1e14.

Candidates are drawn from the default generator (torch.manualSeed makes runs
repeatable) and evaluated as tensors of x's type and shape. The arithmetic is in double.
x is set to the best candidate found and returned, with fs = {f(x) at the start, the
best f of each iteration, ..., the best f found} and the number of evaluations made
(the first f(x) not counted, as in Torch7).
]==]
require 'torch'

function optim.cmaes(opfunc, x, config, state)
   if not optim._callable(opfunc) then
      error('optim.cmaes: argument 1 (opfunc): expected a function, got ' .. torch.type(opfunc), 2)
   end
   if not torch.isTensor(x) or (x:type() ~= 'torch.FloatTensor' and x:type() ~= 'torch.DoubleTensor') then
      error('optim.cmaes: argument 2 (x): expected a Float or Double tensor, got ' .. torch.type(x), 2)
   end
   if x:nElement() == 0 then error('optim.cmaes: x has no elements', 2) end
   config = config or {}
   state = state or config
   local function opt(name)
      if state[name] ~= nil then return state[name] end
      return config[name]
   end
   local sigma = opt('sigma')
   if type(sigma) ~= 'number' or not (sigma > 0) or sigma == math.huge then
      error('optim.cmaes: config.sigma (the initial step size) must be a number > 0, got '
            .. tostring(sigma), 2)
   end
   local N = x:nElement()
   local maxEval = tonumber(opt('maxEval')) or 1e3 * N * N
   local ftarget = opt('ftarget')
   local verb = tonumber(opt('verb_disp')) or 0
   local minIterations = tonumber(opt('min_iterations')) or 1
   local lambda = opt('popsize') or 4 + math.floor(3 * math.log(N))
   if math.type(lambda) == 'float' and lambda == math.floor(lambda) then
      lambda = math.tointeger(lambda)
   end
   if math.type(lambda) ~= 'integer' or lambda < 2 then
      error('optim.cmaes: config.popsize must be an integer >= 2, got ' .. tostring(lambda), 2)
   end

   local function f_of(candidate)
      local fx = opfunc(candidate)
      if type(fx) ~= 'number' then
         error('optim.cmaes: opfunc must return f(x) as a number, got ' .. torch.type(fx), 3)
      end
      return fx
   end

   -- selection: the best mu candidates, with log-decreasing weights summing to 1
   local mu = lambda // 2
   local weights = torch.DoubleTensor(mu)
   for i = 1, mu do weights[i] = math.log(mu + 0.5) - math.log(i) end
   weights:div(weights:sum())
   local mueff = 1 / weights:dot(weights)

   -- adaptation constants (barecmaes2's)
   local cc = (4 + mueff / N) / (N + 4 + 2 * mueff / N)
   local cs = (mueff + 2) / (N + mueff + 5)
   local c1 = 2 / ((N + 1.3) ^ 2 + mueff)
   local cmu = math.min(1 - c1, 2 * (mueff - 2 + 1 / mueff) / ((N + 2) ^ 2 + mueff))
   local damps = 2 * mueff / lambda + 0.3 + cs

   local xmean = torch.DoubleTensor(N):copy(x:contiguous():view(-1))
   local pc, ps = torch.DoubleTensor(N):zero(), torch.DoubleTensor(N):zero()
   local B, D = torch.eye(N):double(), torch.DoubleTensor(N):fill(1)
   local C = torch.eye(N):double()
   local invsqrtC = torch.eye(N):double()
   local arx = torch.DoubleTensor(lambda, N)
   local fitvals = torch.DoubleTensor(lambda)
   local candidate = x.new(x:size())
   local eigeneval, counteval, iteration = 0, 0, 0
   local fhist = {f_of(x)}
   local bestx, bestf = nil, math.huge

   local function decompose()
      eigeneval = counteval
      C = torch.triu(C) + torch.triu(C, 1):t()   -- exactly symmetric
      local e, V = torch.symeig(C, 'V')
      e:clamp(1e-300, math.huge)                  -- rounding can make tiny ones negative
      D, B = e:sqrt(), V
      invsqrtC = B * torch.diag(torch.pow(D, -1)) * B:t()
   end

   local function stopped()
      if counteval == 0 then return nil end
      if counteval >= maxEval then return 'evals', maxEval end
      if ftarget ~= nil and fitvals[1] <= ftarget then return 'ftarget', ftarget end
      if D:max() > 1e7 * D:min() then return 'condition', 1e7 end
      if fitvals[lambda] - fitvals[1] < 1e-12 then return 'tolfun', 1e-12 end
      if sigma * D:max() < 1e-11 then return 'tolx', 1e-11 end
      return nil
   end

   while iteration < minIterations or stopped() == nil do
      iteration = iteration + 1
      -- ask: lambda candidates m + sigma * B * (D .* z)
      if counteval - eigeneval > lambda / (c1 + cmu) / N / 10 then decompose() end
      local z = torch.randn(lambda, N):double()
      z:cmul(D:view(1, N):expand(lambda, N))
      arx:copy(torch.mm(z, B:t())):mul(sigma):add(xmean:view(1, N):expand(lambda, N))
      for k = 1, lambda do
         candidate:copy(arx[k]:view(x:size()))
         fitvals[k] = f_of(candidate)
      end
      counteval = counteval + lambda

      -- tell: rank, recombine, update the paths, C and sigma
      local sorted, order = torch.sort(fitvals)
      fitvals:copy(sorted)
      local sel = arx:index(1, order:narrow(1, 1, mu))
      fhist[#fhist + 1] = fitvals[1]
      if fitvals[1] < bestf then bestf, bestx = fitvals[1], sel[1]:clone() end

      local xold = xmean:clone()
      xmean:zero():addmv(sel:t(), weights)
      local y = xmean - xold
      ps:mul(1 - cs):add(math.sqrt(cs * (2 - cs) * mueff) / sigma, torch.mv(invsqrtC, y))
      local psn = ps:dot(ps)
      local hsig = psn / (1 - (1 - cs) ^ (2 * counteval / lambda)) / N < 2 + 4 / (N + 1)
      hsig = hsig and 1 or 0
      pc:mul(1 - cc):add(hsig * math.sqrt(cc * (2 - cc) * mueff) / sigma, y)
      local c1a = c1 - (1 - hsig * hsig) * c1 * cc * (2 - cc)
      local art = (sel - xold:view(1, N):expand(mu, N)) / sigma
      local rankmu = torch.mm(art:t(), torch.cmul(art, weights:view(mu, 1):expand(mu, N)))
      C:mul(1 - c1a - cmu):add(c1, torch.ger(pc, pc)):add(cmu, rankmu)
      sigma = sigma * math.exp(math.min(0.6, (cs / damps) * (psn / N - 1) / 2))

      if verb > 0 and (iteration <= 2 or iteration % verb == 0) then
         print(string.format('%d: axis ratio %6.1f  max std %8.1e  f %s', counteval,
                             D:max() / D:min(), sigma * math.sqrt(torch.diag(C):max()),
                             tostring(fitvals[1])))
      end
   end

   if verb > 0 then
      print('termination by', stopped())
      print('best f-value =', bestf)
   end
   x:copy(bestx:view(x:size()))
   fhist[#fhist + 1] = bestf
   return x, fhist, counteval
end

return optim.cmaes
