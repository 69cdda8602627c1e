-- nn.CosineEmbeddingCriterion(margin): for an input {x1, x2} of two vectors (or two
-- batch x d matrices) and targets y of 1 or -1, with c the cosine similarity of x1 and x2:
--   1 - c where y = 1, max(0, c - margin) where y = -1,
-- averaged over the pairs when sizeAverage (margin 0). The target may be a number for one
-- pair. gradInput is a table of two tensors.
local CosineEmbeddingCriterion, parent = torch.class('nn.CosineEmbeddingCriterion', 'nn.Criterion')
local K = torch._nn

function CosineEmbeddingCriterion:__init(margin)
   parent.__init(self)
   self.margin = margin or 0
   self.sizeAverage = true
   self.gradInput = {torch.Tensor(), torch.Tensor()}
end

local function pair(self, input)
   if type(input) ~= 'table' or not torch.isTensor(input[1]) or not torch.isTensor(input[2]) then
      error(torch.type(self) .. ': input must be a table of two tensors, got ' ..
            torch.type(input), 3)
   end
   return input[1], input[2]
end

function CosineEmbeddingCriterion:updateOutput(input, y)
   local x1, x2 = pair(self, input)
   self.output = K.CosineEmbeddingCriterion_updateOutput(x1, x2, y, self.margin, self.sizeAverage)
   return self.output
end

function CosineEmbeddingCriterion:updateGradInput(input, y)
   local x1, x2 = pair(self, input)
   local g = self.gradInput
   if not torch.isTensor(g[1]) or g[1]:type() ~= x1:type() then g[1] = x1.new() end
   if not torch.isTensor(g[2]) or g[2]:type() ~= x1:type() then g[2] = x1.new() end
   K.CosineEmbeddingCriterion_updateGradInput(x1, x2, y, g[1], g[2], self.margin, self.sizeAverage)
   return self.gradInput
end

return CosineEmbeddingCriterion
