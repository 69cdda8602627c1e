-- nn's constructor and call forms that Torch7 programs (and torch/nn's test.lua) use:
-- sizes given as integral floats, tensor constants, broadcast CAdd/CMul parameters, a
-- single sample in BatchNormalization, Narrow's negative offset, Normalize for any p > 0
-- and the max norm, CrossEntropyCriterion's sizeAverage, SpatialFullConvolution's
-- {input, target}, Index after clearState, OneHot of a number, FlattenTable's kept
-- tables, type() keeping shared tensors one object, Jacobian.testAllUpdate, CMaxTable's
-- same-count gradOutput, Linear's "size mismatch". Values by hand; float64 gradient
-- checks for the changed differentiable forms.
require 'nn'
local H = require 'spec.helpers'

local D = function(...) return torch.DoubleTensor(...):uniform(-1, 1) end
local function same(want, got) assert.are.same(want, got) end

describe('sizes given as integral floats', function()
  it('reach the constructors as integers', function()
    local l = nn.Linear(3072 / 16, 3072 / 32)
    same({96, 192}, l.weight:size():totable())
    assert.equal('integer', math.type(l.weight:size(1)))
    local p = nn.SpatialMaxPooling(2.0, 2.0)
    assert.equal('integer', math.type(p.kW))
    same({1, 2, 2}, p:forward(torch.rand(1, 4, 4)):size():totable())
    assert.equal(0.5, nn.Dropout(0.5).p)            -- other numbers pass unchanged
    assert.equal(2, nn.BCECriterion and nn.MultiMarginCriterion(2.0).p)
  end)

  it('refuse a non-integral size, naming the module', function()
    H.raises(function() nn.Linear(3, 3.5) end, 'nn.Linear: expected positive integer sizes, got 3 and 3.5')
    H.raises(function() nn.BatchNormalization(2.5) end, 'nn.BatchNormalization: expected a number of features')
  end)

  it('leave the arguments alone through nn.utils.integralArgs', function()
    local t = {}
    local a, b, c, d, e = nn.utils.integralArgs(nil, 4.0, 'x', t, nil, 0.25)
    assert.equal('integer', math.type(a)); assert.equal(4, a)
    assert.equal('x', b); assert.equal(t, c); assert.is_nil(d); assert.equal(0.25, e)
    assert.equal(3, select('#', nn.utils.integralArgs(nil, 1.0, nil, nil)))
  end)
end)

describe('AddConstant and MulConstant', function()
  it('take a one-element tensor as its number', function()
    local x = torch.Tensor{1, 2}
    same({3.5, 4.5}, nn.AddConstant(torch.Tensor{2.5}):forward(x):totable())
    same({-2, -4}, nn.MulConstant(torch.Tensor{{-2}}):forward(x):totable())
  end)

  it('AddConstant adds a vector to each row, in place too, restored by backward', function()
    local m = nn.AddConstant(torch.Tensor{1, 2, 3})
    same({0, 0, 0}, m:forward(torch.Tensor{-1, -2, -3}):totable())
    same({{1, 2, 3}, {2, 3, 4}}, m:forward(torch.Tensor{{0, 0, 0}, {1, 1, 1}}):totable())
    local ip = nn.AddConstant(torch.Tensor{1, 2}, true)
    local x = torch.Tensor{{1, 1}, {2, 2}}
    same({{2, 3}, {3, 4}}, ip:forward(x):totable())
    same({{2, 3}, {3, 4}}, x:totable())               -- the input itself moved
    same({{5, 5}, {5, 5}}, ip:backward(x, torch.Tensor(2, 2):fill(5)):totable())
    same({{1, 1}, {2, 2}}, x:totable())               -- and came back
    H.jac(nn.AddConstant(torch.Tensor{1, 2, 3}):double(), D(4, 3))
    H.raises(function() m:forward(torch.Tensor(2, 4)) end,
             'nn.AddConstant: input of size 2x4 does not match the constant of size 3')
    H.raises(function() nn.MulConstant(torch.Tensor{1, 2}) end,
             'nn.MulConstant: expected a number, got 2 torch.DoubleTensor')
    H.raises(function() nn.AddConstant(1, 'yes') end, 'nn.AddConstant: inplace must be a boolean')
  end)
end)

