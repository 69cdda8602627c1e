-- Every nn module called wrongly (issue 10): the message begins with the module's class
-- name ("nn.Linear: ...") and is raised at the calling script's line (here, this file's),
-- never at a file under lua/nn, and never names a C function or a kernel binding.
-- The modules covered are the layers, the transfer functions and the table modules;
-- the convolution and pooling modules, the criteria and the recurrent modules have their
-- own error specs.
require 'nn'

local F, D, L = torch.FloatTensor, torch.DoubleTensor, torch.LongTensor

local function r(...) return F(...):uniform(-1, 1) end
local function pos(...) return F(...):uniform(0.5, 1.5) end

-- The calls, one line each, so that a message can be checked against the line.
local function fwd(m, x) local y = m:forward(x); return y end
local FWD = debug.getinfo(1, 'l').currentline - 1
local function bwd(m, x, g) local y = m:backward(x, g); return y end
local BWD = debug.getinfo(1, 'l').currentline - 1

-- What a message may not contain: a file of the nn package, the name of a C function or
-- of a binding in torch._nn, the argument numbers of a binding.
local FORBIDDEN = {'lua/nn/', 'nn_%a', '_forward', '_backward', '_accgrad', 'activation_',
                   'mask_scale', 'maxmin', 'lookup_', 'argument %d'}

