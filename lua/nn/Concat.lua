-- nn.Concat(dimension): applies every module to the same input and concatenates their
-- outputs along dimension.
local nn = require 'nn'

local Concat, parent = torch.class('nn.Concat', 'nn.Container')

function Concat:__init(dimension)
   parent.__init(self)
   if math.type(dimension) ~= 'integer' then
      self:_error('expected a dimension (integer), got %s', torch.type(dimension))
   end
   self.dimension = dimension
end

function Concat:updateOutput(input)
   local outs, size = {}, nil
   local dim = self.dimension
   for i = 1, #self.modules do
      local out = self:rethrowErrors(self.modules[i], i, 'updateOutput', input)
      outs[i] = out
      if out:dim() < dim then
         self:_error('output %d of size %s has no dimension %d', i, nn.utils.sizestr(out), dim)
      end
      if i == 1 then
         size = out:size():totable()
      else
         for d = 1, out:dim() do
            if d ~= dim and out:size(d) ~= size[d] then
               self:_error('output %d of size %s does not match output 1 (dimension %d)', i,
                           nn.utils.sizestr(out), d)
            end
         end
         size[dim] = size[dim] + out:size(dim)
      end
   end
   self.output:resize(size)
   local offset = 1
   for i = 1, #outs do
      self.output:narrow(dim, offset, outs[i]:size(dim)):copy(outs[i])
      offset = offset + outs[i]:size(dim)
   end
   return self.output
end

-- Runs method on every module with its slice of gradOutput; sums the gradInputs.
function Concat:_backward(method, input, gradOutput, scale)
   self.gradInput:resizeAs(input)
   local offset = 1
   for i, module in ipairs(self.modules) do
      local n = module.output:size(self.dimension)
      local g = gradOutput:narrow(self.dimension, offset, n)
      local gi = self:rethrowErrors(module, i, method, input, g, scale)
      if gi then
         if i == 1 then self.gradInput:copy(gi) else self.gradInput:add(gi) end
      end
      offset = offset + n
   end
   return self.gradInput
end

function Concat:updateGradInput(input, gradOutput)
   return self:_backward('updateGradInput', input, gradOutput)
end

function Concat:backward(input, gradOutput, scale)
   return self:_backward('backward', input, gradOutput, scale or 1)
end

function Concat:accGradParameters(input, gradOutput, scale)
   local offset = 1
   for i, module in ipairs(self.modules) do
      local n = module.output:size(self.dimension)
      self:rethrowErrors(module, i, 'accGradParameters', input,
                         gradOutput:narrow(self.dimension, offset, n), scale or 1)
      offset = offset + n
   end
end

function Concat:accUpdateGradParameters(input, gradOutput, lr)
   local offset = 1
   for i, module in ipairs(self.modules) do
      local n = module.output:size(self.dimension)
      self:rethrowErrors(module, i, 'accUpdateGradParameters', input,
                         gradOutput:narrow(self.dimension, offset, n), lr)
      offset = offset + n
   end
end

Concat.__tostring__ = nn.Container._branchstring

return Concat
