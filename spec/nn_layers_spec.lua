-- Simple layers: forward values against hand-computed numbers, gradient checks in float64
-- through nn.Jacobian, and error messages.
require 'torch'
require 'nn'
local H = require 'spec.helpers'

local function near(a, b, tol) H.near(a, b, tol or 1e-6) end

local function T(t) return torch.DoubleTensor(t) end
local vals = H.vals
local jac, jacp = H.jac, H.jacp
local D = torch.DoubleTensor

describe('layers with parameters', function()
   it('Bilinear', function()
      local m = nn.Bilinear(2, 2, 1):double()
      m.weight:copy(T{{{1, 2}, {3, 4}}})
      m.bias:fill(1)
      near(vals(m:forward({T{{1, 1}}, T{{1, -1}}})), {{-1}})
      local x = {D(3, 2), D(3, 4)}
      local b = nn.Bilinear(2, 4, 3):double()
      jac(b, x)
      jacp(b, x, b.weight, b.gradWeight)
      jacp(b, x, b.bias, b.gradBias)
      H.raises(function() b:forward({D(3, 2), D(3, 3)}) end,
               'nn.Bilinear: inputs of sizes 3x2 and 3x3, expected Nx2 and Nx4')
   end)

   it('LookupTable', function()
      local m = nn.LookupTable(4, 2):double()
      m.weight:copy(T{{1, 2}, {3, 4}, {5, 6}, {7, 8}})
      near(vals(m:forward(torch.LongTensor{3, 1, 3})), {{5, 6}, {1, 2}, {5, 6}})
      near(vals(m:forward(torch.LongTensor{{4}, {2}})), {{{7, 8}}, {{3, 4}}})
      m:zeroGradParameters()
      local idx = torch.LongTensor{3, 1, 3}
      m:forward(idx)
      m:backward(idx, T{{1, 1}, {2, 2}, {3, 3}})
      near(vals(m.gradWeight), {{2, 2}, {0, 0}, {4, 4}, {0, 0}})
      near(vals(m:forward(T{2, 4})), {{3, 4}, {7, 8}}) -- other index types are converted
      local pad = nn.LookupTable(3, 1, 2):double()
      pad:zeroGradParameters()
      pad:backward(torch.LongTensor{2, 1}, T{{5}, {6}})
      near(vals(pad.gradWeight), {{6}, {0}, {0}})
      jacp(m, torch.LongTensor{1, 4, 4}, m.weight, m.gradWeight)
      H.raises(function() m:forward(torch.LongTensor{1, 5}) end,
               'nn.LookupTable: index 5 out of range [1, 4] at position 2')
   end)

   it('Add (per feature and scalar)', function()
      local m = nn.Add(3):double()
      m.bias:copy(T{1, 2, 3})
      near(vals(m:forward(T{{1, 1, 1}, {0, 0, 0}})), {{2, 3, 4}, {1, 2, 3}})
      near(vals(m:forward(T{0, 0, 1})), {1, 2, 4})
      local s = nn.Add(3, true):double()
      s.bias:fill(0.5)
      near(vals(s:forward(T{1, 2, 3})), {1.5, 2.5, 3.5})
      for _, x in ipairs{D(4, 3), D(3)} do
         jac(m, x); jacp(m, x, m.bias, m.gradBias)
         jac(s, x); jacp(s, x, s.bias, s.gradBias)
      end
      H.raises(function() m:forward(D(2, 4)) end, 'nn.Add: input of size 2x4, expected 3 elements per sample')
   end)

   it('Mul', function()
      local m = nn.Mul():double()
      m.weight[1] = 3
      near(vals(m:forward(T{1, -2})), {3, -6})
      jac(m, D(2, 3)); jacp(m, D(2, 3), m.weight, m.gradWeight)
   end)

   it('CMul', function()
      local m = nn.CMul(3):double()
      m.weight:copy(T{1, 2, 3})
      near(vals(m:forward(T{{1, 1, 1}, {2, 2, 2}})), {{1, 2, 3}, {2, 4, 6}})
      near(vals(m:forward(T{1, 0, -1})), {1, 0, -3})
      local m2 = nn.CMul(2, 2):double()
      for _, x in ipairs{D(5, 3), D(3)} do jac(m, x); jacp(m, x, m.weight, m.gradWeight) end
      jac(m2, D(3, 2, 2)); jacp(m2, D(3, 2, 2), m2.weight, m2.gradWeight)
      H.raises(function() m:forward(D(2, 4)) end, 'nn.CMul: input of size 2x4, expected 3 elements per sample')
   end)

   it('CAdd', function()
      local m = nn.CAdd(3):double()
      m.bias:copy(T{1, 2, 3})
      near(vals(m:forward(T{{1, 1, 1}, {2, 2, 2}})), {{2, 3, 4}, {3, 4, 5}})
      for _, x in ipairs{D(5, 3), D(3)} do jac(m, x); jacp(m, x, m.bias, m.gradBias) end
   end)

   it('BatchNormalization: training, running statistics, evaluation', function()
      local m = nn.BatchNormalization(2):double()
      m.weight:fill(1)
      m.bias:fill(0)
      local x = T{{1, 2}, {3, 6}}
      local e = 1e-5
      near(vals(m:forward(x)), {{-1 / math.sqrt(1 + e), -2 / math.sqrt(4 + e)},
                                 {1 / math.sqrt(1 + e), 2 / math.sqrt(4 + e)}})
      near(vals(m.running_mean), {0.2, 0.4})
      near(vals(m.running_var), {0.9 + 0.1 * 2, 0.9 + 0.1 * 8})
      m:evaluate()
      near(vals(m:forward(T{{1.2, 0.4}})), {{1 / math.sqrt(1.1 + e), 0}})
      m.weight:copy(T{2, 1}); m.bias:copy(T{1, -1})
      near(vals(m:forward(T{{1.2, 0.4}})), {{2 / math.sqrt(1.1 + e) + 1, -1}})
      -- gradients, in training and in evaluation
      for _, train in ipairs{true, false} do
         local b = nn.BatchNormalization(3):double()
         if not train then b:evaluate() end
         jac(b, D(4, 3)); jacp(b, D(4, 3), b.weight, b.gradWeight); jacp(b, D(4, 3), b.bias, b.gradBias)
      end
      jac(nn.BatchNormalization(3, 1e-5, 0.1, false):double(), D(4, 3))
      assert.is_nil(nn.BatchNormalization(3, nil, nil, false).weight)
      H.raises(function() m:forward(D(2, 3)) end, 'nn.BatchNormalization: input of size 2x3, expected N x 2')
      -- Torch7: a batch of one in training is normalized by the running statistics,
      -- which it leaves alone (it has no variance)
      m:training()
      local rm = m.running_mean:clone()
      near(vals(m:forward(T{{1.2, 0.4}})), {{2 / math.sqrt(1.1 + e) + 1, -1}})
      near(vals(m.running_mean), vals(rm))
   end)

   it('LayerNorm', function()
      local m = nn.LayerNorm(2):double()
      local e = 1e-5
      near(vals(m:forward(T{{1, 3}, {2, 2}})), {{-1 / math.sqrt(1 + e), 1 / math.sqrt(1 + e)}, {0, 0}})
      m.weight:copy(T{2, 1}); m.bias:copy(T{0, 1})
      near(vals(m:forward(T{1, 3})), {-2 / math.sqrt(1 + e), 1 + 1 / math.sqrt(1 + e)})
      local l = nn.LayerNorm(4):double()
      for _, x in ipairs{D(3, 4), D(4), D(2, 3, 4)} do
         jac(l, x); jacp(l, x, l.weight, l.gradWeight); jacp(l, x, l.bias, l.gradBias)
      end
      jac(nn.LayerNorm(4, 1e-5, false):double(), D(3, 4))
      H.raises(function() m:forward(D(2, 3)) end, 'nn.LayerNorm: input of size 2x3, expected a last dimension of 2')
   end)
end)

