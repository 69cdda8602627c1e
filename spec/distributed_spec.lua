-- dl.distributed over Open MPI: 2 and 3 ranks on this host (`dlua --np N`, oversubscribed),
-- each run under timeout(1), so that a hang fails the spec instead of stalling the suite.
-- The rank program is spec/distributed_driver.lua.
require 'torch'
local DLUA = os.getenv('DLUA') or './dlua'
local DRIVER = 'spec/distributed_driver.lua'

local tmp = os.tmpname()
os.remove(tmp)
os.execute(('mkdir -p %q'):format(tmp))

-- Runs a shell command; returns its output (stdout and stderr) and exit code.
local function sh(cmd)
  local p = io.popen('(' .. cmd .. ') 2>&1 < /dev/null')
  local out = p:read('a')
  local _, _, code = p:close()
  return out, code
end

-- The driver on np ranks (np = nil: alone, without mpirun), limited to 60 s.
local function driver(np, ...)
  local args = {}
  for i, a in ipairs({...}) do args[i] = ('%q'):format(tostring(a)) end
  local launch = np and ('--np %d '):format(np) or ''
  return sh(('timeout 60 %s %s%s %s'):format(DLUA, launch, DRIVER, table.concat(args, ' ')))
end

-- The line of the driver holding text: where its errors are reported.
local function line_of(text)
  local n = 0
  for line in io.lines(DRIVER) do
    n = n + 1
    if line:find(text, 1, true) then return n end
  end
  error('no line holds ' .. text)
end

local function maxdiff(a, b) return (a - b):abs():max() end

