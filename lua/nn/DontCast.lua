-- nn.DontCast(module [, castin, castout, moduleType]): keeps module in its type when the
-- network around it is converted with :type() (:float(), :double()). With castin, an input
-- of another type is copied to moduleType before module sees it (and its gradInput copied
-- back to the decorator's type); with castout (default: castin), module's output is copied
-- to the decorator's type (and the gradOutput to moduleType). moduleType defaults to the
-- type of module's output, or of its parameters.
local nn = require 'nn'

local DontCast, parent = torch.class('nn.DontCast', 'nn.Decorator')

-- dst as a copy of src (tensors or nested tables) in type tname, reusing dst's tensors.
local function typeCopy(dst, src, tname)
   if torch.isTensor(src) then
      dst = (torch.isTensor(dst) and dst:type() == tname) and dst or torch.getconstructortable(tname)()
      dst:resize(src:size())
      if src:nElement() > 0 then dst:copy(src) end
      return dst
   elseif type(src) == 'table' then
      dst = (type(dst) == 'table' and not torch.isTensor(dst)) and dst or {}
      for k, v in pairs(src) do dst[k] = typeCopy(dst[k], v, tname) end
      for k in pairs(dst) do if src[k] == nil then dst[k] = nil end end
      return dst
   end
   return src
end

-- The type of the first tensor in x (depth first), or nil.
local function tensorType(x)
   if torch.isTensor(x) then return x:type() end
   if type(x) == 'table' then
      for _, v in pairs(x) do
         local t = tensorType(v)
         if t then return t end
      end
   end
end

function DontCast:__init(module, castin, castout, moduleType)
   parent.__init(self, module)
   self.castin = castin
   if castout == nil then self.castout = castin else self.castout = castout end
   self.moduleType = moduleType
   if (self.castin or self.castout) and not self.moduleType then
      self.moduleType = tensorType(module.output) or tensorType((module:parameters()))
      if not self.moduleType then
         self:_error('cannot tell the module type: give it as argument 4')
      end
   end
   self.output = torch.Tensor()
   self.gradInput = torch.Tensor()
end

function DontCast:_in(input)
   if self.castin and tensorType(input) ~= self.moduleType then
      self._input = typeCopy(self._input, input, self.moduleType)
      return self._input
   end
   return input
end

function DontCast:updateOutput(input)
   local out = self.modules[1]:updateOutput(self:_in(input))
   if self.castout then
      self.output = typeCopy(self.output, out, tensorType(self.output) or torch.type(self.output))
   else
      self.output = out
   end
   return self.output
end

function DontCast:_args(input, gradOutput)
   local x = (self.castin and tensorType(input) ~= self.moduleType) and self._input or input
   if self.castout and tensorType(gradOutput) ~= self.moduleType then
      self._gradOutput = typeCopy(self._gradOutput, gradOutput, self.moduleType)
      gradOutput = self._gradOutput
   end
   return x, gradOutput
end

function DontCast:updateGradInput(input, gradOutput)
   local x, g = self:_args(input, gradOutput)
   local gi = self.modules[1]:updateGradInput(x, g)
   if self.castin then
      self.gradInput = typeCopy(self.gradInput, gi, tensorType(input) or tensorType(self.gradInput))
   else
      self.gradInput = gi
   end
   return self.gradInput
end

-- The essence: the module keeps its type; only the decorator's buffers are converted.
function DontCast:type(tname, tensorCache)
   if not tname then return self._type end
   if self.castout and tensorType(self.output) ~= tname then
      self.output = typeCopy(nil, self.output, tname)
   end
   if self.castin and tensorType(self.gradInput) ~= tname then
      self.gradInput = typeCopy(nil, self.gradInput, tname)
   end
   self._type = tname
   return self
end

return DontCast