describe('shape layers', function()
   it('Reshape', function()
      local m = nn.Reshape(2, 2):double()
      near(vals(m:forward(T{1, 2, 3, 4})), {{1, 2}, {3, 4}})
      assert.are.same({3, 2, 2}, m:forward(D(3, 4)):size():totable())
      assert.are.same({4}, nn.Reshape(4, false):forward(D(2, 2)):size():totable())
      assert.are.same({1, 4}, nn.Reshape(4, true):forward(D(1, 2, 2)):size():totable())
      near(vals(m:backward(T{1, 2, 3, 4}, T{{5, 6}, {7, 8}})), {5, 6, 7, 8})
      jac(m, D(3, 4))
      near(vals(nn.Reshape(4):double():forward(T{{1, 2}, {3, 4}}:t())), {1, 3, 2, 4})
      assert.are.equal('nn.Reshape(2x2)', tostring(m))
      H.raises(function() nn.Reshape(2, 2, false):forward(D(5)) end, 'nn.Reshape: input of size 5 has 5 elements, expected 4')
   end)

   it('View', function()
      local m = nn.View(2, -1):double()
      assert.are.same({2, 3}, m:forward(D(6)):size():totable())
      local b = nn.View(4):double()
      assert.are.same({3, 4}, b:forward(D(3, 2, 2)):size():totable())
      local s = nn.View(-1):setNumInputDims(2):double()
      assert.are.same({5, 6}, s:forward(D(5, 2, 3)):size():totable())
      jac(b, D(3, 2, 2))
      H.raises(function() nn.View(4):forward(D(5)) end, 'nn.View: input view (5) and desired view (4) do not match')
   end)

   it('Narrow', function()
      local x = T{1, 2, 3, 4}
      near(vals(nn.Narrow(1, 2, 2):double():forward(x)), {2, 3})
      near(vals(nn.Narrow(1, -2, 2):double():forward(x)), {1, 2}) -- Torch7: the first 4 - 2
      near(vals(nn.Narrow(1, 2, -1):double():forward(x)), {2, 3, 4})
      near(vals(nn.Narrow(1, 2, 2):double():backward(x, T{5, 6})), {0, 5, 6, 0})
      jac(nn.Narrow(2, 2, 2):double(), D(3, 4))
      H.raises(function() nn.Narrow(1, 3, 3):forward(torch.Tensor(4)) end,
               'nn.Narrow: elements 3 to 5 out of range in dimension 1 of size 4')
   end)

   it('Select', function()
      local x = T{{1, 2}, {3, 4}}
      near(vals(nn.Select(1, 2):double():forward(x)), {3, 4})
      near(vals(nn.Select(2, -1):double():forward(x)), {2, 4})
      near(vals(nn.Select(2, 1):double():backward(x, T{5, 6})), {{5, 0}, {6, 0}})
      jac(nn.Select(2, 3):double(), D(3, 4))
      H.raises(function() nn.Select(2, 3):forward(torch.Tensor(2, 2)) end,
               'nn.Select: index 3 out of range in dimension 2 of an input of size 2x2')
   end)

   it('Index', function()
      local x = T{{1, 2}, {3, 4}, {5, 6}}
      local m = nn.Index(1):double()
      local idx = torch.LongTensor{3, 1, 3}
      near(vals(m:forward({x, idx})), {{5, 6}, {1, 2}, {5, 6}})
      local gi = m:backward({x, idx}, T{{1, 1}, {2, 2}, {3, 3}})
      near(vals(gi[1]), {{2, 2}, {0, 0}, {4, 4}})
      near(vals(nn.Index(2):double():forward({x, torch.LongTensor{2}})), {{2}, {4}, {6}})
      H.raises(function() m:forward({x, torch.LongTensor{4}}) end, 'nn.Index: index 4 (position 1) out of range [1, 3]')
   end)

   it('Transpose', function()
      local m = nn.Transpose({1, 2}):double()
      near(vals(m:forward(T{{1, 2, 3}, {4, 5, 6}})), {{1, 4}, {2, 5}, {3, 6}})
      local m2 = nn.Transpose({1, 2}, {2, 3}):double()
      assert.are.same({3, 4, 2}, m2:forward(D(2, 3, 4)):size():totable())
      jac(m2, D(2, 3, 4))
   end)

   it('Squeeze and Unsqueeze', function()
      assert.are.same({2, 3}, nn.Squeeze():forward(D(2, 1, 3, 1)):size():totable())
      assert.are.same({2, 3, 1}, nn.Squeeze(2):forward(D(2, 1, 3, 1)):size():totable())
      assert.are.same({5, 3}, nn.Squeeze(1, 2):forward(D(5, 1, 3)):size():totable())
      assert.are.same({2, 1, 3}, nn.Unsqueeze(2):forward(D(2, 3)):size():totable())
      assert.are.same({5, 2, 1, 3}, nn.Unsqueeze(2, 2):forward(D(5, 2, 3)):size():totable())
      jac(nn.Squeeze():double(), D(2, 1, 3)); jac(nn.Unsqueeze(3):double(), D(2, 3))
      H.raises(function() nn.Unsqueeze(4):forward(D(2, 3)) end, 'nn.Unsqueeze: position 4 out of range for an input of size 2x3')
   end)

   it('Replicate', function()
      near(vals(nn.Replicate(3):double():forward(T{1, 2})), {{1, 2}, {1, 2}, {1, 2}})
      near(vals(nn.Replicate(2, 2):double():forward(T{{1, 2}, {3, 4}})), {{{1, 2}, {1, 2}}, {{3, 4}, {3, 4}}})
      near(vals(nn.Replicate(3):double():backward(T{1, 2}, T{{1, 2}, {3, 4}, {5, 6}})), {9, 12})
      jac(nn.Replicate(3, 2):double(), D(2, 4)); jac(nn.Replicate(2, 3):double(), D(2, 4))
      jac(nn.Replicate(2, 1, 1):double(), D(3, 4))
   end)

   it('Padding', function()
      near(vals(nn.Padding(1, 2):double():forward(T{1, 2})), {1, 2, 0, 0})
      near(vals(nn.Padding(1, -1, 1, 9):double():forward(T{1, 2})), {9, 1, 2})
      near(vals(nn.Padding(1, 1, 1, 7, 2):double():forward(T{1, 2, 3})), {1, 2, 7, 3})
      near(vals(nn.Padding(1, 2, 1):double():forward(T{{1}, {2}})), {{1, 0, 0}, {2, 0, 0}})
      near(vals(nn.Padding(1, -1):double():backward(T{1, 2}, T{5, 6, 7})), {6, 7})
      jac(nn.Padding(2, -2):double(), D(3, 4)); jac(nn.Padding(1, 2, 1, 0, 2):double(), D(3, 4))
   end)
end)

