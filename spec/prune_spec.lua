-- dl.prune: unstructured masks that hold through optimizer steps (momentum, weight decay,
-- Adam's moments built before pruning), and structured pruning that removes units and
-- shrinks what reads them, checked against the masked model it must equal.
require 'nn'
require 'dl'
require 'optim'

local function err_of(f)
  local ok, err = pcall(f)
  assert.is_false(ok)
  return tostring(err)
end

-- one training step of model on (x, y) through optimizer, with params/grads flattened
local function stepper(model, x, y)
  local crit = nn.CrossEntropyCriterion():type(model.output:type())
  local params, grads = model:getParameters()
  local function feval()
    grads:zero()
    local out = model:forward(x)
    local loss = crit:forward(out, y)
    model:backward(x, crit:backward(out, y))
    return loss, grads
  end
  return function(optimizer, config, state) optimizer(feval, params, config, state) end
end

local function mlp()
  return nn.Sequential():add(nn.Linear(6, 10)):add(nn.ReLU()):add(nn.Linear(10, 8))
    :add(nn.Tanh()):add(nn.Linear(8, 3))
end

-- every masked weight is exactly 0 and the mask covers `amount` of each layer
local function check_masks(model, amount)
  for _, m in ipairs(model:findModules('nn.Linear')) do
    local n = m.weight:nElement()
    assert.are.equal(n - math.floor(amount * n + 0.5), m.weightMask:sum())
    assert.are.equal(0, m.weight[m.weightMask:eq(0)]:abs():sum())
  end
end

describe('dl.prune unstructured', function()
  it('zeroes the smallest magnitudes of each layer', function()
    torch.manualSeed(3)
    local model = mlp()
    local before = model:get(1).weight:clone()
    dl.prune(model, {amount = 0.4})
    check_masks(model, 0.4)
    local m = model:get(1)
    local pruned = before[m.weightMask:eq(0)]:abs()
    local kept = before[m.weightMask:eq(1)]:abs()
    assert.are.equal(24, pruned:nElement()) -- 0.4 of 60
    assert.is_true(pruned:max() <= kept:min())
    assert.are.equal(0, (m.weight[m.weightMask:eq(1)] - before[m.weightMask:eq(1)]):abs():max())
    local frac, zeros, total = dl.prune.sparsity(model)
    assert.are.equal(60 + 80 + 24, total)
    assert.are.equal(24 + 32 + 10, zeros)
    assert.is_true(math.abs(frac - 66 / 164) < 1e-12)
    -- pruning again keeps the pruned weights pruned and adds to them
    dl.prune(model, {amount = 0.6})
    check_masks(model, 0.6)
    assert.are.equal(0, m.weight[before:abs():le(pruned:max())]:abs():sum())
  end)

  for _, case in ipairs({
    {'optim.sgd with momentum and weight decay', 'sgd', {learningRate = 0.1, momentum = 0.9, weightDecay = 0.01}},
    {'optim.sgd with Nesterov momentum', 'sgd', {learningRate = 0.1, momentum = 0.9, dampening = 0, nesterov = true}},
    {'optim.adam', 'adam', {learningRate = 0.01}},
    {'optim.adamw', 'adamw', {learningRate = 0.01, weightDecay = 0.1}},
  }) do
    it('keeps masked weights at 0 through ' .. case[1] .. ' whose state predates pruning', function()
      torch.manualSeed(5)
      local model = mlp()
      local x, y = torch.randn(16, 6), torch.LongTensor(16):random(1, 3)
      local step = stepper(model, x, y)
      local state = {}
      for _ = 1, 5 do step(optim[case[2]], case[3], state) end -- momentum / moments build up
      dl.prune(model, {amount = 0.5})
      local kept = model:get(1).weight:clone()
      for _ = 1, 5 do
        step(optim[case[2]], case[3], state)
        check_masks(model, 0.5)
      end
      -- the kept weights did train
      local m = model:get(1)
      assert.is_true((m.weight - kept)[m.weightMask:eq(1)]:abs():max() > 1e-4)
      -- the gradients the optimizer saw were masked too
      assert.are.equal(0, m.gradWeight[m.weightMask:eq(0)]:abs():sum())
    end)
  end

  it('without the mask, momentum from before pruning moves pruned weights (the case the mask covers)', function()
    torch.manualSeed(5)
    local model = mlp()
    local x, y = torch.randn(16, 6), torch.LongTensor(16):random(1, 3)
    local step = stepper(model, x, y)
    local state, config = {}, {learningRate = 0.1, momentum = 0.9}
    for _ = 1, 5 do step(optim.sgd, config, state) end
    dl.prune(model, {amount = 0.5})
    dl.prune.remove(model)
    local zero = model:get(1).weight:eq(0)
    step(optim.sgd, config, state)
    assert.is_true(model:get(1).weight[zero]:abs():max() > 0)
  end)

  it('keeps masked weights at 0 through dl.fit, and after torch.load with reapply', function()
    torch.manualSeed(7)
    local model = mlp()
    local x, y = torch.randn(64, 6), torch.LongTensor(64):random(1, 3)
    dl.prune(model, {amount = 0.5})
    dl.fit(model, nn.CrossEntropyCriterion(), optim.adam, x, y,
           {epochs = 2, batchSize = 16, config = {learningRate = 0.01}, verbose = false, progress = false})
    check_masks(model, 0.5)
    local file = os.tmpname()
    torch.save(file, model)
    local back = torch.load(file)
    os.remove(file)
    check_masks(back, 0.5)
    dl.prune.reapply(back)
    local step = stepper(back, x:narrow(1, 1, 16), y:narrow(1, 1, 16))
    local state = {}
    for _ = 1, 3 do step(optim.sgd, {learningRate = 0.1, momentum = 0.9, weightDecay = 0.1}, state) end
    check_masks(back, 0.5)
    -- a step function taken before optim was wrapped gets the masks through dl.prune.step
    assert.are.equal(dl.prune.step(optim.sgd), optim.sgd)
    -- the optimizer's own errors still name the script's line
    local e = err_of(function() optim.sgd(function() return 0, torch.zeros(2) end, torch.zeros(2),
                                          {nesterov = true}) end)
    assert.matches('^[^\n]*prune_spec.lua:%d+: optim.sgd: Nesterov momentum requires', e)
  end)

  it('adds no allocation to a step (no closure, no table per step)', function()
    local model = mlp()
    dl.prune(model, {amount = 0.5})
    local params, grads = model:getParameters()
    grads:fill(0.01)
    local function feval() return 0, grads end
    local config, state = {learningRate = 0.1}, {}
    local wrapped = optim.sgd
    -- the Lua heap grown by n steps, with the collector stopped
    local function growth(step, n)
      step(feval, params, config, state) -- state made on the first step
      collectgarbage('collect')
      collectgarbage('stop')
      local before = collectgarbage('count')
      for _ = 1, n do step(feval, params, config, state) end
      local kb = collectgarbage('count') - before
      collectgarbage('restart')
      return kb
    end
    -- the wrapper's cost: a step through it against the same sgd unwrapped (its upvalue)
    local inner
    for i = 1, debug.getinfo(wrapped, 'u').nups do
      local name, v = debug.getupvalue(wrapped, i)
      if name == 'optimizer' then inner = v end
    end
    assert.is_function(inner)
    local extra = growth(wrapped, 200) - growth(inner, 200)
    assert.is_true(extra < 2, ('%.1f kB more over 200 steps'):format(extra))
    check_masks(model, 0.5)
  end)
end)

-- Units of a producer that structured pruning removes, computed here again: the
-- round(amount * n) of smallest L2 weight norm (the lower index kept on ties).
local function removed_units(weight, amount)
  local n = weight:size(1)
  local norms = {}
  for i = 1, n do norms[i] = {weight[i]:norm(), i} end
  table.sort(norms, function(a, b) return a[1] < b[1] or (a[1] == b[1] and a[2] > b[2]) end)
  local out = {}
  for i = 1, math.floor(amount * n + 0.5) do out[#out + 1] = norms[i][2] end
  return out
end

local function cnn()
  local block = nn.Sequential()
    :add(nn.SpatialConvolution(2, 6, 3, 3, 1, 1, 1, 1))
    :add(nn.SpatialBatchNormalization(6))
    :add(nn.ReLU())
    :add(nn.SpatialMaxPooling(2, 2, 2, 2))
  return nn.Sequential()
    :add(block)                                            -- 6 x 5 x 5
    :add(nn.SpatialConvolutionMM(6, 8, 3, 3, 1, 1, 1, 1))  -- 8 x 5 x 5
    :add(nn.ReLU())
    :add(nn.View(-1):setNumInputDims(3))                   -- 200
    :add(nn.Linear(200, 12))
    :add(nn.BatchNormalization(12))
    :add(nn.Tanh())
    :add(nn.Linear(12, 4))
end

describe('dl.prune structured', function()
  it('equals the masked model: removed units read as zeros by the next layer', function()
    torch.manualSeed(11)
    local model = cnn():double()
    for _, bn in ipairs(model:findModules('nn.SpatialBatchNormalization')) do
      bn.running_mean:uniform(-0.5, 0.5); bn.running_var:uniform(0.5, 2); bn.weight:uniform(0.5, 1.5); bn.bias:uniform(-0.3, 0.3)
    end
    for _, bn in ipairs(model:findModules('nn.BatchNormalization')) do
      bn.running_mean:uniform(-0.5, 0.5); bn.running_var:uniform(0.5, 2); bn.weight:uniform(0.5, 1.5); bn.bias:uniform(-0.3, 0.3)
    end
    model:evaluate()
    local masked = model:clone()
    local conv1, conv2, fc1, fc2 = masked:get(1):get(1), masked:get(2), masked:get(5), masked:get(8)
    -- the masked model: the next layer's inputs of the removed units are zeroed, layer
    -- after layer (a layer's unit norms are those of the inputs that remain)
    local r1 = removed_units(conv1.weight, 0.5)
    for _, c in ipairs(r1) do conv2.weight:select(2, c):zero() end
    local r2 = removed_units(conv2.weight:view(8, -1), 0.5)
    for _, c in ipairs(r2) do fc1.weight:narrow(2, (c - 1) * 25 + 1, 25):zero() end
    local r3 = removed_units(fc1.weight, 0.5)
    for _, c in ipairs(r3) do fc2.weight:select(2, c):zero() end

    local x = torch.randn(5, 2, 10, 10)
    local want = masked:forward(x):clone()
    local before = #torch.serialize(model:clone():clearState())
    dl.prune(model, {amount = 0.5, structured = true})
    assert.are.equal(3, model:get(1):get(1).nOutputPlane)
    assert.are.equal(3, model:get(2).nInputPlane)
    assert.are.same({3, 2, 3, 3}, model:get(1):get(1).weight:size():totable())
    assert.are.same({4, 3, 3, 3}, model:get(2).weight:size():totable())
    assert.are.same({6, 100}, model:get(5).weight:size():totable())
    assert.are.same({4, 6}, model:get(8).weight:size():totable())
    assert.are.equal(6, model:get(6).running_mean:nElement())
    local got = model:forward(x)
    assert.is_true((got - want):abs():max() < 1e-10)
    -- the kept units give the masked model's values
    local kept = {}
    local gone = {}
    for _, c in ipairs(r1) do gone[c] = true end
    for c = 1, 6 do if not gone[c] then kept[#kept + 1] = c end end
    local inner = model:get(1).output
    local ref = masked:get(1).output:index(2, torch.LongTensor(kept))
    assert.is_true((inner - ref):abs():max() < 1e-12)
    -- smaller on disk
    local after = #torch.serialize(model:clearState())
    assert.is_true(after < before * 0.6, ('%d bytes, from %d'):format(after, before))
    -- also after getParameters flattened the parameters into one storage
    local flat = cnn()
    flat:getParameters()
    local size = #torch.serialize(flat:clone():clearState())
    dl.prune(flat, {amount = 0.5, structured = true})
    assert.is_true(#torch.serialize(flat:clearState()) < size * 0.6)
    -- and it still trains
    model:training()
    local step = stepper(model, x, torch.LongTensor(5):random(1, 4))
    step(optim.sgd, {learningRate = 0.01}, {})
  end)

  it('shrinks a View of the flattened size, a Reshape, and Linear after Linear', function()
    torch.manualSeed(12)
    local model = nn.Sequential()
      :add(nn.SpatialConvolution(1, 4, 3, 3)):add(nn.ReLU())   -- 4 x 2 x 2
      :add(nn.View(16)):add(nn.Linear(16, 6)):add(nn.ReLU())
      :add(nn.Reshape(6)):add(nn.Linear(6, 2))
    local x = torch.randn(3, 1, 4, 4)
    model:forward(x)
    dl.prune(model, {amount = 0.25, structured = true})
    assert.are.same({12}, model:get(3).size)
    assert.are.same({4, 12}, model:get(4).weight:size():totable())
    assert.are.equal(4, model:get(6).nelement)
    assert.are.same({2, 4}, model:get(7).weight:size():totable())
    assert.are.same({3, 2}, {model:forward(x):size(1), model:forward(x):size(2)})
  end)

  it('leaves the output layer whole and prunes unstructured masks along', function()
    local model = mlp()
    dl.prune(model, {amount = 0.5})
    dl.prune(model, {amount = 0.5, structured = true})
    assert.are.same({5, 6}, model:get(1).weight:size():totable())
    assert.are.same({5, 6}, model:get(1).weightMask:size():totable())
    assert.are.same({3, 4}, model:get(5).weight:size():totable())
    assert.are.same({3, 4}, model:get(5).weightMask:size():totable())
  end)

  it('refuses what it cannot shrink safely, at the caller\'s line, leaving the model whole', function()
    local lin = nn.Linear(4, 4)
    local residual = nn.Sequential():add(nn.Linear(4, 4))
      :add(nn.ConcatTable():add(nn.Identity()):add(nn.Linear(4, 4))):add(nn.CAddTable()):add(nn.Linear(4, 2))
    local e = err_of(function() dl.prune(residual, {structured = true}) end)
    assert.matches('prune_spec.lua:%d+: dl.prune: cannot shrink the outputs of nn.Linear %(nn.Sequential.1%): '
                   .. 'they go through nn.ConcatTable %(nn.Sequential.2%), a container other than nn.Sequential %(a branch, or a residual add%)', e)
    assert.are.same({4, 4}, residual:get(1).weight:size():totable())
    e = err_of(function() dl.prune(nn.Sequential():add(lin):add(nn.ReLU()):add(lin), {structured = true}) end)
    assert.matches('dl.prune: nn.Linear %(nn.Sequential.3%) appears twice in the model: a shared module cannot be pruned', e)
    local tied = nn.Linear(4, 4)
    e = err_of(function()
      dl.prune(nn.Sequential():add(tied):add(tied:clone('weight', 'bias')), {amount = 0.5})
    end)
    assert.matches('dl.prune: nn.Linear %(nn.Sequential.2%) shares its weight with nn.Linear %(nn.Sequential.1%)', e)
    e = err_of(function()
      dl.prune(nn.Sequential():add(nn.Linear(4, 4)):add(nn.Normalize(2)):add(nn.Linear(4, 2)), {structured = true})
    end)
    assert.matches('they go through nn.Normalize %(nn.Sequential.2%), a module whose effect on units dl.prune does not know', e)
    e = err_of(function()
      dl.prune(nn.Sequential():add(nn.SpatialConvolution(1, 2, 1, 1)):add(nn.View(2, 4)):add(nn.Linear(8, 2)), {structured = true})
    end)
    assert.matches('nn.View %(nn.Sequential.2%) has sizes it would keep after pruning', e)
    assert.matches('amount must be a number in %[0, 1%), got 1', err_of(function() dl.prune(mlp(), {amount = 1}) end))
    assert.matches('expected an nn module, got table', err_of(function() dl.prune({}) end))
    assert.matches('has no nn.Linear or nn.SpatialConvolution to prune', err_of(function() dl.prune(nn.ReLU()) end))
  end)
end)
