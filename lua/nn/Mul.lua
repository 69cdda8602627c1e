-- nn.Mul(): output = w * input with one learnable scalar w (weight of size 1).
local nn = require 'nn'
local K = torch._nn

local Mul, parent = torch.class('nn.Mul', 'nn.Module')

function Mul:__init()
   parent.__init(self)
   self.weight = torch.Tensor(1)
   self.gradWeight = torch.Tensor(1):zero()
   self:reset()
end

function Mul:reset(stdv)
   stdv = stdv and stdv * math.sqrt(3) or 1 / math.sqrt(self.weight:size(1))
   self.weight:uniform(-stdv, stdv)
   return self
end

function Mul:updateOutput(input)
   K.activation_forward(self.output, input, 'MulConstant', self.weight[1])
   return self.output
end

function Mul:updateGradInput(input, gradOutput)
   nn.utils.checkGradOutput(self, gradOutput, input)
   K.activation_forward(self.gradInput, gradOutput, 'MulConstant', self.weight[1])
   return self.gradInput
end

function Mul:accGradParameters(input, gradOutput, scale)
   scale = scale or 1
   self.gradWeight[1] = self.gradWeight[1] + scale * input:dot(gradOutput)
end

return Mul
