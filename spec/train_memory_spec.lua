-- Memory stays flat while training: 20 epochs of the Iris model in one process, with
-- no collectgarbage() anywhere, end within 10% of the resident memory after epoch 2.
require 'torch'

local script = [[
require 'torch'; require 'nn'; require 'optim'; require 'dl'
local function rss()
  for line in io.lines('/proc/self/status') do
    local kb = line:match('^VmRSS:%s+(%d+)')
    if kb then return tonumber(kb) end
  end
end
torch.manualSeed(1)
local X, y = dl.readCSV('data/iris.csv', {label = 'species'})
local Xtr, ytr = dl.split(X, y, 0.2, 1)
Xtr = dl.StandardScaler():fitTransform(Xtr)
local model = nn.Sequential():add(nn.Linear(4, 64)):add(nn.ReLU())
  :add(nn.Linear(64, 32)):add(nn.ReLU()):add(nn.Linear(32, 3))
local seen = {}
dl.fit(model, nn.CrossEntropyCriterion(), optim.adam, Xtr, ytr, {
  epochs = 20, batchSize = 32, validation = 0.2, verbose = false,
  onEpoch = function(epoch) seen[epoch] = rss() end,
})
print('rss', seen[2], seen[20])
]]

describe('training memory', function()
  it('stays within 10% of epoch 2 after 20 Iris epochs', function()
    local path = os.tmpname()
    local w = assert(io.open(path, 'w'))
    w:write(script)
    w:close()
    local f = assert(io.popen('lua5.4 ' .. path .. ' 2>&1'))
    local out = f:read('a')
    f:close()
    os.remove(path)
    local e2, e20 = out:match('rss%s+(%d+)%s+(%d+)')
    assert(e2, out)
    e2, e20 = tonumber(e2), tonumber(e20)
    assert.is_true(e20 <= e2 * 1.10, ('RSS %d kB after epoch 2, %d kB after epoch 20'):format(e2, e20))
  end)
end)
