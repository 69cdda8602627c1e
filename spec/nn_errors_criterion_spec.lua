-- Every criterion of lua/nn called wrongly: sizes that do not match, wrong dimension
-- counts, wrong types (Double input to a Float criterion, LongTensor input, a non-integer
-- class target), classes out of range, wrong tables for the table criteria, backward with
-- wrong sizes. Each message must read "<this file>:<the calling line>: nn.<Class>: ...":
-- the position is the caller's line here (never a file under lua/nn), the text begins
-- with the class name of what was called, and no C function name shows.
require 'torch'
require 'nn'

local D, F, L = torch.DoubleTensor, torch.FloatTensor, torch.LongTensor
local this = debug.getinfo(1, 'S').short_src

-- C names that must not reach a user: the kernels' and the bindings'.
local cnames = {'nn_', 'dl_', 'op_', 'lt_', '_forward', '_backward', 'updateOutput',
                'updateGradInput', 'scatter', 'gather', 'argument %d'}

-- Checks the result of pcall(function() return c:forward(x, t) end), made on the line
-- given (pcall is a C function and the closure's call a tail call, so the error's
-- position is that line): an error at this file's line, beginning with class, containing
-- the plain string part (when not nil).
local function fails(line, class, part, ok, err)
   assert(not ok, ('line %d: expected an error from %s'):format(line, class))
   err = tostring(err)
   local want = ('%s:%d: %s: '):format(this, line, class)
   assert(err:sub(1, #want) == want, ('error %q does not begin with %q'):format(err, want))
   assert(not err:find('lua/nn/', 1, true), ('error %q points into lua/nn'):format(err))
   local text = err:sub(#want + 1)
   for _, c in ipairs(cnames) do
      assert(not text:find(c), ('error %q names C (%s)'):format(err, c))
   end
   if part then
      assert(err:find(part, 1, true), ('error %q does not contain %q'):format(err, part))
   end
end

-- The line of the caller of here(): each test writes `fails(here(), ...)` on the line of
-- the pcall it checks.
local function here() return debug.getinfo(2, 'l').currentline end

-- The pointwise criteria: input and target of as many elements, Float or Double.
local pointwise = {'MSECriterion', 'AbsCriterion', 'SmoothL1Criterion', 'BCECriterion',
                   'BCEWithLogitsCriterion', 'MultiLabelSoftMarginCriterion',
                   'DistKLDivCriterion', 'MarginCriterion', 'SoftMarginCriterion',
                   'HingeEmbeddingCriterion'}

describe('criteria called wrongly', function()
   -- the criteria are Float ones, whatever the default type of the run
   local old
   setup(function()
      old = torch.getdefaulttensortype()
      torch.setdefaulttensortype('torch.FloatTensor')
   end)
   teardown(function() torch.setdefaulttensortype(old) end)

   describe('pointwise criteria', function()
      for _, name in ipairs(pointwise) do
         local class = 'nn.' .. name
         it(name .. ' names itself and the sizes', function()
            local c = nn[name]()
            local x, t = torch.Tensor(2, 3):fill(0.5), torch.Tensor(5):fill(1)
            fails(here(), class, 'target of size 5, expected 6 elements for input of size 2x3', pcall(function() return c:forward(x, t) end))
            fails(here(), class, 'target of size 5', pcall(function() return c:backward(x, t) end))
            fails(here(), class, 'input must be a Float or Double tensor, got a Long tensor', pcall(function() return c:forward(L(2, 3):fill(1), torch.Tensor(2, 3)) end))
            fails(here(), class, 'gradInput is a Float tensor, input a Double tensor', pcall(function() return c:backward(D(2, 3):fill(0.5), D(2, 3):fill(1)) end))
            fails(here(), class, 'input must be a tensor, got string', pcall(function() return c:forward('x', t) end))
            fails(here(), class, 'target must be a tensor or a number, got table', pcall(function() return c:forward(x, {}) end))
            fails(here(), class, 'target must be a tensor or a number, got nil', pcall(function() return c:backward(x) end))
         end)
      end

      it('weighted ones check the weights against the last dimension', function()
         local x, t = torch.Tensor(2, 3):fill(0.5), torch.Tensor(2, 3):fill(1)
         for _, name in ipairs({'BCECriterion', 'BCEWithLogitsCriterion', 'MultiLabelSoftMarginCriterion'}) do
            local c = nn[name](torch.Tensor(2):fill(1))
            fails(here(), 'nn.' .. name, 'weights has 2 elements, expected 3', pcall(function() return c:forward(x, t) end))
            c = nn[name](L(3):fill(1))
            fails(here(), 'nn.' .. name, 'weights must be a Float or Double tensor, got a Long tensor', pcall(function() return c:backward(x, t) end))
         end
         local p = nn.BCEWithLogitsCriterion(nil, true, torch.Tensor(4):fill(2))
         fails(here(), 'nn.BCEWithLogitsCriterion', 'posWeight has 4 elements, expected 3', pcall(function() return p:forward(x, t) end))
         fails(here(), 'nn.BCECriterion', 'weights must be a 1D tensor, got number', pcall(function() return nn.BCECriterion(5) end))
      end)

      it('a Byte target is refused where it cannot be a probability', function()
         local c = nn.MSECriterion()
         fails(here(), 'nn.MSECriterion', 'target must be a Float, Double or Long tensor, got a Byte tensor', pcall(function() return c:forward(torch.Tensor(3), torch.ByteTensor(3)) end))
      end)

      it('WeightedMSECriterion checks its weight and target', function()
         local c = nn.WeightedMSECriterion(torch.Tensor(3):fill(1))
         fails(here(), 'nn.WeightedMSECriterion', 'target of size 3', pcall(function() return c:forward(torch.Tensor(2), torch.Tensor(3)) end))
         fails(here(), 'nn.WeightedMSECriterion', 'weight of size 3 fits neither', pcall(function() return c:forward(torch.Tensor(4), torch.Tensor(4)) end))
         fails(here(), 'nn.WeightedMSECriterion', 'input must be a Float or Double tensor', pcall(function() return c:forward(L(3), torch.Tensor(3)) end))
         fails(here(), 'nn.WeightedMSECriterion', 'gradInput is a Float tensor, input a Double tensor', pcall(function() return c:backward(D(3), D(3)) end))
         fails(here(), 'nn.WeightedMSECriterion', 'weight must be a tensor, got nil', pcall(function() return nn.WeightedMSECriterion() end))
      end)
   end)

   describe('class criteria', function()
      local x = torch.Tensor(2, 3):fill(-1)

      it('ClassNLLCriterion', function()
         local c = nn.ClassNLLCriterion()
         local class = 'nn.ClassNLLCriterion'
         fails(here(), class, 'target 4 out of range for 3 classes', pcall(function() return c:forward(x, L({1, 4})) end))
         fails(here(), class, 'target 0 out of range for 3 classes', pcall(function() return c:backward(x, L({0, 1})) end))
         fails(here(), class, 'target of size 3, expected 2 elements for input of size 2x3', pcall(function() return c:forward(x, L({1, 2, 3})) end))
         fails(here(), class, 'input of size 2x3x4, expected 1D or 2D', pcall(function() return c:forward(torch.Tensor(2, 3, 4), L({1, 2})) end))
         fails(here(), class, 'input must be a Float or Double tensor, got a Long tensor', pcall(function() return c:forward(L(2, 3):fill(1), L({1, 2})) end))
         fails(here(), class, 'target 1.5 is not a class index', pcall(function() return c:forward(x, torch.Tensor({1.5, 2})) end))
         fails(here(), class, 'is not a class index', pcall(function() return c:forward(x, torch.Tensor({0 / 0, 2})) end))
         fails(here(), class, 'target 1e+300 is not a class index', pcall(function() return c:forward(x, D({1e300, 2})) end))
         fails(here(), class, 'target of size 1, expected 2 elements', pcall(function() return c:forward(x, 1) end))
         fails(here(), class, 'gradInput is a Float tensor, input a Double tensor', pcall(function() return c:backward(D(2, 3):fill(-1), L({1, 2})) end))
         local w = nn.ClassNLLCriterion(torch.Tensor(2):fill(1))
         fails(here(), class, 'weights has 2 elements, expected 3', pcall(function() return w:forward(x, L({1, 2})) end))
         fails(here(), class, 'weights must be a 1D tensor, got table', pcall(function() return nn.ClassNLLCriterion({1, 2, 3}) end))
      end)

      it('CrossEntropyCriterion', function()
         local c = nn.CrossEntropyCriterion()
         local class = 'nn.CrossEntropyCriterion'
         fails(here(), class, 'target 7 out of range for 3 classes', pcall(function() return c:forward(x, L({1, 7})) end))
         fails(here(), class, 'target of size 1, expected 2 elements', pcall(function() return c:forward(x, L({1})) end))
         fails(here(), class, 'target 2.5 is not a class index', pcall(function() return c:forward(x, torch.Tensor({2.5, 1})) end))
         c:forward(x, L({1, 2}))
         fails(here(), class, 'input torch.FloatTensor of size 3x3, expected the torch.FloatTensor of size 2x3 of the last forward', pcall(function() return c:backward(torch.Tensor(3, 3), L({1, 2})) end))
         fails(here(), class, 'expected the torch.FloatTensor', pcall(function() return c:backward(D(2, 3), L({1, 2})) end))
         fails(here(), class, 'target 9 out of range for 3 classes', pcall(function() return c:backward(x, L({1, 9})) end))
         local w = nn.CrossEntropyCriterion(torch.Tensor(4):fill(1))
         fails(here(), class, 'weights has 4 elements, expected 3', pcall(function() return w:forward(x, L({1, 2})) end))
      end)

      it('CrossEntropyCriterion: input errors name it, not the LogSoftMax inside it', function()
         -- the softmax's kernel fails, but the script called the criterion (lt_callername
         -- names the criterion a module runs inside)
         local c = nn.CrossEntropyCriterion()
         fails(here(), 'nn.CrossEntropyCriterion', 'Long', pcall(function() return c:forward(L(2, 3):fill(1), L({1, 2})) end))
         local f = nn.CrossEntropyCriterion():double()
         local xf = torch.FloatTensor(2, 3):fill(1)
         fails(here(), 'nn.CrossEntropyCriterion', 'Double tensor, input a Float', pcall(function() return f:forward(xf, L({1, 2})) end))
      end)

      it('MultiMarginCriterion', function()
         local class = 'nn.MultiMarginCriterion'
         local c = nn.MultiMarginCriterion()
         fails(here(), class, 'target 4 out of range for 3 classes', pcall(function() return c:forward(x, L({4, 1})) end))
         fails(here(), class, 'target of size 1, expected 2 elements', pcall(function() return c:backward(x, L({1})) end))
         fails(here(), class, 'input of size 2x3x1, expected 1D or 2D', pcall(function() return c:forward(torch.Tensor(2, 3, 1), L({1, 1})) end))
         fails(here(), class, 'gradInput is a Float tensor, input a Double tensor', pcall(function() return c:backward(D(2, 3), L({1, 2})) end))
         fails(here(), class, 'p must be 1 or 2, got 3', pcall(function() return nn.MultiMarginCriterion(3):forward(x, L({1, 2})) end))
         -- 2^32 + 1 must not wrap to 1
         fails(here(), class, 'p must be 1 or 2, got 4294967297', pcall(function() return nn.MultiMarginCriterion(2 ^ 32 + 1):forward(x, L({1, 2})) end))
         local w = nn.MultiMarginCriterion(1, torch.Tensor(5):fill(1))
         fails(here(), class, 'weights has 5 elements, expected 3', pcall(function() return w:forward(x, L({1, 2})) end))
      end)

      it('SpatialClassNLLCriterion', function()
         local class = 'nn.SpatialClassNLLCriterion'
         local c = nn.SpatialClassNLLCriterion()
         local img = torch.Tensor(1, 2, 2, 2):fill(-1)
         fails(here(), class, 'target 3 out of range [1, 2]', pcall(function() return c:forward(img, L(1, 2, 2):fill(3)) end))
         fails(here(), class, 'input of size 1x2x2x2 and target of size 1x3x2', pcall(function() return c:forward(img, L(1, 3, 2):fill(1)) end))
         fails(here(), class, 'input of size 2x2', pcall(function() return c:forward(torch.Tensor(2, 2), L(2):fill(1)) end))
         fails(here(), class, 'input must be a Float or Double tensor, got a Long tensor', pcall(function() return c:forward(L(1, 2, 2, 2), L(1, 2, 2):fill(1)) end))
         fails(here(), class, 'gradInput is a Float tensor, input a Double tensor', pcall(function() return c:backward(D(1, 2, 2, 2):fill(-1), L(1, 2, 2):fill(1)) end))
         local w = nn.SpatialClassNLLCriterion(torch.Tensor(3):fill(1))
         fails(here(), class, 'weights of size 3 for 2 classes', pcall(function() return w:forward(img, L(1, 2, 2):fill(1)) end))
      end)

      it('MultiLabelMarginCriterion', function()
         local class = 'nn.MultiLabelMarginCriterion'
         local c = nn.MultiLabelMarginCriterion()
         fails(here(), class, 'input of size 4 and target of size 2', pcall(function() return c:forward(torch.Tensor(4), L({4, 1})) end))
         fails(here(), class, 'target 4 of frame 1 is not a class in 1..3', pcall(function() return c:forward(torch.Tensor(3), L({4, 0, 0})) end))
         fails(here(), class, 'input of size 2x3 and target of size 3', pcall(function() return c:backward(torch.Tensor(2, 3), L(3)) end))
         fails(here(), class, 'input must be a Float or Double tensor, got a Long tensor', pcall(function() return c:forward(L(3), L(3)) end))
      end)
   end)

   describe('table criteria', function()
      it('MarginRankingCriterion and CosineEmbeddingCriterion', function()
         for _, name in ipairs({'MarginRankingCriterion', 'CosineEmbeddingCriterion'}) do
            local class = 'nn.' .. name
            local c = nn[name]()
            local a, b = torch.Tensor(2, 3):fill(1), torch.Tensor(2, 3):fill(2)
            fails(here(), class, 'input must be a table of two tensors, got torch.FloatTensor', pcall(function() return c:forward(a, 1) end))
            fails(here(), class, 'input must be a table of two tensors, got table', pcall(function() return c:forward({a}, 1) end))
            fails(here(), class, 'input[2] of size 2x4, expected 2x3', pcall(function() return c:forward({a, torch.Tensor(2, 4)}, torch.Tensor(2)) end))
            fails(here(), class, 'input[2] is a Double tensor, input a Float tensor', pcall(function() return c:forward({a, D(2, 3)}, torch.Tensor(6)) end))
            fails(here(), class, 'input[1] must be a Float or Double tensor, got a Long tensor', pcall(function() return c:forward({L(2, 3), L(2, 3)}, torch.Tensor(6)) end))
            fails(here(), class, 'target of size 7, expected', pcall(function() return c:backward({a, b}, torch.Tensor(7)) end))
            fails(here(), class, 'target must be a tensor or a number, got string', pcall(function() return c:backward({a, b}, 'y') end))
         end
         fails(here(), 'nn.CosineEmbeddingCriterion', 'input[1] of size 2x2x2, expected 1D or 2D', pcall(function() return nn.CosineEmbeddingCriterion():forward({torch.Tensor(2, 2, 2), torch.Tensor(2, 2, 2)}, torch.Tensor(2)) end))
      end)

      it('L1HingeEmbeddingCriterion', function()
         local class = 'nn.L1HingeEmbeddingCriterion'
         local c = nn.L1HingeEmbeddingCriterion()
         local a = torch.Tensor(3):fill(1)
         fails(here(), class, 'expected a pair of tensors {x1, x2}, got torch.FloatTensor', pcall(function() return c:forward(a, 1) end))
         fails(here(), class, 'inputs of sizes 3 and 2 differ', pcall(function() return c:forward({a, torch.Tensor(2)}, 1) end))
         fails(here(), class, 'the label must be 1 or -1, got 0', pcall(function() return c:forward({a, a}, 0) end))
         fails(here(), class, 'input[1] must be a Float or Double tensor, got a Long tensor', pcall(function() return c:forward({L(3), L(3)}, 1) end))
         fails(here(), class, 'input[2] must be a tensor, got table', pcall(function() return c:backward({a, {}}, 1) end))
      end)

      it('ParallelCriterion', function()
         local class = 'nn.ParallelCriterion'
         local p = nn.ParallelCriterion():add(nn.ClassNLLCriterion()):add(nn.MSECriterion(), 0.5)
         local lp, y = torch.Tensor(2, 3):fill(-1), torch.Tensor(2, 2)
         fails(here(), class, 'input must be a table of 2 inputs, got torch.FloatTensor', pcall(function() return p:forward(lp, {L({1, 2}), y}) end))
         fails(here(), class, 'input must be a table of 2 inputs, got a table of 1', pcall(function() return p:forward({lp}, {L({1, 2}), y}) end))
         fails(here(), class, 'target must be a table of 2 targets (or use repeatTarget), got torch.LongTensor', pcall(function() return p:forward({lp, y}, L({1, 2})) end))
         fails(here(), class, 'target must be a table of 2 targets', pcall(function() return p:backward({lp, y}, {L({1, 2})}) end))
         fails(here(), class, 'add: expected a criterion, got number', pcall(function() return p:add(5) end))
         -- an error of one of its criteria names that criterion, still at this line
         fails(here(), 'nn.ClassNLLCriterion', 'target 5 out of range for 3 classes', pcall(function() return p:forward({lp, y}, {L({1, 5}), y}) end))
         fails(here(), 'nn.MSECriterion', 'target of size 3, expected 4 elements', pcall(function() return p:backward({lp, y}, {L({1, 2}), torch.Tensor(3)}) end))
      end)

      it('MultiCriterion', function()
         local m = nn.MultiCriterion():add(nn.MSECriterion()):add(nn.AbsCriterion(), 0.5)
         fails(here(), 'nn.MultiCriterion', 'add: expected a criterion, got string', pcall(function() return m:add('mse') end))
         fails(here(), 'nn.MSECriterion', 'target of size 3, expected 2 elements', pcall(function() return m:forward(torch.Tensor(2), torch.Tensor(3)) end))
         fails(here(), 'nn.MSECriterion', 'gradInput is a Float tensor, input a Double tensor', pcall(function() return m:backward(D(2), D(2)) end))
      end)

      it('CriterionTable', function()
         local c = nn.CriterionTable(nn.MSECriterion())
         fails(here(), 'nn.CriterionTable', 'expected a table {input, target}, got table', pcall(function() return c:forward({torch.Tensor(2)}) end))
         fails(here(), 'nn.CriterionTable', 'expected a table {input, target}, got torch.FloatTensor', pcall(function() return c:forward(torch.Tensor(2)) end))
         fails(here(), 'nn.CriterionTable', 'expected an nn.Criterion, got nn.Linear', pcall(function() return nn.CriterionTable(nn.Linear(2, 2)) end))
         fails(here(), 'nn.MSECriterion', 'target of size 3', pcall(function() return c:forward({torch.Tensor(2), torch.Tensor(3)}) end))
      end)
   end)

   it('the kernels called directly name themselves', function()
      fails(here(), 'mse_forward', 'target of size 3', pcall(function() return torch._nn.mse_forward(torch.Tensor(2), torch.Tensor(3)) end))
      fails(here(), 'classnll_backward', 'target 4 out of range for 3 classes', pcall(function() return torch._nn.classnll_backward(torch.Tensor(), torch.Tensor(2, 3), L({1, 4})) end))
   end)
end)
