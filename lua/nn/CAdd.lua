-- nn.CAdd(size): output = input + b elementwise, with a learnable b of the given size
-- (CAdd(5), CAdd(3, 4)); a batch adds b to every sample.
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

function CAdd:_batchsize(input)
   local n = self.bias:nElement()
   if input:nElement() == n then return 1 end
   if input:dim() < 2 or input:nElement() ~= input:size(1) * n then
      self:_error('input of size %s, expected %d elements per sample (bias %s)',
                  nn.utils.sizestr(input), n, nn.utils.sizestr(self.bias))
   end
   return input:size(1)
end

function CAdd:updateOutput(input)
   nn.utils.checkFloatTensor(self, input)
   local bs = self:_batchsize(input)
   if self._ones:nElement() ~= bs then self._ones:resize(bs):fill(1) end
   self.output:resizeAs(input):copy(input)
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
   if self._ones:nElement() ~= bs then self._ones:resize(bs):fill(1) end
   self.gradBias:view(-1):addmv(scale or 1, gradOutput:contiguous():view(bs, -1):t(), self._ones)
end

function CAdd:__tostring__()
   return torch.type(self) .. '(' .. table.concat(self.size, 'x') .. ')'
end

return CAdd
