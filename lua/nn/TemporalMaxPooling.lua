-- nn.TemporalMaxPooling(kW [, dW = kW]): the maximum of each feature over windows of kW
-- frames, dW apart, as Torch7: nFrame x D (or N x nFrame x D) gives (nFrame - kW) / dW + 1
-- frames. indices keeps the 1-based frame of each maximum inside its window.
local nn = require 'nn'
local K = torch._nn

local TMP, parent = torch.class('nn.TemporalMaxPooling', 'nn.Module')

function TMP:__init(kW, dW)
   parent.__init(self)
   dW = dW or kW
   for what, v in pairs({kW = kW, dW = dW}) do
      if math.type(v) ~= 'integer' or v < 1 then
         self:_error('%s must be a positive integer, got %s', what, tostring(v))
      end
   end
   self.kW, self.dW = kW, dW
   self.indices = torch.LongTensor()
end

function TMP:updateOutput(input)
   K.temporal_maxpool_forward(self.output, self.indices, input, self.kW, self.dW)
   return self.output
end

function TMP:updateGradInput(input, gradOutput)
   if not self.gradInput then return end
   K.temporal_maxpool_backward(self.gradInput, input, gradOutput, self.indices, self.kW, self.dW)
   return self.gradInput
end

function TMP:type(tname, tensorCache)
   self.indices = nil
   parent.type(self, tname, tensorCache)
   self.indices = torch.LongTensor()
   return self
end

function TMP:clearState()
   self.indices:set()
   return nn.utils.clear(self, 'output', 'gradInput')
end

function TMP:__tostring__()
   return string.format('%s(%d, %d)', torch.type(self), self.kW, self.dW)
end

return TMP
