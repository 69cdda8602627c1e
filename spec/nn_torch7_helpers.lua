-- Helpers of spec/nn_torch7_modules_spec.lua and spec/nn_torch7_criteria_spec.lua.
local T = {}

-- A checker for errors raised at the line of the spec file spec: check(f, class, text)
-- runs f, a function written on one line, and asserts that it raises
-- "<spec>:<that line>: <class>: ..." containing text, and naming no file of lua/nn.
function T.raisesAt(spec)
   return function(f, class, text)
      local line = debug.getinfo(f, 'S').linedefined
      local ok, err = pcall(f)
      assert(not ok, 'expected an error from ' .. class)
      err = tostring(err)
      local prefix = spec .. ':' .. line .. ': ' .. class .. ': '
      assert(err:sub(1, #prefix) == prefix, string.format('expected %q at the start of %q', prefix, err))
      assert(not err:find('lua/nn/', 1, true), 'message names a file of lua/nn: ' .. err)
      if text then assert(err:find(text, 1, true), string.format('%q does not contain %q', err, text)) end
   end
end

-- Both differences of nn.Jacobian.testIO are zero.
function T.io0(m, input)
   local fo, bo = nn.Jacobian.testIO(m, input)
   assert(fo < 1e-12 and bo < 1e-12, torch.type(m) .. ': testIO ' .. fo .. ' ' .. bo)
end

-- Largest difference of the parameter jacobians from forward and backward, without
-- refilling the input (whose index columns must keep their values).
function T.paramjac(m, input, p, dp)
   local jf = nn.Jacobian.forward(m, input, p)
   local jb = nn.Jacobian.backward(m, input, p, dp)
   return (jf - jb):abs():max()
end

-- Whether two tensors lie in one storage.
function T.sameStorage(a, b)
   return torch.pointer(a:storage()) == torch.pointer(b:storage())
end

-- Largest difference between a criterion's gradInput and central differences of its loss,
-- over every tensor of input (a tensor or a table of two).
function T.critgrad(c, input, target)
   local list = torch.isTensor(input) and {input} or input
   c:forward(input, target)
   local g = c:backward(input, target)
   local glist = torch.isTensor(g) and {g:clone()} or {g[1]:clone(), g[2]:clone()}
   local worst = 0
   for k, t in ipairs(list) do
      local flat = t:view(-1)
      for i = 1, flat:nElement() do
         local v = flat[i]
         flat[i] = v + 1e-6
         local fp = c:forward(input, target)
         flat[i] = v - 1e-6
         local fm = c:forward(input, target)
         flat[i] = v
         worst = math.max(worst, math.abs((fp - fm) / 2e-6 - glist[k]:view(-1)[i]))
      end
   end
   return worst
end

return T
