-- nn.DepthConcat(dimension): as nn.Concat, applies every module to the same input and
-- concatenates their outputs along dimension; outputs whose other dimensions are smaller
-- than the largest are centred in a zero-filled window, as Torch7 (for the branches of an
-- Inception block, whose feature maps differ in height and width).
local nn = require 'nn'
require 'nn.Concat'

local DepthConcat, parent = torch.class('nn.DepthConcat', 'nn.Concat')

-- The window of output that holds the current output: along each dimension other than
-- the concatenation one, it starts at floor((size - current) / 2) + 1 (9 vs 4: padded
-- by 2 before and 3 after, as Torch7).
function DepthConcat:windowNarrow(output, currentOutput, offset)
   local dim = self.dimension
   local window = output:narrow(dim, offset, currentOutput:size(dim))
   for d = 1, #self.outputSize do
      local cur = currentOutput:size(d)
      if d ~= dim and self.outputSize[d] ~= cur then
         window = window:narrow(d, math.floor((self.outputSize[d] - cur) / 2) + 1, cur)
      end
   end
   return window
end

function DepthConcat:updateOutput(input)
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
         if out:dim() ~= #size then
            self:_error('output %d of size %s has not the %d dimensions of output 1', i,
                        nn.utils.sizestr(out), #size)
         end
         for d = 1, #size do
            if d == dim then
               size[d] = size[d] + out:size(d)
            else
               size[d] = math.max(size[d], out:size(d))
            end
         end
      end
   end
   self.outputSize = size
   self.output:resize(table.unpack(size)):zero()
   local offset = 1
   for i = 1, #outs do
      self:windowNarrow(self.output, outs[i], offset):copy(outs[i])
      offset = offset + outs[i]:size(dim)
   end
   return self.output
end

-- Runs method on every module with the window of gradOutput its output went to.
function DepthConcat:_backward(method, input, gradOutput, scale)
   self.gradInput:resizeAs(input)
   local offset = 1
   for i, module in ipairs(self.modules) do
      local g = self:windowNarrow(gradOutput, module.output, offset)
      local gi = self:rethrowErrors(module, i, method, input, g, scale)
      if gi then
         if i == 1 then self.gradInput:copy(gi) else self.gradInput:add(gi) end
      end
      offset = offset + module.output:size(self.dimension)
   end
   return self.gradInput
end

function DepthConcat:_parameterPass(method, input, gradOutput, arg)
   local offset = 1
   for i, module in ipairs(self.modules) do
      self:rethrowErrors(module, i, method, input,
                         self:windowNarrow(gradOutput, module.output, offset), arg)
      offset = offset + module.output:size(self.dimension)
   end
end

function DepthConcat:accGradParameters(input, gradOutput, scale)
   self:_parameterPass('accGradParameters', input, gradOutput, scale or 1)
end

function DepthConcat:accUpdateGradParameters(input, gradOutput, lr)
   self:_parameterPass('accUpdateGradParameters', input, gradOutput, lr)
end

return DepthConcat
