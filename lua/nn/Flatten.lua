-- nn.Flatten([nInputDims]) (not in Torch7): N x C x H x W (or any N x ...) becomes
-- N x (C*H*W), the link between convolutions and Linear. With nInputDims given, an input
-- of exactly nInputDims dimensions is a single sample and becomes a vector; without it,
-- the first dimension is always the batch (as PyTorch's nn.Flatten). The output is a view
-- of the input when it is contiguous.
local nn = require 'nn'

local Flatten, parent = torch.class('nn.Flatten', 'nn.Module')

function Flatten:__init(nInputDims)
   parent.__init(self)
   if nInputDims ~= nil and (math.type(nInputDims) ~= 'integer' or nInputDims < 1) then
      self:_error('nInputDims must be a positive integer, got %s', tostring(nInputDims))
   end
   self.nInputDims = nInputDims
end

function Flatten:updateOutput(input)
   if not torch.isTensor(input) then
      self:_error('input must be a tensor, got %s', torch.type(input))
   end
   local x = input:isContiguous() and input or input:contiguous()
   local n = input:nElement()
   if self.nInputDims and input:dim() == self.nInputDims then
      self.output = x:view(n)
   elseif input:dim() >= 2 then
      self.output = x:view(input:size(1), n // input:size(1))
   else
      self:_error('input of size %s, expected a batch (2 or more dimensions)',
                  nn.utils.sizestr(input))
   end
   return self.output
end

function Flatten:updateGradInput(input, gradOutput)
   if not self.gradInput then return end
   nn.utils.checkGradOutput(self, gradOutput, input:nElement())
   local g = gradOutput:isContiguous() and gradOutput or gradOutput:contiguous()
   self.gradInput = g:view(input:size())
   return self.gradInput
end

function Flatten:__tostring__()
   return torch.type(self) .. (self.nInputDims and ('(' .. self.nInputDims .. ')') or '')
end

return Flatten
