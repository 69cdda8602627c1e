-- Backpropagation worked through by hand, as textbooks do, beside what dlua computes.
-- Network: x (2) -> Linear(2,2) -> ReLU -> Linear(2,1) -> Sigmoid -> BCE with target t,
-- then one SGD step with learning rate lr. Every value is computed twice: from the
-- formulas written out below in plain Lua, and by dlua's modules; they must agree to
-- 1e-9 (BCECriterion adds Torch7's eps of 1e-12 inside its logarithms).
require 'torch'
require 'nn'
require 'optim'

torch.setdefaulttensortype('torch.DoubleTensor')
local x, t, lr = {0.5, -1.0}, 1, 0.1
local W1 = {{0.1, -0.2}, {0.4, 0.3}}
local b1 = {0.05, -0.1}
local W2 = {{0.7, -0.5}}
local b2 = {0.2}

-- By hand.
local z1, h = {}, {}
for i = 1, 2 do
  z1[i] = W1[i][1] * x[1] + W1[i][2] * x[2] + b1[i]
  h[i] = math.max(z1[i], 0)
end
local z2 = W2[1][1] * h[1] + W2[1][2] * h[2] + b2[1]
local p = 1 / (1 + math.exp(-z2))
local loss = -(t * math.log(p) + (1 - t) * math.log(1 - p))
local dp = -(t / p) + (1 - t) / (1 - p)   -- dL/dp
local dz2 = dp * p * (1 - p)               -- = p - t
local dW2 = {dz2 * h[1], dz2 * h[2]}
local db2 = dz2
local dh = {dz2 * W2[1][1], dz2 * W2[1][2]}
local dz1 = {dh[1] * (z1[1] > 0 and 1 or 0), dh[2] * (z1[2] > 0 and 1 or 0)}
local dW1 = {{dz1[1] * x[1], dz1[1] * x[2]}, {dz1[2] * x[1], dz1[2] * x[2]}}
local db1 = {dz1[1], dz1[2]}

-- By dlua.
local l1, l2 = nn.Linear(2, 2), nn.Linear(2, 1)
l1.weight:copy(torch.Tensor(W1)); l1.bias:copy(torch.Tensor(b1))
l2.weight:copy(torch.Tensor(W2)); l2.bias:copy(torch.Tensor(b2))
local model = nn.Sequential():add(l1):add(nn.ReLU()):add(l2):add(nn.Sigmoid())
local criterion = nn.BCECriterion()
local input, target = torch.Tensor(x), torch.Tensor({t})
local params, grads = model:getParameters()
grads:zero()
local out = model:forward(input)
local dloss = criterion:forward(out, target)
model:backward(input, criterion:backward(out, target))

local worst = 0
local function row(name, mine, theirs)
  local diff = math.abs(mine - theirs)
  worst = math.max(worst, diff)
  print(('%-12s %14.8f %14.8f %10.1e'):format(name, mine, theirs, diff))
end
print(('%-12s %14s %14s %10s'):format('value', 'by hand', 'dlua', 'diff'))
for i = 1, 2 do row('z1[' .. i .. ']', z1[i], l1.output[i]) end
for i = 1, 2 do row('h[' .. i .. ']', h[i], model.modules[2].output[i]) end
row('z2', z2, l2.output[1])
row('p', p, out[1])
row('loss', loss, dloss)
row('dL/dz2', dz2, model.modules[4].gradInput[1])
for i = 1, 2 do row('dL/dW2[' .. i .. ']', dW2[i], l2.gradWeight[1][i]) end
row('dL/db2', db2, l2.gradBias[1])
for i = 1, 2 do row('dL/dh[' .. i .. ']', dh[i], model.modules[3].gradInput[i]) end
for i = 1, 2 do row('dL/dz1[' .. i .. ']', dz1[i], model.modules[2].gradInput[i]) end
for i = 1, 2 do for j = 1, 2 do row(('dL/dW1[%d%d]'):format(i, j), dW1[i][j], l1.gradWeight[i][j]) end end
for i = 1, 2 do row('dL/db1[' .. i .. ']', db1[i], l1.gradBias[i]) end

-- One SGD step: w <- w - lr * dL/dw.
optim.sgd(function() return dloss, grads end, params, {learningRate = lr})
for i = 1, 2 do for j = 1, 2 do
  row(('W1[%d%d] new'):format(i, j), W1[i][j] - lr * dW1[i][j], l1.weight[i][j])
end end
for i = 1, 2 do row('W2[' .. i .. '] new', W2[1][i] - lr * dW2[i], l2.weight[1][i]) end
print(worst < 1e-9 and 'by hand and dlua agree' or ('MISMATCH: largest difference ' .. worst))
if worst >= 1e-9 then os.exit(1) end
