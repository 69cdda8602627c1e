-- nn.ParallelTable(): module i is applied to input[i]; the output is the table of results.
local nn = require 'nn'

local ParallelTable, parent = torch.class('nn.ParallelTable', 'nn.Container')

function ParallelTable:__init()
   parent.__init(self)
   self.output = {}
   self.gradInput = {}
end

function ParallelTable:_check(input)
   if type(input) ~= 'table' or torch.isTensor(input) then
      self:_error('expected a table input, got %s', torch.type(input))
   end
   if #input < #self.modules then
      self:_error('input table of %d entries for %d modules', #input, #self.modules)
   end
end

function ParallelTable:updateOutput(input)
   self:_check(input)
   for i = 1, #self.modules do
      self.output[i] = self:rethrowErrors(self.modules[i], i, 'updateOutput', input[i])
   end
   for i = #self.modules + 1, #self.output do self.output[i] = nil end
   return self.output
end

function ParallelTable:updateGradInput(input, gradOutput)
   for i, module in ipairs(self.modules) do
      self.gradInput[i] = self:rethrowErrors(module, i, 'updateGradInput', input[i], gradOutput[i])
   end
   for i = #self.modules + 1, #self.gradInput do self.gradInput[i] = nil end
   return self.gradInput
end

function ParallelTable:accGradParameters(input, gradOutput, scale)
   for i, module in ipairs(self.modules) do
      self:rethrowErrors(module, i, 'accGradParameters', input[i], gradOutput[i], scale or 1)
   end
end

function ParallelTable:backward(input, gradOutput, scale)
   for i, module in ipairs(self.modules) do
      self.gradInput[i] = self:rethrowErrors(module, i, 'backward', input[i], gradOutput[i], scale or 1)
   end
   for i = #self.modules + 1, #self.gradInput do self.gradInput[i] = nil end
   return self.gradInput
end

function ParallelTable:accUpdateGradParameters(input, gradOutput, lr)
   for i, module in ipairs(self.modules) do
      self:rethrowErrors(module, i, 'accUpdateGradParameters', input[i], gradOutput[i], lr)
   end
end

function ParallelTable:__tostring__()
   local tab, line = '  ', '\n'
   local str = torch.type(self) .. ' {' .. line .. tab .. 'input'
   for i = 1, #self.modules do
      local pre = i == #self.modules and '   `-> ' or '  |`-> '
      local ext = i == #self.modules and '       ' or '  |    '
      str = str .. line .. tab .. pre .. '(' .. i .. '): '
         .. nn.Container._childstring(self.modules[i], tab .. ext)
   end
   return str .. line .. tab .. '   ... -> output' .. line .. '}'
end

return ParallelTable