describe('reductions', function()
   local x = T{{1, 5, 3}, {4, 2, 6}}
   it('Sum and Mean', function()
      near(vals(nn.Sum(1):double():forward(x)), {5, 7, 9})
      near(vals(nn.Sum(2):double():forward(x)), {9, 12})
      near(vals(nn.Sum(-1):double():forward(x)), {9, 12})
      near(vals(nn.Sum(1, 1):double():forward(x)), {9, 12}) -- batch of 1D samples
      near(vals(nn.Sum(2, nil, false, false):double():forward(x)), {{9}, {12}})
      near(vals(nn.Mean(2):double():forward(x)), {3, 4})
      near(vals(nn.Mean(1):double():backward(x, T{2, 4, 6})), {{1, 2, 3}, {1, 2, 3}})
      near(vals(nn.Sum(2):double():backward(x, T{1, 2})), {{1, 1, 1}, {2, 2, 2}})
      jac(nn.Sum(2):double(), D(3, 4)); jac(nn.Mean(1):double(), D(3, 4)); jac(nn.Sum(2):double(), D(2, 3, 4))
      H.raises(function() nn.Sum(3):forward(torch.Tensor(2, 2)) end, 'nn.Sum: dimension 3 out of range for an input of size 2x2')
   end)

   it('Max and Min', function()
      near(vals(nn.Max(2):double():forward(x)), {5, 6})
      near(vals(nn.Min(1):double():forward(x)), {1, 2, 3})
      near(vals(nn.Max(1):double():forward(T{3, 7, 7})), {7})
      local m = nn.Max(2):double()
      m:forward(x)
      near(vals(m:backward(x, T{10, 20})), {{0, 10, 0}, {0, 0, 20}})
      local n = nn.Min(1):double()
      n:forward(x)
      near(vals(n:backward(x, T{1, 2, 3})), {{1, 0, 3}, {0, 2, 0}})
      jac(nn.Max(2):double(), D(3, 4)); jac(nn.Min(1):double(), D(3, 4))
   end)

   it('Normalize', function()
      near(vals(nn.Normalize(2):double():forward(T{3, 4})), {0.6, 0.8})
      near(vals(nn.Normalize(1):double():forward(T{{1, -3}, {2, 2}})), {{0.25, -0.75}, {0.5, 0.5}})
      jac(nn.Normalize(2):double(), D(3, 4)); jac(nn.Normalize(3):double(), D(4))
      jac(nn.Normalize(1.5):double(), D(2, 3), 0.5, 2)
      -- Torch7's p > 0, and math.huge: the max norm + eps
      near(vals(nn.Normalize(math.huge, 0):double():forward(T{{1, -4}, {2, 1}})),
           {{0.25, -1}, {1, 0.5}})
      jac(nn.Normalize(math.huge):double(), D(3, 4))
      jac(nn.Normalize(0.5):double(), D(2, 3), 0.5, 2)
      H.raises(function() nn.Normalize(0) end, 'nn.Normalize: expected p > 0')
   end)
end)

