-- nn.PReLU(nOutputPlane): y = x > 0 ? x : w * x, with a learnt slope w per input plane
-- (He et al., 2015), initialised to 0.25. The plane is dimension 1 of a 1D or 3D input and
-- dimension 2 of a 2D or 4D (batch) input. Without nOutputPlane (or 0), one slope is
-- shared by every element.
local PReLU, parent = torch.class('nn.PReLU', 'nn.Module')
local K = torch._nn

function PReLU:__init(nOutputPlane)
   parent.__init(self)
   self.nOutputPlane = nOutputPlane or 0
   self.weight = torch.Tensor(math.max(self.nOutputPlane, 1)):fill(0.25)
   self.gradWeight = torch.Tensor(math.max(self.nOutputPlane, 1)):zero()
end

function PReLU:updateOutput(input)
   K.prelu_forward(self.output, input, self.weight, self.nOutputPlane)
   return self.output
end

function PReLU:updateGradInput(input, gradOutput)
   K.prelu_backward(self.gradInput, gradOutput, input, self.weight, self.nOutputPlane)
   return self.gradInput
end

function PReLU:accGradParameters(input, gradOutput, scale)
   K.prelu_accgrad(self.gradWeight, gradOutput, input, self.nOutputPlane, scale or 1)
end

function PReLU:__tostring__()
   if self.nOutputPlane == 0 then return torch.type(self) end
   return string.format('%s (%d)', torch.type(self), self.nOutputPlane)
end

return PReLU