describe('CAdd and CMul with a parameter of size 1 along some dimensions', function()
  it('expand it as Torch7 did, with the summed gradient', function()
    local add = nn.CAdd(1, 2, 1):double()
    add.bias:copy(torch.Tensor{{{10}, {20}}})
    local x = torch.Tensor{{{1, 2, 3}, {4, 5, 6}}, {{7, 8, 9}, {1, 1, 1}}}
    same({{{11, 12, 13}, {24, 25, 26}}, {{17, 18, 19}, {21, 21, 21}}}, add:forward(x):totable())
    add:zeroGradParameters()
    add:backward(x, torch.ones(2, 2, 3))
    same({{{6}, {6}}}, add.gradBias:totable())
    local mul = nn.CMul(1, 2, 1):double()
    mul.weight:copy(torch.Tensor{{{2}, {-1}}})
    same({{{2, 4, 6}, {-4, -5, -6}}, {{14, 16, 18}, {-1, -1, -1}}}, mul:forward(x):totable())
    mul:zeroGradParameters()
    mul:backward(x, torch.ones(2, 2, 3))
    -- sum over batch and columns of x: row 1: 1+2+3+7+8+9 = 30, row 2: 4+5+6+1+1+1 = 18
    same({{{30}, {18}}}, mul.gradWeight:totable())
    same({{{2, 2, 2}, {-1, -1, -1}}, {{2, 2, 2}, {-1, -1, -1}}}, mul.gradInput:totable())
    H.jac(nn.CMul(1, 3, 1):double(), D(2, 3, 4))
    local c = nn.CMul(1, 3, 1):double()
    H.jacp(c, D(2, 3, 4), c.weight, c.gradWeight)
    local b = nn.CAdd(3, 1):double()
    H.jacp(b, D(3, 5), b.bias, b.gradBias)
    H.raises(function() nn.CMul(1, 3, 1):forward(torch.Tensor(2, 4, 4)) end,
             'nn.CMul: input of size 2x4x4, expected 3 elements per sample')
  end)
end)

describe('BatchNormalization', function()
  it('normalizes a single sample, and a batch of one, by the running statistics', function()
    local bn = nn.BatchNormalization(2, 0):double()
    bn.weight:fill(1); bn.bias:fill(0)
    bn.running_mean:copy(torch.Tensor{1, 2}); bn.running_var:copy(torch.Tensor{4, 1})
    bn:evaluate()
    same({0.5, 3}, bn:forward(torch.Tensor{2, 5}):totable())     -- (2-1)/2, (5-2)/1
    bn:training()
    same({{0.5, 3}}, bn:forward(torch.Tensor{{2, 5}}):totable())
    same({1, 2}, bn.running_mean:totable())                      -- not updated
    local e = nn.BatchNormalization(3):double()
    e:evaluate()
    H.jac(e, D(3))
  end)
end)

describe('Narrow', function()
  it('follows Torch7 for a negative offset: the first size - length elements', function()
    local x = torch.range(1, 10):view(1, 10)
    same({{1, 2, 3}}, nn.Narrow(2, -1, 7):forward(x):totable())
    same({{0, 0, 0, 0, 0, 0, 0, 0, 0, 0}}, nn.Narrow(2, -1, 7):backward(x, torch.zeros(1, 3)):totable())
    same({{5, 6, 7}}, nn.Narrow(-1, 5, -4):forward(x):totable())  -- negative length, as before
  end)
end)

describe('Normalize', function()
  it('takes any p > 0 and the max norm', function()
    local m = nn.Normalize(math.huge, 0):double()
    H.near(m:forward(torch.Tensor{{3, -6}, {1, 2}}):totable(), {{0.5, -1}, {0.5, 1}}, 1e-12)
    -- p = 0.5: (sqrt 1 + sqrt 4)^2 = 9
    H.near(nn.Normalize(0.5, 0):double():forward(torch.Tensor{1, 4}):totable(), {1 / 9, 4 / 9}, 1e-12)
    H.jac(nn.Normalize(math.huge):double(), D(3, 5))
    H.jac(nn.Normalize(0.7):double(), torch.DoubleTensor(2, 4):uniform(0.5, 2))
    H.raises(function() nn.Normalize(-1) end, 'nn.Normalize: expected p > 0 (math.huge: the max norm), got -1')
  end)
end)

describe('CrossEntropyCriterion', function()
  it('passes a changed sizeAverage to its ClassNLLCriterion, and keeps the NLL\'s own', function()
    local input, target = torch.Tensor{{1, 2}, {3, 1}}, torch.Tensor{1, 1}
    local c = nn.CrossEntropyCriterion()
    local mean = c:forward(input, target)
    c.nll.sizeAverage = false                       -- set on the NLL directly: kept
    H.near(c:forward(input, target), 2 * mean, 1e-12)
    assert.is_false(c.nll.sizeAverage)
    local d = nn.CrossEntropyCriterion()
    d.sizeAverage = false                           -- set here: reaches the NLL
    H.near(d:forward(input, target), 2 * mean, 1e-12)
    assert.is_false(d.nll.sizeAverage)
  end)
end)

describe('SpatialFullConvolution', function()
  it('takes {input, target} and gives the target\'s height and width', function()
    local m = nn.SpatialFullConvolution(2, 3, 3, 3, 2, 2, 1, 1):double()
    local x = D(2, 4, 4)
    local out = m:forward({x, torch.Tensor(3, 8, 8)})
    same({3, 8, 8}, out:size():totable())            -- (4 - 1) 2 - 2 + 3 + adj 1
    local ref = nn.SpatialFullConvolution(2, 3, 3, 3, 2, 2, 1, 1, 1, 1):double()
    ref.weight:copy(m.weight); ref.bias:copy(m.bias)
    H.near(out:totable(), ref:forward(x):totable(), 1e-12)
    local g = D(3, 8, 8)
    local gi = m:backward({x, torch.Tensor(3, 8, 8)}, g)
    H.near(gi[1]:totable(), ref:backward(x, g):totable(), 1e-12)
    same({3, 8, 8}, gi[2]:size():totable())
    assert.equal(0, gi[2]:abs():max())
    H.near(m.gradWeight:totable(), ref.gradWeight:totable(), 1e-12)
    same({3, 7, 7}, m:forward({x, torch.Tensor(7, 7)}):size():totable())
  end)
end)

