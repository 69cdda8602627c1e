-- The rank program of spec/distributed_spec.lua, run by `dlua --np N` (or alone):
--   distributed_driver.lua train MODEL B STEPS OUT [bucketBytes [short]]
--     trains MODEL (mlp, cnn or lstm) on data made from a fixed seed, STEPS steps of B rows
--     per rank (dl.fit{distributed = true} for mlp and cnn, dl.distributed.DataParallel
--     in a hand-written loop for lstm; alone, with size() = 1, the same code trains one
--     process on batch B), and rank 0 saves the flat parameters and the overlap to OUT;
--     short: 5 rows fewer, so that the last global batch splits unevenly between ranks
--   distributed_driver.lua collectives OUT    every collective, results to OUT per rank
--   distributed_driver.lua fail RANK          RANK raises after a first allreduce
--   distributed_driver.lua mismatch           rank 1 builds a larger model
--   distributed_driver.lua truncate           a broadcast whose sizes differ (2 ranks)
--   distributed_driver.lua fit DIR [resume]   dl.fit{distributed = true} for 2 epochs with
--     validation and checkpoints in DIR; each rank saves its history to DIR/history.RANK
require 'nn'
require 'optim'
local dl = require 'dl'
local dist = require 'dl.distributed'

local mode = arg[1]
local rank, size = dist.init()

local function models(name)
  torch.manualSeed(1234 + rank) -- different on every rank: DataParallel broadcasts rank 0's
  if name == 'mlp' then
    return nn.Sequential():add(nn.Linear(12, 16)):add(nn.Tanh()):add(nn.Linear(16, 3)),
      nn.CrossEntropyCriterion()
  elseif name == 'cnn' then
    return nn.Sequential()
      :add(nn.SpatialConvolution(1, 4, 3, 3, 1, 1, 1, 1)):add(nn.ReLU())
      :add(nn.SpatialMaxPooling(2, 2, 2, 2))
      :add(nn.View(-1):setNumInputDims(3))
      :add(nn.Linear(4 * 4 * 4, 3)), nn.CrossEntropyCriterion()
  else
    return nn.Sequential()
      :add(nn.LookupTable(7, 5))
      :add(nn.SeqLSTM(5, 6))
      :add(nn.View(-1, 6))
      :add(nn.Linear(6, 7)), nn.CrossEntropyCriterion()
  end
end

if mode == 'train' then
  local name, B, steps, out = arg[2], tonumber(arg[3]), tonumber(arg[4]), arg[5]
  local ddp_opts = tonumber(arg[6]) and {bucketBytes = tonumber(arg[6])} or true
  local model, crit = models(name)
  local gen = torch.Generator()
  torch.manualSeed(gen, 99)
  local res = {}
  if name == 'lstm' then
    -- the global batch is size x B streams of 4 steps; rank r trains its B columns
    local T = 4
    local data = torch.LongTensor(steps, T + 1, 64):random(gen, 1, 7)
    local ddp = dist.DataParallel(model, type(ddp_opts) == 'table' and ddp_opts or nil)
    local params, grads = ddp.params, ddp.grads
    local cfg = {learningRate = 0.05}
    for s = 1, steps do
      local cols = data[s]:narrow(2, rank * B + 1, B)
      local x, y = cols:narrow(1, 1, T), cols:narrow(1, 2, T):reshape(T * B)
      optim.sgd(function()
        grads:zero()
        local o = ddp:forward(x)
        local loss = crit:forward(o, y)
        ddp:backward(x, crit:backward(o, y))
        return loss, grads
      end, params, cfg)
    end
    res.params, res.overlap = params:clone(), ddp:overlap()
  else
    local n = B * size * steps - (arg[7] == 'short' and 5 or 0)
    local X = name == 'mlp' and torch.Tensor(n, 12):normal(gen, 0, 1)
      or torch.Tensor(n, 1, 8, 8):normal(gen, 0, 1)
    local y = torch.LongTensor(n):random(gen, 1, 3)
    dl.fit(model, crit, optim.adam, X, y, {epochs = 1, batchSize = B, verbose = false, seed = 5,
      config = {learningRate = 0.01}, distributed = ddp_opts})
    res.params = model:getParameters():clone()
  end
  if rank == 0 then torch.save(out, res) end
