-- nn: Torch7's neural network package. Modules are classes made with torch.class; their
-- heavy work is done by the C kernels in torch._nn (src/nn, bound in src/lua/lt_nn*.c).
require 'torch'

nn = nn or {}
local nn = nn
package.loaded.nn = nn

require 'nn.utils'
require 'nn.Module'
require 'nn.Criterion'

-- Containers and the modules that are not transfer functions or criteria.
local modules = {
   'Container', 'Sequential', 'Concat', 'ConcatTable', 'Parallel', 'ParallelTable',
   'JoinTable', 'SplitTable', 'SelectTable', 'NarrowTable', 'FlattenTable',
   'CAddTable', 'CSubTable', 'CMulTable', 'CDivTable', 'Identity',
   'Linear', 'Bilinear', 'LookupTable', 'Add', 'Mul', 'CMul', 'CAdd', 'MulConstant',
   'AddConstant', 'Reshape', 'View', 'Narrow', 'Select', 'Index', 'Transpose', 'Squeeze',
   'Unsqueeze', 'Replicate', 'Padding', 'Mean', 'Sum', 'Max', 'Min', 'Normalize', 'Abs',
   'Exp', 'Log', 'Power', 'Square', 'Sqrt', 'Clamp', 'Copy', 'Dropout',
   'BatchNormalization', 'LayerNorm',
   -- convolution and pooling (issue 5)
   'SpatialConvolution', 'SpatialConvolutionMM', 'SpatialFullConvolution',
   'SpatialDilatedConvolution', 'SpatialMaxPooling', 'SpatialAveragePooling',
   'SpatialAdaptiveMaxPooling', 'SpatialAdaptiveAveragePooling', 'SpatialBatchNormalization',
   'SpatialDropout', 'SpatialZeroPadding', 'TemporalConvolution', 'TemporalMaxPooling',
   'SpatialSoftMax', 'Flatten',
}

-- ===== activations and criteria (the nnact files): add their names here =====
local activations_and_criteria = {
   -- transfer functions
   'Tanh', 'Sigmoid', 'HardTanh', 'ReLU', 'ReLU6', 'LeakyReLU', 'PReLU', 'ELU', 'Threshold',
   'SoftMax', 'SoftMin', 'LogSoftMax', 'LogSigmoid', 'SoftPlus', 'SoftSign', 'SoftShrink',
   'HardShrink', 'TanhShrink', 'GELU',
   -- criteria
   'MSECriterion', 'AbsCriterion', 'SmoothL1Criterion', 'ClassNLLCriterion',
   'CrossEntropyCriterion', 'BCECriterion', 'DistKLDivCriterion', 'MarginCriterion',
   'SoftMarginCriterion', 'MultiMarginCriterion', 'MultiLabelSoftMarginCriterion',
   'MarginRankingCriterion', 'HingeEmbeddingCriterion', 'CosineEmbeddingCriterion',
   'MultiCriterion', 'ParallelCriterion', 'BCEWithLogitsCriterion',
}
-- ===== end of the nnact list =====

-- A file that is not there yet is skipped, so that a partial tree still loads; a file
-- that is there but fails to load raises its error as usual.
local function require_present(names)
   for _, name in ipairs(names) do
      if package.searchpath('nn.' .. name, package.path) then require('nn.' .. name) end
   end
end

require_present(modules)
-- Threshold is the parent class of ReLU in Torch7: load it first when present.
require_present({'Threshold', 'HardTanh'})
require_present(activations_and_criteria)

-- Modules over existing tensor operations (the nnx files); after the criteria, since
-- WeightedMSECriterion extends MSECriterion.
require_present({
   'MM', 'MV', 'CMaxTable', 'CMinTable', 'DotProduct', 'CosineDistance', 'PairwiseDistance',
   'Euclidean', 'Contiguous', 'GradientReversal', 'L1Penalty', 'WeightedMSECriterion',
   'CriterionTable', 'MapTable', 'SpatialUpSamplingNearest', 'SpatialReflectionPadding',
   'SpatialReplicationPadding',
   -- second batch (docs/nn_extra.md): DepthConcat extends Concat
   'DepthConcat', 'Cosine', 'WeightedEuclidean', 'MaskedSelect', 'RReLU',
   'MultiLabelMarginCriterion', 'L1HingeEmbeddingCriterion', 'SpatialClassNLLCriterion',
   'SpatialLPPooling', 'SpatialUpSamplingBilinear', 'SpatialCrossMapLRN', 'SpatialMaxUnpooling',
   'SpatialSubtractiveNormalization', 'SpatialDivisiveNormalization',
   'SpatialContrastiveNormalization',
})

require_present({'Jacobian'})

return nn
