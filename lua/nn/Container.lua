-- nn.Container: the base class of modules that hold other modules (self.modules).
local nn = require 'nn'
local utils = nn.utils

local Container, parent = torch.class('nn.Container', 'nn.Module')

function Container:__init(...)
   parent.__init(self, ...)
   self.modules = {}
end

function Container:add(module)
   if type(module) ~= 'table' or not torch.isTypeOf(module, 'nn.Module') then
      self:_error('add: expected an nn.Module, got %s', torch.type(module))
   end
   table.insert(self.modules, module)
   return self
end

function Container:get(index)
   return self.modules[index]
end

function Container:size()
   return #self.modules
end

-- Calls module[funcName](module, ...); an error inside names the place in this container
-- ("In 2 module of nn.Sequential:"), as Torch7 does, so a deep model's error is findable.
-- The message is made only on failure, and the results pass through varargs: no closure
-- or table per call (a forward at batch 1 calls this once per module).
local function rethrown(self, moduleIndex, ok, ...)
   if ok then return ... end
   local err = ...
   if type(err) == 'string' then
      err = string.format('In %d module of %s:\n%s', moduleIndex, torch.type(self), err)
   end
   error(err, 0)
end
local function keep(err) return err end

function Container:rethrowErrors(module, moduleIndex, funcName, ...)
   return rethrown(self, moduleIndex, xpcall(module[funcName], keep, module, ...))
end

function Container:applyToModules(func)
   for _, module in ipairs(self.modules) do func(module) end
end

function Container:zeroGradParameters()
   self:applyToModules(function(module) module:zeroGradParameters() end)
end

function Container:updateParameters(learningRate)
   self:applyToModules(function(module) module:updateParameters(learningRate) end)
end

function Container:training()
   parent.training(self)
   self:applyToModules(function(module) module:training() end)
end

function Container:evaluate()
   parent.evaluate(self)
   self:applyToModules(function(module) module:evaluate() end)
end

function Container:share(mlp, ...)
   for i = 1, #self.modules do self.modules[i]:share(mlp.modules[i], ...) end
   return self
end

function Container:reset(stdv)
   self:applyToModules(function(module) module:reset(stdv) end)
end

function Container:parameters()
   local function tinsert(to, from)
      if type(from) == 'table' and not torch.isTensor(from) then
         for i = 1, #from do tinsert(to, from[i]) end
      else
         to[#to + 1] = from
      end
   end
   local w, gw = {}, {}
   for i = 1, #self.modules do
      local mw, mgw = self.modules[i]:parameters()
      if mw then
         tinsert(w, mw)
         tinsert(gw, mgw)
      end
   end
   return w, gw
end

-- The buffers are dropped rather than emptied with set(): they may be the children's own
-- outputs (Sequential's output is its last module's), which those clear themselves.
function Container:clearState()
   for _, f in ipairs({'output', 'gradInput'}) do
      if torch.isTensor(self[f]) then
         self[f] = self[f].new()
      elseif type(self[f]) == 'table' then
         self[f] = {}
      end
   end
   for _, module in ipairs(self.modules) do module:clearState() end
   return self
end

-- Prints a child, indenting every line after its first.
function Container._childstring(module, indent)
   return (tostring(module):gsub('\n', '\n' .. indent))
end

-- Torch7's drawing of branching containers.
function nn.Container._branchstring(self)
   local tab, line = '  ', '\n'
   local nxt, lastNext = '  |`-> ', '   `-> '
   local ext, extlast = '  |    ', '       '
   local str = torch.type(self) .. ' {' .. line .. tab .. 'input'
   for i = 1, #self.modules do
      if i == #self.modules then
         str = str .. line .. tab .. lastNext .. '(' .. i .. '): '
            .. nn.Container._childstring(self.modules[i], tab .. extlast)
      else
         str = str .. line .. tab .. nxt .. '(' .. i .. '): '
            .. nn.Container._childstring(self.modules[i], tab .. ext)
      end
   end
   return str .. line .. tab .. '   ... -> output' .. line .. '}'
end

return Container
