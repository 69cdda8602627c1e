-- nn.MV([trans = false]): the product of a matrix and a vector, {M, v} -> M * v (M^T * v
-- with trans). M is m x n and v has n entries, or a batch: M is b x m x n and v is b x n.
local nn = require 'nn'

local MV, parent = torch.class('nn.MV', 'nn.Module')

function MV:__init(trans)
   parent.__init(self)
   self.trans = trans or false
   self.gradInput = {torch.Tensor(), torch.Tensor()}
end

-- The matrix as used (a transposed view with trans) and whether input is a batch.
function MV:_operands(input)
   if type(input) ~= 'table' or torch.isTensor(input) or #input ~= 2 then
      self:_error('expected a pair of tensors {M, v}, got %s', torch.type(input))
   end
   local M, v = input[1], input[2]
   nn.utils.checkFloatTensor(self, M, 'input[1]')
   nn.utils.checkFloatTensor(self, v, 'input[2]')
   local batch = M:dim() == 3
   if not ((M:dim() == 2 and v:dim() == 1) or (batch and v:dim() == 2)) then
      self:_error('inputs of sizes %s and %s, expected a matrix and a vector, or a 3D batch '
                  .. 'of matrices and a 2D batch of vectors',
                  nn.utils.sizestr(M), nn.utils.sizestr(v))
   end
   local d = M:dim()
   if self.trans then M = M:transpose(d - 1, d) end
   if M:size(d) ~= v:size(v:dim()) or (batch and M:size(1) ~= v:size(1)) then
      self:_error('cannot multiply a matrix of size %s by a vector of size %s (trans=%s)',
                  nn.utils.sizestr(M), nn.utils.sizestr(v), tostring(self.trans))
   end
   return M, v, batch
end

function MV:updateOutput(input)
   local M, v, batch = self:_operands(input)
   if batch then
      -- a batch of vectors is a batch of n x 1 matrices for bmm
      local b, m, n = M:size(1), M:size(2), M:size(3)
      self.output:resize(b, m, 1):bmm(M, v:contiguous():view(b, n, 1))
      self.output:resize(b, m)
   else
      self.output:resize(M:size(1)):mv(M, v)
   end
   return self.output
end

-- dM' = g v^T (an outer product), dv = M'^T g; with trans, dM is the transpose of dM'.
function MV:updateGradInput(input, gradOutput)
   local M, v, batch = self:_operands(input)
   nn.utils.checkGradOutput(self, gradOutput, M:nElement() // M:size(M:dim()))
   local gM, gv = self:_grads(input)
   gM:resizeAs(input[1])
   gv:resizeAs(v)
   if batch then
      local b, m, n = M:size(1), M:size(2), M:size(3)
      local g = gradOutput:contiguous():view(b, m, 1)
      local vv = v:contiguous():view(b, 1, n)
      if self.trans then
         gM:bmm(vv:transpose(2, 3), g:transpose(2, 3))
      else
         gM:bmm(g, vv)
      end
      gv:resize(b, n, 1):bmm(M:transpose(2, 3), g)
      gv:resize(b, n)
   else
      if self.trans then
         gM:zero():addr(v, gradOutput)
      else
         gM:zero():addr(gradOutput, v)
      end
      gv:mv(M:t(), gradOutput)
   end
   return self.gradInput
end

-- The gradient buffers, made again after clearState (which empties the table).
function MV:_grads(input)
   for i = 1, 2 do self.gradInput[i] = self.gradInput[i] or input[i].new() end
   return self.gradInput[1], self.gradInput[2]
end

return MV
