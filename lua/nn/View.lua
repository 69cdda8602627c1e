-- nn.View(d1, d2, ...): output = input:view(d1, d2, ...) (one size may be -1, inferred).
-- Leading dimensions beyond those sizes' element count are a batch and are kept;
-- setNumInputDims(n) says how many trailing dimensions make one sample.
local nn = require 'nn'

local View, parent = torch.class('nn.View', 'nn.Module')

function View:__init(...)
   parent.__init(self)
   self:resetSize(...)
   self.numInputDims = nil
end

function View:resetSize(...)
   local arg = {...}
   if #arg == 1 and torch.typename(arg[1]) == 'torch.LongStorage' then arg = arg[1]:totable() end
   self.size = arg
   self.numElements = 1
   local inferdim = false
   for _, s in ipairs(arg) do
      if s >= 0 then
         self.numElements = self.numElements * s
      elseif s == -1 and not inferdim then
         inferdim = true
      else
         self:_error('sizes must be positive, with at most one -1')
      end
   end
   return self
end

function View:setNumInputDims(nInputDims)
   self.numInputDims = nInputDims
   return self
end

-- The batch size, or nil when the input is one sample.
function View:_batchsize(input)
   local ind = input:dim()
   local maxdim = self.numInputDims or ind
   local ine = 1
   for i = ind, ind - maxdim + 1, -1 do ine = ine * input:size(i) end
   if ine % self.numElements ~= 0 then
      self:_error('input view (%s) and desired view (%s) do not match', nn.utils.sizestr(input),
                  table.concat(self.size, 'x'))
   end
   local bsz = ine // self.numElements
   for _, s in ipairs(self.size) do
      if s == -1 then bsz = 1; break end
   end
   for i = ind - maxdim, 1, -1 do bsz = bsz * input:size(i) end
   if bsz == 1 and (not self.numInputDims or ind <= self.numInputDims) then return nil end
   return bsz
end

function View:updateOutput(input)
   local bsz = self:_batchsize(input)
   if bsz then
      self.output = input:view(bsz, table.unpack(self.size))
   else
      self.output = input:view(table.unpack(self.size))
   end
   return self.output
end

function View:updateGradInput(input, gradOutput)
   nn.utils.checkGradOutput(self, gradOutput, input:nElement())
   self.gradInput = gradOutput:contiguous():viewAs(input)
   return self.gradInput
end

function View:__tostring__()
   return torch.type(self) .. '(' .. table.concat(self.size, ', ') .. ')'
end

return View
