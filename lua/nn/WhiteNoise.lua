-- nn.WhiteNoise([mean = 0, std = 0.1]): in training, adds Gaussian noise N(mean, std^2) to
-- its input (a fresh draw per forward); in evaluation, adds mean. The gradient passes
-- through unchanged (only defined in training, as Torch7).
local nn = require 'nn'
local utils = nn.utils

local WhiteNoise, parent = torch.class('nn.WhiteNoise', 'nn.Module')

function WhiteNoise:__init(mean, std)
   parent.__init(self)
   self.mean = mean or 0
   self.std = std or 0.1
   if type(self.mean) ~= 'number' or type(self.std) ~= 'number' or self.std < 0 then
      self:_error('mean and std must be numbers (std >= 0), got %s and %s', tostring(mean),
                  tostring(std))
   end
   self.noise = torch.Tensor()
end

function WhiteNoise:updateOutput(input)
   utils.checkFloatTensor(self, input)
   self.output:resizeAs(input):copy(input)
   if self.train ~= false then
      if self.std > 0 then
         self.noise:resizeAs(input):normal(self.mean, self.std)
         self.output:add(self.noise)
      elseif self.mean ~= 0 then
         self.output:add(self.mean)
      end
   elseif self.mean ~= 0 then
      self.output:add(self.mean)
   end
   return self.output
end

function WhiteNoise:updateGradInput(input, gradOutput)
   if self.train == false then
      self:_error('backward is only defined in training (call :training())')
   end
   utils.checkGradOutput(self, gradOutput, input)
   self.gradInput:resizeAs(gradOutput):copy(gradOutput)
   return self.gradInput
end

function WhiteNoise:clearState()
   nn.utils.clear(self, 'noise')
   return parent.clearState(self)
end

function WhiteNoise:__tostring__()
   return string.format('%s mean: %f, std: %f', torch.type(self), self.mean, self.std)
end

return WhiteNoise
