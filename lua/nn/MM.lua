-- nn.MM([transA = false, transB = false]): the matrix product of a pair {A, B}: A * B,
-- with A (or B) transposed first when transA (transB) is set. 2D matrices, or 3D batches
-- of them (b x n x m), multiplied pairwise with bmm, as Torch7.
local nn = require 'nn'

local MM, parent = torch.class('nn.MM', 'nn.Module')

function MM:__init(transA, transB)
   parent.__init(self)
   self.transA = transA or false
   self.transB = transB or false
   self.gradInput = {torch.Tensor(), torch.Tensor()}
end

-- The two operands as used in the product (transposed views when asked).
function MM:_operands(input)
   if type(input) ~= 'table' or torch.isTensor(input) or #input ~= 2 then
      self:_error('expected a pair of tensors {A, B}, got %s', torch.type(input))
   end
   local a, b = input[1], input[2]
   nn.utils.checkFloatTensor(self, a, 'input[1]')
   nn.utils.checkFloatTensor(self, b, 'input[2]')
   local d = a:dim()
   if (d ~= 2 and d ~= 3) or b:dim() ~= d then
      self:_error('inputs of sizes %s and %s, expected two 2D matrices or two 3D batches '
                  .. 'of matrices',
                  nn.utils.sizestr(a), nn.utils.sizestr(b))
   end
   if self.transA then a = a:transpose(d - 1, d) end
   if self.transB then b = b:transpose(d - 1, d) end
   if a:size(d) ~= b:size(d - 1) or (d == 3 and a:size(1) ~= b:size(1)) then
      self:_error('cannot multiply %s by %s (transA=%s, transB=%s)', nn.utils.sizestr(a),
                  nn.utils.sizestr(b), tostring(self.transA), tostring(self.transB))
   end
   return a, b, d
end

local function product(out, a, b, d)
   if d == 2 then
      out:resize(a:size(1), b:size(2)):mm(a, b)
   else
      out:resize(a:size(1), a:size(2), b:size(3)):bmm(a, b)
   end
   return out
end

local function tr(t, d) return t:transpose(d - 1, d) end

function MM:updateOutput(input)
   local a, b, d = self:_operands(input)
   product(self.output, a, b, d)
   return self.output
end

-- With C = A'B' (A', B' the possibly transposed operands): dA' = G B'^T and dB' = A'^T G;
-- a transposed operand gets the transpose of its gradient, computed directly as a product.
function MM:updateGradInput(input, gradOutput)
   local a, b, d = self:_operands(input)
   if gradOutput:dim() ~= d or gradOutput:size(d - 1) ~= a:size(d - 1)
      or gradOutput:size(d) ~= b:size(d) then
      self:_error('gradOutput of size %s, expected the output size %s',
                  nn.utils.sizestr(gradOutput), nn.utils.sizestr(self.output))
   end
   local ga, gb = self:_grads(input)
   if self.transA then
      product(ga, b, tr(gradOutput, d), d)          -- (G B'^T)^T = B' G^T
   else
      product(ga, gradOutput, tr(b, d), d)
   end
   if self.transB then
      product(gb, tr(gradOutput, d), a, d)          -- (A'^T G)^T = G^T A'
   else
      product(gb, tr(a, d), gradOutput, d)
   end
   return self.gradInput
end

-- The gradient buffers, made again after clearState (which empties the table).
function MM:_grads(input)
   for i = 1, 2 do self.gradInput[i] = self.gradInput[i] or input[i].new() end
   return self.gradInput[1], self.gradInput[2]
end

return MM
