-- dl.weightDecayMask(model, params[, decays]): the mask optim.adamw's weightDecayMask
-- takes, so that one flat parameter vector (getParameters) gets PyTorch's two parameter
-- groups: weight decay on the matrices (weights of Linear, convolutions, embeddings) and
-- none on biases and normalisation weights (nanoGPT's rule: a parameter of two or more
-- dimensions decays). decays(p, module) overrides the rule. A tensor shared by two modules
-- (a tied embedding) has one slot in params and one entry in the mask.
local dl = require 'dl'

local function default_decays(p) return p:dim() >= 2 end

function dl.weightDecayMask(model, params, decays)
   if type(model) ~= 'table' or type(model.parameters) ~= 'function' then
      error('dl.weightDecayMask: argument 1 must be an nn module, got ' .. torch.type(model), 2)
   end
   if not torch.isTensor(params) or params:dim() ~= 1 then
      error('dl.weightDecayMask: argument 2 must be the flat parameter vector of ' ..
            'getParameters(), got ' .. torch.type(params), 2)
   end
   if decays ~= nil and type(decays) ~= 'function' then
      error('dl.weightDecayMask: argument 3 must be a function (p, module) -> boolean, got ' ..
            type(decays), 2)
   end
   decays = decays or default_decays
   local mask = params.new(params:size(1)):zero()
   local base = params:storageOffset()
   local function visit(m)
      local ps = m.parameters and rawget(m, 'modules') == nil and select(1, m:parameters())
      for _, p in ipairs(ps or {}) do
         if p:storage() ~= params:storage() then
            error('dl.weightDecayMask: a parameter of ' .. torch.type(m) .. ' (size ' ..
                  table.concat(p:size():totable(), 'x') .. ') is not in params: ' ..
                  'call getParameters() first and pass its first result', 3)
         end
         local view = mask.new(mask:storage(), p:storageOffset() - base + 1, p:size(), p:stride())
         if decays(p, m) then view:fill(1) end
      end
      for _, c in ipairs(rawget(m, 'modules') or {}) do visit(c) end
   end
   visit(model)
   return mask
end
