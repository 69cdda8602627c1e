-- Trains the classic Iris classifier: 4 measurements -> 3 species.
--   dlua scripts/train_iris.lua [--epochs 200] [--lr 0.01] [--seed 1]
require 'torch'
require 'nn'
require 'optim'
require 'dl'
torch.setdefaulttensortype('torch.FloatTensor') -- float32 for speed (the default is double)

local here = (arg and arg[0] or ''):match('(.*/)') or './'
local cmd = torch.CmdLine()
cmd:text('Train a 4-64-32-3 network on the Iris data set.')
cmd:option('--data', here .. '../data/iris.csv', 'the CSV file')
cmd:option('--epochs', 10, 'passes over the training set')
cmd:option('--batchSize', 32, 'samples per step')
cmd:option('--lr', 0.01, 'Adam learning rate')
cmd:option('--seed', 1, 'seed of the split, the shuffles and the initial weights')
cmd:option('--checkpoint', '', 'folder to save a checkpoint in after every epoch')
cmd:option('--resume', '', 'checkpoint file to continue from (e.g. DIR/last.t7)')
local opt = cmd:parse(arg or {})

torch.manualSeed(opt.seed)
local X, y, classes = dl.readCSV(opt.data, {label = 'species'})
local Xtrain, ytrain, Xtest, ytest = dl.split(X, y, 0.2, opt.seed)
local scaler = dl.StandardScaler():fit(Xtrain)
Xtrain, Xtest = scaler:transform(Xtrain), scaler:transform(Xtest)

local model = nn.Sequential()
  :add(nn.Linear(4, 64)):add(nn.ReLU())
  :add(nn.Linear(64, 32)):add(nn.ReLU())
  :add(nn.Linear(32, #classes))
local criterion = nn.CrossEntropyCriterion()
print(model)
print(dl.summary(model, 4))

dl.fit(model, criterion, optim.adam, Xtrain, ytrain, {
  epochs = opt.epochs, batchSize = opt.batchSize, config = {learningRate = opt.lr},
  validation = 0.2, seed = opt.seed,
  checkpoint = opt.checkpoint ~= '' and {dir = opt.checkpoint} or nil,
  resume = opt.resume ~= '' and opt.resume or nil,
})

local loss, accuracy = dl.evaluate(model, criterion, Xtest, ytest)
print(('test loss %.4f, test accuracy %.4f'):format(loss, accuracy))
local confusion = optim.ConfusionMatrix(classes)
model:evaluate()
confusion:batchAdd(model:forward(Xtest), ytest)
print(confusion)
