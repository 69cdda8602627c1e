-- Checks shared by the module specs (nn_volumetric_spec, nn_spatial_more_spec): values
-- within a tolerance, the float64 gradient checks of a module, batch against single
-- samples, Float against Double, and an error's message and position.
require 'nn'

local M = {}

-- The largest difference between tensors a and b is at most tol.
function M.near(a, b, tol, what)
   local err = (a - b):abs():max()
   assert(err <= (tol or 1e-10), (what or '') .. ': difference ' .. err)
end

-- nn.Jacobian on the input, the weight and the bias (when the module has them) below 1e-6,
-- and nn.Jacobian.testIO exact.
function M.jac(m, x)
   local err = nn.Jacobian.testJacobian(m, x)
   assert(err < 1e-6, tostring(m) .. ': input jacobian error ' .. err)
   if m.weight then
      err = nn.Jacobian.testJacobianParameters(m, x, m.weight, m.gradWeight)
      assert(err < 1e-6, tostring(m) .. ': weight jacobian error ' .. err)
   end
   if m.bias then
      err = nn.Jacobian.testJacobianParameters(m, x, m.bias, m.gradBias)
      assert(err < 1e-6, tostring(m) .. ': bias jacobian error ' .. err)
   end
   local fo, bo = nn.Jacobian.testIO(m, x)
   assert(fo == 0 and bo == 0, tostring(m) .. ': testIO ' .. fo .. ' ' .. bo)
end

-- The i-th sample of a batch computed alone equals the batch's i-th result, for forward
-- and backward (gradInput and the accumulated parameter gradients).
function M.batch_agrees(m, x)
   local y = m:forward(x):clone()
   local go = y:clone():uniform(-1, 1)
   m:zeroGradParameters()
   local gi = m:backward(x, go):clone()
   local gw = m.gradWeight and m.gradWeight:clone()
   if gw then m:zeroGradParameters() end
   for i = 1, x:size(1) do
      M.near(m:forward(x[i]), y[i], 1e-10, tostring(m) .. ' forward sample ' .. i)
      M.near(m:backward(x[i], go[i]), gi[i], 1e-10, tostring(m) .. ' backward sample ' .. i)
   end
   if gw then M.near(m.gradWeight, gw, 1e-9, tostring(m) .. ' gradWeight') end
end

-- Float computes what Double does (the module is left Double).
function M.float_agrees(m, x)
   local yd = m:double():forward(x):clone()
   local yf = m:float():forward(x:float())
   M.near(yf:double(), yd, 1e-4, tostring(m) .. ' float')
   m:double()
end

-- The message of the error f raises, which must come from line `line` of the spec file
-- `file` (its name without .lua), begin with the module's name and name no C function
-- (none of the patterns in cnames) and no file under lua/nn. Returns the message after
-- the position.
function M.check(file, cnames, name, line, f)
   local ok, err = pcall(f)
   assert(not ok, name .. ': expected an error')
   assert(type(err) == 'string', name .. ': error is not a string')
   local pos, rest = err:match('^(.-:%d+): (.*)$')
   assert(pos, name .. ': no position in ' .. err)
   assert(pos:match(file .. '%.lua:' .. line .. '$'),
          name .. ': raised at ' .. pos .. ', not at line ' .. line .. ': ' .. err)
   assert(not err:find('lua/nn/', 1, true), name .. ': names a file under lua/nn: ' .. err)
   assert(rest:sub(1, #name + 2) == name .. ': ', name .. ': does not begin with the name: ' .. err)
   for _, c in ipairs(cnames) do
      assert(not rest:find(c), name .. ': names a C function: ' .. err)
   end
   return rest
end

-- The line this is called from. The calls under test must not be tail calls
-- (`function() m:forward(x) end`): a tail call leaves no frame of the spec to report.
function M.here() return debug.getinfo(2, 'l').currentline end

return M