local function check(err, line, class)
   assert.is_string(err)
   local prefix = 'spec/nn_errors_spec.lua:' .. line .. ': ' .. class .. ': '
   if err:sub(1, #prefix) ~= prefix then
      error(string.format('expected the message to begin with %q, got %q', prefix, err), 2)
   end
   local text = err:sub(#prefix + 1)
   for _, pat in ipairs(FORBIDDEN) do
      if text:find(pat) then
         error(string.format('message %q names %q', err, pat), 2)
      end
   end
end

-- The elementwise table modules (CAddTable, ...): two tensors of one size and type; a
-- table of fewer than n tensors, or a tensor, is wrong.
local function elementwiseTable(name, n)
   return {new = function() return nn[name]() end,
           input = function() return {r(4, 3), pos(4, 3)} end,
           bad = {size = {r(4, 3), r(4, 2)}, table = n == 1 and r(4, 3) or {r(4, 3)},
                  double = {r(4, 3), D(4, 3)}, long = {L(4, 3), L(4, 3)}}}
end

-- For each module: new() builds it, input() is a good input (forward, then backward with
-- the wrong gradOutput grad), bad holds the wrong inputs by kind. Kinds: dims (wrong
-- number of dimensions), size (wrong number of features, planes or sizes), double (a
-- DoubleTensor to a Float module), long (a LongTensor), table (a wrong table input).
local cases = {
   -- pointwise layers with arguments (the others are added below)
   AddConstant = {new = function() return nn.AddConstant(2) end},
   Clamp = {new = function() return nn.Clamp(-0.5, 0.5) end},
   Log = {new = function() return nn.Log() end, input = function() return pos(4, 3) end},
   MulConstant = {new = function() return nn.MulConstant(3) end},
   Power = {new = function() return nn.Power(2) end},
   Sqrt = {new = function() return nn.Sqrt() end, input = function() return pos(4, 3) end},
   Threshold = {new = function() return nn.Threshold(0.1, 0) end},
   -- softmax family: 1D to 4D
   SoftMax = {new = function() return nn.SoftMax() end, bad = {dims = r(2, 2, 2, 2, 2)}},
   SoftMin = {new = function() return nn.SoftMin() end, bad = {dims = r(2, 2, 2, 2, 2)}},
   LogSoftMax = {new = function() return nn.LogSoftMax() end, bad = {dims = r(2, 2, 2, 2, 2)}},
   SpatialSoftMax = {new = function() return nn.SpatialSoftMax() end,
                     input = function() return r(2, 3, 4, 4) end, bad = {dims = r(2, 2, 2, 2, 2)}},
   -- layers with sizes
   Linear = {new = function() return nn.Linear(3, 2) end,
             bad = {dims = r(2, 4, 3), size = r(4, 5)}},
   Bilinear = {new = function() return nn.Bilinear(3, 2, 4) end,
               input = function() return {r(5, 3), r(5, 2)} end,
               bad = {dims = {r(5, 3, 1), r(5, 2)}, size = {r(5, 3), r(5, 3)},
                      table = r(5, 3), double = {D(5, 3), D(5, 2)}, long = {L(5, 3), L(5, 2)}}},
   Add = {new = function() return nn.Add(3) end, bad = {size = r(4, 5)}},
   CAdd = {new = function() return nn.CAdd(3) end, bad = {size = r(4, 5)}},
   CMul = {new = function() return nn.CMul(3) end, bad = {size = r(4, 5)}},
   PReLU = {new = function() return nn.PReLU(3) end, bad = {size = r(4, 5)}},
   BatchNormalization = {new = function() return nn.BatchNormalization(3) end,
                         bad = {dims = r(4, 3, 2, 2), size = r(4, 5)}},
   SpatialBatchNormalization = {new = function() return nn.SpatialBatchNormalization(3) end,
                                input = function() return r(2, 3, 4, 4) end,
                                bad = {dims = r(4, 3), size = r(2, 5, 4, 4)}},
   LayerNorm = {new = function() return nn.LayerNorm(3) end, bad = {size = r(4, 5)}},
   Normalize = {new = function() return nn.Normalize(2) end, bad = {dims = r(2, 2, 3)}},
   LookupTable = {new = function() return nn.LookupTable(5, 3) end,
                  input = function() return L{1, 2, 5} end,
                  bad = {size = L{1, 7}, table = {L{1}}, double = false, long = false},
                  grad = function() return r(3, 4) end},
   Euclidean = {new = function() return nn.Euclidean(3, 2) end, bad = {size = r(4, 5), dims = r(2, 2, 3)}},
   WeightedEuclidean = {new = function() return nn.WeightedEuclidean(3, 2) end,
                        bad = {size = r(4, 5), dims = r(2, 2, 3)}},
   Cosine = {new = function() return nn.Cosine(3, 2) end, bad = {size = r(4, 5), dims = r(2, 2, 3)}},
   Max = {new = function() return nn.Max(2) end, bad = {dims = r(3)}},
   Min = {new = function() return nn.Min(2) end, bad = {dims = r(3)}},
   Sum = {new = function() return nn.Sum(2) end, bad = {dims = r(3)}},
   Mean = {new = function() return nn.Mean(2) end, bad = {dims = r(3)}},
   L1Penalty = {new = function() return nn.L1Penalty(0.1) end},
   SpatialDropout = {new = function() return nn.SpatialDropout() end,
                     input = function() return r(2, 3, 4, 4) end, bad = {dims = r(4, 3)}},
   -- shape modules (any type: views of the input)
   View = {new = function() return nn.View(6) end, bad = {size = r(4, 5)}, double = false,
           long = false},
   Reshape = {new = function() return nn.Reshape(6) end, input = function() return r(4, 6) end,
              bad = {size = r(4, 5)}, double = false, long = false},
   Narrow = {new = function() return nn.Narrow(2, 2, 2) end,
             bad = {dims = r(3), size = r(4, 2)}, double = false, long = false},
   Select = {new = function() return nn.Select(2, 3) end,
             bad = {dims = r(3), size = r(4, 2)}, double = false, long = false},
   Transpose = {new = function() return nn.Transpose({1, 2}) end, bad = {dims = r(3)},
                double = false, long = false},
   Squeeze = {new = function() return nn.Squeeze() end, input = function() return r(4, 1, 3) end,
              double = false, long = false, grad = function() return r(4, 4) end},
   Unsqueeze = {input = function() return r(4, 3, 2) end,
                new = function() return nn.Unsqueeze(4) end, bad = {dims = r(3)},
                double = false, long = false},
   Replicate = {input = function() return r(4, 3, 2) end,
                new = function() return nn.Replicate(2, 4) end, bad = {dims = r(3)},
                double = false, long = false},
   Padding = {input = function() return r(4, 3, 2) end,
                new = function() return nn.Padding(3, 1) end, bad = {dims = r(3)},
              double = false, long = false},
   Flatten = {new = function() return nn.Flatten() end, input = function() return r(4, 2, 3) end,
              bad = {dims = r(3)}, double = false, long = false},
   Contiguous = {new = function() return nn.Contiguous() end, bad = {table = {r(3)}},
                 double = false, long = false},
   GradientReversal = {new = function() return nn.GradientReversal() end, bad = {table = {r(3)}},
                       double = false, long = false},
   Index = {new = function() return nn.Index(1) end,
            input = function() return {r(4, 3), L{1, 3}} end,
            bad = {size = {r(4, 3), L{1, 5}}, table = {r(4, 3), F{1, 3}}, dims = {r(4, 3), L(2, 2):fill(1)}},
            double = false, long = false},
   -- table modules
   CAddTable = elementwiseTable('CAddTable', 1),
   CSubTable = elementwiseTable('CSubTable', 2),
   CMulTable = elementwiseTable('CMulTable', 1),
   CDivTable = elementwiseTable('CDivTable', 2),
   CMaxTable = elementwiseTable('CMaxTable', 1),
   CMinTable = elementwiseTable('CMinTable', 1),
   JoinTable = {new = function() return nn.JoinTable(2) end,
                input = function() return {r(4, 3), r(4, 2)} end,
                bad = {size = {r(4, 3), r(5, 2)}, table = r(4, 3), dims = {r(3), r(2)},
                       double = {r(4, 3), D(4, 2)}},
                long = false, grad = function() return r(4, 4) end},
   SplitTable = {input = function() return r(4, 3, 2) end,
                new = function() return nn.SplitTable(3) end, bad = {dims = r(4, 3)},
                 double = false, long = false, grad = function() return {r(4, 3), r(4, 2)} end},
   SelectTable = {new = function() return nn.SelectTable(3) end,
                  input = function() return {r(2), r(3), r(4)} end,
                  bad = {size = {r(2), r(3)}, table = r(4, 3)}, double = false, long = false},
   NarrowTable = {new = function() return nn.NarrowTable(2, 2) end,
                  input = function() return {r(2), r(3), r(4)} end,
                  bad = {size = {r(2), r(3)}, table = r(4, 3)}, double = false, long = false,
                  nograd = true},
   FlattenTable = {new = function() return nn.FlattenTable() end,
                   input = function() return {r(2), {r(3), r(4)}} end,
                   bad = {table = r(4, 3)}, double = false, long = false,
                   grad = function() return {r(2)} end},
   DotProduct = {new = function() return nn.DotProduct() end,
                 input = function() return {r(4, 3), r(4, 3)} end,
                 bad = {size = {r(4, 3), r(4, 2)}, table = r(4, 3), dims = {r(2, 2, 3), r(2, 2, 3)},
                        double = {r(4, 3), D(4, 3)}, long = {L(4, 3), L(4, 3)}}},
   CosineDistance = {new = function() return nn.CosineDistance() end,
                     input = function() return {r(4, 3), r(4, 3)} end,
                     bad = {size = {r(4, 3), r(4, 2)}, table = r(4, 3),
                            dims = {r(2, 2, 3), r(2, 2, 3)}, double = {r(4, 3), D(4, 3)},
                            long = {L(4, 3), L(4, 3)}}},
   PairwiseDistance = {new = function() return nn.PairwiseDistance(2) end,
                       input = function() return {r(4, 3), r(4, 3)} end,
                       bad = {size = {r(4, 3), r(4, 2)}, table = r(4, 3),
                              dims = {r(2, 2, 3), r(2, 2, 3)}, double = {r(4, 3), D(4, 3)},
                              long = {L(4, 3), L(4, 3)}}},
   MM = {new = function() return nn.MM() end, input = function() return {r(4, 3), r(3, 2)} end,
         bad = {size = {r(4, 3), r(4, 2)}, table = r(4, 3), dims = {r(4), r(4)},
                double = {r(4, 3), D(3, 2)}, long = {L(4, 3), L(3, 2)}}},
   MV = {new = function() return nn.MV() end, input = function() return {r(4, 3), r(3)} end,
         bad = {size = {r(4, 3), r(4)}, table = r(4, 3), dims = {r(4), r(4)},
                double = {r(4, 3), D(3)}, long = {L(4, 3), L(3)}}},
   MaskedSelect = {new = function() return nn.MaskedSelect() end,
                   input = function() return {r(4, 3), torch.ByteTensor(4, 3):fill(1)} end,
                   bad = {size = {r(4, 3), torch.ByteTensor(4, 2):fill(1)}, table = r(4, 3),
                          double = {D(4, 3), torch.ByteTensor(4, 3):fill(1)},
                          long = {L(4, 3), torch.ByteTensor(4, 3):fill(1)}}},
   -- containers: their own checks (a wrong input to a module inside is the container spec)
   ParallelTable = {new = function() return nn.ParallelTable():add(nn.Linear(3, 2)):add(nn.Linear(3, 2)) end,
                    input = function() return {r(4, 3), r(4, 3)} end,
                    bad = {table = r(4, 3), size = {r(4, 3)}}, double = false, long = false,
                    nograd = true},
   MapTable = {new = function() return nn.MapTable(nn.Linear(3, 2)) end,
               input = function() return {r(4, 3), r(4, 3)} end,
               bad = {table = r(4, 3)}, double = false, long = false, nograd = true},
   Parallel = {new = function() return nn.Parallel(1, 1):add(nn.Linear(3, 2)):add(nn.Linear(3, 2)) end,
               input = function() return r(2, 3) end, bad = {size = r(3, 3)}, double = false,
               long = false, nograd = true},
   Concat = {new = function() return nn.Concat(2):add(nn.Linear(3, 2)):add(nn.Linear(3, 4)) end,
             bad = {}, double = false, long = false, nograd = true,
             also = function() return nn.Concat(2):add(nn.Linear(3, 2)):add(nn.View(6)), r(4, 3) end},
   DepthConcat = {new = function() return nn.DepthConcat(2):add(nn.Linear(3, 2)) end,
                  bad = {}, double = false, long = false, nograd = true,
                  also = function() return nn.DepthConcat(2):add(nn.Linear(12, 2)):add(nn.Reshape(3, 4)), r(4, 12) end},
   ConcatTable = {new = function() return nn.ConcatTable():add(nn.Linear(3, 2)) end,
                  bad = {}, double = false, long = false, grad = function() return r(4, 2) end},
}

-- Transfer functions and pointwise layers built without arguments: any shape, so the type
-- and the gradOutput can be wrong.
for _, name in ipairs({'Abs', 'ELU', 'Exp', 'GELU', 'HardShrink', 'HardTanh', 'LeakyReLU',
                       'LogSigmoid', 'Mul', 'ReLU', 'ReLU6', 'Sigmoid', 'SoftPlus', 'SoftShrink',
                       'SoftSign', 'Square', 'Tanh', 'TanhShrink', 'Dropout', 'RReLU'}) do
   cases[name] = {new = function() return nn[name]() end}
end

-- Modules that nothing can call wrongly in these ways: they take anything (Identity), or
-- convert types by design (Copy); Sequential is a container whose checks are its modules',
-- and Profile a decorator whose checks are its module's (spec/dl_profile_spec.lua).
local NOTHING_WRONG = {Identity = true, Copy = true, Sequential = true, Profile = true}

-- The classes of this spec: every nn.Module subclass that nn defines, except the abstract
-- bases, the criteria, the convolution and pooling modules (but SpatialSoftMax,
-- SpatialBatchNormalization and SpatialDropout), and the families with a loader of their
-- own (nn.rnn, nn.attention, nn.more, nn.quantized: the modules those files require), which have their
-- own specs.
local FAMILY = {}
for _, loader in ipairs({'nn.rnn', 'nn.attention', 'nn.more', 'nn.quantized'}) do
   local path = package.searchpath(loader, package.path)
   if path then
      local file = assert(io.open(path))
      for name in file:read('a'):gmatch("require%s*%(?%s*'nn%.([%w_]+)'") do FAMILY[name] = true end
      file:close()
   end
end
local SPATIAL_HERE = {SpatialSoftMax = true, SpatialBatchNormalization = true,
                      SpatialDropout = true}

local function inSet(name)
   if name == 'Module' or name == 'Container' or name == 'Criterion' then return false end
   if name:find('Criterion') or FAMILY[name] then return false end
   -- the int8 modules (nn.QuantizedRecurrent defines four classes in one file)
   if name:find('^Quantized') then return false end
   if name:find('^Spatial') or name:find('^Temporal') or name:find('^Volumetric') or
      name == 'FeatureLPPooling' or name == 'UpSampling' then
      return SPATIAL_HERE[name] or false
   end
   -- an instance without running its constructor, to ask for its ancestry
   return torch.isTypeOf(setmetatable({}, torch.getmetatable('nn.' .. name)), 'nn.Module')
end

local classes = {}
for name, v in pairs(nn) do
   if type(v) == 'table' and torch.getmetatable('nn.' .. name) then
      if inSet(name) then classes[#classes + 1] = name end
   end
end
table.sort(classes)

-- The modules are Float ones, whatever the default type of the run.
local function floatDefault()
   local old
   setup(function()
      old = torch.getdefaulttensortype()
      torch.setdefaulttensortype('torch.FloatTensor')
   end)
   teardown(function() torch.setdefaulttensortype(old) end)
end

local function input(case) return case.input and case.input() or r(4, 3) end

local function kinds(case)
   local bad = {}
   for k, v in pairs(case.bad or {}) do if v then bad[k] = v end end
   local x = input(case)
   -- the type errors, for a module of one tensor input unless given
   if case.double ~= false and bad.double == nil and torch.isTensor(x) then
      bad.double = x:double()
   end
   if case.long ~= false and bad.long == nil and torch.isTensor(x) then bad.long = L(x:size()):fill(1) end
   if case.bad and case.bad.double == false then bad.double = nil end
   if case.bad and case.bad.long == false then bad.long = nil end
   return bad
end

-- A gradOutput of the wrong size: one more row than the output (for a tensor output).
local function wrongGrad(case, out)
   if case.grad then return case.grad() end
   local s = out:size():totable()
   s[#s] = s[#s] + 1
   return r(table.unpack(s))
end

describe('nn modules called wrongly', function()
   floatDefault()
   it('covers every module of the set', function()
      for _, name in ipairs(classes) do
         assert(cases[name] or NOTHING_WRONG[name], 'no case for nn.' .. name)
      end
      local set, n = {}, 0
      for _, name in ipairs(classes) do set[name] = true end
      for name in pairs(cases) do
         assert(set[name], 'nn.' .. name .. ' is not a module of the set')
         n = n + 1
      end
      -- 91 classes: 87 called wrongly here, and Identity, Copy, Sequential and Profile
      assert.are.equal(91, #classes)
      assert.are.equal(87, n)
   end)

   for _, name in ipairs((function()
      local t = {}
      for k in pairs(cases) do t[#t + 1] = k end
      table.sort(t)
      return t
   end)()) do
      local case = cases[name]
      local class = 'nn.' .. name
      for kind, x in pairs(kinds(case)) do
         it(class .. ': ' .. kind, function()
            local m = case.new()
            local ok, err = pcall(fwd, m, x)
            assert.is_false(ok, class .. ' accepted a wrong input (' .. kind .. ')')
            check(err, FWD, class)
         end)
      end
      if not case.nograd then
         it(class .. ': gradOutput of the wrong size', function()
            local m, x = case.new(), input(case)
            local out = m:forward(x)
            local ok, err = pcall(bwd, m, x, wrongGrad(case, out))
            assert.is_false(ok, class .. ' accepted a wrong gradOutput')
            check(err, BWD, class)
         end)
      end
      if case.also then
         it(class .. ': outputs that do not fit', function()
            local m, x = case.also()
            local ok, err = pcall(fwd, m, x)
            assert.is_false(ok)
            check(err, FWD, class)
         end)
      end
   end
end)

describe('nn containers', function()
   floatDefault()
   it('name the place of the module inside, then the module, at the caller\'s line', function()
      local m = nn.Sequential():add(nn.Linear(3, 4)):add(nn.Tanh()):add(nn.Linear(5, 2))
      local ok, err = pcall(fwd, m, r(2, 3))
      assert.is_false(ok)
      assert.are.equal('In 3 module of nn.Sequential:\n', err:match('^In 3 module of nn.Sequential:\n'))
      check(err:gsub('^[^\n]*\n', ''), FWD, 'nn.Linear')
   end)

   it('wrap the modules nested in containers, outermost first', function()
      local inner = nn.Sequential():add(nn.Linear(3, 3)):add(nn.SoftMax())
      local m = nn.Sequential():add(nn.Identity()):add(inner)
      local ok, err = pcall(fwd, m, D(2, 3))
      assert.is_false(ok)
      assert.is_truthy(err:find('^In 2 module of nn.Sequential:\nIn 1 module of nn.Sequential:\n'))
      check(err:gsub('^[^\n]*\n[^\n]*\n', ''), FWD, 'nn.Linear')
   end)

   it('in backward too', function()
      local m = nn.Sequential():add(nn.Linear(3, 4)):add(nn.ReLU())
      m:forward(r(2, 3))
      local ok, err = pcall(bwd, m, r(2, 3), r(2, 5))
      assert.is_false(ok)
      assert.is_truthy(err:find('^In 2 module of nn.Sequential:\n'))
      check(err:gsub('^[^\n]*\n', ''), BWD, 'nn.ReLU')
   end)
end)

describe('constructors called wrongly', function()
   floatDefault()
   local function new(f) local m = f(); return m end
   local NEW = debug.getinfo(1, 'l').currentline - 1
   local bad = {
      Linear = function() return nn.Linear(0, 2) end,
      AddConstant = function() return nn.AddConstant('x') end,
      MulConstant = function() return nn.MulConstant('x') end,
      Clamp = function() return nn.Clamp(1, 0) end,
      HardTanh = function() return nn.HardTanh(1, 0) end,
      Threshold = function() return nn.Threshold(0, 1, 'yes') end,
      Dropout = function() return nn.Dropout(1.5) end,
      SpatialDropout = function() return nn.SpatialDropout(1.5) end,
      BatchNormalization = function() return nn.BatchNormalization(0) end,
      LayerNorm = function() return nn.LayerNorm(0) end,
      Normalize = function() return nn.Normalize(0) end, -- Torch7 takes any p > 0
      Euclidean = function() return nn.Euclidean(0, 2) end,
      Cosine = function() return nn.Cosine(3, 0) end,
      Concat = function() return nn.Concat('x') end,
      CMul = function() return nn.CMul() end,
      CAdd = function() return nn.CAdd() end,
      Power = function() return nn.Power('x') end,
      View = function() return nn.View(-1, -1) end,
      Flatten = function() return nn.Flatten(0) end,
      RReLU = function() return nn.RReLU(0.5, 0.1) end,
      PairwiseDistance = function() return nn.PairwiseDistance(0.5) end,
      L1Penalty = function() return nn.L1Penalty('x') end,
   }
   for name, f in pairs(bad) do
      it('nn.' .. name, function()
         local ok, err = pcall(new, f)
         assert.is_false(ok)
         check(err, NEW, 'nn.' .. name)
      end)
   end
end)
