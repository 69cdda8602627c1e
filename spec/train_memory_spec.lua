-- Memory stays flat while training: 20 epochs of the Iris model in one process, with
-- no collectgarbage() anywhere, end within 10% of the resident memory after epoch 2.
require 'torch'
local H = require 'spec.helpers'

local script = [[
require 'torch'; require 'nn'; require 'optim'; require 'dl'
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

local cnn_script = [[
require 'torch'; require 'nn'; require 'optim'; require 'dl'
torch.manualSeed(1)
local X = torch.rand(512, 1, 28, 28)
local y = torch.LongTensor(512):random(1, 10)
local model = nn.Sequential()
  :add(nn.SpatialConvolution(1, 8, 3, 3, 1, 1, 1, 1)):add(nn.ReLU()):add(nn.SpatialMaxPooling(2, 2, 2, 2))
  :add(nn.SpatialConvolution(8, 16, 3, 3, 1, 1, 1, 1)):add(nn.ReLU()):add(nn.SpatialMaxPooling(2, 2, 2, 2))
  :add(nn.Flatten()):add(nn.Linear(784, 10))
local seen = {}
dl.fit(model, nn.CrossEntropyCriterion(), optim.adam, X, y, {
  epochs = 8, batchSize = 64, verbose = false,
  onEpoch = function(epoch) seen[epoch] = rss() end,
})
print('rss', seen[2], seen[8])
]]

-- in plain lua5.4 with require 'torch', as a user's own interpreter would run it
local function run(script) return H.run_rss(script, 'lua5.4') end

describe('training memory', function()
  it('stays within 10% of epoch 2 after 8 epochs of a small CNN', function()
    local e2, e8 = run(cnn_script)
    assert.is_true(e8 <= e2 * 1.10, ('RSS %d kB after epoch 2, %d kB after epoch 8'):format(e2, e8))
  end)

  it('stays within 10% of epoch 2 after 20 Iris epochs', function()
    local e2, e20 = run(script)
    assert.is_true(e20 <= e2 * 1.10, ('RSS %d kB after epoch 2, %d kB after epoch 20'):format(e2, e20))
  end)
end)
