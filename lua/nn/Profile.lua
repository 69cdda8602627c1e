-- nn.Profile(module [, printInterval = 100] [, name]) or nn.Profile(module, name
-- [, printInterval]): a container of one module that times it, as Torch7's nn.Profile.
-- Every printInterval forward passes it prints "<name> took S seconds for N forward
-- passes" (and likewise for the backward passes: updateGradInput plus
-- accGradParameters), then starts counting again. name defaults to the module's class.
-- The lines go to self.out (io.stdout). dl.profile gives a whole model's table instead.
local nn = require 'nn'

local Profile, parent = torch.class('nn.Profile', 'nn.Container')

local now = torch._monitor.now

function Profile:__init(module, a, b)
   parent.__init(self)
   if type(module) ~= 'table' or not torch.isTypeOf(module, 'nn.Module') then
      self:_error('expected an nn.Module to profile, got %s', torch.type(module))
   end
   local interval, name = a, b
   if type(a) == 'string' then interval, name = b, a end
   interval = interval or 100
   if type(interval) ~= 'number' or interval < 1 or interval % 1 ~= 0 then
      self:_error('printInterval must be a whole number >= 1, got %s', tostring(interval))
   end
   if name ~= nil and type(name) ~= 'string' then
      self:_error('name must be a string, got %s', type(name))
   end
   self.modules[1] = module
   self.printInterval = interval
   self.name = name or torch.typename(module)
   self.numFwds, self.numBwds = 0, 0
   self.summedFwdTime, self.summedBwdTime = 0, 0
end

function Profile:_report(kind, seconds, count)
   local out = self.out or io.stdout
   out:write(('%s took %.3f seconds for %d %s passes\n'):format(self.name, seconds, count, kind))
end

function Profile:updateOutput(input)
   local t0 = now()
   self.output = self.modules[1]:updateOutput(input)
   self.summedFwdTime = self.summedFwdTime + (now() - t0)
   self.numFwds = self.numFwds + 1
   if self.numFwds >= self.printInterval then
      self:_report('forward', self.summedFwdTime, self.numFwds)
      self.numFwds, self.summedFwdTime = 0, 0
   end
   return self.output
end

function Profile:updateGradInput(input, gradOutput)
   local t0 = now()
   self.gradInput = self.modules[1]:updateGradInput(input, gradOutput)
   self.summedBwdTime = self.summedBwdTime + (now() - t0)
   self.numBwds = self.numBwds + 1
   -- a window whose accGradParameters never came (a first layer that skips it) reports here
   if self.numBwds > self.printInterval then self:_maybe_report_backward() end
   return self.gradInput
end

-- The parameters' part of the backward pass; reported with the next updateGradInput's
-- count (backward calls both, updateGradInput first).
function Profile:accGradParameters(input, gradOutput, scale)
   local t0 = now()
   self.modules[1]:accGradParameters(input, gradOutput, scale)
   self.summedBwdTime = self.summedBwdTime + (now() - t0)
   self:_maybe_report_backward()
end

function Profile:_maybe_report_backward()
   if self.numBwds >= self.printInterval then
      self:_report('backward', self.summedBwdTime, self.numBwds)
      self.numBwds, self.summedBwdTime = 0, 0
   end
end

function Profile:backward(input, gradOutput, scale)
   self:updateGradInput(input, gradOutput)
   self:accGradParameters(input, gradOutput, scale or 1)
   return self.gradInput
end

function Profile:accUpdateGradParameters(input, gradOutput, lr)
   self.modules[1]:accUpdateGradParameters(input, gradOutput, lr)
end

function Profile:__tostring__()
   return ('nn.Profile(%s) @ %s'):format(self.name, tostring(self.modules[1]))
end

return Profile
