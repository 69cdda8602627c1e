-- dl.quantize(model [, {mode = 'dynamic'|'static', calibration = batches, fuse = true}]):
-- an int8 copy of a model for inference (docs/quantization.md). Every nn.Linear becomes an
-- nn.QuantizedLinear; in static mode every nn.SpatialConvolution (and ConvolutionMM,
-- DilatedConvolution) becomes an nn.QuantizedSpatialConvolution too, with the input range
-- of each layer measured by running the float model on the calibration batches. Other
-- modules are kept as they are, inside any container (Sequential, Concat, ConcatTable,
-- Parallel, decorators, nngraph's gModule). The model given is not changed.
local nn = require 'nn'
require 'nn.quantized'

local function fail(fmt, ...)
   torch._error('dl.quantize: ' .. string.format(fmt, ...))
end

-- The modules dl.quantize replaces, by class: make(module, opts) gives the int8 one;
-- static ones are replaced only in static mode and have their input range calibrated
-- (the others quantize their activations at run time in either mode: the recurrent and
-- attention modules, whose inputs to the recurrent GEMM are states that change every step).
local quantizers = {['nn.Linear'] = {make = nn.QuantizedLinear, calibrated = true}}
for name in pairs(nn.QuantizedSpatialConvolution.accepts) do
   quantizers[name] = {make = nn.QuantizedSpatialConvolution, calibrated = true, static = true}
end
for name, cls in pairs(nn.QuantizedModule.dynamicOnly or {}) do quantizers[name] = {make = cls} end

local function quantizer(m, mode)
   local qz = quantizers[torch.type(m)]
   if qz and (mode == 'static' or not qz.static) then return qz end
end

-- The batches of the calibration option as a list of tensors.
local function batches(calibration)
   if torch.isTensor(calibration) then return {calibration} end
   if type(calibration) ~= 'table' or #calibration == 0 then
      fail('calibration must be a tensor or a non-empty list of input batches, got %s',
           torch.type(calibration))
   end
   return calibration
end

-- Runs the model on the batches, recording the smallest and largest input each target
-- module sees: a per-instance updateOutput wraps the class's while it runs.
local function calibrate(model, targets, list)
   local ranges = {}
   for _, m in ipairs(targets) do
      local r = {math.huge, -math.huge}
      ranges[m] = r
      m.updateOutput = function(self, input)
         r[1] = math.min(r[1], input:min())
         r[2] = math.max(r[2], input:max())
         return getmetatable(self).updateOutput(self, input)
      end
   end
   local ok, err = pcall(function()
      for _, x in ipairs(list) do model:forward(torch.isTensor(x) and x:float() or x) end
   end)
   for _, m in ipairs(targets) do m.updateOutput = nil end
   if not ok then error(err, 0) end
   return ranges
end

-- Replaces, everywhere in the tree, the modules that map gives a new one for: in every
-- field of a module that holds one (modules, module, GPT's head and blocks, a layer's attn)
-- or a list of them, and in nngraph's nodes.
local function substitute(m, map, seen)
   if seen[m] then return end
   seen[m] = true
   local function visit(t)
      for k, v in pairs(t) do
         if type(v) == 'table' and not torch.isTensor(v) then
            if map[v] then
               t[k] = map[v]
            elseif torch.isTypeOf(v, 'nn.Module') then
               substitute(v, map, seen)
            elseif getmetatable(v) == nil and not seen[v] then -- a plain list of modules
               seen[v] = true
               visit(v)
            end
         end
      end
   end
   visit(m)
   for _, node in ipairs(m.forwardnodes or {}) do -- nngraph
      local d = node.data
      if d and d.module and map[d.module] then d.module = map[d.module] end
   end
   if torch.type(m) == 'nn.Sequential' and #m.modules > 0 then
      m.output = m.modules[#m.modules].output
   end
end

-- An nn.ReLU that directly follows a quantized module in a Sequential runs inside it
-- (the epilogue clamps at 0): it becomes an nn.Identity, so positions are kept.
local function fuse(m, seen)
   if seen[m] then return end
   seen[m] = true
   for i, child in ipairs(m.modules or {}) do
      local nxt = m.modules[i + 1]
      if torch.type(m) == 'nn.Sequential' and torch.isTypeOf(child, 'nn.QuantizedModule') and
         nxt and torch.type(nxt) == 'nn.ReLU' and not child.relu then
         child.relu = true
         m.modules[i + 1] = nn.Identity()
      end
      fuse(child, seen)
   end
end

function dl.quantize(model, opts)
   if type(model) ~= 'table' or not torch.isTypeOf(model, 'nn.Module') then
      fail('expected an nn.Module, got %s', torch.type(model))
   end
   opts = opts or {}
   if type(opts) ~= 'table' then fail('options must be a table, got %s', type(opts)) end
   local mode = opts.mode or (opts.calibration and 'static' or 'dynamic')
   if mode ~= 'dynamic' and mode ~= 'static' then
      fail("mode must be 'dynamic' or 'static', got %s", tostring(mode))
   end
   if mode == 'static' and opts.calibration == nil then
      fail('static mode needs calibration batches (calibration = {batch1, ...})')
   end
   local q = model:clone():float()
   q:evaluate()
   local targets, seen = {}, {}
   for _, m in ipairs(q:listModules()) do
      if not seen[m] and quantizer(m, mode) then
         seen[m] = true
         targets[#targets + 1] = m
      end
   end
   local calibrated = {}
   for _, m in ipairs(targets) do
      if quantizer(m, mode).calibrated then calibrated[#calibrated + 1] = m end
   end
   local ranges = mode == 'static' and calibrate(q, calibrated, batches(opts.calibration)) or {}
   local map = {}
   for _, m in ipairs(targets) do
      local qz = quantizer(m, mode)
      local o = {mode = qz.calibrated and mode or 'dynamic', range = ranges[m]}
      if o.mode == 'static' and ranges[m][1] > ranges[m][2] then
         fail('%s was never run on the calibration batches', torch.type(m))
      end
      map[m] = qz.make(m, o)
   end
   if map[q] then return map[q] end -- the model is one Linear or convolution
   substitute(q, map, {})
   if opts.fuse ~= false then fuse(q, {}) end
   return q
end

return dl.quantize
