-- Torch7's remaining Lua criteria and trainer (docs/nn_more.md): ClassSimplexCriterion,
-- DistanceRatioCriterion, L1Cost, SpatialAutoCropMSECriterion, ModuleCriterion and
-- nn.StochasticGradient. Losses are checked against hand or plain-Lua computations,
-- gradients in float64 against central differences of the loss, and errors name the
-- criterion and are raised at this file's line.
require 'torch'
require 'nn'
local H = require 'spec.helpers'

local D, L = torch.DoubleTensor, torch.LongTensor
local vals = H.vals
local function near(a, b, tol) H.near(a, b, tol or 1e-9) end

local T = require 'spec.nn_torch7_helpers'
local raisesAt = T.raisesAt('spec/nn_torch7_criteria_spec.lua')
local critgrad = T.critgrad

describe('nn.ClassSimplexCriterion', function()
   it('embeds the classes on a regular simplex of unit vertices', function()
      local c = nn.ClassSimplexCriterion(4)
      local s = c.simplex
      assert.are.same({4, 4}, s:size():totable())
      for i = 1, 4 do
         near(s[i]:norm(), 1)
         near(s[i][4], 0)
         for j = i + 1, 4 do near(s[i]:dot(s[j]), -1 / 3) end
      end
      near(vals(s:sum(1)), {{0, 0, 0, 0}})
   end)
   it('is the MSE against the embedded targets; predictions', function()
      local c = nn.ClassSimplexCriterion(3):double()
      local x = D(2, 3):uniform()
      local t = L{1, 3}
      local e = c.simplex:index(1, t)
      near(c:forward(x, t), (x - e):pow(2):mean())
      assert(critgrad(c, x, t) < 1e-7)
      near(c:forward(x[2], 3), (x[2] - c.simplex[3]):pow(2):mean())
      assert.are.same({1, 3, 2}, c:getTopPrediction(c.simplex:index(1, L{1, 3, 2})):totable())
      near(vals(c:getPredictions(c.simplex[2])), {vals(c.simplex * c.simplex[2])})
   end)
   it('errors name the criterion', function()
      local c = nn.ClassSimplexCriterion(3):double()
      raisesAt(function() local _ = c:forward(D(2, 3), L{1, 4}) end, 'nn.ClassSimplexCriterion', 'target 4 out of range [1, 3]')
      raisesAt(function() local _ = c:forward(D(2, 4), L{1, 2}) end, 'nn.ClassSimplexCriterion', 'input of size 2x4')
      raisesAt(function() local _ = nn.ClassSimplexCriterion(1) end, 'nn.ClassSimplexCriterion', 'nClasses')
   end)
end)

describe('nn.DistanceRatioCriterion', function()
   it('is the mean of -log(e^-X / (e^-X + e^-Y)), stable for large distances', function()
      local c = nn.DistanceRatioCriterion()
      local X, Y = D{1, 2}, D{3, 0}
      local expect = 0
      for i = 1, 2 do
         expect = expect - math.log(math.exp(-X[i]) / (math.exp(-X[i]) + math.exp(-Y[i])))
      end
      near(c:forward({X, Y}), expect / 2)
      assert(critgrad(c, {D(4):uniform(0, 3), D(4):uniform(0, 3)}) < 1e-7)
      local s = nn.DistanceRatioCriterion(false)
      near(s:forward({X, Y}), expect)
      assert(critgrad(s, {D(3, 2):uniform(0, 3), D(3, 2):uniform(0, 3)}) < 1e-7)
      near(c:forward({D{1000}, D{0}}), 1000)
      near(c:forward({D{0}, D{1000}}), 0)
   end)
   it('errors name the criterion', function()
      local c = nn.DistanceRatioCriterion()
      raisesAt(function() local _ = c:forward({D(3), D(2)}) end, 'nn.DistanceRatioCriterion', 'X of size 3 and Y of size 2')
      raisesAt(function() local _ = c:forward(D(3)) end, 'nn.DistanceRatioCriterion', 'table of two tensors')
   end)
end)