elseif mode == 'collectives' then
  local out = {}
  for _, tp in ipairs({'Float', 'Double', 'Long', 'Int', 'Byte'}) do
    local t = torch[tp .. 'Tensor'](3):fill(rank + 1)
    t[2] = (rank + 1) * 10
    local s = dist.allreduce(t:clone())
    local mx = dist.allreduce(t:clone(), 'max')
    local mn = dist.allreduce(t:clone(), 'min')
    out[tp] = {sum = s:totable(), max = mx:totable(), min = mn:totable()}
  end
  out.mean = dist.allreduce(torch.DoubleTensor({rank, 2 * rank}), 'mean'):totable()
  local b = torch.FloatTensor(2, 2):fill(rank + 5)
  out.bcast = dist.broadcast(b, size - 1):view(-1):totable()
  local nc = torch.DoubleTensor(2, 3):fill(rank + 1):t() -- not contiguous
  out.noncontig = dist.allreduce(nc):totable()
  out.reduce = dist.reduce(torch.DoubleTensor({rank + 1}), 0):totable()
  out.gather = dist.allgather(torch.IntTensor({rank, rank * rank})):totable()
  out.half = dist.broadcast(torch.HalfTensor(2):fill(rank + 0.5), 0):float():totable()
  local h = dist.iallreduce(torch.FloatTensor(1000):fill(rank + 1), 'mean')
  local t0 = h:test() -- may or may not be done: the value is checked after wait
  out.imean = h:wait()[1000]
  out.itest = type(t0)
  out.ibcast = dist.ibroadcast(torch.LongTensor({rank + 7}), 1):wait()[1]
  out.ireduce = dist.ireduce(torch.DoubleTensor({rank + 1}), 0, 'max'):wait()[1]
  out.igather = dist.iallgather(torch.FloatTensor({rank})):wait():view(-1):totable()
  out.errors = {}
  for _, f in ipairs({
    function() dist.allreduce(torch.FloatTensor(2), 'median') end,
    function() dist.allreduce(torch.LongTensor(2), 'mean') end,
    function() dist.allreduce(torch.HalfTensor(2)) end,
    function() dist.broadcast(torch.FloatTensor(2), size) end,
    function() dist.iallreduce(torch.DoubleTensor(2, 3):t()) end,
    function() dist.allreduce('x') end,
  }) do
    local ok, err = pcall(f)
    out.errors[#out.errors + 1] = ok and 'no error' or err
  end
  do -- a handle dropped in flight: its tensor's storage stays alive until it completes
    local big = torch.FloatTensor(1 << 18):fill(1)
    dist.iallreduce(big)
  end
  collectgarbage(); collectgarbage()
  out.after_orphan = dist.allreduce(torch.LongTensor({1}))[1]
  do -- DataParallel after a backward of its own: the gradients' mean, the buffers rank 0's
    local m = nn.Sequential():add(nn.Linear(3, 2)):add(nn.BatchNormalization(2))
    m.modules[2].running_mean:fill(rank + 1)
    local dp = dist.DataParallel(m, {bucketBytes = 8})
    dp.grads:fill(rank + 1)
    dp:allreduceGradients()
    out.dp_grads = {dp.grads:min(), dp.grads:max(), dp.overlap and dp:overlap().buckets}
    out.dp_params = dp.params:sum() -- rank 0's on every rank
    out.dp_running = m.modules[2].running_mean:totable()
  end
  out.rank, out.size = rank, size
  dist.barrier()
  torch.save(arg[2] .. '.' .. rank, out)
elseif mode == 'fail' then
  dist.allreduce(torch.FloatTensor(1):fill(1))
  if rank == tonumber(arg[2]) then error('rank ' .. rank .. ' gives up') end
  dist.allreduce(torch.FloatTensor(1):fill(1)) -- the others wait here: aborted, not hung
  dist.barrier()
elseif mode == 'truncate' then -- MPI's own error: 2 ranks, root sends 4 elements, rank 1 expects 2
  local ok, err = pcall(dist.broadcast, torch.FloatTensor(rank == 0 and 4 or 2):fill(1), 0)
  io.write(('rank %d: %s\n'):format(rank, ok and 'no error' or err))
  dist.barrier()
elseif mode == 'mismatch' then
  local m = nn.Sequential():add(nn.Linear(4, rank == 1 and 3 or 2))
  dist.DataParallel(m)
elseif mode == 'fit' then
  local dir = arg[2]
  os.execute(('mkdir -p %q'):format(dir)) -- rank 0's checkpoints make it too, maybe later
  local model, crit = models('mlp')
  local gen = torch.Generator()
  torch.manualSeed(gen, 3)
  local X, y = torch.Tensor(48, 12):normal(gen, 0, 1), torch.LongTensor(48):random(gen, 1, 3)
  local lines = {}
  local out = {write = function(_, ...) for _, v in ipairs({...}) do lines[#lines + 1] = v end end,
    flush = function() end}
  local h = dl.fit(model, crit, optim.adam, X, y, {epochs = 2, batchSize = 4, validation = 0.25,
    out = out, distributed = true, checkpoint = {dir = dir}, resume = arg[3]})
  h.printed = table.concat(lines)
  torch.save(dir .. '/history.' .. rank, h)
end
