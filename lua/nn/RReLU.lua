-- nn.RReLU([l = 1/8, u = 1/3, inplace = false]): the randomized leaky ReLU, as Torch7.
-- In training, each element x <= 0 is multiplied by its own slope drawn from U(l, u) with
-- torch's generator (so torch.manualSeed makes it repeatable); the slopes are kept in
-- self.noise (1 for x > 0) and the backward pass multiplies by the same ones. In
-- evaluation, every x <= 0 is multiplied by the fixed slope (l + u) / 2.
local nn = require 'nn'

local RReLU, parent = torch.class('nn.RReLU', 'nn.Module')

function RReLU:__init(l, u, ip)
   parent.__init(self)
   self.lower = l or 1 / 8
   self.upper = u or 1 / 3
   if type(self.lower) ~= 'number' or type(self.upper) ~= 'number' or self.lower < 0
      or self.upper < self.lower then
      self:_error('expected 0 <= lower <= upper, got lower=%s, upper=%s', tostring(self.lower),
                  tostring(self.upper))
   end
   self.noise = torch.Tensor()
   self.train = true
   self.inplace = ip or false
end

-- The per-element factors: random slopes in training, the fixed mean slope otherwise.
function RReLU:_slopes(input)
   self.noise = self.noise or input.new()
   local neg = input:le(0)
   if self.train then
      self.noise:resizeAs(input):uniform(self.lower, self.upper)
      self.noise:maskedFill(neg:eq(0), 1)
   else
      self.noise:resizeAs(input):fill(1):maskedFill(neg, (self.lower + self.upper) / 2)
   end
   return self.noise
end

function RReLU:updateOutput(input)
   nn.utils.checkFloatTensor(self, input)
   local noise = self:_slopes(input)
   if self.inplace then
      input:cmul(noise)
      self.output:set(input)
   else
      self.output:resizeAs(input):copy(input):cmul(noise)
   end
   return self.output
end

-- The slopes of the last forward pass (in place, the input is already overwritten, but
-- the slopes are kept, so the backward pass does not need it).
function RReLU:updateGradInput(input, gradOutput)
   if gradOutput:nElement() ~= self.noise:nElement() or input:nElement() ~= self.noise:nElement() then
      self:_error('gradOutput of size %s and input of size %s, expected the size %s of the '
                  .. 'last forward pass',
                  nn.utils.sizestr(gradOutput), nn.utils.sizestr(input),
                  nn.utils.sizestr(self.noise))
   end
   if self.inplace then
      gradOutput:cmul(self.noise:viewAs(gradOutput))
      self.gradInput:set(gradOutput)
   else
      self.gradInput:resizeAs(gradOutput):copy(gradOutput):cmul(self.noise:viewAs(gradOutput))
   end
   return self.gradInput
end

function RReLU:__tostring__()
   return string.format('%s (l:%f, u:%f)', torch.type(self), self.lower, self.upper)
end

function RReLU:clearState()
   if self.noise then self.noise:set() end
   return parent.clearState(self)
end

return RReLU
