-- nn.Dropout([p = 0.5 [, v1 [, inplace [, stochasticInference]]]]): in training, zeroes
-- each element with probability p and scales the kept ones by 1/(1-p) (Torch7's default
-- "v2" inverted dropout), so that evaluate() needs no change: there output = input.
-- v1 = true gives Torch7's old behaviour (no scaling in training, times (1-p) in evaluation).
local nn = require 'nn'
local K = torch._nn

local Dropout, parent = torch.class('nn.Dropout', 'nn.Module')

function Dropout:__init(p, v1, inplace, stochasticInference)
   parent.__init(self)
   self.p = p or 0.5
   self.train = true
   self.inplace = inplace
   self.stochastic_inference = stochasticInference or false
   self.v2 = not v1
   if self.p >= 1 or self.p < 0 then
      self:_error('<dropout> illegal percentage, must be 0 <= p < 1 (got %s)', self.p)
   end
   self.noise = torch.Tensor()
end

function Dropout:updateOutput(input)
   nn.utils.checkFloatTensor(self, input)
   local out = self.inplace and input or self.output
   if self.p > 0 and (self.train or self.stochastic_inference) then
      self.noise:resizeAs(input):bernoulli(1 - self.p)
      K.mask_scale(out, input, self.noise, self.v2 and 1 / (1 - self.p) or 1)
   elseif self.p > 0 and not self.v2 then
      K.activation_forward(out, input, 'MulConstant', 1 - self.p)
   elseif not self.inplace then
      out:resizeAs(input):copy(input)
   end
   if self.inplace then self.output:set(input) end
   return self.output
end

function Dropout:updateGradInput(input, gradOutput)
   local gi = self.inplace and gradOutput or self.gradInput
   if self.p > 0 and self.train then
      K.mask_scale(gi, gradOutput, self.noise, self.v2 and 1 / (1 - self.p) or 1)
   elseif self.p > 0 and not self.v2 then
      K.activation_forward(gi, gradOutput, 'MulConstant', 1 - self.p)
   elseif not self.inplace then
      gi:resizeAs(gradOutput):copy(gradOutput)
   end
   if self.inplace then self.gradInput:set(gradOutput) end
   return self.gradInput
end

function Dropout:setp(p)
   self.p = p
end

function Dropout:__tostring__()
   return string.format('%s(%f)', torch.type(self), self.p)
end

function Dropout:clearState()
   nn.utils.clear(self, 'noise')
   return parent.clearState(self)
end

return Dropout
