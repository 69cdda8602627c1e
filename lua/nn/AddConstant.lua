-- nn.AddConstant(c [, inplace]): output = input + c. c is a number, or a vector added to
-- each row of a 1D or 2D input (Torch7's tensor form); a one-element tensor is its value
-- (Torch7's torch.randn(1):squeeze() is a number). In place, the input is shifted (and
-- restored by backward).
local nn = require 'nn'
local K = torch._nn

local AddConstant, parent = torch.class('nn.AddConstant', 'nn.Module')

-- The constant of AddConstant and MulConstant: a number, a one-element tensor as its
-- number, or (when tensors are allowed) a vector.
function AddConstant._constant(self, c, tensors)
   if torch.isTensor(c) and c:nElement() == 1 then return c:contiguous():view(1)[1] end
   if type(c) == 'number' then return c end
   if tensors and torch.isTensor(c) and c:dim() == 1 then return c end
   self:_error('expected a number%s, got %s', tensors and ' or a vector' or '',
               torch.isTensor(c) and nn.utils.sizestr(c) .. ' ' .. torch.type(c) or torch.type(c))
end

function AddConstant:__init(constant_scalar, ip)
   parent.__init(self)
   self.constant_scalar = AddConstant._constant(self, constant_scalar, true)
   if ip ~= nil and type(ip) ~= 'boolean' then
      self:_error('inplace must be a boolean, got %s', torch.type(ip))
   end
   self.inplace = ip or false
end

-- The vector constant's check: a 1D or 2D input whose rows have its size.
local function checkVector(self, input)
   local c = self.constant_scalar
   if input:dim() < 1 or input:dim() > 2 or input:size(input:dim()) ~= c:size(1) then
      self:_error('input of size %s does not match the constant of size %d (expected %d '
                  .. 'or N x %d)', nn.utils.sizestr(input), c:size(1), c:size(1), c:size(1))
   end
end

function AddConstant:updateOutput(input)
   local c = self.constant_scalar
   if torch.isTensor(c) then
      checkVector(self, input)
      if self.constant_typed == nil or self.constant_typed:type() ~= input:type() then
         self.constant_typed = c:type(input:type())
      end
      if self.inplace then
         input:add(self.constant_typed)
         self.output:set(input)
      else
         self.output:resizeAs(input):copy(input):add(self.constant_typed)
      end
   elseif self.inplace then
      K.activation_forward(input, input, 'AddConstant', c)
      self.output:set(input)
   else
      K.activation_forward(self.output, input, 'AddConstant', c)
   end
   return self.output
end

function AddConstant:updateGradInput(input, gradOutput)
   nn.utils.checkGradOutput(self, gradOutput, input)
   local c = self.constant_scalar
   if self.inplace then
      self.gradInput:set(gradOutput)
      if torch.isTensor(c) then
         input:add(-1, self.constant_typed)
      else
         K.activation_forward(input, input, 'AddConstant', -c)
      end
   else
      self.gradInput:resizeAs(gradOutput):copy(gradOutput)
   end
   return self.gradInput
end

function AddConstant:clearState()
   self.constant_typed = nil
   return parent.clearState(self)
end

function AddConstant:__tostring__()
   local c = self.constant_scalar
   if torch.isTensor(c) then
      return string.format('%s(vector of %d)', torch.type(self), c:size(1))
   end
   return string.format('%s(%g)', torch.type(self), c)
end

return AddConstant
