-- nn.Sequential: feeds each module's output to the next.
local nn = require 'nn'

local Sequential, parent = torch.class('nn.Sequential', 'nn.Container')

function Sequential:__len__()
   return #self.modules
end

function Sequential:add(module)
   parent.add(self, module)
   if #self.modules == 1 then self.gradInput = module.gradInput end
   self.output = module.output
   return self
end

function Sequential:insert(module, index)
   index = index or (#self.modules + 1)
   if index > #self.modules + 1 or index < 1 then
      error(string.format('nn.Sequential:insert: index %d out of range [1, %d]', index,
                          #self.modules + 1), 2)
   end
   table.insert(self.modules, index, module)
   self.output = self.modules[#self.modules].output
   self.gradInput = self.modules[1].gradInput
   return self
end

function Sequential:remove(index)
   index = index or #self.modules
   if index > #self.modules or index < 1 then
      error(string.format('nn.Sequential:remove: index %d out of range [1, %d]', index,
                          #self.modules), 2)
   end
   local m = table.remove(self.modules, index)
   if #self.modules > 0 then
      self.output = self.modules[#self.modules].output
      self.gradInput = self.modules[1].gradInput
   else
      self.output = torch.Tensor()
      self.gradInput = torch.Tensor()
   end
   return m
end

function Sequential:updateOutput(input)
   local current = input
   for i = 1, #self.modules do
      current = self:rethrowErrors(self.modules[i], i, 'updateOutput', current)
   end
   self.output = current
   return current
end

function Sequential:updateGradInput(input, gradOutput)
   local current = gradOutput
   for i = #self.modules, 1, -1 do
      local previous = i > 1 and self.modules[i - 1].output or input
      current = self:rethrowErrors(self.modules[i], i, 'updateGradInput', previous, current)
   end
   self.gradInput = current
   return current
end

function Sequential:accGradParameters(input, gradOutput, scale)
   scale = scale or 1
   local current = gradOutput
   for i = #self.modules, 1, -1 do
      local previous = i > 1 and self.modules[i - 1].output or input
      self:rethrowErrors(self.modules[i], i, 'accGradParameters', previous, current, scale)
      current = self.modules[i].gradInput
   end
end

function Sequential:backward(input, gradOutput, scale)
   scale = scale or 1
   local current = gradOutput
   for i = #self.modules, 1, -1 do
      local previous = i > 1 and self.modules[i - 1].output or input
      current = self:rethrowErrors(self.modules[i], i, 'backward', previous, current, scale)
      self.modules[i].gradInput = current
   end
   self.gradInput = current
   return current
end

function Sequential:accUpdateGradParameters(input, gradOutput, lr)
   local current = gradOutput
   for i = #self.modules, 1, -1 do
      local previous = i > 1 and self.modules[i - 1].output or input
      self:rethrowErrors(self.modules[i], i, 'accUpdateGradParameters', previous, current, lr)
      current = self.modules[i].gradInput
   end
end

function Sequential:__tostring__()
   local tab, line, next = '  ', '\n', ' -> '
   local str = 'nn.Sequential {' .. line .. tab .. '[input'
   for i = 1, #self.modules do str = str .. next .. '(' .. i .. ')' end
   str = str .. next .. 'output]'
   for i = 1, #self.modules do
      str = str .. line .. tab .. '(' .. i .. '): ' .. nn.Container._childstring(self.modules[i], tab)
   end
   return str .. line .. '}'
end

return Sequential
