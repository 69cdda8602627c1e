-- nn.Jacobian.testIO for every module: a binary save and load keeps outputs and
-- gradients unchanged.
require 'torch'
require 'nn'

local function T(...) return torch.DoubleTensor(...):uniform(-1, 1) end
local function pos(...) return torch.DoubleTensor(...):uniform(0.5, 2) end

local cases = {
  {'Linear', function() return nn.Linear(4, 3) end, function() return T(2, 4) end},
  {'Linear without bias', function() return nn.Linear(4, 3, false) end, function() return T(4) end},
  {'Bilinear', function() return nn.Bilinear(3, 2, 4) end, function() return {T(2, 3), T(2, 2)} end},
  {'LookupTable', function() return nn.LookupTable(5, 3) end, function() return torch.LongTensor({1, 4, 2}) end},
  {'Add', function() return nn.Add(3) end, function() return T(2, 3) end},
  {'Mul', function() return nn.Mul() end, function() return T(2, 3) end},
  {'CMul', function() return nn.CMul(3) end, function() return T(2, 3) end},
  {'CAdd', function() return nn.CAdd(3) end, function() return T(2, 3) end},
  {'MulConstant', function() return nn.MulConstant(2.5) end, function() return T(2, 3) end},
  {'AddConstant', function() return nn.AddConstant(1.5) end, function() return T(2, 3) end},
  {'Reshape', function() return nn.Reshape(6) end, function() return T(2, 3) end},
  {'View', function() return nn.View(6) end, function() return T(2, 3) end},
  {'Narrow', function() return nn.Narrow(2, 2, 2) end, function() return T(2, 4) end},
  {'Select', function() return nn.Select(2, 3) end, function() return T(2, 4) end},
  {'Transpose', function() return nn.Transpose({1, 2}) end, function() return T(2, 4) end},
  {'Squeeze', function() return nn.Squeeze() end, function() return T(2, 1, 3) end},
  {'Unsqueeze', function() return nn.Unsqueeze(2) end, function() return T(2, 3) end},
  {'Replicate', function() return nn.Replicate(3) end, function() return T(4) end},
  {'Padding', function() return nn.Padding(1, 2) end, function() return T(3) end},
  {'Mean', function() return nn.Mean(2) end, function() return T(2, 3) end},
  {'Sum', function() return nn.Sum(2) end, function() return T(2, 3) end},
  {'Max', function() return nn.Max(2) end, function() return T(2, 3) end},
  {'Min', function() return nn.Min(2) end, function() return T(2, 3) end},
  {'Normalize', function() return nn.Normalize(2) end, function() return T(2, 3) end},
  {'Abs', function() return nn.Abs() end, function() return T(2, 3) end},
  {'Exp', function() return nn.Exp() end, function() return T(2, 3) end},
  {'Log', function() return nn.Log() end, function() return pos(2, 3) end},
  {'Power', function() return nn.Power(2) end, function() return pos(2, 3) end},
  {'Square', function() return nn.Square() end, function() return T(2, 3) end},
  {'Sqrt', function() return nn.Sqrt() end, function() return pos(2, 3) end},
  {'Clamp', function() return nn.Clamp(-0.5, 0.5) end, function() return T(2, 3) end},
  {'Copy', function() return nn.Copy('torch.DoubleTensor', 'torch.DoubleTensor') end, function() return T(2, 3) end},
  {'Dropout (evaluate)', function() local d = nn.Dropout(0.5); d:evaluate(); return d end, function() return T(2, 3) end},
  {'BatchNormalization', function() return nn.BatchNormalization(3) end, function() return T(4, 3) end},
  {'LayerNorm', function() return nn.LayerNorm(3) end, function() return T(4, 3) end},
  {'Identity', function() return nn.Identity() end, function() return T(2, 3) end},
  {'Tanh', function() return nn.Tanh() end, function() return T(2, 3) end},
  {'Sigmoid', function() return nn.Sigmoid() end, function() return T(2, 3) end},
  {'HardTanh', function() return nn.HardTanh() end, function() return T(2, 3) end},
  {'ReLU', function() return nn.ReLU() end, function() return T(2, 3) end},
  {'ReLU6', function() return nn.ReLU6() end, function() return T(2, 3) end},
  {'LeakyReLU', function() return nn.LeakyReLU(0.1) end, function() return T(2, 3) end},
  {'PReLU', function() return nn.PReLU() end, function() return T(2, 3) end},
  {'ELU', function() return nn.ELU() end, function() return T(2, 3) end},
  {'Threshold', function() return nn.Threshold(0.1, -1) end, function() return T(2, 3) end},
  {'SoftMax', function() return nn.SoftMax() end, function() return T(2, 3) end},
  {'SoftMin', function() return nn.SoftMin() end, function() return T(2, 3) end},
  {'LogSoftMax', function() return nn.LogSoftMax() end, function() return T(2, 3) end},
  {'LogSigmoid', function() return nn.LogSigmoid() end, function() return T(2, 3) end},
  {'SoftPlus', function() return nn.SoftPlus() end, function() return T(2, 3) end},
  {'SoftSign', function() return nn.SoftSign() end, function() return T(2, 3) end},
  {'SoftShrink', function() return nn.SoftShrink() end, function() return T(2, 3) end},
  {'HardShrink', function() return nn.HardShrink() end, function() return T(2, 3) end},
  {'TanhShrink', function() return nn.TanhShrink() end, function() return T(2, 3) end},
  {'GELU', function() return nn.GELU() end, function() return T(2, 3) end},
  {'Sequential', function()
    return nn.Sequential():add(nn.Linear(4, 5)):add(nn.ReLU()):add(nn.Linear(5, 2))
  end, function() return T(3, 4) end},
  {'Concat', function() return nn.Concat(2):add(nn.Linear(3, 2)):add(nn.Linear(3, 4)) end, function() return T(2, 3) end},
  {'ConcatTable', function() return nn.ConcatTable():add(nn.Linear(3, 2)):add(nn.Identity()) end, function() return T(2, 3) end},
  {'Parallel', function() return nn.Parallel(1, 1):add(nn.Linear(3, 2)):add(nn.Linear(3, 2)) end, function() return T(2, 3) end},
  {'ParallelTable', function() return nn.ParallelTable():add(nn.Linear(3, 2)):add(nn.Tanh()) end, function() return {T(2, 3), T(2, 2)} end},
  {'JoinTable', function() return nn.JoinTable(2) end, function() return {T(2, 3), T(2, 2)} end},
  {'SplitTable', function() return nn.SplitTable(2) end, function() return T(2, 3) end},
  {'SelectTable', function() return nn.SelectTable(2) end, function() return {T(2, 3), T(2, 2)} end},
  {'NarrowTable', function() return nn.NarrowTable(1, 2) end, function() return {T(2), T(3), T(4)} end},
  {'FlattenTable', function() return nn.FlattenTable() end, function() return {T(2), {T(3), T(4)}} end},
  {'CAddTable', function() return nn.CAddTable() end, function() return {T(2, 3), T(2, 3)} end},
  {'CSubTable', function() return nn.CSubTable() end, function() return {T(2, 3), T(2, 3)} end},
  {'CMulTable', function() return nn.CMulTable() end, function() return {T(2, 3), T(2, 3)} end},
  {'CDivTable', function() return nn.CDivTable() end, function() return {T(2, 3), pos(2, 3)} end},
  {'SpatialConvolution', function() return nn.SpatialConvolution(2, 3, 3, 3, 1, 1, 1, 1) end, function() return T(2, 2, 5, 5) end},
  {'SpatialConvolutionMM', function() return nn.SpatialConvolutionMM(2, 3, 2, 2) end, function() return T(2, 4, 4) end},
  {'SpatialFullConvolution', function() return nn.SpatialFullConvolution(2, 3, 3, 3, 2, 2) end, function() return T(1, 2, 3, 3) end},
  {'SpatialDilatedConvolution', function() return nn.SpatialDilatedConvolution(2, 2, 3, 3, 1, 1, 2, 2, 2, 2) end, function() return T(1, 2, 5, 5) end},
  {'SpatialMaxPooling', function() return nn.SpatialMaxPooling(2, 2, 2, 2) end, function() return T(2, 2, 4, 4) end},
  {'SpatialAveragePooling', function() return nn.SpatialAveragePooling(2, 2, 2, 2) end, function() return T(2, 2, 4, 4) end},
  {'SpatialAdaptiveMaxPooling', function() return nn.SpatialAdaptiveMaxPooling(2, 2) end, function() return T(2, 5, 5) end},
  {'SpatialAdaptiveAveragePooling', function() return nn.SpatialAdaptiveAveragePooling(2, 2) end, function() return T(2, 5, 5) end},
  {'SpatialBatchNormalization', function() return nn.SpatialBatchNormalization(2) end, function() return T(3, 2, 3, 3) end},
  {'SpatialZeroPadding', function() return nn.SpatialZeroPadding(1, 1, 2, 0) end, function() return T(2, 3, 3) end},
  {'TemporalConvolution', function() return nn.TemporalConvolution(3, 2, 2) end, function() return T(5, 3) end},
  {'TemporalMaxPooling', function() return nn.TemporalMaxPooling(2) end, function() return T(6, 3) end},
  {'SpatialSoftMax', function() return nn.SpatialSoftMax() end, function() return T(2, 3, 3) end},
  {'Flatten', function() return nn.Flatten() end, function() return T(2, 2, 3, 3) end},
  {'Index', function() return nn.Index(1) end, function() return {T(4, 2), torch.LongTensor({3, 1})} end},
  {'MM', function() return nn.MM() end, function() return {T(2, 3, 2), T(2, 2, 4)} end},
  {'MV', function() return nn.MV() end, function() return {T(2, 3, 4), T(2, 4)} end},
  {'CMaxTable', function() return nn.CMaxTable() end, function() return {T(2, 3), T(2, 3)} end},
  {'CMinTable', function() return nn.CMinTable() end, function() return {T(2, 3), T(2, 3)} end},
  {'DotProduct', function() return nn.DotProduct() end, function() return {T(2, 3), T(2, 3)} end},
  {'CosineDistance', function() return nn.CosineDistance() end, function() return {T(2, 3), T(2, 3)} end},
  {'PairwiseDistance', function() return nn.PairwiseDistance(3) end, function() return {T(2, 3), T(2, 3)} end},
  {'Euclidean', function() return nn.Euclidean(3, 2) end, function() return T(2, 3) end},
  {'Contiguous', function() return nn.Contiguous() end, function() return T(2, 3) end},
  {'GradientReversal', function() return nn.GradientReversal(0.3) end, function() return T(2, 3) end},
  {'L1Penalty', function() return nn.L1Penalty(0.1) end, function() return T(2, 3) end},
  {'MapTable', function() return nn.MapTable(nn.Linear(3, 2)) end, function() return {T(2, 3), T(2, 3)} end},
  {'SpatialUpSamplingNearest', function() return nn.SpatialUpSamplingNearest(2) end, function() return T(2, 2, 3, 3) end},
  {'SpatialReflectionPadding', function() return nn.SpatialReflectionPadding(1, 0, 1, 1) end, function() return T(2, 2, 3, 3) end},
  {'SpatialReplicationPadding', function() return nn.SpatialReplicationPadding(2) end, function() return T(2, 3, 3) end},
  {'DepthConcat', function() return nn.DepthConcat(1):add(nn.SpatialConvolution(2, 3, 3, 3)):add(nn.SpatialConvolution(2, 2, 1, 1)) end, function() return T(2, 5, 5) end},
  {'Cosine', function() return nn.Cosine(3, 2) end, function() return T(2, 3) end},
  {'WeightedEuclidean', function() return nn.WeightedEuclidean(3, 2) end, function() return T(2, 3) end},
  {'MaskedSelect', function() return nn.MaskedSelect() end, function() return {T(2, 3), torch.ByteTensor{{1, 0, 1}, {0, 0, 1}}} end},
  {'SpatialLPPooling', function() return nn.SpatialLPPooling(2, 2, 2, 2) end, function() return pos(2, 4, 4) end},
  {'SpatialUpSamplingBilinear', function() return nn.SpatialUpSamplingBilinear({oheight = 4, owidth = 5}) end, function() return T(2, 2, 3, 3) end},
  {'SpatialCrossMapLRN', function() return nn.SpatialCrossMapLRN(3, 0.5, 0.75, 1) end, function() return T(2, 4, 3, 3) end},
  {'SpatialSubtractiveNormalization', function() return nn.SpatialSubtractiveNormalization(2, torch.ones(3, 3)) end, function() return T(2, 2, 4, 4) end},
  {'SpatialDivisiveNormalization', function() return nn.SpatialDivisiveNormalization(2, torch.Tensor{1, 2, 1}) end, function() return T(2, 4, 4) end},
  {'SpatialContrastiveNormalization', function() return nn.SpatialContrastiveNormalization(2) end, function() return T(2, 2, 5, 5) end},
  {'RReLU (evaluation)', function() local m = nn.RReLU(0.1, 0.4); m:evaluate(); return m end, function() return T(2, 3) end},
}

describe('nn.Jacobian.testIO', function()
  for _, case in ipairs(cases) do
    it('round-trips ' .. case[1], function()
      torch.manualSeed(3)
      local m = case[2]():double()
      local ef, eb = nn.Jacobian.testIO(m, case[3]())
      assert.are.equal(0, ef)
      assert.are.equal(0, eb)
    end)
  end

  it('notices a module that loses state in saving', function()
    -- the scale lives outside the object, where serialization cannot see it
    local scales = setmetatable({}, {__mode = 'k'})
    local Lossy = torch.class('nn.TestIOLossy', 'nn.Module')
    function Lossy:__init() nn.Module.__init(self); scales[self] = 3 end
    function Lossy:updateOutput(x)
      self.output:resizeAs(x):copy(x):mul(scales[self] or 1)
      return self.output
    end
    function Lossy:updateGradInput(x, g)
      self.gradInput:resizeAs(g):copy(g):mul(scales[self] or 1)
      return self.gradInput
    end
    local ef, eb = nn.Jacobian.testIO(nn.TestIOLossy():double(), T(2, 3))
    assert.is_true(ef > 0)
    assert.is_true(eb > 0)
  end)
end)
