-- Trains a 784-256-128-10 ReLU network on Fashion-MNIST (Debian's dataset-fashion-mnist).
--   dlua scripts/train_fmnist_mlp.lua [--epochs 3] [--batchSize 64] [--lr 1e-3] [--ema 0.999] [--save fmnist_mlp.t7]
require 'torch'
require 'nn'
require 'optim'
require 'dl'
local models = dofile((debug.getinfo(1, 'S').source:match('^@(.*/)') or './') .. 'fmnist_models.lua')

local cmd = torch.CmdLine()
cmd:text('Train a 784-256-128-10 multilayer perceptron on Fashion-MNIST.')
cmd:option('--data', '/usr/share/datasets/fashion-mnist', 'folder of the IDX files')
cmd:option('--epochs', 3, 'passes over the training set')
cmd:option('--batchSize', 64, 'samples per step')
cmd:option('--lr', 1e-3, 'Adam learning rate')
cmd:option('--seed', 1, 'seed of the shuffles and the initial weights')
cmd:option('--threads', 0, 'threads (0: the default)')
cmd:option('--ema', 0.999, 'decay of the weights\' moving average that is evaluated and saved (0: none)')
cmd:option('--save', 'fmnist_mlp.t7', 'file to save the trained model in ("" for none)')
local opt = cmd:parse(arg or {})

torch.manualSeed(opt.seed)
if opt.threads > 0 then torch.setnumthreads(opt.threads) end
torch.setdefaulttensortype('torch.FloatTensor')
local train, test, classes = dl.datasets.fashionMNIST(opt.data)
-- the MLP sees each image as a row of 784 pixels
local Xtrain, Xtest = train.x:view(-1, 784), test.x:view(-1, 784)

local model = models.mlp(#classes)
local criterion = nn.CrossEntropyCriterion()
print(model)
print(dl.summary(model, 784))

local timer = torch.Timer()
dl.fit(model, criterion, optim.adam, Xtrain, train.y, {
  epochs = opt.epochs, batchSize = opt.batchSize, config = {learningRate = opt.lr},
  seed = opt.seed, ema = opt.ema > 0 and opt.ema or nil,
})
local seconds = timer:time().real
print(('training: %.1f s, %.0f samples/s'):format(seconds, opt.epochs * Xtrain:size(1) / seconds))

local loss, accuracy = dl.evaluate(model, criterion, Xtest, test.y)
print(('test loss %.4f, test accuracy %.4f'):format(loss, accuracy))

local confusion = optim.ConfusionMatrix(classes)
model:evaluate()
for first = 1, Xtest:size(1), 1000 do
  local len = math.min(1000, Xtest:size(1) - first + 1)
  confusion:batchAdd(model:forward(Xtest:narrow(1, first, len)), test.y:narrow(1, first, len))
end
print(confusion)

if torch.save and opt.save ~= '' then
  torch.save(opt.save, model:clearState())
  print('saved the model to ' .. opt.save)
end
