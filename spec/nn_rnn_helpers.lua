-- Helpers shared by the recurrent specs (nn_rnn_spec.lua, nn_rnn_modules_spec.lua).
local R = {}

-- The largest absolute difference between two tensors or tables of them.
function R.maxdiff(a, b)
   if type(a) == 'table' then
      local m = 0
      for i = 1, #a do m = math.max(m, R.maxdiff(a[i], b[i])) end
      return m
   end
   return (a - b):abs():max()
end

function R.near(a, b, tol)
   local d = R.maxdiff(a, b)
   assert(d <= (tol or 1e-12), string.format('difference %g', d))
end

-- A save/load round trip gives the same output and gradInput (nn.Jacobian.testIO).
function R.io_ok(m, x)
   local fo, bo = nn.Jacobian.testIO(m, x)
   assert(fo < 1e-12 and bo < 1e-12, torch.type(m) .. ': testIO ' .. fo .. ', ' .. bo)
end

return R
