-- nn.MapTable(module [, shared = true]): applies module to every entry of its input table;
-- entry i goes through clone i of module, all clones sharing weight, bias, gradWeight and
-- gradBias (the table may change length from call to call). As in Torch7, the clones always
-- share their parameters (Torch7's "shared or true" never turns sharing off).
local nn = require 'nn'

local MapTable, parent = torch.class('nn.MapTable', 'nn.Container')

function MapTable:__init(module, shared)
   parent.__init(self)
   self.shared = true
   self.sharedparams = {'weight', 'bias', 'gradWeight', 'gradBias'}
   self.output = {}
   self.gradInput = {}
   if module ~= nil then self:add(module) end
end

-- share() marks both modules to update through their gradients; MapTable updates the
-- shared weights itself (accUpdateGradParameters below).
local function unmark(m) m._sharedUpdate = nil end

-- Makes sure there are n clones of the module.
function MapTable:_extend(n)
   if not self.module then self:_error('no module to map (use add)') end
   self.modules[1] = self.module
   for i = 2, n do
      if not self.modules[i] then
         self.modules[i] = self.module:clone(table.unpack(self.sharedparams))
         unmark(self.modules[i])
         unmark(self.module)
      end
   end
end

-- resize(n): keeps n clones, dropping the others.
function MapTable:resize(n)
   self:_extend(n)
   for i = n + 1, #self.modules do
      self.modules[i]:clearState()
      self.modules[i] = nil
   end
   return self
end

function MapTable:add(module)
   if self.module then self:_error('add: a MapTable holds a single module') end
   if type(module) ~= 'table' or not torch.isTypeOf(module, 'nn.Module') then
      self:_error('add: expected an nn.Module, got %s', torch.type(module))
   end
   self.module = module
   self.modules[1] = module
   return self
end

local function check(self, input)
   if type(input) ~= 'table' or torch.isTensor(input) then
      self:_error('expected a table input, got %s', torch.type(input))
   end
end

function MapTable:updateOutput(input)
   check(self, input)
   self.output = {}
   self:_extend(#input)
   for i = 1, #input do
      self.output[i] = self:rethrowErrors(self.modules[i], i, 'updateOutput', input[i])
   end
   return self.output
end

function MapTable:updateGradInput(input, gradOutput)
   check(self, input)
   self.gradInput = {}
   self:_extend(#input)
   for i = 1, #input do
      self.gradInput[i] = self:rethrowErrors(self.modules[i], i, 'updateGradInput', input[i],
                                             gradOutput[i])
   end
   return self.gradInput
end

function MapTable:accGradParameters(input, gradOutput, scale)
   self:_extend(#input)
   for i = 1, #input do
      self:rethrowErrors(self.modules[i], i, 'accGradParameters', input[i], gradOutput[i],
                         scale or 1)
   end
end

-- weight -= lr * (the gradient summed over the clones), leaving the gradient buffers as
-- they were: the clones share both, so the sum is made in the buffers and then undone.
function MapTable:accUpdateGradParameters(input, gradOutput, lr)
   local _, grads = self:parameters()
   local saved = {}
   for k, g in ipairs(grads or {}) do saved[k] = g:clone() end
   self:zeroGradParameters()
   self:accGradParameters(input, gradOutput, 1)
   self:updateParameters(lr or 1)
   for k, g in ipairs(grads or {}) do g:copy(saved[k]) end
end

-- The clones share the gradients and weights: acting on the module once is enough.
function MapTable:zeroGradParameters()
   if self.module then self.module:zeroGradParameters() end
end

function MapTable:updateParameters(learningRate)
   if self.module then self.module:updateParameters(learningRate) end
end

-- The parameters once (the clones' are the same tensors).
function MapTable:parameters()
   if self.module then return self.module:parameters() end
end

-- Drops the clones: they are remade, sharing again, on the next call.
function MapTable:clearState()
   for i = 2, #self.modules do
      self.modules[i]:clearState()
      self.modules[i] = nil
   end
   return parent.clearState(self)
end

function MapTable:__tostring__()
   local tab, line, extlast = '  ', '\n', '      '
   local str = torch.type(self)
   if self.module then
      str = str .. ' {' .. line .. tab
         .. tostring(self.module):gsub(line, line .. tab .. extlast) .. line .. '}'
   else
      str = str .. ' { }'
   end
   return str
end

return MapTable
