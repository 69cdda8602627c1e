-- Every Spatial* and Temporal* module called wrongly (wrong dimension count, wrong number
-- of planes, gradOutput of the wrong size, wrong type): each message begins with the
-- module's class name, is raised at this file's line (the caller's), and names no C
-- function and no file under lua/nn. (SpatialSoftMax, SpatialBatchNormalization,
-- SpatialClassNLLCriterion and SpatialDropout have their own specs.)
require 'nn'

local F = torch.FloatTensor

-- The message of the error f raises, which must come from line `line` of this file.
local function check(name, line, f)
   local ok, err = pcall(f)
   assert(not ok, name .. ': expected an error')
   assert(type(err) == 'string', name .. ': error is not a string')
   local pos, rest = err:match('^(.-:%d+): (.*)$')
   assert(pos, name .. ': no position in ' .. err)
   assert(pos:match('nn_errors_spatial_spec%.lua:' .. line .. '$'),
          name .. ': raised at ' .. pos .. ', not at line ' .. line .. ': ' .. err)
   assert(not err:find('lua/nn/', 1, true), name .. ': names a file under lua/nn: ' .. err)
   assert(rest:sub(1, #name + 2) == name .. ': ', name .. ': does not begin with the name: ' .. err)
   for _, c in ipairs({'nn_', 'conv2d_', 'fullconv2d_', 'temporal_', 'maxpool2d_', 'avgpool2d_',
                       'adaptive_pool2d_', 'image_check', 'argument %d'}) do
      assert(not rest:find(c), name .. ': names a C function: ' .. err)
   end
   return rest
end

-- The line this is called from (the `check(...)` line). The calls under test are not tail
-- calls (`function() m:forward(x) end`, not `return m:forward(x)`): a tail call leaves no
-- frame of this file on the stack, so the error could not be placed here.
local function here() return debug.getinfo(2, 'l').currentline end

-- Each case: the module (Float), a good input, an input of the wrong dimension count and
-- one of the wrong number of planes (or features), and a gradOutput of the wrong size.
local cases = {
   {'nn.SpatialConvolution', function() return nn.SpatialConvolution(3, 4, 3, 3) end,
    F(2, 3, 6, 6), F(6, 6), F(2, 2, 6, 6), F(2, 4, 5, 5)},
   {'nn.SpatialConvolutionMM', function() return nn.SpatialConvolutionMM(3, 4, 3, 3) end,
    F(2, 3, 6, 6), F(6, 6), F(2, 2, 6, 6), F(2, 4, 5, 5)},
   {'nn.SpatialDilatedConvolution', function() return nn.SpatialDilatedConvolution(3, 4, 3, 3, 1, 1, 0, 0, 2, 2) end,
    F(2, 3, 7, 7), F(7, 7), F(2, 2, 7, 7), F(2, 4, 2, 2)},
   {'nn.SpatialFullConvolution', function() return nn.SpatialFullConvolution(3, 4, 3, 3) end,
    F(2, 3, 4, 4), F(4, 4), F(2, 2, 4, 4), F(2, 4, 5, 5)},
   {'nn.SpatialMaxPooling', function() return nn.SpatialMaxPooling(2, 2) end,
    F(2, 3, 6, 6), F(6, 6), nil, F(2, 3, 2, 2)},
   {'nn.SpatialAveragePooling', function() return nn.SpatialAveragePooling(2, 2, 2, 2) end,
    F(2, 3, 6, 6), F(6, 6), nil, F(2, 3, 2, 2)},
   {'nn.SpatialAdaptiveMaxPooling', function() return nn.SpatialAdaptiveMaxPooling(3, 2) end,
    F(2, 3, 6, 6), F(6, 6), nil, F(2, 3, 3, 3)},
   {'nn.SpatialAdaptiveAveragePooling', function() return nn.SpatialAdaptiveAveragePooling(3, 2) end,
    F(2, 3, 6, 6), F(6, 6), nil, F(2, 3, 3, 3)},
   {'nn.SpatialLPPooling', function() return nn.SpatialLPPooling(3, 2, 2, 2) end,
    F(2, 3, 6, 6), F(6, 6), F(2, 2, 6, 6), F(2, 3, 2, 2)},
   {'nn.SpatialCrossMapLRN', function() return nn.SpatialCrossMapLRN(3) end,
    F(2, 3, 6, 6), F(6, 6), nil, F(2, 3, 5, 6)},
   {'nn.SpatialSubtractiveNormalization', function() return nn.SpatialSubtractiveNormalization(3, torch.ones(3, 3)) end,
    F(2, 3, 6, 6), F(6, 6), F(2, 2, 6, 6), F(2, 3, 5, 6)},
   {'nn.SpatialDivisiveNormalization', function() return nn.SpatialDivisiveNormalization(3, torch.ones(3, 3)) end,
    F(2, 3, 6, 6), F(6, 6), F(2, 2, 6, 6), F(2, 3, 5, 6)},
   {'nn.SpatialContrastiveNormalization', function() return nn.SpatialContrastiveNormalization(3, torch.ones(3, 3)) end,
    F(2, 3, 6, 6), F(6, 6), F(2, 2, 6, 6), F(2, 3, 5, 6)},
   {'nn.SpatialReflectionPadding', function() return nn.SpatialReflectionPadding(1) end,
    F(2, 3, 6, 6), F(6, 6), nil, F(2, 3, 6, 6)},
   {'nn.SpatialReplicationPadding', function() return nn.SpatialReplicationPadding(1) end,
    F(2, 3, 6, 6), F(6, 6), nil, F(2, 3, 6, 6)},
   {'nn.SpatialZeroPadding', function() return nn.SpatialZeroPadding(1) end,
    F(2, 3, 6, 6), F(6, 6), nil, F(2, 3, 6, 6)},
   {'nn.SpatialUpSamplingNearest', function() return nn.SpatialUpSamplingNearest(2) end,
    F(2, 3, 6, 6), F(6, 6), nil, F(2, 3, 6, 6)},
   {'nn.SpatialUpSamplingBilinear', function() return nn.SpatialUpSamplingBilinear(2) end,
    F(2, 3, 6, 6), F(6, 6), nil, F(2, 3, 6, 6)},
   {'nn.TemporalConvolution', function() return nn.TemporalConvolution(3, 4, 2) end,
    F(2, 5, 3), F(5), F(2, 5, 2), F(2, 3, 4)},
   {'nn.TemporalMaxPooling', function() return nn.TemporalMaxPooling(2) end,
    F(2, 6, 3), F(6), nil, F(2, 2, 3)},
}

describe('Spatial and Temporal modules called wrongly', function()
   for _, c in ipairs(cases) do
      local name, make, good, baddim, badplanes, badgrad = table.unpack(c)

      describe(name, function()
         it('names itself at the caller\'s line for a wrong dimension count', function()
            local m = make():float()
            check(name, here(), function() m:forward(baddim) end)
         end)

         if badplanes then
            it('names itself for a wrong number of planes', function()
               local m = make():float()
               check(name, here(), function() m:forward(badplanes) end)
            end)
         end

         it('names itself for a gradOutput of the wrong size', function()
            local m = make():float()
            m:forward(good)
            local msg = check(name, here(), function() m:backward(good, badgrad) end)
            assert(msg:find('gradOutput', 1, true), msg)
         end)

         it('names itself for a Double input to a Float module and a Long input', function()
            local m = make():float()
            check(name, here(), function() m:forward(good:double()) end)
            local msg = check(name, here(), function() m:forward(good:long()) end)
            assert(msg:find('Long', 1, true), msg)
         end)
      end)
   end

   it('SpatialMaxUnpooling names itself at the caller\'s line', function()
      local name = 'nn.SpatialMaxUnpooling'
      local pool = nn.SpatialMaxPooling(2, 2):float()
      local un = nn.SpatialMaxUnpooling(pool):float()
      local y = pool:forward(F(2, 3, 6, 6):uniform())
      check(name, here(), function() un:forward(F(3, 3)) end)
      check(name, here(), function() un:forward(F(2, 2, 3, 3)) end)
      un:forward(y)
      check(name, here(), function() un:backward(y, F(2, 3, 5, 6)) end)
      check(name, here(), function() un:forward(y:double()) end)
   end)
end)
