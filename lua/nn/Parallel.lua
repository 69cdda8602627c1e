-- nn.Parallel(inputDimension, outputDimension): module i gets input:select(inputDimension,
-- i); their outputs are concatenated along outputDimension. Modules beyond the number of
-- slices are not run (Torch7).
local nn = require 'nn'

local Parallel, parent = torch.class('nn.Parallel', 'nn.Container')

function Parallel:__init(inputDimension, outputDimension)
   parent.__init(self)
   self.inputDimension = inputDimension
   self.outputDimension = outputDimension
end

-- The number of slices, each going to its module; as in Torch7, modules beyond the
-- slices are left out (its depthwise-convolution test appends one), too few is an error.
function Parallel:_check(input)
   local n = input:size(self.inputDimension)
   if n > #self.modules then
      self:_error('input of size %s has %d slices along dimension %d, but there are %d modules',
                  nn.utils.sizestr(input), n, self.inputDimension, #self.modules)
   end
   return n
end

function Parallel:updateOutput(input)
   local n = self:_check(input)
   local outs, size = {}, nil
   local od = self.outputDimension
   for i = 1, n do
      local out = self:rethrowErrors(self.modules[i], i, 'updateOutput',
                                     input:select(self.inputDimension, i))
      outs[i] = out
      if i == 1 then size = out:size():totable() else size[od] = size[od] + out:size(od) end
   end
   self.output:resize(size)
   local offset = 1
   for i = 1, n do
      self.output:narrow(od, offset, outs[i]:size(od)):copy(outs[i])
      offset = offset + outs[i]:size(od)
   end
   return self.output
end

function Parallel:_backward(method, input, gradOutput, scale)
   local n = self:_check(input)
   self.gradInput:resizeAs(input)
   local offset = 1
   for i = 1, n do
      local module = self.modules[i]
      local size = module.output:size(self.outputDimension)
      local g = gradOutput:narrow(self.outputDimension, offset, size)
      local gi = self:rethrowErrors(module, i, method, input:select(self.inputDimension, i), g, scale)
      if method ~= 'accGradParameters' then
         self.gradInput:select(self.inputDimension, i):copy(gi)
      end
      offset = offset + size
   end
   return self.gradInput
end

function Parallel:updateGradInput(input, gradOutput)
   return self:_backward('updateGradInput', input, gradOutput)
end

function Parallel:accGradParameters(input, gradOutput, scale)
   self:_backward('accGradParameters', input, gradOutput, scale or 1)
end

function Parallel:backward(input, gradOutput, scale)
   return self:_backward('backward', input, gradOutput, scale or 1)
end

function Parallel:__tostring__()
   local tab, line = '  ', '\n'
   local str = torch.type(self) .. ' {' .. line .. tab .. 'input'
   for i = 1, #self.modules do
      local pre = i == #self.modules and '   `-> ' or '  |`-> '
      local ext = i == #self.modules and '       ' or '  |    '
      str = str .. line .. tab .. pre .. '(' .. i .. '): '
         .. nn.Container._childstring(self.modules[i], tab .. ext)
   end
   return str .. line .. tab .. '   ... -> output' .. line .. '}'
end

return Parallel
