-- nn.NaN(module [, id]): checks that module's output, gradInput and parameter gradients
-- hold no NaN, and raises an error naming the module (and what held the NaN: its input,
-- its parameters, its gradOutput...) otherwise. For finding where NaNs start.
local nn = require 'nn'

local NaN, parent = torch.class('nn.NaN', 'nn.Decorator')

local idseq = 0
function NaN.newId()
   idseq = idseq + 1
   return idseq
end

function NaN:__init(module, id)
   parent.__init(self, module)
   self.id = id or NaN.newId()
end

-- Whether a tensor or nested table holds a NaN.
function NaN:recursiveIsNaN(x)
   if torch.isTensor(x) then
      return x:nElement() > 0 and x:ne(x):sum() > 0
   elseif type(x) == 'table' then
      for _, v in pairs(x) do
         if self:recursiveIsNaN(v) then return true end
      end
   end
   return false
end

function NaN:updateOutput(input)
   self.output = self.modules[1]:updateOutput(input)
   if self:recursiveIsNaN(self.output) then
      local what = self:recursiveIsNaN(input) and 'input'
         or self:recursiveIsNaN((self:parameters())) and 'parameters' or 'output'
      self:_error('NaN found in %s of module:\n%s', what, self:__tostring__())
   end
   return self.output
end

function NaN:updateGradInput(input, gradOutput)
   self.gradInput = self.modules[1]:updateGradInput(input, gradOutput)
   if self:recursiveIsNaN(self.gradInput) then
      local what = self:recursiveIsNaN(gradOutput) and 'gradOutput' or 'gradInput'
      self:_error('NaN found in %s of module:\n%s', what, self:__tostring__())
   end
   return self.gradInput
end

function NaN:accGradParameters(input, gradOutput, scale)
   self.modules[1]:accGradParameters(input, gradOutput, scale)
   local _, gradParams = self:parameters()
   if self:recursiveIsNaN(gradParams) then
      self:_error('NaN found in gradParameters of module:\n%s', self:__tostring__())
   end
end

function NaN:__tostring__()
   return torch.type(self) .. '(' .. self.id .. ') @ ' .. tostring(self.modules[1])
end

return NaN