describe('pointwise layers', function()
   local x = T{-2, -0.5, 0.5, 2}
   it('compute their values', function()
      near(vals(nn.Abs():double():forward(x)), {2, 0.5, 0.5, 2})
      near(vals(nn.Exp():double():forward(T{0, 1})), {1, math.exp(1)})
      near(vals(nn.Log():double():forward(T{1, math.exp(2)})), {0, 2})
      near(vals(nn.Power(3):double():forward(x)), {-8, -0.125, 0.125, 8})
      near(vals(nn.Square():double():forward(x)), {4, 0.25, 0.25, 4})
      near(vals(nn.Sqrt():double():forward(T{4, 9})), {2, 3})
      near(vals(nn.Sqrt(1):double():forward(T{3})), {2})
      near(vals(nn.Clamp(-1, 1):double():forward(x)), {-1, -0.5, 0.5, 1})
      near(vals(nn.MulConstant(-2):double():forward(x)), {4, 1, -1, -4})
      near(vals(nn.AddConstant(1):double():forward(x)), {-1, 0.5, 1.5, 3})
   end)

   it('compute their gradients', function()
      near(vals(nn.Abs():double():backward(x, T{1, 1, 1, 1})), {-1, -1, 1, 1})
      near(vals(nn.Clamp(-1, 1):double():backward(x, T{1, 1, 1, 1})), {0, 1, 1, 0})
      near(vals(nn.Square():double():backward(x, T{1, 1, 1, 1})), {-4, -1, 1, 4})
      local s = nn.Sqrt():double()
      s:forward(T{4})
      near(vals(s:backward(T{4}, T{1})), {0.25})
      for _, m in ipairs{nn.Abs(), nn.Exp(), nn.Power(2), nn.Power(3), nn.Square(), nn.Clamp(-1, 1),
                         nn.MulConstant(2.5), nn.AddConstant(3)} do
         jac(m:double(), D(3, 4))
      end
      jac(nn.Log():double(), D(3, 4), 0.5, 2)
      jac(nn.Sqrt():double(), D(3, 4), 0.5, 2)
      jac(nn.Power(1.5):double(), D(3, 4), 0.5, 2)
   end)

   it('in place, MulConstant and AddConstant restore the input in backward', function()
      local y = T{1, 2}
      local m = nn.MulConstant(3, true):double()
      near(vals(m:forward(y)), {3, 6})
      near(vals(y), {3, 6})
      near(vals(m:backward(y, T{1, 1})), {3, 3})
      near(vals(y), {1, 2})
      local a = nn.AddConstant(1, true):double()
      a:forward(y)
      a:backward(y, T{1, 1})
      near(vals(y), {1, 2})
   end)

   it('work in float too, and check the type', function()
      near(vals(nn.Abs():float():forward(torch.FloatTensor{-1, 2})), {1, 2})
      H.raises(function() nn.Abs():float():forward(torch.DoubleTensor{1}) end,
               'nn.Abs: output is a Float tensor, input a Double tensor (convert with :type())')
      H.raises(function() nn.Exp():forward(torch.LongTensor{1}) end, 'nn.Exp: input must be a Float or Double tensor')
      H.raises(function() nn.Clamp(1, -1) end, 'nn.Clamp: expected bounds min <= max')
   end)
end)

