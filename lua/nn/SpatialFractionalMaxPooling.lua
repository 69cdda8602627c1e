-- nn.SpatialFractionalMaxPooling(poolSizeW, poolSizeH, outW, outH) or
-- (poolSizeW, poolSizeH, ratioW, ratioH): Graham's fractional max pooling, as Torch7: the
-- output is outH x outW (or floor(ratio * input size), ratios in (0, 1)), each output the
-- maximum of a poolSizeH x poolSizeW window whose start follows a pseudo-random sequence
-- drawn per sample and plane (randomSamples, N x C x 2 in [0, 1)). Every forward draws new
-- samples unless :fixPoolingRegions() fixes them. Kernel: nn_fracmaxpool_* in
-- src/nn/pool.c. nn.VolumetricFractionalMaxPooling is the 3D version.
local nn = require 'nn'
local K = torch._nn

local Frac, parent = torch.class('nn.SpatialFractionalMaxPooling', 'nn.Module')

-- The dimension names, fastest first (W, H, then T for the volumetric one).
Frac._dims = {'W', 'H'}

-- pool sizes (each >= 2), then either output sizes (integers >= 1) or ratios in (0, 1),
-- all in _dims order.
function Frac:_setup(pools, outs)
   for i, d in ipairs(self._dims) do
      local p = pools[i]
      if math.type(p) ~= 'integer' or p < 2 then
         self:_error('poolSize%s must be an integer >= 2, got %s', d, tostring(p))
      end
      self['poolSize' .. d] = p
   end
   local ratio = type(outs[1]) == 'number' and outs[1] < 1
   for i, d in ipairs(self._dims) do
      local v = outs[i]
      if ratio then
         if type(v) ~= 'number' or v <= 0 or v >= 1 then
            self:_error('ratio%s must be in (0, 1), got %s', d, tostring(v))
         end
         self['ratio' .. d] = v
      else
         if math.type(v) ~= 'integer' or v < 1 then
            self:_error('out%s must be an integer >= 1, got %s', d, tostring(v))
         end
         self['out' .. d] = v
      end
   end
   self.newRandomPool = false
   self.indices = torch.LongTensor()
end

function Frac:__init(poolSizeW, poolSizeH, arg1, arg2)
   parent.__init(self)
   self:_setup({poolSizeW, poolSizeH}, {arg1, arg2})
end

-- With val (default true) the samples of the next forward are kept for the following ones.
function Frac:fixPoolingRegions(val)
   if val == nil then val = true end
   self.newRandomPool = val
   return self
end

-- The pool sizes and the output sizes for input, in _dims order.
function Frac:_sizes(input)
   local pools, outs, nd = {}, {}, input:dim()
   for i, d in ipairs(self._dims) do
      pools[i] = self['poolSize' .. d]
      local r = self['ratio' .. d]
      outs[i] = r and math.floor(input:size(nd - i + 1) * r) or self['out' .. d]
      if outs[i] < 1 then
         self:_error('ratio%s %g of input size %d gives no output', d, r, input:size(nd - i + 1))
      end
   end
   return pools, outs
end

-- New samples (N x C x #dims) unless fixed and of the right size.
function Frac:_samples(input)
   local nd, ns = input:dim(), #self._dims
   local n = nd == ns + 2 and input:size(1) or 1
   local c = input:size(nd - ns)
   local s = self.randomSamples
   if not s or torch.type(s) ~= torch.type(input) or s:size(1) ~= n or s:size(2) ~= c then
      self.randomSamples = input.new(n, c, ns):uniform()
   elseif not self.newRandomPool then
      s:uniform()
   end
   return self.randomSamples
end

function Frac:updateOutput(input)
   nn.utils.checkFloatTensor(self, input)
   local ns = #self._dims
   if input:dim() ~= ns + 1 and input:dim() ~= ns + 2 then
      self:_error('input of size %s, expected %dD or %dD (a batch)', nn.utils.sizestr(input),
                  ns + 1, ns + 2)
   end
   local pools, outs = self:_sizes(input)
   self.indices = self.indices or torch.LongTensor()
   if ns == 3 then
      K.fracmaxpool_forward(self.output, self.indices, input, self:_samples(input), pools[1],
                            pools[2], outs[1], outs[2], pools[3], outs[3])
   else
      K.fracmaxpool_forward(self.output, self.indices, input, self:_samples(input), pools[1],
                            pools[2], outs[1], outs[2])
   end
   return self.output
end

function Frac:updateGradInput(input, gradOutput)
   if not self.gradInput then return end
   if not self.randomSamples then self:_error('call forward first') end
   K.fracmaxpool_backward(self.gradInput, input, gradOutput, self.indices, #self._dims)
   return self.gradInput
end

-- indices stay a LongTensor whatever the module's type
function Frac:type(tname, tensorCache)
   self.indices = nil
   parent.type(self, tname, tensorCache)
   self.indices = torch.LongTensor()
   return self
end

function Frac:clearState()
   self.indices = torch.LongTensor()
   self.randomSamples = nil
   return parent.clearState(self)
end

function Frac:__tostring__()
   local p, o = {}, {}
   for i, d in ipairs(self._dims) do
      p[i] = self['poolSize' .. d]
      o[i] = self['ratio' .. d] or self['out' .. d]
   end
   return string.format('%s(%s, %s)', torch.type(self), table.concat(p, 'x'), table.concat(o, 'x'))
end

return Frac
