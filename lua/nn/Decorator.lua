-- nn.Decorator(module): a container of one module that forwards every call to it. The
-- base class of the modules that wrap another one (Bottle, WeightNorm, DontCast, NaN);
-- Decorator.decorate(class) gives those methods to a class with another parent.
local nn = require 'nn'

local Decorator, parent = torch.class('nn.Decorator', 'nn.Container')

function Decorator:__init(module)
   parent.__init(self)
   if type(module) ~= 'table' or not torch.isTypeOf(module, 'nn.Module') then
      self:_error('expected an nn.Module to decorate, got %s', torch.type(module))
   end
   self.modules[1] = module
end

function Decorator:updateOutput(input)
   self.output = self.modules[1]:updateOutput(input)
   return self.output
end

function Decorator:updateGradInput(input, gradOutput)
   self.gradInput = self.modules[1]:updateGradInput(input, gradOutput)
   return self.gradInput
end

-- The input and gradOutput as the module sees them (a decorator that reshapes or converts
-- them redefines this; the parameter methods below go through it).
function Decorator:_args(input, gradOutput)
   return input, gradOutput
end

function Decorator:accGradParameters(input, gradOutput, scale)
   local x, g = self:_args(input, gradOutput)
   self.modules[1]:accGradParameters(x, g, scale)
end

function Decorator:accUpdateGradParameters(input, gradOutput, lr)
   local x, g = self:_args(input, gradOutput)
   self.modules[1]:accUpdateGradParameters(x, g, lr)
end

function Decorator:sharedAccUpdateGradParameters(input, gradOutput, lr)
   self.modules[1]:sharedAccUpdateGradParameters(input, gradOutput, lr)
end

function Decorator:__tostring__()
   return torch.type(self) .. ' @ ' .. tostring(self.modules[1])
end

-- Gives class Decorator's forwarding methods (for a decorator with another parent).
function Decorator.decorate(class)
   for _, k in ipairs({'updateOutput', 'updateGradInput', 'accGradParameters',
                       'accUpdateGradParameters', 'sharedAccUpdateGradParameters',
                       '__tostring__'}) do
      class[k] = Decorator[k]
   end
   class._args = rawget(class, '_args') or Decorator._args
end

return Decorator
