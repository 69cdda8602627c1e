-- nn.Convert([inputShape, outputShape]): converts between data layouts named by letters,
-- b the batch, and f, c, h, w, t... the other axes: nn.Convert('bchw', 'bf') flattens the
-- features of each sample, nn.Convert('bhwc', 'bchw') permutes the axes (any two shapes of
-- the same letters), 'bf' or 'fb' to 'b' selects the single feature, 'b' to 'bt' adds one.
-- A shape without b is given one in front; an input with one dimension less than
-- inputShape is a single sample (the output then has no batch dimension either). Also
-- converts the input to the module's type: nn.Convert() alone only does that (the
-- gradInput goes back in the input's type).
local nn = require 'nn'

local Convert, parent = torch.class('nn.Convert', 'nn.Container')

function Convert:__init(inputShape, outputShape)
   parent.__init(self)
   if outputShape and not inputShape then
      self:_error('expected an inputShape when an outputShape is given')
   end
   for _, s in ipairs({inputShape or 'b*', outputShape or 'b*'}) do
      if type(s) ~= 'string' then self:_error('shapes must be strings, got %s', torch.type(s)) end
   end
   inputShape = inputShape or 'b*'
   outputShape = outputShape or inputShape
   self.inputShape = inputShape:find('b') and inputShape or ('b' .. inputShape)
   self.outputShape = outputShape:find('b') and outputShape or ('b' .. outputShape)
   self.inputBatchDim = self.inputShape:find('b')
   self.outputBatchDim = self.outputShape:find('b')
   if self.inputShape == 'b*' or self.outputShape == 'b*' then
      if self.inputShape ~= 'b*' or self.outputShape ~= 'b*' then
         self:_error('both or neither shapes must be b*, got %s and %s', self.inputShape,
                     self.outputShape)
      end
      self.nInputDim, self.nOutputDim = -1, -1
      self.transposition = true
   else
      self.nInputDim, self.nOutputDim = #self.inputShape, #self.outputShape
      if self.nInputDim == self.nOutputDim then
         self.transposition = true
         for i = 1, self.nInputDim do
            if not self.outputShape:find(self.inputShape:sub(i, i), 1, true) then
               self.transposition = false
               break
            end
         end
      end
   end
end

function Convert:findAxis(axis, shape)
   shape = shape or self.inputShape
   local pos = shape:find(axis, 1, true)
   if not pos then self:_error("shape '%s' has no axis '%s'", shape, axis) end
   return pos
end

