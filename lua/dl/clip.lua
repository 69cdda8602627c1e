-- dl.clipGradNorm(grads, maxNorm): scales the gradients so that their global L2 norm (over
-- every tensor together) is at most maxNorm, as char-rnn and torch.nn.utils.clip_grad_norm_
-- do; returns the norm before clipping. grads: a tensor (getParameters' flat gradient) or
-- a table of tensors.
local dl = require 'dl'

function dl.clipGradNorm(grads, maxNorm)
   if type(maxNorm) ~= 'number' or maxNorm <= 0 then
      error('dl.clipGradNorm: maxNorm must be a positive number, got ' .. tostring(maxNorm), 2)
   end
   local list = torch.isTensor(grads) and {grads} or grads
   if type(list) ~= 'table' then
      error('dl.clipGradNorm: expected a tensor or a table of tensors, got ' .. torch.type(grads), 2)
   end
   local sq = 0
   for i, g in ipairs(list) do
      if not torch.isTensor(g) then
         error('dl.clipGradNorm: element ' .. i .. ' is a ' .. torch.type(g) .. ', not a tensor', 2)
      end
      local n = g:norm()
      sq = sq + n * n
   end
   local norm = math.sqrt(sq)
   if norm > maxNorm then
      local s = maxNorm / (norm + 1e-6)
      for _, g in ipairs(list) do g:mul(s) end
   end
   return norm
end

return dl
