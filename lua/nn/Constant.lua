-- nn.Constant(value [, nInputDim]): outputs value (a number or a tensor) whatever the
-- input. With nInputDim, an input with more dimensions is a batch, and the output holds
-- value once per sample (size(1) x value's size). The gradient with respect to the input
-- is zero. nn.ConcatTable():add(nn.Constant(v)):add(nn.Identity()) appends a constant.
local nn = require 'nn'

local Constant, parent = torch.class('nn.Constant', 'nn.Module')

function Constant:__init(value, nInputDim)
   parent.__init(self)
   if type(value) == 'number' then value = torch.Tensor({value}) end
   if not torch.isTensor(value) then
      self:_error('value must be a number or a tensor, got %s', torch.type(value))
   end
   self.value = value:type(self.output:type())
   self.nInputDim = nInputDim
end

function Constant:updateOutput(input)
   if self.nInputDim and torch.isTensor(input) and input:dim() > self.nInputDim then
      local vsize = self.value:size():totable()
      local n = input:size(1)
      self.output:resize(n, table.unpack(vsize))
      self.output:copy(self.value:view(1, table.unpack(vsize)):expandAs(self.output))
   else
      self.output:resize(self.value:size()):copy(self.value)
   end
   return self.output
end

function Constant:updateGradInput(input, gradOutput)
   if torch.isTensor(input) then
      self.gradInput = torch.isTensor(self.gradInput) and self.gradInput or input.new()
      self.gradInput:resizeAs(input):zero()
   else
      self.gradInput = nn.utils.recursiveFill(nn.utils.recursiveResizeAs(self.gradInput, input), 0)
   end
   return self.gradInput
end

return Constant