describe('table modules', function()
  it('Index backward works after clearState', function()
    local m = nn.Index(1)
    local input = {torch.Tensor{{10, 20}, {30, 40}}, torch.LongTensor{2, 2}}
    m:forward(input)
    m:clearState()
    m:forward(input)
    local gi = m:backward(input, torch.Tensor{{1, 2}, {3, 4}})
    same({{0, 0}, {4, 6}}, gi[1]:totable())
    same({0, 0}, gi[2]:totable())
  end)

  it('OneHot of a number is one vector; its gradient has the module\'s type', function()
    local o = nn.OneHot(4)
    same({0, 0, 1, 0}, o:forward(3):totable())
    H.raises(function() o:forward(5) end, 'nn.OneHot: index 5 out of range [1, 4]')
    local g = o:backward(torch.LongTensor{1, 2}, torch.ones(2, 4))
    assert.equal(torch.getdefaulttensortype(), torch.type(g))
  end)

  it('FlattenTable keeps its tables while the input keeps its structure', function()
    local m = nn.FlattenTable()
    local a, b, c = torch.ones(1), torch.ones(2), torch.ones(3)
    local out = m:forward({a, {b, {c}}})
    local map = m.input_map
    assert.equal(out, m:forward({a, {b, {c}}}))
    assert.equal(map, m.input_map)
    local out2 = m:forward({a, {b, c}})
    assert.are_not.equal(out, out2)
    same({1, 2, 3}, {out2[1]:size(1), out2[2]:size(1), out2[3]:size(1)})
  end)

  it('Parallel runs as many modules as there are slices (Torch7)', function()
    local p = nn.Parallel(1, 1):add(nn.MulConstant(2)):add(nn.MulConstant(3)):add(nn.Identity())
    same({2, 4, 9, 12}, p:forward(torch.Tensor{{1, 2}, {3, 4}}):totable())
    same({{2, 2}, {3, 3}}, p:backward(torch.Tensor{{1, 2}, {3, 4}}, torch.ones(4)):totable())
    H.raises(function() nn.Parallel(1, 1):add(nn.Identity()):forward(torch.ones(2, 2)) end,
             'nn.Parallel: input of size 2x2 has 2 slices along dimension 1, but there are 1 modules')
  end)

  it('CMaxTable takes a gradOutput of the same element count, as Torch7', function()
    local m = nn.CMaxTable()
    m:forward({torch.Tensor{{1, 3}, {2, 4}}, torch.Tensor{{4, 2}, {3, 1}}})
    local gi = m:backward({torch.Tensor{{1, 3}, {2, 4}}, torch.Tensor{{4, 2}, {3, 1}}},
                          torch.Tensor{5, 6, 7, 8})
    same({{0, 6}, {0, 8}}, gi[1]:totable())
    same({{5, 0}, {7, 0}}, gi[2]:totable())
  end)
end)

describe('module protocol', function()
  it('type() keeps a tensor held by two modules one object', function()
    local s = nn.Sequential():add(nn.Linear(3, 2)):add(nn.Linear(3, 2))
    s.modules[2].bias = s.modules[1].bias
    s:float()
    assert.equal(s.modules[1].bias, s.modules[2].bias)
    assert.equal('torch.FloatTensor', s.modules[2].bias:type())
  end)

  it('Jacobian.testAllUpdate agrees for a correct module and catches a wrong one', function()
    local l = nn.Linear(4, 3):double()
    for k, e in pairs(nn.Jacobian.testAllUpdate(l, D(2, 4), 'weight', 'gradWeight')) do
      assert(e < 1e-10, k .. ' ' .. e)
    end
    local bad = nn.Linear(4, 3):double()
    function bad:accUpdateGradParameters(input, gradOutput, lr)  -- a sign error
      self.weight:addmm(lr, gradOutput:t(), input)
    end
    local errs = nn.Jacobian.testAllUpdate(bad, D(2, 4), 'weight', 'gradWeight')
    assert(errs.accUpdateGradParameters > 1e-3)
    assert(errs.accGradParameters < 1e-10)
  end)

  it('a Linear fed the wrong size says size mismatch, inside the containers\' context', function()
    local p = nn.Parallel(1, 1):add(nn.Linear(1, 1))
    local model = nn.Sequential():add(nn.Identity()):add(nn.Concat(1):add(p))
    local msg = H.raises(function() model:forward(torch.randn(1, 2, 2)) end,
                         'In 2 module of nn.Sequential:\nIn 1 module of nn.Concat:\n'
                         .. 'In 1 module of nn.Parallel:\n', 'size mismatch')
    assert.truthy(msg:find('nn.Linear: input of size', 1, true))
  end)
end)
