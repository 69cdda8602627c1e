-- Containers and table modules: Sequential, Concat, ConcatTable, Parallel, ParallelTable,
-- JoinTable, SplitTable, SelectTable, NarrowTable, FlattenTable, CAddTable, CSubTable,
-- CMulTable, CDivTable.
require 'torch'
require 'nn'
local H = require 'spec.helpers'

local function near(a, b, tol) H.near(a, b, tol or 1e-6) end

local function T(t) return torch.DoubleTensor(t) end
local vals = H.vals

local function known_linear()
   local m = nn.Linear(2, 3):double()
   m.weight:copy(T{{1, 2}, {3, 4}, {5, 6}})
   m.bias:copy(T{0.5, -1, 2})
   return m
end

local function jac_ok(m, input)
   local err = nn.Jacobian.testJacobian(m, input)
   assert(err < 1e-6, 'jacobian error ' .. err)
end

describe('nn.Sequential', function()
   it('chains forward and backward', function()
      local s = nn.Sequential():add(known_linear()):add(nn.AddConstant(1)):add(nn.MulConstant(2))
      s:double()
      near(vals(s:forward(T{1, -1})), {1, -2, 4})
      near(vals(s:backward(T{1, -1}, T{1, 1, 1})), {18, 24})
      assert.are.equal(s.modules[3].output, s.output)
      assert.are.equal(s.modules[1].gradInput, s.gradInput)
   end)

   it('add, insert, remove, get, size and #', function()
      local a, b, c = nn.Identity(), nn.Linear(2, 2), nn.Abs()
      local s = nn.Sequential():add(a):add(c)
      s:insert(b, 2)
      assert.are.equal(3, s:size())
      assert.are.equal(3, #s)
      assert.are.equal(b, s:get(2))
      assert.are.equal(c, s:remove())
      assert.are.equal(a, s:remove(1))
      assert.are.equal(1, #s.modules)
      H.raises(function() s:insert(nn.Identity(), 5) end, 'nn.Sequential:insert: index 5 out of range [1, 2]')
      H.raises(function() s:add('x') end, 'nn.Sequential: add: expected an nn.Module, got string')
   end)

   it('an empty Sequential passes its input through', function()
      local x = T{1, 2}
      assert.are.equal(x, nn.Sequential():forward(x))
   end)

   it('says in which module an error happened', function()
      local s = nn.Sequential():add(nn.Identity()):add(nn.Linear(4, 3))
      H.raises(function() s:forward(torch.Tensor(2, 5)) end, 'In 2 module of nn.Sequential',
               'nn.Linear: input of size 2x5, expected 4 features (weight 3x4)')
   end)

   it('passes the gradient checks, w.r.t. input and to all the flat parameters', function()
      local s = nn.Sequential():add(nn.Linear(3, 4)):add(nn.Square()):add(nn.Linear(4, 2))
      s:double()
      jac_ok(s, torch.DoubleTensor(5, 3))
      jac_ok(s, torch.DoubleTensor(3))
      local p, g = s:getParameters()
      local err = nn.Jacobian.testJacobianParameters(s, torch.DoubleTensor(5, 3), p, g)
      assert.is_true(err < 1e-6)
   end)
end)

describe('nn.Concat', function()
   it('concatenates the outputs along a dimension', function()
      local c = nn.Concat(2):add(known_linear()):add(nn.Identity()):double()
      near(vals(c:forward(T{{1, -1}, {2, 0}})), {{-0.5, -2, 1, 1, -1}, {2.5, 5, 12, 2, 0}})
      local c1 = nn.Concat(1):add(nn.Identity()):add(nn.MulConstant(2)):double()
      near(vals(c1:forward(T{1, 3})), {1, 3, 2, 6})
      -- the gradInputs of the branches add up
      near(vals(c1:backward(T{1, 3}, T{1, 1, 1, 1})), {3, 3})
   end)

   it('passes the gradient checks', function()
      local c = nn.Concat(2):add(nn.Linear(3, 2)):add(nn.Linear(3, 4)):double()
      jac_ok(c, torch.DoubleTensor(4, 3))
      local p, g = c:getParameters()
      assert.is_true(nn.Jacobian.testJacobianParameters(c, torch.DoubleTensor(4, 3), p, g) < 1e-6)
   end)

   it('prints its branches', function()
      local c = nn.Concat(1):add(nn.Identity()):add(nn.Abs())
      assert.are.equal('nn.Concat {\n  input\n    |`-> (1): nn.Identity\n     `-> (2): nn.Abs\n'
                       .. '     ... -> output\n}', tostring(c))
   end)

   it('raises on outputs that do not fit together', function()
      local c = nn.Concat(1):add(nn.Identity()):add(nn.Transpose({1, 2}))
      H.raises(function() c:forward(torch.Tensor(2, 3)) end, 'nn.Concat: output 2 of size 3x2')
   end)
end)

describe('nn.ConcatTable', function()
   it('gives the table of outputs, and sums the gradInputs', function()
      local c = nn.ConcatTable():add(nn.Identity()):add(nn.MulConstant(3)):double()
      local out = c:forward(T{1, 2})
      near(vals(out), {{1, 2}, {3, 6}})
      near(vals(c:backward(T{1, 2}, {T{1, 1}, T{1, -1}})), {4, -2})
   end)

   it('works on table inputs (nested)', function()
      local c = nn.ConcatTable():add(nn.Identity()):add(nn.Identity())
      local x = {T{1}, {T{2}, T{3}}}
      local out = c:forward(x)
      near(vals(out[2]), {{1}, {{2}, {3}}})
      local gi = c:backward(x, {{T{1}, {T{1}, T{1}}}, {T{2}, {T{3}, T{4}}}})
      near(vals(gi), {{3}, {{4}, {5}}})
   end)

   it('passes the gradient checks', function()
      local c = nn.ConcatTable():add(nn.Linear(3, 2)):add(nn.Square()):double()
      jac_ok(c, torch.DoubleTensor(2, 3))
      local p, g = c:getParameters()
      assert.is_true(nn.Jacobian.testJacobianParameters(c, torch.DoubleTensor(2, 3), p, g) < 1e-6)
   end)
end)

describe('nn.Parallel', function()
   it('feeds slices to the modules and concatenates', function()
      local p = nn.Parallel(1, 1):add(nn.MulConstant(2)):add(nn.Sum(1)):double()
      near(vals(p:forward(T{{1, 2}, {3, 4}})), {2, 4, 7})
      near(vals(p:backward(T{{1, 2}, {3, 4}}, T{1, 1, 5})), {{2, 2}, {5, 5}})
      jac_ok(p, torch.DoubleTensor(2, 3))
      H.raises(function() p:forward(torch.DoubleTensor(3, 2)) end,
               'nn.Parallel: input of size 3x2 has 3 slices along dimension 1, but there are 2 modules')
   end)
end)

describe('nn.ParallelTable', function()
   it('applies module i to input i', function()
      local p = nn.ParallelTable():add(nn.MulConstant(2)):add(nn.AddConstant(1)):double()
      near(vals(p:forward({T{1, 2}, T{3}})), {{2, 4}, {4}})
      near(vals(p:backward({T{1, 2}, T{3}}, {T{1, 1}, T{5}})), {{2, 2}, {5}})
      jac_ok(p, {torch.DoubleTensor(2), torch.DoubleTensor(3)})
      H.raises(function() p:forward(T{1}) end, 'nn.ParallelTable: expected a table input')
   end)
end)

describe('nn.JoinTable', function()
   it('joins along a dimension, and splits the gradient back', function()
      local j = nn.JoinTable(1):double()
      near(vals(j:forward({T{1, 2}, T{3}})), {1, 2, 3})
      near(vals(j:backward({T{1, 2}, T{3}}, T{4, 5, 6})), {{4, 5}, {6}})
      local j2 = nn.JoinTable(2):double()
      near(vals(j2:forward({T{{1}, {2}}, T{{3, 4}, {5, 6}}})), {{1, 3, 4}, {2, 5, 6}})
   end)

   it('with nInputDims, a batch shifts the dimension; negative counts from the end', function()
      local j = nn.JoinTable(1, 1):double()
      near(vals(j:forward({T{{1}, {2}}, T{{3}, {4}}})), {{1, 3}, {2, 4}})
      near(vals(nn.JoinTable(-1):double():forward({T{{1}, {2}}, T{{3}, {4}}})), {{1, 3}, {2, 4}})
      jac_ok(nn.JoinTable(2):double(), {torch.DoubleTensor(2, 3), torch.DoubleTensor(2, 1)})
   end)

   it('raises on sizes that do not match', function()
      H.raises(function() nn.JoinTable(1):forward({torch.Tensor(2, 3), torch.Tensor(2, 4)}) end,
               'nn.JoinTable: input 2 of size 2x4 does not match input 1 of size 2x3')
   end)
end)

describe('nn.SplitTable', function()
   it('splits into slices and gathers the gradient', function()
      local s = nn.SplitTable(1):double()
      near(vals(s:forward(T{{1, 2}, {3, 4}, {5, 6}})), {{1, 2}, {3, 4}, {5, 6}})
      local s2 = nn.SplitTable(2):double()
      near(vals(s2:forward(T{{1, 2}, {3, 4}})), {{1, 3}, {2, 4}})
      near(vals(s2:backward(T{{1, 2}, {3, 4}}, {T{7, 8}, T{9, 10}})), {{7, 9}, {8, 10}})
      near(vals(nn.SplitTable(1, 1):double():forward(T{{1, 2}, {3, 4}})), {{1, 3}, {2, 4}})
      jac_ok(nn.SplitTable(2):double(), torch.DoubleTensor(3, 2))
      H.raises(function() nn.SplitTable(3):forward(torch.Tensor(2, 2)) end,
               'nn.SplitTable: dimension 3 out of range for an input of size 2x2')
   end)
end)

describe('nn.SelectTable', function()
   it('selects an entry; gradInput is zeros elsewhere', function()
      local x = {T{1}, T{2, 3}, {T{4}}}
      local s = nn.SelectTable(2)
      assert.are.equal(x[2], s:forward(x))
      near(vals(s:backward(x, T{5, 6})), {{0}, {5, 6}, {{0}}})
      local last = nn.SelectTable(-1)
      near(vals(last:forward(x)), {{4}})
      near(vals(last:backward(x, {T{9}})), {{0}, {0, 0}, {{9}}})
      jac_ok(nn.SelectTable(1), {torch.DoubleTensor(2), torch.DoubleTensor(3)})
      H.raises(function() s:forward({T{1}}) end, 'nn.SelectTable: index 2 out of range for a table of 1 entries')
   end)
end)

describe('nn.NarrowTable', function()
   it('takes a range of entries', function()
      local x = {T{1}, T{2}, T{3}, T{4}}
      local n = nn.NarrowTable(2, 2)
      near(vals(n:forward(x)), {{2}, {3}})
      near(vals(n:backward(x, {T{5}, T{6}})), {{0}, {5}, {6}, {0}})
      near(vals(nn.NarrowTable(2, -1):forward(x)), {{2}, {3}, {4}})
      jac_ok(nn.NarrowTable(1, 2), {torch.DoubleTensor(2), torch.DoubleTensor(2), torch.DoubleTensor(1)})
      H.raises(function() n:forward({T{1}}) end, 'nn.NarrowTable: entries 2 to 3 out of range for a table of 1')
   end)
end)

describe('nn.FlattenTable', function()
   it('flattens nested tables and unflattens the gradient', function()
      local x = {T{1}, {T{2}, {T{3}}}}
      local f = nn.FlattenTable()
      near(vals(f:forward(x)), {{1}, {2}, {3}})
      near(vals(f:backward(x, {T{4}, T{5}, T{6}})), {{4}, {{5}, {{6}}}})
      jac_ok(f, {torch.DoubleTensor(2), {torch.DoubleTensor(1), {torch.DoubleTensor(3)}}})
   end)
end)

describe('CAddTable, CSubTable, CMulTable, CDivTable', function()
   local a, b, c = T{1, 2, 3}, T{4, 5, 6}, T{-1, 0.5, 2}

   it('CAddTable adds, and passes the gradient to every input', function()
      local m = nn.CAddTable():double()
      near(vals(m:forward({a, b, c})), {4, 7.5, 11})
      near(vals(m:backward({a, b, c}, T{1, 2, 3})), {{1, 2, 3}, {1, 2, 3}, {1, 2, 3}})
      jac_ok(m, {torch.DoubleTensor(2, 3), torch.DoubleTensor(2, 3)})
      H.raises(function() m:forward({T{1, 2}, T{1}}) end,
               'nn.CAddTable: input 2 of size 1 does not match input 1 of size 2')
   end)

   it('CSubTable subtracts', function()
      local m = nn.CSubTable():double()
      near(vals(m:forward({a, b})), {-3, -3, -3})
      near(vals(m:backward({a, b}, T{1, 2, 3})), {{1, 2, 3}, {-1, -2, -3}})
      jac_ok(m, {torch.DoubleTensor(4), torch.DoubleTensor(4)})
   end)

   it('CMulTable multiplies', function()
      local m = nn.CMulTable():double()
      near(vals(m:forward({a, b, c})), {-4, 5, 36})
      near(vals(m:backward({a, b, c}, T{1, 1, 1})), {{-4, 2.5, 12}, {-1, 1, 6}, {4, 10, 18}})
      jac_ok(m, {torch.DoubleTensor(2, 2), torch.DoubleTensor(2, 2), torch.DoubleTensor(2, 2)})
   end)

   it('CDivTable divides', function()
      local m = nn.CDivTable():double()
      near(vals(m:forward({a, b})), {0.25, 0.4, 0.5})
      near(vals(m:backward({a, b}, T{1, 1, 1})), {{0.25, 0.2, 1 / 6}, {-1 / 16, -2 / 25, -3 / 36}})
      local err = nn.Jacobian.testJacobian(m, {torch.DoubleTensor(3), torch.DoubleTensor(3)}, 1, 2)
      assert.is_true(err < 1e-6)
   end)
end)

describe('nested table pipelines', function()
   it('ConcatTable -> FlattenTable -> CAddTable', function()
      local inner = nn.ConcatTable():add(nn.Identity()):add(nn.MulConstant(2))
      local m = nn.Sequential()
         :add(nn.ConcatTable():add(inner):add(nn.Linear(3, 3)))
         :add(nn.FlattenTable())
         :add(nn.CAddTable())
         :double()
      local out = m:forward(T{1, 0, 0})
      assert.are.equal(3, out:nElement())
      jac_ok(m, torch.DoubleTensor(2, 3))
      local p, g = m:getParameters()
      assert.is_true(nn.Jacobian.testJacobianParameters(m, torch.DoubleTensor(2, 3), p, g) < 1e-6)
   end)
end)
