-- nn.CMul(size): output = input * w elementwise, with a learnable w of the given size
-- (CMul(5), CMul(3, 4), CMul(torch.LongStorage{3, 4})). A batch (one more leading
-- dimension, or N times as many elements) multiplies every sample by w; a w with as many
-- dimensions as the input and sizes of 1 is expanded along them (Torch7's expandAs).
local nn = require 'nn'
local K = torch._nn

local CMul, parent = torch.class('nn.CMul', 'nn.Module')

local function sizes(...)
   local arg = {...}
   if #arg == 1 and torch.typename(arg[1]) == 'torch.LongStorage' then return arg[1]:totable() end
   if #arg == 1 and type(arg[1]) == 'table' and not torch.isTensor(arg[1]) then return arg[1] end
   return arg
end

function CMul:__init(...)
   parent.__init(self)
   self.size = sizes(...)
   if #self.size == 0 then self:_error('expected the size of the weight') end
   self.weight = torch.Tensor():resize(self.size)
   self.gradWeight = torch.Tensor():resize(self.size):zero()
   self._ones = torch.Tensor()
   self._buffer = torch.Tensor()
   self:reset()
end

function CMul:reset(stdv)
   stdv = stdv and stdv * math.sqrt(3) or 1 / math.sqrt(self.weight:nElement())
   self.weight:uniform(-stdv, stdv)
   return self
end

-- The batch size (1 for a single sample), after checking the input's size.
function CMul:_batchsize(input)
   local n = self.weight:nElement()
   if input:nElement() == n then return 1 end
   if nn.utils.broadcastsTo(self.weight, input) then return nil end -- expanded (Torch7)
   if input:dim() < 2 or input:nElement() ~= input:size(1) * n then
      self:_error('input of size %s, expected %d elements per sample (weight %s)',
                  nn.utils.sizestr(input), n, nn.utils.sizestr(self.weight))
   end
   return input:size(1)
end

-- The weight expanded to input's size, through a (bs x n) view.
function CMul:_expanded(input, bs)
   return self.weight:view(1, self.weight:nElement()):expand(bs, self.weight:nElement())
end

function CMul:updateOutput(input)
   local bs = self:_batchsize(input)
   if bs == nil then
      torch.cmul(self.output:resizeAs(input), input, self.weight)
      return self.output
   end
   local x = input:contiguous():view(bs, -1)
   self.output:resizeAs(input)
   K.mask_scale(self.output:view(bs, -1), x, self:_expanded(input, bs), 1)
   return self.output
end

function CMul:updateGradInput(input, gradOutput)
   local bs = self:_batchsize(input)
   nn.utils.checkGradOutput(self, gradOutput, input)
   self.gradInput:resizeAs(input)
   if bs == nil then
      torch.cmul(self.gradInput, gradOutput, self.weight)
      return self.gradInput
   end
   K.mask_scale(self.gradInput:view(bs, -1), gradOutput:contiguous():view(bs, -1),
                self:_expanded(input, bs), 1)
   return self.gradInput
end

function CMul:accGradParameters(input, gradOutput, scale)
   local bs = self:_batchsize(input)
   if bs == nil then
      torch.cmul(self._buffer:resizeAs(input), input, gradOutput)
      self.gradWeight:add(scale or 1, nn.utils.sumToSize(self, self._buffer, self.weight))
      return
   end
   self._buffer:resize(bs, self.weight:nElement())
   K.mask_scale(self._buffer, input:contiguous():view(bs, -1), gradOutput:contiguous():view(bs, -1), 1)
   if self._ones:nElement() ~= bs then self._ones:resize(bs):fill(1) end
   self.gradWeight:view(-1):addmv(scale or 1, self._buffer:t(), self._ones)
end

function CMul:__tostring__()
   return torch.type(self) .. '(' .. table.concat(self.size, 'x') .. ')'
end

return CMul
