-- Trains a small convolutional network on Fashion-MNIST (Debian's dataset-fashion-mnist):
-- conv 1->32 3x3 pad 1, ReLU, max-pool 2; conv 32->64 3x3 pad 1, ReLU, max-pool 2;
-- Linear 3136->128, ReLU; Linear 128->10.
--   dlua scripts/train_fmnist_cnn.lua [--epochs 2] [--batchSize 64] [--lr 1e-3] [--ema 0.999] [--schedule none]
--                                  [--augment] [--save fmnist_cnn.t7]
require 'torch'
require 'nn'
require 'optim'
require 'dl'
local models = dofile((debug.getinfo(1, 'S').source:match('^@(.*/)') or './') .. 'fmnist_models.lua')

local cmd = torch.CmdLine()
cmd:text('Train a two-convolution network on Fashion-MNIST.')
cmd:option('--data', '/usr/share/datasets/fashion-mnist', 'folder of the IDX files')
cmd:option('--epochs', 2, 'passes over the training set')
cmd:option('--batchSize', 64, 'samples per step')
cmd:option('--lr', 1e-3, 'Adam learning rate')
cmd:option('--seed', 1, 'seed of the shuffles and the initial weights')
cmd:option('--threads', 0, 'threads (0: the default)')
cmd:option('--ema', 0.999, 'decay of the weights\' moving average that is evaluated and saved (0: none)')
cmd:option('--schedule', 'none', 'learning-rate schedule: none, or cosine (decays to 0 over the run)')
cmd:option('--augment', false, 'random crops (padding 2) and horizontal flips')
cmd:option('--save', 'fmnist_cnn.t7', 'file to save the trained model in ("" for none)')
local opt = cmd:parse(arg or {})

if not (nn.SpatialConvolution and nn.SpatialMaxPooling) then
  error('train_fmnist_cnn: this build has no nn.SpatialConvolution or nn.SpatialMaxPooling')
end
torch.manualSeed(opt.seed)
if opt.threads > 0 then torch.setnumthreads(opt.threads) end
torch.setdefaulttensortype('torch.FloatTensor')
local train, test, classes = dl.datasets.fashionMNIST(opt.data)
local mean, std = dl.augment.channelStats(train.x)
dl.augment.normalize(train.x, mean, std)
dl.augment.normalize(test.x, mean, std)

local model = models.cnn(#classes)
local criterion = nn.CrossEntropyCriterion()
print(model)
print(dl.summary(model, 1, 28, 28))

local schedules = {cosine = dl.schedule.cosine(), none = false}
if schedules[opt.schedule] == nil then
  error(('train_fmnist_cnn: --schedule must be cosine or none, got %s'):format(opt.schedule))
end

local transform
if opt.augment then
  -- after normalisation the background is -mean/std, not 0: crops pad with that value's
  -- stand-in 0, which is close enough for a few pixels
  transform = dl.augment.Compose{dl.augment.RandomCrop(2, opt.seed), dl.augment.HorizontalFlip(0.5, opt.seed)}
end

local timer = torch.Timer()
dl.fit(model, criterion, optim.adam, train.x, train.y, {
  epochs = opt.epochs, batchSize = opt.batchSize, config = {learningRate = opt.lr},
  seed = opt.seed, transform = transform, schedule = schedules[opt.schedule] or nil,
  ema = opt.ema > 0 and opt.ema or nil,
})
local seconds = timer:time().real
print(('training: %.1f s, %.0f samples/s'):format(seconds, opt.epochs * train.x:size(1) / seconds))

local loss, accuracy = dl.evaluate(model, criterion, test.x, test.y)
print(('test loss %.4f, test accuracy %.4f'):format(loss, accuracy))

local confusion = optim.ConfusionMatrix(classes)
model:evaluate()
for first = 1, test.x:size(1), 500 do
  local len = math.min(500, test.x:size(1) - first + 1)
  confusion:batchAdd(model:forward(test.x:narrow(1, first, len)), test.y:narrow(1, first, len))
end
print(confusion)

if torch.save and opt.save ~= '' then
  torch.save(opt.save, model:clearState())
  print('saved the model to ' .. opt.save)
end
