-- The C API through examples/c/infer (built by make beside ./dlua): a CNN trained here
-- briefly and saved by torch.save classifies Fashion-MNIST test images in C with the same
-- predictions as dlua's own forward, with one session or two threads of their own; a
-- truncated or corrupted file fails with a message. tests/test_capi.c checks the API call
-- by call (values, every error path, threads).
require 'nn'
require 'dl'
require 'optim'

local build = (os.getenv('DLUA') or './build/dlua'):match('^(.*)/[^/]*$') or '.'
local infer = build .. '/examples/infer'
local data = '/usr/share/datasets/fashion-mnist'
local COUNT = 300

local function run(cmd)
  local p = io.popen(cmd .. ' 2>&1 < /dev/null')
  local out = p:read('a')
  local ok, _, code = p:close()
  return out, ok and 0 or code
end

local function read_lines(path)
  local t = {}
  for l in io.lines(path) do t[#t + 1] = tonumber(l) end
  return t
end

describe('the C API (examples/c/infer)', function()
  local dir, model_file, want, accuracy

  setup(function()
    dir = os.tmpname()
    os.remove(dir)
    os.execute('mkdir -p ' .. dir)
    model_file = dir .. '/cnn.t7'
    torch.manualSeed(1)
    torch.setdefaulttensortype('torch.FloatTensor')
    local train, test = dl.datasets.fashionMNIST(data)
    local models = dofile('scripts/fmnist_models.lua')
    local model = models.cnn(10)
    dl.fit(model, nn.CrossEntropyCriterion(), optim.adam, train.x:narrow(1, 1, 600),
           train.y:narrow(1, 1, 600), {epochs = 1, batchSize = 50, config = {learningRate = 2e-3},
           verbose = false, progress = false})
    model:evaluate()
    torch.save(model_file, model:clearState())
    -- dlua's own predictions on the images infer reads
    local x, y = test.x:narrow(1, 1, COUNT), test.y:narrow(1, 1, COUNT)
    local _, pred = model:forward(x):max(2)
    want, accuracy = {}, 0
    for i = 1, COUNT do
      want[i] = pred[i][1]
      if want[i] == y[i] then accuracy = accuracy + 1 end
    end
    accuracy = accuracy / COUNT
    torch.setdefaulttensortype('torch.DoubleTensor')
  end)

  teardown(function() os.execute('rm -rf ' .. dir) end)

  it('classifies as dlua does, with one session and with two threads', function()
    assert.is_true(accuracy > 0.5, 'the briefly trained CNN reaches ' .. accuracy)
    for _, args in ipairs({'--batch 64', '--threads 2 --batch 25'}) do
      local preds = dir .. '/pred.txt'
      local out, code = run(('%s %s --count %d %s --predictions %s'):format(infer, model_file, COUNT, args, preds))
      assert.are.equal(0, code, out)
      assert.matches(('nn.Sequential: %d test images, accuracy %.4f'):format(COUNT, accuracy), out, 1, true)
      assert.are.same(want, read_lines(preds))
    end
  end)

  it('refuses a truncated or corrupted file with a message', function()
    local f = assert(io.open(model_file, 'rb'))
    local bytes = f:read('a')
    f:close()
    local bad = dir .. '/bad.t7'
    for _, case in ipairs({
      {bytes:sub(1, #bytes // 2), 'dlua_model_open: \'' .. bad .. '\': deserialize: t7: truncated'},
      {bytes:sub(1, 19) .. 'X' .. bytes:sub(21), 'deserialize: readObject: unknown class \'Xn.Sequential\''},
      {'', 'deserialize: t7: truncated'},
    }) do
      f = assert(io.open(bad, 'wb'))
      f:write(case[1])
      f:close()
      local out, code = run(('%s %s --count 10'):format(infer, bad))
      assert.are.equal(1, code, out)
      assert.matches('infer: dlua_model_open: \'' .. bad .. '\': ', out, 1, true)
      assert.matches(case[2], out, 1, true)
    end
    local out, code = run(('%s %s/missing.t7'):format(infer, dir))
    assert.are.equal(1, code)
    assert.matches('cannot open', out, 1, true)
  end)
end)
