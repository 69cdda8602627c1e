-- nnx, the experimental companion of Torch7's nn: `require 'nnx'` loads nn and defines the
-- nnx modules that Torch7 programs commonly use and that nn does not already have:
-- nn.SpatialPadding (padding with a value, or cropping), nn.SpatialUpSampling (nearest,
-- separate factors), nn.Minus and nn.MultiSoftMax. nnx's recurrent container is nn's
-- nn.Recurrent. The rest of nnx (SoftMaxTree, CTCCriterion, the foveas, the datasets, ...)
-- is not provided: docs/nnx.md lists it.
local nn = require 'nn'
local K = torch._nn

local nnx = {}

-- an integer argument (Lua 5.4: an integral float counts)
local function int(self, what, v, default)
   if v == nil then v = default end
   if math.type(v) == 'float' and v == math.floor(v) then v = math.tointeger(v) end
   if math.type(v) ~= 'integer' then
      self:_error('%s must be an integer, got %s', what, tostring(v))
   end
   return v
end

-- nn.SpatialPadding(pad_l [, pad_r, pad_t, pad_b, y_dim = 2, x_dim = 3, val = 0]): pads the
-- dimensions y_dim and x_dim with val (a negative pad crops that side), as nnx.
local SpatialPadding, parent = torch.class('nn.SpatialPadding', 'nn.Module')

function SpatialPadding:__init(pad_l, pad_r, pad_t, pad_b, y_dim, x_dim, val)
   parent.__init(self)
   self.pad_l = int(self, 'pad_l', pad_l)
   self.pad_r = int(self, 'pad_r', pad_r, self.pad_l)
   self.pad_t = int(self, 'pad_t', pad_t, self.pad_l)
   self.pad_b = int(self, 'pad_b', pad_b, self.pad_l)
   self.y_dim = int(self, 'y_dim', y_dim, 2)
   self.x_dim = int(self, 'x_dim', x_dim, 3)
   if val ~= nil and type(val) ~= 'number' then self:_error('val must be a number, got %s', type(val)) end
   self.val = val or 0
end

-- The parts of input and output that hold the same pixels (pads cropped from the input,
-- padding left out of the output).
function SpatialPadding:_overlap(input, output)
   local x, y = input, output
   for _, side in ipairs({{self.y_dim, self.pad_t, self.pad_b}, {self.x_dim, self.pad_l, self.pad_r}}) do
      local d, before, after = side[1], side[2], side[3]
      x = x:narrow(d, 1 + math.max(0, -before), x:size(d) - math.max(0, -before) - math.max(0, -after))
      y = y:narrow(d, 1 + math.max(0, before), y:size(d) - math.max(0, before) - math.max(0, after))
   end
   return x, y
end

function SpatialPadding:updateOutput(input)
   nn.utils.checkFloatTensor(self, input)
   if self.y_dim > input:dim() or self.x_dim > input:dim() then
      self:_error('input of size %s has no dimension %d', nn.utils.sizestr(input),
                  math.max(self.y_dim, self.x_dim))
   end
   local size = input:size()
   size[self.y_dim] = size[self.y_dim] + self.pad_t + self.pad_b
   size[self.x_dim] = size[self.x_dim] + self.pad_l + self.pad_r
   if size[self.y_dim] < 1 or size[self.x_dim] < 1 then
      self:_error('input of size %s is cropped to nothing by the padding', nn.utils.sizestr(input))
   end
   self.output:resize(size):fill(self.val)
   local x, y = self:_overlap(input, self.output)
   y:copy(x)
   return self.output
end

function SpatialPadding:updateGradInput(input, gradOutput)
   nn.utils.checkGradOutput(self, gradOutput, self.output)
   self.gradInput:resizeAs(input):zero()
   local gi, go = self:_overlap(self.gradInput, gradOutput)
   gi:copy(go)
   return self.gradInput
end

-- nn.SpatialUpSampling(dW, dH [, yDim = 2, xDim = 3]) or ({dW =, dH =, yDim =, xDim =}):
-- nearest-neighbour upsampling by an integer factor along each of the two dimensions, as
-- nnx (each pixel repeated dH x dW times).
local Up = torch.class('nn.SpatialUpSampling', 'nn.Module')

