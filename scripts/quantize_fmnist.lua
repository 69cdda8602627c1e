-- Float32 against int8 test accuracy (dl.quantize, docs/quantization.md): the
-- Fashion-MNIST MLP and CNN of scripts/fmnist_models.lua, trained briefly here (or loaded),
-- quantized dynamically (MLP) and statically with calibration batches (MLP and CNN), and
-- the Iris classifier of scripts/train_iris.lua.
--   dlua scripts/quantize_fmnist.lua [--epochs 1] [--mlp file.t7] [--cnn file.t7] [--calib 10]
require 'torch'
require 'nn'
require 'optim'
require 'dl'
local here = debug.getinfo(1, 'S').source:match('^@(.*/)') or './'
local models = dofile(here .. 'fmnist_models.lua')

local cmd = torch.CmdLine()
cmd:text('Quantize the Fashion-MNIST MLP and CNN and the Iris classifier; print float vs int8 accuracy.')
cmd:option('--data', '/usr/share/datasets/fashion-mnist', 'folder of the IDX files')
cmd:option('--epochs', 1, 'training passes for a model that is not loaded')
cmd:option('--mlp', '', 'a trained MLP to load instead (torch.save file)')
cmd:option('--cnn', '', 'a trained CNN to load instead')
cmd:option('--calib', 10, 'calibration batches of 64 training images (static mode)')
cmd:option('--seed', 1, 'seed')
cmd:option('--skipCnn', false, 'only the MLP and Iris')
local opt = cmd:parse(arg or {})
torch.manualSeed(opt.seed)
torch.setdefaulttensortype('torch.FloatTensor')

local function accuracy(model, X, y)
  model:evaluate()
  local right = 0
  for first = 1, X:size(1), 500 do
    local len = math.min(500, X:size(1) - first + 1)
    local _, pred = model:forward(X:narrow(1, first, len)):max(2)
    right = right + pred:view(-1):long():eq(y:narrow(1, first, len):long()):sum()
  end
  return 100 * right / X:size(1)
end

local function report(name, model, X, y, calib)
  local f = accuracy(model, X, y)
  local line = string.format('%-5s float32 %.2f%%', name, f)
  if name ~= 'cnn' then
    local d = accuracy(dl.quantize(model), X, y)
    line = line .. string.format(' | int8 dynamic %.2f%% (%+.2f)', d, d - f)
  end
  local s = accuracy(dl.quantize(model, {calibration = calib}), X, y)
  print(line .. string.format(' | int8 static %.2f%% (%+.2f)', s, s - f))
end

local function trained(file, make, X, y)
  if file ~= '' then return torch.load(file):float() end
  local model = make()
  local timer = torch.Timer()
  dl.fit(model, nn.CrossEntropyCriterion(), optim.adam, X, y, {
    epochs = opt.epochs, batchSize = 64, config = {learningRate = 1e-3}, seed = opt.seed,
    verbose = false})
  io.stderr:write(string.format('trained in %.0f s\n', timer:time().real))
  return model
end

-- Iris first: seconds
do
  local X, y = dl.readCSV(here .. '../data/iris.csv', {label = 'species'})
  local Xtrain, ytrain, Xtest, ytest = dl.split(X, y, 0.2, opt.seed)
  local scaler = dl.StandardScaler():fit(Xtrain)
  Xtrain, Xtest = scaler:transform(Xtrain), scaler:transform(Xtest)
  local model = nn.Sequential():add(nn.Linear(4, 64)):add(nn.ReLU())
    :add(nn.Linear(64, 32)):add(nn.ReLU()):add(nn.Linear(32, 3))
  dl.fit(model, nn.CrossEntropyCriterion(), optim.adam, Xtrain, ytrain, {
    epochs = 100, batchSize = 32, config = {learningRate = 0.01}, seed = opt.seed, verbose = false})
  report('iris', model, Xtest, ytest, {Xtrain})
end

local train, test = dl.datasets.fashionMNIST(opt.data)
local calib = {}
for b = 1, opt.calib do calib[b] = train.x:narrow(1, (b - 1) * 64 + 1, 64) end

local Xtrain, Xtest = train.x:view(-1, 784), test.x:view(-1, 784)
local mlpcal = {}
for b, x in ipairs(calib) do mlpcal[b] = x:reshape(x:size(1), 784) end
report('mlp', trained(opt.mlp, function() return models.mlp(10) end, Xtrain, train.y), Xtest, test.y, mlpcal)
if not opt.skipCnn then
  report('cnn', trained(opt.cnn, function() return models.cnn(10) end, train.x, train.y), test.x, test.y, calib)
end