describe('nn.L1Cost', function()
   it('is sum |x| with gradient sign(x)', function()
      local c = nn.L1Cost()
      near(c:forward(D{1, -2, 3}), 6)
      near(vals(c:backward(D{1, -2, 3})), {1, -1, 1})
      assert(critgrad(c, D(3, 4):uniform(-1, 1)) < 1e-7)
   end)
   it('errors name the criterion', function()
      local c = nn.L1Cost()
      raisesAt(function() local _ = c:forward(L{1}) end, 'nn.L1Cost', 'Float or Double')
   end)
end)

describe('nn.SpatialAutoCropMSECriterion', function()
   it('is the MSE against the centre crop of the target', function()
      local c = nn.SpatialAutoCropMSECriterion()
      local x = D(2, 2, 3):uniform()
      local t = D(2, 5, 6):uniform()
      -- rows 1 + floor(3/2) = 2..3, columns 1 + floor(3/2) = 2..4
      local crop = t[{{}, {2, 3}, {2, 4}}]
      near(c:forward(x, t), (x - crop):pow(2):mean())
      assert(critgrad(c, x, t) < 1e-7)
      local xb, tb = D(2, 1, 2, 2):uniform(), D(2, 1, 4, 3):uniform()
      near(c:forward(xb, tb), (xb - tb[{{}, {}, {2, 3}, {1, 2}}]):pow(2):mean())
      local s = nn.SpatialAutoCropMSECriterion(false)
      near(s:forward(x, t), (x - crop):pow(2):sum())
      assert(critgrad(s, xb, tb) < 1e-7)
   end)
   it('errors name the criterion', function()
      local c = nn.SpatialAutoCropMSECriterion()
      raisesAt(function() local _ = c:forward(D(1, 4, 4), D(1, 3, 5)) end, 'nn.SpatialAutoCropMSECriterion', 'larger than the target')
      raisesAt(function() local _ = c:forward(D(1, 2, 2), D(2, 3, 3)) end, 'nn.SpatialAutoCropMSECriterion', 'does not match the input')
   end)
end)

describe('nn.ModuleCriterion', function()
   it('applies the modules before the criterion, and backpropagates the input one', function()
      local c = nn.ModuleCriterion(nn.MSECriterion(), nn.Tanh(), nn.MulConstant(2)):double()
      local x, t = D{0.5, -1}, D{0.1, 0.2}
      local expect = ((math.tanh(0.5) - 0.2) ^ 2 + (math.tanh(-1) - 0.4) ^ 2) / 2
      near(c:forward(x, t), expect)
      assert(critgrad(c, D(3):uniform(), D(3):uniform()) < 1e-7)
   end)
   it('errors name the criterion', function()
      raisesAt(function() local _ = nn.ModuleCriterion(nn.Tanh()) end, 'nn.ModuleCriterion', 'expected an nn.Criterion')
   end)
end)

describe('nn.StochasticGradient', function()
   it('trains a linear regression to the least-squares solution', function()
      torch.manualSeed(3)
      local dataset = {}
      function dataset:size() return 16 end
      for i = 1, 16 do
         local x = D(2):uniform(-1, 1)
         dataset[i] = {x, D{2 * x[1] - x[2] + 0.5}}
      end
      local lin = nn.Linear(2, 1):double()
      local sgd = nn.StochasticGradient(lin, nn.MSECriterion():double())
      sgd.verbose = false
      sgd.learningRate = 0.2
      sgd.maxIteration = 200
      local epochs = 0
      sgd.hookIteration = function(_, it) epochs = it end
      local err = sgd:train(dataset)
      assert.are.equal(200, epochs)
      assert(err < 1e-8, 'error ' .. err)
      near(vals(lin.weight), {{2, -1}}, 1e-4)
      near(lin.bias[1], 0.5, 1e-4)
   end)
   it('errors name the trainer', function()
      raisesAt(function() local _ = nn.StochasticGradient(nn.Linear(2, 1), nn.Tanh()) end, 'nn.StochasticGradient', 'expected an nn.Criterion')
      local sgd = nn.StochasticGradient(nn.Linear(2, 1), nn.MSECriterion())
      raisesAt(function() sgd:train({}) end, 'nn.StochasticGradient', 'size() method')
   end)
end)