describe('dl.distributed', function()
  teardown(function() os.execute(('rm -rf %q'):format(tmp)) end)

  -- N ranks with batch B per rank against 1 rank with batch N x B, same seed: the
  -- parameters after K steps agree to float64 rounding (the sums run in another order),
  -- while 1 rank with batch B (no averaging) is far off.
  local function same_trajectory(model, np, steps, bucket, short)
    local B = 4
    local outN, code = driver(np, 'train', model, B, steps, tmp .. '/' .. model .. np, bucket or '', short)
    assert.are.equal(0, code, outN)
    local out1, code1 = driver(nil, 'train', model, B * np, steps, tmp .. '/' .. model .. '1', '', short)
    assert.are.equal(0, code1, out1)
    local outB = driver(nil, 'train', model, B, steps, tmp .. '/' .. model .. 'B', '', short)
    local rN = torch.load(tmp .. '/' .. model .. np)
    local r1 = torch.load(tmp .. '/' .. model .. '1')
    local rB = torch.load(tmp .. '/' .. model .. 'B')
    assert.is_true(maxdiff(rN.params, r1.params) < 1e-10, tostring(maxdiff(rN.params, r1.params)))
    assert.is_true(maxdiff(rB.params, r1.params) > 1e-4)
    return rN
  end

  it('2 ranks x batch 4 train the MLP as 1 rank x batch 8 (dl.fit)', function()
    same_trajectory('mlp', 2, 5)
  end)

  it('3 ranks x batch 4 train the MLP as 1 rank x batch 12 (dl.fit, one bucket per module, '
    .. 'a last batch of 7 rows split 2 + 2 + 3)', function()
    same_trajectory('mlp', 3, 4, 64, 'short')
  end)

  it('2 ranks train the CNN as 1 rank with the double batch (dl.fit)', function()
    same_trajectory('cnn', 2, 4)
  end)

  it('2 ranks train the char LSTM as 1 rank (DataParallel, buckets overlapping backward)', function()
    local r = same_trajectory('lstm', 2, 5, 200)
    -- LookupTable, SeqLSTM and Linear in buckets of ~200 bytes: three, started in backward
    assert.are.equal(3, r.overlap.buckets)
    assert.are.equal(5, r.overlap.steps)
    assert.is_true(r.overlap.completedEarly >= 0 and r.overlap.completedEarly <= 1)
  end)

  it('gives every collective the MPI result on every rank, for every type', function()
    local out, code = driver(3, 'collectives', tmp .. '/coll')
    assert.are.equal(0, code, out)
    for rank = 0, 2 do
      local r = torch.load(tmp .. '/coll.' .. rank)
      assert.are.same({rank, 3}, {r.rank, r.size})
      for _, tp in ipairs({'Float', 'Double', 'Long', 'Int', 'Byte'}) do
        assert.are.same({sum = {6, 60, 6}, max = {3, 30, 3}, min = {1, 10, 1}}, r[tp])
      end
      assert.are.same({1, 2}, r.mean)                  -- (0 + 1 + 2) / 3, (0 + 2 + 4) / 3
      assert.are.same({7, 7, 7, 7}, r.bcast)           -- from root 2: 2 + 5
      assert.are.same({{6, 6}, {6, 6}, {6, 6}}, r.noncontig)
      assert.are.same({rank == 0 and 6 or rank + 1}, r.reduce) -- defined at the root only
      assert.are.same({{0, 0}, {1, 1}, {2, 4}}, r.gather)
      assert.are.same({0.5, 0.5}, r.half)              -- Half is sent as it is
      assert.are.equal(2, r.imean)
      assert.are.equal('boolean', r.itest)
      assert.are.equal(8, r.ibcast)                    -- root 1: 1 + 7
      assert.are.equal(rank == 0 and 3 or rank + 1, r.ireduce)
      assert.are.same({0, 1, 2}, r.igather)
      assert.are.equal(3, r.after_orphan)
      assert.are.same({2, 2, 2}, r.dp_grads) -- (1 + 2 + 3) / 3, in 2 buckets: BatchNorm, Linear
      assert.are.same({1, 1}, r.dp_running)
      local r0 = torch.load(tmp .. '/coll.0')
      assert.are.equal(r0.dp_params, r.dp_params)
      local first = line_of("'median'")
      local at = function(k) return ('spec/distributed_driver.lua:%d: dl.distributed.'):format(first + k) end
      assert.are.same({
        at(0) .. "allreduce: unknown operation 'median' (sum, mean, max or min)",
        at(1) .. "allreduce: 'mean' needs a Float or Double tensor (use 'sum')",
        at(2) .. 'allreduce: Half tensors can be broadcast and gathered, not reduced',
        at(3) .. 'broadcast: root 3 out of range [0, 2]',
        at(4) .. 'iallreduce: argument 1 must be a contiguous tensor',
        at(5) .. 'allreduce: expected a tensor, got string',
      }, r.errors)
    end
  end)

  it("raises MPI's own message when an MPI call fails", function()
    local out, code = driver(2, 'truncate')
    assert.are.equal(0, code, out)
    assert.truthy(out:find('rank 0: no error\n', 1, true), out)
    assert.truthy(out:find(('rank 1: spec/distributed_driver.lua:%d: dl.distributed.broadcast: '
      .. 'MPI_Bcast failed: MPI_ERR_TRUNCATE: message truncated\n'):format(line_of('pcall(dist.broadcast')),
      1, true), out)
  end)

  it('stops every rank with the message when one rank raises an error', function()
    local out, code = driver(3, 'fail', 1)
    assert.are_not.equal(0, code)
    assert.are_not.equal(124, code) -- timeout(1)'s status: a hang
    local at = ('spec/distributed_driver.lua:%d: '):format(line_of('gives up'))
    assert.truthy(out:find(at .. 'rank 1 gives up', 1, true), out)
    -- (Open MPI's own "MPI_ABORT was invoked on rank 1" notice follows, but it sometimes
    -- loses it: "ORTE_ERROR_LOG: Out of resource in file .../show_help.c")
  end)

  it('refuses ranks whose models differ in parameter count, naming both sizes', function()
    local out, code = driver(2, 'mismatch')
    assert.are_not.equal(0, code)
    assert.are_not.equal(124, code)
    -- whichever rank reports first (its abort ends the other)
    local at = ('spec/distributed_driver.lua:%d: dl.distributed.DataParallel: '):format(
      line_of('  dist.DataParallel(m)'))
    local m1 = at .. 'rank 1 has 15 parameters but rank 0 has 10 (every rank must build the same model)'
    local m0 = at .. 'rank 0 has 10 parameters but rank 1 has 15 (every rank must build the same model)'
    assert.truthy(out:find(m1, 1, true) or out:find(m0, 1, true), out)
  end)

  it('dl.fit{distributed = true}: global figures on every rank, rank 0 alone prints and saves, resumes', function()
    local dir = tmp .. '/fit'
    local out, code = driver(2, 'fit', dir)
    assert.are.equal(0, code, out)
    local h0, h1 = torch.load(dir .. '/history.0'), torch.load(dir .. '/history.1')
    for _, k in ipairs({'loss', 'accuracy', 'val_loss', 'val_accuracy'}) do
      assert.are.equal(2, #h0[k])
      assert.are.same(h0[k], h1[k]) -- reduced over the ranks, not each rank's own
    end
    assert.truthy(h0.printed:find('Epoch 2/2', 1, true))
    assert.are.equal('', h1.printed)
    assert.truthy(io.open(dir .. '/epoch-0002.t7')):close()
    -- resumed from epoch 1 on 2 ranks, epoch 2 comes out as in the uninterrupted run
    local dir2 = tmp .. '/fit2'
    out, code = driver(2, 'fit', dir2, dir .. '/epoch-0001.t7')
    assert.are.equal(0, code, out)
    local r0 = torch.load(dir2 .. '/history.0')
    for _, k in ipairs({'loss', 'accuracy', 'val_loss', 'val_accuracy'}) do
      assert.are.same(h0[k], r0[k])
    end
    -- a checkpoint of 2 ranks resumes with 2 ranks only
    out, code = driver(nil, 'fit', dir, dir .. '/last.t7')
    assert.are_not.equal(0, code)
    assert.truthy(out:find('fit: the checkpoint was written by 2 ranks, this run has 1', 1, true), out)
  end)

  it('says what is missing when mpirun is not on PATH', function()
    local out, code = sh(('PATH=%s/none %s --np 2 %s fail 0'):format(tmp, DLUA, DRIVER))
    assert.are.equal(1, code)
    assert.truthy(out:find("--np needs Open MPI's mpirun, which could not be run (No such file or "
      .. 'directory); install Open MPI (Debian: apt-get install openmpi-bin libopenmpi-dev', 1, true), out)
    out, code = sh(DLUA .. ' --np x ' .. DRIVER)
    assert.are.equal(1, code)
    assert.truthy(out:find('usage: dlua --np N script.lua [args]', 1, true), out)
  end)

  it('keeps Open MPI out of ./dlua and torch/core.so; without dl/mpi.so the rest works', function()
    local build = DLUA:match('^(.*)/[^/]*$') or '.'
    local needed = function(f) return (sh('readelf -d ' .. f .. ' | grep NEEDED')) end
    assert.falsy(needed(DLUA):find('libmpi', 1, true))
    assert.falsy(needed(build .. '/lua/torch/core.so'):find('libmpi', 1, true))
    assert.truthy(needed(build .. '/lua/dl/mpi.so'):find('libmpi', 1, true))
    -- a C module folder with the torch core alone: torch and nn work, dl.distributed says why not
    os.execute(('mkdir -p %q/cmod/torch && cp %s/lua/torch/core.so %q/cmod/torch/'):format(tmp, build, tmp))
    local out = sh(('LUA_CPATH=%q lua5.4 -e %q'):format(tmp .. '/cmod/?.so',
      "package.path = './lua/?.lua;./lua/?/init.lua;' .. package.path; require 'nn'; "
      .. "print(nn.Linear(2, 3):forward(torch.ones(2)):size(1)); "
      .. "print(select(2, pcall(require, 'dl.distributed')))"))
    assert.truthy(out:find('^3\n'), out)
    -- under lua5.4, dl/mpi.so finds the tensor functions in the torch/core.so loaded
    local out2 = sh(('LUA_CPATH=%q lua5.4 -e %q'):format(build .. '/lua/?.so',
      "package.path = './lua/?.lua;./lua/?/init.lua;' .. package.path; require 'torch'; "
      .. "local d = require 'dl.distributed'; print(d.init()); "
      .. "print(d.allreduce(torch.FloatTensor({2, 3}), 'max'):sum())"))
    assert.are.equal('0\t1\n5.0\n', out2)
    assert.truthy(out:find('dl.distributed: cannot load the MPI module dl/mpi.so (', 1, true), out)
    assert.truthy(out:find('It needs Open MPI: install it (Debian: apt-get install openmpi-bin '
      .. 'libopenmpi-dev, or make deps) and rebuild dlua', 1, true), out)
  end)
end)
