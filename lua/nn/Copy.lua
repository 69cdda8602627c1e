-- nn.Copy(intype, outtype [, forceCopy [, dontCast]]): output = input converted to outtype
-- ('torch.DoubleTensor', ...); gradInput = gradOutput converted back to intype. Without
-- forceCopy, an input already of outtype passes through uncopied. dontCast keeps the
-- types through module:type().
local nn = require 'nn'

local Copy, parent = torch.class('nn.Copy', 'nn.Module')

function Copy:__init(intype, outtype, forceCopy, dontCast)
   intype = intype or torch.Tensor.__typename
   outtype = outtype or torch.Tensor.__typename
   self.dontCast = dontCast
   parent.__init(self)
   self.gradInput = torch.getconstructortable(intype)()
   self.output = torch.getconstructortable(outtype)()
   -- a flag rather than Torch7's per-instance closures, so the module can be saved
   self.passThrough = (not forceCopy) and intype == outtype
end

function Copy:updateOutput(input)
   if self.passThrough then
      self.output = input
      return input
   end
   self.output:resize(input:size()):copy(input)
   return self.output
end

function Copy:updateGradInput(input, gradOutput)
   if self.passThrough then
      self.gradInput = gradOutput
      return gradOutput
   end
   self.gradInput:resize(gradOutput:size()):copy(gradOutput)
   return self.gradInput
end

function Copy:type(tname, tensorCache)
   if tname and self.dontCast then return self end
   return parent.type(self, tname, tensorCache)
end

return Copy
