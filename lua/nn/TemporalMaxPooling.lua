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
         error(string.format('nn.TemporalMaxPooling: %s must be a positive integer, got %s',
                             what, tostring(v)), 2)
      end
   end
   self.kW, self.dW = kW, dW
   self.indices = torch.LongTensor()
end

function TMP:_check(input)
   nn.utils.checkFloatTensor(self, input)
   local dim = input:dim()
   if dim ~= 2 and dim ~= 3 then
      error(string.format('%s: input of size %s, expected nFrame x D (or N x nFrame x D)',
                          torch.type(self), nn.utils.sizestr(input)), 3)
   end
   if input:size(dim - 1) < self.kW then
      error(string.format('%s: input of %d frames is shorter than the window %d (input size %s)',
                          torch.type(self), input:size(dim - 1), self.kW,
                          nn.utils.sizestr(input)), 3)
   end
end

function TMP:updateOutput(input)
   self:_check(input)
   K.temporal_maxpool_forward(self.output, self.indices, input, self.kW, self.dW)
   return self.output
end

function TMP:updateGradInput(input, gradOutput)
   if not self.gradInput then return end
   self:_check(input)
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
