-- nn.SpatialMaxPooling(kW, kH [, dW = kW, dH = kH, padW = 0, padH = 0]): the maximum of
-- each kH x kW window, for C x H x W or N x C x H x W inputs, as Torch7. :ceil() rounds
-- the output size up (windows may hang over the bottom and right edges), :floor() back
-- down (the default). indices keeps each maximum's 1-based position inside its plane for
-- backward. Kernels: nn_maxpool2d_* in src/nn/pool.c, which check the input, the window
-- and gradOutput and name this module in their errors.
local nn = require 'nn'
local K = torch._nn

local Pool, parent = torch.class('nn.SpatialMaxPooling', 'nn.Module')

-- v, an integer >= min, or an error naming the argument.
function Pool:_int(what, v, min)
   if math.type(v) ~= 'integer' or v < min then
      self:_error('%s must be an integer >= %d, got %s', what, min, tostring(v))
   end
   return v
end

function Pool:__init(kW, kH, dW, dH, padW, padH)
   parent.__init(self)
   self.kW = self:_int('kW', kW, 1)
   self.kH = self:_int('kH', kH, 1)
   self.dW = self:_int('dW', dW or kW, 1)
   self.dH = self:_int('dH', dH or kH, 1)
   self.padW = self:_int('padW', padW or 0, 0)
   self.padH = self:_int('padH', padH or 0, 0)
   self.ceil_mode = false
   self.indices = torch.LongTensor()
end

function Pool:ceil()
   self.ceil_mode = true
   return self
end

function Pool:floor()
   self.ceil_mode = false
   return self
end

function Pool:updateOutput(input)
   K.maxpool2d_forward(self.output, self.indices, input, self.kW, self.kH, self.dW, self.dH,
                       self.padW, self.padH, self.ceil_mode)
   local d = input:dim()
   self.iheight, self.iwidth = input:size(d - 1), input:size(d) -- for nn.SpatialMaxUnpooling
   return self.output
end

function Pool:updateGradInput(input, gradOutput)
   if not self.gradInput then return end
   K.maxpool2d_backward(self.gradInput, input, gradOutput, self.indices)
   return self.gradInput
end

-- indices stay a LongTensor whatever the module's type.
function Pool:type(tname, tensorCache)
   local had = self.indices
   self.indices = nil
   parent.type(self, tname, tensorCache)
   self.indices = had and torch.LongTensor()
   return self
end

function Pool:clearState()
   return nn.utils.clear(self, 'indices', 'output', 'gradInput')
end

function Pool:__tostring__()
   local s = string.format('%s(%dx%d, %d,%d', torch.type(self), self.kW, self.kH, self.dW, self.dH)
   if self.padW ~= 0 or self.padH ~= 0 then
      s = s .. string.format(', %d,%d', self.padW, self.padH)
   end
   return s .. ')' .. (self.ceil_mode and ' ceil' or '')
end

return Pool
