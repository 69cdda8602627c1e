-- nn.L1Cost(): the criterion sum |x_i| of the input alone (no target, no averaging); its
-- gradient is sign(x).
local nn = require 'nn'

local L1Cost, parent = torch.class('nn.L1Cost', 'nn.Criterion')

function L1Cost:__init()
   parent.__init(self)
end

function L1Cost:updateOutput(input)
   self:_checkFloat(input, 'input')
   self.output = input:norm(1)
   return self.output
end

function L1Cost:updateGradInput(input)
   self:_checkFloat(input, 'input')
   self.gradInput = torch.isTensor(self.gradInput) and self.gradInput:type() == input:type()
      and self.gradInput or input.new()
   self.gradInput:resizeAs(input):sign(input)
   return self.gradInput
end

return L1Cost
