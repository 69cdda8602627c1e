-- nn.SpatialMaxPooling(kW, kH [, dW = kW, dH = kH, padW = 0, padH = 0]): the maximum of
-- each kH x kW window, for C x H x W or N x C x H x W inputs, as Torch7. :ceil() rounds
-- the output size up (windows may hang over the bottom and right edges), :floor() back
-- down (the default). indices keeps each maximum's 1-based position inside its plane for
-- backward. Kernels: nn_maxpool2d_* in src/nn/pool.c.
local nn = require 'nn'
local K = torch._nn

local Pool, parent = torch.class('nn.SpatialMaxPooling', 'nn.Module')

local function checkint(name, what, v, min)
   if math.type(v) ~= 'integer' or v < min then
      error(string.format('%s: %s must be an integer >= %d, got %s', name, what, min,
                          tostring(v)), 4)
   end
   return v
end

function Pool:__init(kW, kH, dW, dH, padW, padH)
   parent.__init(self)
   local name = torch.type(self)
   self.kW = checkint(name, 'kW', kW, 1)
   self.kH = checkint(name, 'kH', kH, 1)
   self.dW = checkint(name, 'dW', dW or kW, 1)
   self.dH = checkint(name, 'dH', dH or kH, 1)
   self.padW = checkint(name, 'padW', padW or 0, 0)
   self.padH = checkint(name, 'padH', padH or 0, 0)
   if 2 * self.padW > self.kW or 2 * self.padH > self.kH then
      error(string.format('%s: padding %dx%d must be at most half the window %dx%d', name,
                          self.padH, self.padW, self.kH, self.kW), 2)
   end
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

-- Output size of one dimension (the kernel's rule, for the error message).
local function outsize(n, k, d, pad, ceil)
   local span = n + 2 * pad - k
   if span < 0 then return 0 end
   local o = (ceil and math.ceil(span / d) or span // d) + 1
   if (o - 1) * d >= n + pad then o = o - 1 end
   return o
end

-- The input as a 4D batch after checking it, and whether it was a single 3D image.
function Pool:_batch(input)
   nn.utils.checkFloatTensor(self, input)
   local dim = input:dim()
   if dim ~= 3 and dim ~= 4 then
      error(string.format('%s: input of size %s, expected 3D (C x H x W) or 4D (N x C x H x W)',
                          torch.type(self), nn.utils.sizestr(input)), 3)
   end
   local x = dim == 3 and input:view(1, input:size(1), input:size(2), input:size(3)) or input
   local h, w = x:size(3), x:size(4)
   if outsize(h, self.kH, self.dH, self.padH, self.ceil_mode) < 1
      or outsize(w, self.kW, self.dW, self.padW, self.ceil_mode) < 1 then
      error(string.format('%s: window %dx%d is larger than the padded input %dx%d (input size %s)',
                          torch.type(self), self.kH, self.kW, h + 2 * self.padH,
                          w + 2 * self.padW, nn.utils.sizestr(input)), 3)
   end
   return x, dim == 3
end

local function as4(t, single)
   if single then return t:view(1, t:size(1), t:size(2), t:size(3)) end
   return t
end

local function as3(t, single)
   if single then t:resize(t:size(2), t:size(3), t:size(4)) end
   return t
end

Pool._as4, Pool._as3 = as4, as3

function Pool:updateOutput(input)
   local x, single = self:_batch(input)
   K.maxpool2d_forward(self.output, self.indices, x, self.kW, self.kH, self.dW, self.dH,
                       self.padW, self.padH, self.ceil_mode)
   self.iheight, self.iwidth = x:size(3), x:size(4) -- for nn.SpatialMaxUnpooling
   as3(self.output, single)
   return self.output
end

function Pool:updateGradInput(input, gradOutput)
   if not self.gradInput then return end
   local x, single = self:_batch(input)
   K.maxpool2d_backward(self.gradInput, x, as4(gradOutput, single), self.indices)
   as3(self.gradInput, single)
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
