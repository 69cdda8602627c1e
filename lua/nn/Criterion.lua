-- nn.Criterion: the base class of losses. forward(input, target) returns a number (the
-- loss, also in self.output); backward(input, target) returns its gradient w.r.t. input.
local nn = require 'nn'
local utils = nn.utils

local Criterion = torch.class('nn.Criterion')

function Criterion:__init()
   self.gradInput = torch.Tensor()
   self.output = 0
end

function Criterion:updateOutput(input, target)
end

function Criterion:forward(input, target)
   return self:updateOutput(input, target)
end

function Criterion:backward(input, target)
   return self:updateGradInput(input, target)
end

function Criterion:updateGradInput(input, target)
end

function Criterion:clone()
   return utils.deepcopy(self)
end

function Criterion:type(tname, tensorCache)
   if not tname then
      if self._type then return self._type end
      -- criteria of tables (CosineEmbedding, MarginRanking, ...) have a table gradInput
      local g = torch.isTensor(self.gradInput) and self.gradInput or self.gradInput[1]
      return torch.isTensor(g) and g:type() or torch.getdefaulttensortype()
   end
   tensorCache = tensorCache or {}
   for key, param in pairs(self) do
      if key ~= '_type' then self[key] = utils.recursiveType(param, tname, tensorCache) end
   end
   self._type = tname
   return self
end

function Criterion:float()
   return self:type('torch.FloatTensor')
end

function Criterion:double()
   return self:type('torch.DoubleTensor')
end

function Criterion:clearState()
   return utils.clear(self, 'gradInput')
end

function Criterion:__call__(input, target)
   self.output = self:forward(input, target)
   self.gradInput = self:backward(input, target)
   return self.output, self.gradInput
end

function Criterion:__tostring__()
   return torch.type(self)
end

-- For error messages: "nn.ClassNLLCriterion: target 4 out of range [1, 3]".
function Criterion:_error(fmt, ...)
   torch._error(torch.type(self) .. ': ' .. string.format(fmt, ...)) -- at the script's line
end

return Criterion