describe('nn.Copy', function()
   it('converts types both ways', function()
      local m = nn.Copy('torch.FloatTensor', 'torch.DoubleTensor')
      local out = m:forward(torch.FloatTensor{1, 2})
      assert.are.equal('torch.DoubleTensor', out:type())
      assert.are.equal('torch.FloatTensor', m:backward(torch.FloatTensor{1, 2}, T{3, 4}):type())
      local same = nn.Copy('torch.DoubleTensor', 'torch.DoubleTensor')
      local x = T{1}
      assert.are.equal(x, same:forward(x))
      jac(nn.Copy('torch.DoubleTensor', 'torch.DoubleTensor', true), D(3))
   end)
end)

describe('nn.Dropout', function()
   it('drops with probability p and scales by 1/(1-p) in training', function()
      torch.manualSeed(123)
      local m = nn.Dropout(0.25)
      local x = torch.Tensor(4000):fill(1)
      local y = m:forward(x)
      local zeros, sum = 0, 0
      for _, v in ipairs(y:totable()) do
         if v == 0 then zeros = zeros + 1 else near(v, 1 / 0.75, 1e-6) end
         sum = sum + v
      end
      assert.is_true(zeros > 850 and zeros < 1150, 'dropped ' .. zeros)
      near(sum / 4000, 1, 0.05)
      -- backward uses the same mask
      local g = m:backward(x, torch.Tensor(4000):fill(1))
      assert.are.same(y:totable(), g:totable())
   end)

   it('is the identity in evaluate(); v1 scales there instead', function()
      local m = nn.Dropout(0.5)
      m:evaluate()
      near(vals(m:forward(torch.Tensor{1, 2})), {1, 2})
      near(vals(m:backward(torch.Tensor{1, 2}, torch.Tensor{3, 4})), {3, 4})
      local v1 = nn.Dropout(0.5, true)
      v1:evaluate()
      near(vals(v1:forward(torch.Tensor{1, 2})), {0.5, 1})
      v1:training()
      for _, v in ipairs(v1:forward(torch.Tensor(50):fill(1)):totable()) do assert.is_true(v == 0 or v == 1) end
   end)

   it('works in place, and checks p', function()
      local m = nn.Dropout(0.5, false, true)
      local x = torch.Tensor(10):fill(1)
      local y = m:forward(x)
      assert.are.equal(torch._nn.storageid(x), torch._nn.storageid(y))
      H.raises(function() nn.Dropout(1) end, 'nn.Dropout: <dropout> illegal percentage')
      assert.are.equal('nn.Dropout(0.500000)', tostring(nn.Dropout()))
   end)
end)
