-- nn.ConcatTable(): applies every module to the same input; the output is the table of
-- their outputs. gradInput is the sum of the modules' gradInputs (tensors or tables).
local nn = require 'nn'

local ConcatTable, parent = torch.class('nn.ConcatTable', 'nn.Container')

function ConcatTable:__init()
   parent.__init(self)
   self.output = {}
end

function ConcatTable:updateOutput(input)
   for i = 1, #self.modules do
      self.output[i] = self:rethrowErrors(self.modules[i], i, 'updateOutput', input)
   end
   for i = #self.modules + 1, #self.output do self.output[i] = nil end
   return self.output
end

-- t1 gets t2's nested shape; f(t1, k, v) handles each tensor leaf.
local function retable(t1, t2, f)
   for k, v in ipairs(t2) do
      if torch.type(v) == 'table' then
         t1[k] = retable(t1[k] or {}, t2[k], f)
      else
         f(t1, k, v)
      end
   end
   for i = #t2 + 1, #t1 do t1[i] = nil end
   return t1
end

function ConcatTable:_backward(method, input, gradOutput, scale)
   local isTable = torch.type(input) == 'table'
   local wasTable = torch.type(self.gradInput) == 'table'
   if type(gradOutput) ~= 'table' or torch.isTensor(gradOutput) or #gradOutput ~= #self.modules then
      self:_error('gradOutput must be a table of %d entries (one per module), got %s',
                  #self.modules, torch.isTensor(gradOutput) and torch.type(gradOutput)
                  or (type(gradOutput) == 'table' and #gradOutput .. ' entries' or type(gradOutput)))
   end
   if isTable then
      for i, module in ipairs(self.modules) do
         local gi = self:rethrowErrors(module, i, method, input, gradOutput[i], scale)
         if torch.type(gi) ~= 'table' then
            self:_error('module %s returned a gradInput that is not a table', i)
         end
         if i == 1 then
            self.gradInput = wasTable and self.gradInput or {}
            retable(self.gradInput, gi, function(t, k, v)
               t[k] = torch.isTensor(t[k]) and t[k]:type() == v:type() and t[k] or v.new()
               t[k]:resizeAs(v):copy(v)
            end)
         else
            retable(self.gradInput, gi, function(t, k, v)
               if t[k] then t[k]:add(v) else t[k] = v:clone() end
            end)
         end
      end
   else
      self.gradInput = (not wasTable) and self.gradInput or input.new()
      for i, module in ipairs(self.modules) do
         local gi = self:rethrowErrors(module, i, method, input, gradOutput[i], scale)
         if i == 1 then
            self.gradInput:resizeAs(gi):copy(gi)
         else
            self.gradInput:add(gi)
         end
      end
   end
   return self.gradInput
end

function ConcatTable:updateGradInput(input, gradOutput)
   return self:_backward('updateGradInput', input, gradOutput)
end

function ConcatTable:backward(input, gradOutput, scale)
   return self:_backward('backward', input, gradOutput, scale or 1)
end

function ConcatTable:accGradParameters(input, gradOutput, scale)
   for i, module in ipairs(self.modules) do
      self:rethrowErrors(module, i, 'accGradParameters', input, gradOutput[i], scale or 1)
   end
end

function ConcatTable:accUpdateGradParameters(input, gradOutput, lr)
   for i, module in ipairs(self.modules) do
      self:rethrowErrors(module, i, 'accUpdateGradParameters', input, gradOutput[i], lr)
   end
end

ConcatTable.__tostring__ = nn.Container._branchstring

return ConcatTable
