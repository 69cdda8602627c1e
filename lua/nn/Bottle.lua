-- nn.Bottle(module [, nInputDim = 2, nOutputDim = nInputDim]): applies module, which takes
-- inputs of nInputDim dimensions, to an input with more: the leading dimensions are folded
-- into the first one, and unfolded again in the output (nOutputDim dimensions per call of
-- module). nn.Bottle(nn.Linear(10, 5)) maps a 4x3x10 input to 4x3x5.
local nn = require 'nn'
local utils = nn.utils

local Bottle, parent = torch.class('nn.Bottle', 'nn.Decorator')

function Bottle:__init(module, nInputDim, nOutputDim)
   parent.__init(self, module)
   self.nInputDim = nInputDim or 2
   self.nOutputDim = nOutputDim or self.nInputDim
   for _, v in ipairs({self.nInputDim, self.nOutputDim}) do
      if math.type(v) ~= 'integer' or v < 1 then
         self:_error('nInputDim and nOutputDim must be positive integers, got %s and %s',
                     tostring(self.nInputDim), tostring(self.nOutputDim))
      end
   end
   self.dimDelta = self.nInputDim - self.nOutputDim
   self.output = torch.Tensor()
   self.gradInput = torch.Tensor()
end

-- input is a tensor of self.nInputDim dimensions or more (also nn.Collapse's check).
function Bottle.checkInputDims(self, input)
   if not torch.isTensor(input) then
      self:_error('input must be a tensor, got %s', torch.type(input))
   end
   if input:dim() < self.nInputDim then
      self:_error('input of size %s has fewer than nInputDim = %d dimensions',
                  utils.sizestr(input), self.nInputDim)
   end
end

-- The folded sizes of input (nil when there is nothing to fold) and the number of
-- leading dimensions folded.
function Bottle:_fold(input)
   Bottle.checkInputDims(self, input)
   local lead = input:dim() - self.nInputDim + 1
   if lead == 1 then return nil, lead end
   local size, n = {}, 1
   for d = 1, lead do n = n * input:size(d) end
   size[1] = n
   for d = lead + 1, input:dim() do size[#size + 1] = input:size(d) end
   return size, lead
end

function Bottle:updateOutput(input)
   local size, lead = self:_fold(input)
   local x = input
   if size then
      self._input = self._input or input.new()
      x = utils.contiguousView(self._input, input, table.unpack(size))
   end
   local out = self.modules[1]:updateOutput(x)
   if not torch.isTensor(out) or out:dim() ~= self.nOutputDim then
      self:_error('the module gave an output of size %s, expected nOutputDim = %d dimensions',
                  utils.sizestr(out), self.nOutputDim)
   end
   if not size then
      self.output:set(out)
   else
      local osize = {}
      for d = 1, lead do osize[d] = input:size(d) end
      for d = 2, out:dim() do osize[#osize + 1] = out:size(d) end
      self._output = self._output or out.new()
      self.output:set(utils.contiguousView(self._output, out, table.unpack(osize)))
   end
   return self.output
end

-- The folded input and gradOutput (buffers reused when a copy is needed), for the
-- module's backward (Decorator's parameter methods use it).
function Bottle:_args(input, gradOutput)
   local size, lead = self:_fold(input)
   if not size then return input, gradOutput end
   self._input = self._input or input.new()
   self._gradOutput = self._gradOutput or gradOutput.new()
   local osize = {size[1]}
   for d = lead + 1, gradOutput:dim() do osize[#osize + 1] = gradOutput:size(d) end
   return utils.contiguousView(self._input, input, table.unpack(size)),
          utils.contiguousView(self._gradOutput, gradOutput, table.unpack(osize))
end

function Bottle:updateGradInput(input, gradOutput)
   local x, g = self:_args(input, gradOutput)
   local gi = self.modules[1]:updateGradInput(x, g)
   if not gi then self.gradInput = nil; return nil end
   self.gradInput = self.gradInput or input.new()
   if x == input then
      self.gradInput:set(gi)
   else
      self._gradInputCopy = self._gradInputCopy or gi.new()
      self.gradInput:set(utils.contiguousView(self._gradInputCopy, gi, input:size()))
   end
   return self.gradInput
end

function Bottle:clearState()
   self._input, self._gradOutput, self._output, self._gradInputCopy = nil, nil, nil, nil
   return parent.clearState(self)
end

return Bottle
