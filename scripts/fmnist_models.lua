-- The Fashion-MNIST models of the examples, the benchmark and the profiler's overhead
-- figure, defined once: the 784-256-128-n MLP, and the CNN of two 3x3 convolutions
-- (32 and 64 planes, padding 1, ReLU, 2x2 max pooling) then Linear 3136->128, ReLU,
-- Linear 128->n. Scripts load it with dofile beside themselves:
--   local models = dofile((debug.getinfo(1, 'S').source:match('^@(.*/)') or './') .. 'fmnist_models.lua')
require 'nn'
local models = {}

function models.mlp(nclasses)
  return nn.Sequential()
    :add(nn.Linear(784, 256)):add(nn.ReLU())
    :add(nn.Linear(256, 128)):add(nn.ReLU())
    :add(nn.Linear(128, nclasses or 10))
end

function models.cnn(nclasses)
  return nn.Sequential()
    :add(nn.SpatialConvolution(1, 32, 3, 3, 1, 1, 1, 1)):add(nn.ReLU())
    :add(nn.SpatialMaxPooling(2, 2, 2, 2))
    :add(nn.SpatialConvolution(32, 64, 3, 3, 1, 1, 1, 1)):add(nn.ReLU())
    :add(nn.SpatialMaxPooling(2, 2, 2, 2))
    :add(nn.Flatten and nn.Flatten() or nn.View(-1):setNumInputDims(3))
    :add(nn.Linear(3136, 128)):add(nn.ReLU())
    :add(nn.Linear(128, nclasses or 10))
end

return models
