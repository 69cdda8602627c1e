-- nn.CAdd(size): output = input + b elementwise, with a learnable b of the given size
-- (CAdd(5), CAdd(3, 4)); a batch adds b to every sample, and a b with as many dimensions
-- as the input and sizes of 1 is expanded along them (CAdd(1, 3, 1) on 5x3x4), as Torch7.
local nn = require 'nn'

local CAdd, parent = torch.class('nn.CAdd', 'nn.Module')

function CAdd:__init(...)
   parent.__init(self)
   local arg = {...}
   if #arg == 1 and torch.typename(arg[1]) == 'torch.LongStorage' then arg = arg[1]:totable() end
   if #arg == 0 then self:_error('expected the size of the bias') end
   self.size = arg
   self.bias = torch.Tensor():resize(arg)
   self.gradBias = torch.Tensor():resize(arg):zero()
   self._ones = torch.Tensor()
   self:reset()
end

function CAdd:reset(stdv)
   stdv = stdv and stdv * math.sqrt(3) or 1 / math.sqrt(self.bias:nElement())
   self.bias:uniform(-stdv, stdv)
   return self
end

-- The batch size (1 for a single sample), or nil when the bias broadcasts to the input
-- (as many dimensions, sizes 1 expanded: Torch7's expandAs).
function CAdd:_batchsize(input)
   local n = self.bias:nElement()
   if input:nElement() == n then return 1 end
   if nn.utils.broadcastsTo(self.bias, input) then return nil end
   if input:dim() < 2 or input:nElement() ~= input:size(1) * n then
      self:_error('input of size %s, expected %d elements per sample (bias %s)',
                  nn.utils.sizestr(input), n, nn.utils.sizestr(self.bias))
   end
   return input:size(1)
end

function CAdd:updateOutput(input)
   nn.utils.checkFloatTensor(self, input)
   local bs = self:_batchsize(input)
   self.output:resizeAs(input):copy(input)
   if bs == nil then
      self.output:add(self.bias)
      return self.output
   end
   if self._ones:nElement() ~= bs then self._ones:resize(bs):fill(1) end
   self.output:view(bs, -1):addr(1, self._ones, self.bias:view(-1))
   return self.output
end

function CAdd:updateGradInput(input, gradOutput)
   nn.utils.checkGradOutput(self, gradOutput, input)
   self.gradInput:resizeAs(gradOutput):copy(gradOutput)
   return self.gradInput
end

function CAdd:accGradParameters(input, gradOutput, scale)
   local bs = self:_batchsize(input)
   if bs == nil then
      self.gradBias:add(scale or 1, nn.utils.sumToSize(self, gradOutput, self.bias))
      return
   end
   if self._ones:nElement() ~= bs then self._ones:resize(bs):fill(1) end
   self.gradBias:view(-1):addmv(scale or 1, gradOutput:contiguous():view(bs, -1):t(), self._ones)
end

function CAdd:__tostring__()
   return torch.type(self) .. '(' .. table.concat(self.size, 'x') .. ')'
end

return CAdd
