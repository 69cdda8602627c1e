-- Prunes the Fashion-MNIST CNN (scripts/fmnist_models.lua) by half, fine-tunes it one
-- epoch, and prints size on disk, CPU time per image and test accuracy before and after:
-- structured pruning (half the channels and neurons removed: smaller and faster) beside
-- unstructured pruning (half the weights zeroed and kept at zero by masks: same size and
-- speed, the usual starting point for sparse kernels or compression).
--   dlua scripts/prune_fmnist.lua [--model fmnist_cnn.t7] [--train 12000] [--amount 0.5]
--                                 [--epochs 1] [--save pruned.t7]
-- Without --model a CNN is first trained here for --epochs on the first --train images
-- (a trained one from train_fmnist_cnn.lua, normalised as it is here, gives the real
-- figures). Times are CPU seconds (os.clock) at one thread, so a loaded machine changes
-- them less than wall-clock ones.
require 'torch'
require 'nn'
require 'optim'
require 'dl'
local models = dofile((debug.getinfo(1, 'S').source:match('^@(.*/)') or './') .. 'fmnist_models.lua')

local cmd = torch.CmdLine()
cmd:text('Prune the Fashion-MNIST CNN by half and fine-tune it one epoch.')
cmd:option('--data', '/usr/share/datasets/fashion-mnist', 'folder of the IDX files')
cmd:option('--model', '', 'a trained CNN (torch.save) to prune; "" trains one here')
cmd:option('--train', 12000, 'training images used (0: all 60000)')
cmd:option('--epochs', 1, 'epochs of the base training (without --model) and of fine-tuning')
cmd:option('--amount', 0.5, 'fraction of units (structured) or weights (unstructured) pruned')
cmd:option('--batchSize', 64, 'samples per step')
cmd:option('--lr', 1e-3, 'Adam learning rate')
cmd:option('--seed', 1, 'seed of the shuffles and the initial weights')
cmd:option('--save', '', 'file to save the structurally pruned, fine-tuned model in')
local opt = cmd:parse(arg or {})

torch.manualSeed(opt.seed)
torch.setnumthreads(1)
torch.setdefaulttensortype('torch.FloatTensor')
local train, test = dl.datasets.fashionMNIST(opt.data)
local mean, std = dl.augment.channelStats(train.x)
dl.augment.normalize(train.x, mean, std)
dl.augment.normalize(test.x, mean, std)
if opt.train > 0 and opt.train < train.x:size(1) then
  train.x, train.y = train.x:narrow(1, 1, opt.train), train.y:narrow(1, 1, opt.train)
end
local criterion = nn.CrossEntropyCriterion()

local function fit(model)
  dl.fit(model, criterion, optim.adam, train.x, train.y, {
    epochs = opt.epochs, batchSize = opt.batchSize, config = {learningRate = opt.lr},
    seed = opt.seed, verbose = false,
  })
end

local base
if opt.model ~= '' then
  base = torch.load(opt.model):float()
else
  print(('training the CNN %d epoch(s) on %d images'):format(opt.epochs, train.x:size(1)))
  base = models.cnn(10)
  fit(base)
end

-- CPU seconds per image of model:forward on n test images, b at a time
local function cpu_per_image(model, b, n)
  model:evaluate()
  local x = test.x:narrow(1, 1, n)
  model:forward(x:narrow(1, 1, b)) -- warm the buffers
  local t0 = os.clock()
  for first = 1, n - b + 1, b do model:forward(x:narrow(1, first, b)) end
  return (os.clock() - t0) / (n - n % b)
end

local rows = {}
local function measure(name, model)
  model:clearState()
  local bytes = #torch.serialize(model)
  local _, accuracy = dl.evaluate(model, criterion, test.x, test.y)
  local sparsity = dl.prune.sparsity(model)
  rows[#rows + 1] = {name, bytes / 1e6, model:getParameters():nElement(), sparsity,
                     cpu_per_image(model, 1, 300) * 1e6, cpu_per_image(model, 64, 1280) * 1e6,
                     accuracy}
  model:clearState()
end

measure('base', base)

local structured = base:clone()
dl.prune(structured, {amount = opt.amount, structured = true})
measure(('structured %g, pruned'):format(opt.amount), structured)
fit(structured)
measure(('structured %g, fine-tuned'):format(opt.amount), structured)

local unstructured = base:clone()
dl.prune(unstructured, {amount = opt.amount})
measure(('unstructured %g, pruned'):format(opt.amount), unstructured)
fit(unstructured)
measure(('unstructured %g, fine-tuned'):format(opt.amount), unstructured)

print(structured)
print(('%-28s %9s %10s %9s %12s %13s %9s'):format('model', 'size MB', 'params', 'zeros',
      'us/img b=1', 'us/img b=64', 'accuracy'))
for _, r in ipairs(rows) do
  print(('%-28s %9.2f %10d %8.1f%% %12.1f %13.1f %9.4f'):format(r[1], r[2], r[3], 100 * r[4],
        r[5], r[6], r[7]))
end
print('(CPU time at one thread, os.clock; the masks of unstructured pruning are saved with it)')

if opt.save ~= '' then
  torch.save(opt.save, structured:clearState())
  print('saved the structurally pruned model to ' .. opt.save)
end
