-- nn.Normalize(p [, eps = 1e-10]): divides each sample (a 1D input, or each row of a 2D
-- batch) by its p-norm (sum |x|^p + eps)^(1/p), for any p > 0; p = math.huge is the max
-- norm max |x| + eps (Torch7's).
local nn = require 'nn'
local K = torch._nn

local Normalize, parent = torch.class('nn.Normalize', 'nn.Module')

function Normalize:__init(p, eps)
   parent.__init(self)
   if type(p) ~= 'number' or not (p > 0) then
      self:_error('expected p > 0 (math.huge: the max norm), got %s', tostring(p))
   end
   self.p = p
   self.eps = eps or 1e-10
   self._norm = torch.Tensor()
end

local function as2d(self, t)
   if t:dim() == 1 then return t:view(1, t:nElement()) end
   if t:dim() ~= 2 then
      self:_error('input of size %s, expected 1D or 2D', nn.utils.sizestr(t))
   end
   return t
end

function Normalize:updateOutput(input)
   local x = as2d(self, input:contiguous())
   K.normalize_forward(self.output, self._norm, x, self.p, self.eps)
   self.output = self.output:viewAs(input)
   return self.output
end

function Normalize:updateGradInput(input, gradOutput)
   nn.utils.checkGradOutput(self, gradOutput, input)
   local x = as2d(self, input:contiguous())
   local g = gradOutput:contiguous():viewAs(x)
   K.normalize_backward(self.gradInput, x, g, self._norm, self.p)
   self.gradInput = self.gradInput:viewAs(input)
   return self.gradInput
end

function Normalize:type(tname, tensorCache)
   self._norm = torch.Tensor()
   return parent.type(self, tname, tensorCache)
end

function Normalize:__tostring__()
   return string.format('%s(%g)', torch.type(self), self.p)
end

return Normalize
