-- nn.ModuleCriterion(criterion [, inputModule, targetModule, castTarget = true]): a criterion
-- applied after modules: loss = criterion(inputModule(input), targetModule(target)). The
-- gradient goes back through inputModule (whose parameters are not trained: Torch7 warns
-- about them too); castTarget false keeps targetModule's type under :type().
local nn = require 'nn'

local ModuleCriterion, parent = torch.class('nn.ModuleCriterion', 'nn.Criterion')

function ModuleCriterion:__init(criterion, inputModule, targetModule, castTarget)
   parent.__init(self)
   if type(criterion) ~= 'table' or not torch.isTypeOf(criterion, 'nn.Criterion') then
      self:_error('expected an nn.Criterion, got %s', torch.type(criterion))
   end
   for _, m in ipairs({inputModule or false, targetModule or false}) do
      if m and not torch.isTypeOf(m, 'nn.Module') then
         self:_error('inputModule and targetModule must be nn.Modules, got %s', torch.type(m))
      end
   end
   self.criterion = criterion
   self.inputModule = inputModule
   self.targetModule = targetModule
   if castTarget == nil then self.castTarget = true else self.castTarget = castTarget end
   if inputModule then
      local params = inputModule:parameters()
      if params and #params > 0 then
         print("Warning: nn.ModuleCriterion doesn't support parameter updates")
      end
   end
end

function ModuleCriterion:updateOutput(input, target)
   if self.inputModule then self.input = self.inputModule:forward(input) end
   if self.targetModule then self.target = self.targetModule:forward(target) end
   self.output = self.criterion:forward(self.input or input, self.target or target)
   return self.output
end

function ModuleCriterion:updateGradInput(input, target)
   self.gradInput = self.criterion:backward(self.input or input, self.target or target)
   if self.inputModule then
      self.gradInput = self.inputModule:backward(input, self.gradInput)
   end
   return self.gradInput
end

function ModuleCriterion:type(tname, tensorCache)
   if not tname then return parent.type(self) end
   if self.inputModule then self.inputModule:type(tname, tensorCache) end
   if self.castTarget and self.targetModule then self.targetModule:type(tname, tensorCache) end
   self.criterion:type(tname, tensorCache)
   local im, tm, c = self.inputModule, self.targetModule, self.criterion
   self.inputModule, self.targetModule, self.criterion = nil, nil, nil
   self.input, self.target = nil, nil
   parent.type(self, tname, tensorCache)
   self.inputModule, self.targetModule, self.criterion = im, tm, c
   return self
end

return ModuleCriterion