function Up:__init(dW, dH, yDim, xDim)
   nn.Module.__init(self)
   if type(dW) == 'table' then dW, dH, yDim, xDim = dW.dW, dW.dH, dW.yDim, dW.xDim end
   self.dW = int(self, 'dW', dW)
   self.dH = int(self, 'dH', dH)
   self.yDim = int(self, 'yDim', yDim, 2)
   self.xDim = int(self, 'xDim', xDim, 3)
   if self.dW < 1 or self.dH < 1 then self:_error('dW and dH (%d, %d) must be positive', self.dW, self.dH) end
   if self.yDim + 1 ~= self.xDim then
      self:_error('yDim (%d) must be xDim - 1 (%d)', self.yDim, self.xDim - 1)
   end
end

-- input as A x H x 1 x W x 1 x B around the two image dimensions
function Up:_view(t)
   if self.xDim > t:dim() then
      self:_error('input of size %s has no dimension %d', nn.utils.sizestr(t), self.xDim)
   end
   local a, b = 1, 1
   for i = 1, self.yDim - 1 do a = a * t:size(i) end
   for i = self.xDim + 1, t:dim() do b = b * t:size(i) end
   return a, t:size(self.yDim), t:size(self.xDim), b
end

function Up:updateOutput(input)
   nn.utils.checkFloatTensor(self, input)
   local a, h, w, b = self:_view(input)
   local size = input:size()
   size[self.yDim], size[self.xDim] = h * self.dH, w * self.dW
   self.output:resize(a, h, self.dH, w, self.dW, b)
   self.output:copy(input:contiguous():view(a, h, 1, w, 1, b):expand(a, h, self.dH, w, self.dW, b))
   self.output = self.output:view(size)
   return self.output
end

function Up:updateGradInput(input, gradOutput)
   nn.utils.checkGradOutput(self, gradOutput, self.output)
   local a, h, w, b = self:_view(input)
   local g = gradOutput:contiguous():view(a, h, self.dH, w, self.dW, b)
   self._sum = self._sum or g.new()
   self._sum:sum(g, 5)
   self.gradInput:sum(self._sum, 3)
   self.gradInput = self.gradInput:view(input:size())
   return self.gradInput
end

-- nn.Minus(): y = -x.
local Minus = torch.class('nn.Minus', 'nn.Module')

function Minus:updateOutput(input)
   nn.utils.checkFloatTensor(self, input)
   self.output:resizeAs(input):copy(input):mul(-1)
   return self.output
end

function Minus:updateGradInput(input, gradOutput)
   nn.utils.checkGradOutput(self, gradOutput, input)
   self.gradInput:resizeAs(gradOutput):copy(gradOutput):mul(-1)
   return self.gradInput
end

-- nn.MultiSoftMax(): the softmax over the last dimension of a 2D or 3D input (each row
-- of each matrix), as nnx.
local Multi = torch.class('nn.MultiSoftMax', 'nn.Module')

function Multi:_rows(t)
   if t:dim() == 2 then return t end
   if t:dim() == 3 then return t:contiguous():view(t:size(1) * t:size(2), t:size(3)) end
   self:_error('input of size %s, expected 2D or 3D', nn.utils.sizestr(t))
end

function Multi:updateOutput(input)
   K.softmax_forward(self.output, self:_rows(input), 'SoftMax')
   self.output = self.output:view(input:size())
   return self.output
end

function Multi:updateGradInput(input, gradOutput)
   nn.utils.checkGradOutput(self, gradOutput, self.output)
   K.softmax_backward(self.gradInput, self:_rows(gradOutput), self:_rows(self.output), 'SoftMax')
   self.gradInput = self.gradInput:view(input:size())
   return self.gradInput
end

nnx.SpatialPadding, nnx.SpatialUpSampling, nnx.Minus, nnx.MultiSoftMax =
   nn.SpatialPadding, nn.SpatialUpSampling, nn.Minus, nn.MultiSoftMax
nnx.Recurrent = nn.Recurrent
_G.nnx = nnx
return nnx
