-- Torch7 nn's remaining Lua modules (docs/nn_more.md): the decorators, the sparse and
-- weight-normalized linear layers, table modules, criteria and the StochasticGradient
-- trainer, written over tensor operations and existing modules. require 'nn' loads them;
-- listed so that each parent class comes before its children. Their specs are
-- spec/nn_torch7_modules_spec.lua and spec/nn_torch7_criteria_spec.lua.
require 'nn'

require 'nn.Decorator'
require 'nn.Bottle'
require 'nn.WeightNorm'
require 'nn.DontCast'
require 'nn.NaN'
require 'nn.LinearWeightNorm'
require 'nn.PartialLinear'
require 'nn.SparseLinear'
require 'nn.IndexLinear'
require 'nn.Constant'
require 'nn.WhiteNoise'
require 'nn.ZeroGrad'
require 'nn.PrintSize'
require 'nn.CAddTensorTable'
require 'nn.Kmeans'
require 'nn.Maxout'
require 'nn.CReLU'
require 'nn.GatedLinearUnit'
require 'nn.LayerNormalization'
require 'nn.TemporalDynamicKMaxPooling'
require 'nn.MixtureTable'
require 'nn.ZipTable'
require 'nn.ZipTableOneToMany'
require 'nn.Collapse'
require 'nn.Convert'
require 'nn.SpatialAutoCropMSECriterion'
require 'nn.ClassSimplexCriterion'
require 'nn.L1Cost'
require 'nn.DistanceRatioCriterion'
require 'nn.ModuleCriterion'
require 'nn.PixelShuffle'
require 'nn.StochasticGradient'

return nn
