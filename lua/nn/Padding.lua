-- nn.Padding(dim, pad [, nInputDim [, value = 0 [, index = 1]]]): adds |pad| entries of
-- value along dimension dim: before the input when pad < 0, after it when pad > 0
-- (index moves the insertion point inside). With nInputDim, an input with more
-- dimensions is a batch and dim shifts by one.
local nn = require 'nn'

local Padding, parent = torch.class('nn.Padding', 'nn.Module')

function Padding:__init(dim, pad, nInputDim, value, index)
   parent.__init(self)
   self.value = value or 0
   self.index = index or 1
   self.dim = dim
   self.pad = pad
   self.nInputDim = nInputDim
end

function Padding:_place(input)
   local dim = self.dim
   if self.nInputDim and input:dim() ~= self.nInputDim then dim = dim + 1 end
   if dim < 1 or dim > input:dim() then
      self:_error('dimension %d out of range for an input of size %s', dim,
                  nn.utils.sizestr(input))
   end
   local index, pad = self.index, self.pad
   if pad > 0 then index = input:size(dim) - index + 2 else pad = -pad end
   return dim, index, pad
end

function Padding:updateOutput(input)
   local dim, index, pad = self:_place(input)
   local size = input:size():totable()
   local n = size[dim]
   size[dim] = n + pad
   self.output:resize(size):fill(self.value)
   if index == 1 then
      self.output:narrow(dim, 1 + pad, n):copy(input)
   elseif index == n + 1 then
      self.output:narrow(dim, 1, n):copy(input)
   else
      self.output:narrow(dim, 1, index - 1):copy(input:narrow(dim, 1, index - 1))
      self.output:narrow(dim, index + pad, n - (index - 1)):copy(input:narrow(dim, index, n - (index - 1)))
   end
   return self.output
end

function Padding:updateGradInput(input, gradOutput)
   local dim, index, pad = self:_place(input)
   local size = input:size():totable()
   size[dim] = size[dim] + pad
   nn.utils.checkGradOutput(self, gradOutput, size)
   local n = input:size(dim)
   self.gradInput:resizeAs(input)
   if index == 1 then
      self.gradInput:copy(gradOutput:narrow(dim, 1 + pad, n))
   elseif index == n + 1 then
      self.gradInput:copy(gradOutput:narrow(dim, 1, n))
   else
      self.gradInput:narrow(dim, 1, index - 1):copy(gradOutput:narrow(dim, 1, index - 1))
      self.gradInput:narrow(dim, index, n - (index - 1)):copy(gradOutput:narrow(dim, index + pad, n - (index - 1)))
   end
   return self.gradInput
end

return Padding