-- A Transpose taking inputShape's axes to newShape's order.
function Convert:transpose(newShape)
   if newShape == self.inputShape then return nn.Identity() end
   local cur = {}
   for i = 1, #self.inputShape do cur[i] = self.inputShape:sub(i, i) end
   local swaps = {}
   for i = 1, #newShape do
      local j
      for k = 1, #cur do if cur[k] == newShape:sub(i, i) then j = k end end
      if i ~= j then
         cur[i], cur[j] = cur[j], cur[i]
         swaps[#swaps + 1] = {j, i}
      end
   end
   return nn.Transpose(table.unpack(swaps))
end

-- Each sample flattened to a vector of features.
function Convert:bf(input)
   local dim = #self.inputShape
   if self.inputShape == 'bt' then self:_error('conversion of shape bt to bf is not supported') end
   if dim == 1 then return nn.Reshape(1) end
   local bpos = self:findAxis('b')
   local m
   if bpos ~= 1 then m = nn.Transpose({1, bpos}) end
   if dim > 2 then
      local reshape = nn.Reshape(input:select(bpos, 1):nElement())
      m = m and nn.Sequential():add(m):add(reshape) or reshape
   end
   return m or nn.Identity()
end

-- One scalar per sample: the first of t, or the single feature of f.
function Convert:b(input)
   if self.inputShape == 'bt' or self.inputShape == 'tb' then
      return nn.Select(self:findAxis('t'), 1)
   elseif self.inputShape == 'bf' or self.inputShape == 'fb' then
      local fpos = self:findAxis('f')
      if input:size(fpos) > 1 then
         self:_error('cannot convert shape %s to b with %d features', self.inputShape,
                     input:size(fpos))
      end
      return nn.Select(fpos, 1)
   end
   self:_error('cannot convert shape %s to b', self.inputShape)
end

function Convert:bt()
   if self.inputShape ~= 'b' then self:_error("cannot convert shape '%s' to bt", self.inputShape) end
   return nn.Reshape(1)
end

function Convert:default()
   return nn.Identity()
end

function Convert:buildConverter(input)
   if self.transposition then
      self.converter = self:transpose(self.outputShape)
   elseif type(Convert[self.outputShape]) == 'function' and self.outputShape ~= 'transpose' then
      self.converter = self[self.outputShape](self, input)
   else
      self:_error('cannot convert shape %s to %s', self.inputShape, self.outputShape)
   end
   self.converter:type(self.output:type())
   self.modules[1] = self.converter
end

function Convert:updateOutput(input)
   if not torch.isTensor(input) then self:_error('input must be a tensor, got %s', torch.type(input)) end
   self._inputType = input:type()
   if input:type() ~= self.output:type() then
      self._input = self._input and self._input:type() == self.output:type() and self._input
         or self.output.new()
      self._input:resize(input:size()):copy(input)
      input = self._input
   end
   self.batchMode = true
   if input:dim() < self.nInputDim then
      if input:dim() ~= self.nInputDim - 1 then
         self:_error('input of size %s, expected %d dimensions (%s) or %d for one sample',
                     nn.utils.sizestr(input), self.nInputDim, self.inputShape, self.nInputDim - 1)
      end
      local size = input:size():totable()
      table.insert(size, self.inputBatchDim, 1)
      self.__input = self.__input or input.new()
      self.__input:set(input):resize(table.unpack(size))
      input = self.__input
      self.batchMode = false
   elseif self.nInputDim > 0 and input:dim() > self.nInputDim then
      self:_error('input of size %s, expected %d dimensions (%s)', nn.utils.sizestr(input),
                  self.nInputDim, self.inputShape)
   end
   self._batchInput = input
   if not self.converter then self:buildConverter(input) end
   local out = self.converter:updateOutput(input)
   if not self.batchMode then
      local size = out:size():totable()
      table.remove(size, self.outputBatchDim)
      self.__output = self.__output or out.new()
      self.__output:set(out):resize(table.unpack(size))
      out = self.__output
   end
   self.output = out
   return self.output
end

function Convert:_gradOutput(gradOutput)
   if self.batchMode then return gradOutput end
   self.__gradOutput = self.__gradOutput or gradOutput.new()
   local g = gradOutput:contiguous()
   self.__gradOutput:set(g):resize(self.converter.output:size())
   return self.__gradOutput
end

function Convert:updateGradInput(input, gradOutput)
   local x = self._batchInput
   local gi = self.converter:updateGradInput(x, self:_gradOutput(gradOutput))
   if not self.batchMode then
      self.__gradInput = self.__gradInput or gi.new()
      self.__gradInput:set(gi:contiguous()):resize(input:size())
      gi = self.__gradInput
   end
   if input:type() ~= gi:type() then
      self._gradInput = self._gradInput and self._gradInput:type() == input:type() and self._gradInput
         or input.new()
      self._gradInput:resize(gi:size()):copy(gi)
      gi = self._gradInput
   end
   self.gradInput = gi
   return self.gradInput
end

function Convert:accGradParameters(input, gradOutput, scale)
   self.converter:accGradParameters(self._batchInput, self:_gradOutput(gradOutput), scale)
end

function Convert:clearState()
   self._input, self._gradInput, self.__input, self.__output = nil, nil, nil, nil
   self.__gradInput, self.__gradOutput, self._batchInput = nil, nil, nil
   return parent.clearState(self)
end

function Convert:type(tname, tensorCache)
   if not tname then return parent.type(self) end
   self:clearState()
   return parent.type(self, tname, tensorCache)
end

function Convert:__tostring__()
   return string.format('nn.Convert(%s -> %s)', self.inputShape, self.outputShape)
end

return Convert
