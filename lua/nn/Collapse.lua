-- nn.Collapse(nInputDim): flattens the non-batch dimensions. An input of nInputDim
-- dimensions becomes a vector, one with more a batch: size(1) x (the rest).
local nn = require 'nn'
local utils = nn.utils

local Collapse, parent = torch.class('nn.Collapse', 'nn.Module')

function Collapse:__init(nInputDim)
   parent.__init(self)
   if math.type(nInputDim) ~= 'integer' or nInputDim < 1 then
      self:_error('nInputDim must be a positive integer, got %s', tostring(nInputDim))
   end
   self.nInputDim = nInputDim
end

function Collapse:updateOutput(input)
   nn.Bottle.checkInputDims(self, input)
   self._input = self._input or input.new()
   if input:dim() > self.nInputDim then
      self.output:set(utils.contiguousView(self._input, input, input:size(1), -1))
   else
      self.output:set(utils.contiguousView(self._input, input, -1))
   end
   return self.output
end

function Collapse:updateGradInput(input, gradOutput)
   utils.checkGradOutput(self, gradOutput, input:nElement())
   self._gradOutput = self._gradOutput or gradOutput.new()
   self.gradInput:set(utils.contiguousView(self._gradOutput, gradOutput, input:size()))
   return self.gradInput
end

function Collapse:clearState()
   nn.utils.clear(self, '_input', '_gradOutput')
   return parent.clearState(self)
end

return Collapse
