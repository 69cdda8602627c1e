-- nn.UpSampling(scale_factor | {[odepth = T,] oheight = H, owidth = W} [, mode = 'nearest']):
-- Torch7's upsampling of a minibatch of images (N x C x H x W) or volumes
-- (N x C x T x H x W). mode 'nearest' (the default; needs an integer scale_factor >= 1)
-- repeats each pixel in a scale x scale (x scale) block; 'linear' (also 'bilinear' and
-- 'trilinear') interpolates with the corners aligned, the output (size - 1) *
-- (scale_factor - 1) + size along each dimension, or the sizes given in the table.
-- Kernels: nn_upsample_* in src/nn/volumetric.c.
local nn = require 'nn'
local K = torch._nn

local Up, parent = torch.class('nn.UpSampling', 'nn.Module')

function Up:__init(params, mode)
   parent.__init(self)
   self.mode = (mode == 'linear' or mode == 'bilinear' or mode == 'trilinear') and 'linear'
               or 'nearest'
   if type(params) == 'table' then
      if self.mode == 'nearest' then
         self:_error('nearest neighbour upsampling requires a scale_factor')
      end
      self.odepth, self.owidth, self.oheight = params.odepth, params.owidth, params.oheight
      for _, k in ipairs({'owidth', 'oheight'}) do
         if math.type(self[k]) ~= 'integer' or self[k] < 1 then
            self:_error('%s must be a positive integer, got %s', k, tostring(self[k]))
         end
      end
   else
      if math.type(params) ~= 'integer' and not (type(params) == 'number' and params % 1 == 0)
         or params < 1 then
         self:_error('scale_factor must be an integer >= 1, got %s', tostring(params))
      end
      self.scale_factor = math.tointeger(params)
   end
end

-- The output's T, H and W for input (T is 1 for images).
function Up:_outsize(input)
   local nd = input:dim()
   local function size(i, given)
      local n = input:size(i)
      if self.scale_factor == nil then return given or n end
      if self.mode == 'nearest' then return n * self.scale_factor end
      return (n - 1) * (self.scale_factor - 1) + n
   end
   if nd ~= 4 and nd ~= 5 then return 1, 1, 1 end -- the kernel reports the input
   local t = nd == 5 and size(3, self.odepth) or 1
   if nd == 5 and self.scale_factor == nil and not self.odepth then
      self:_error('odepth is required for a 5D input')
   end
   return t, size(nd - 1, self.oheight), size(nd, self.owidth)
end

function Up:updateOutput(input)
   K.upsample_forward(self.output, input, self.mode == 'linear', self:_outsize(input))
   return self.output
end

function Up:updateGradInput(input, gradOutput)
   if not self.gradInput then return end
   K.upsample_backward(self.gradInput, input, gradOutput, self.mode == 'linear',
                       self:_outsize(input))
   return self.gradInput
end

function Up:__tostring__()
   local s = self.scale_factor and tostring(self.scale_factor)
             or string.format('%sx%s%s', tostring(self.oheight), tostring(self.owidth),
                              self.odepth and ('x' .. self.odepth) or '')
   return string.format('%s(%s, %s)', torch.type(self), s, self.mode)
end

return Up
