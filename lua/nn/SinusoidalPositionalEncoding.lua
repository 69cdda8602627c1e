-- nn.SinusoidalPositionalEncoding(dim [, maxLen = 5000]): not in Torch7; the fixed encoding
-- of "Attention Is All You Need": adds PE[t][2i-1] = sin(t' / 10000^(2(i-1)/dim)),
-- PE[t][2i] = cos(t' / 10000^(2(i-1)/dim)) (t' = t - 1, from 0) to each position t of a
-- B x T x dim input. No parameters; m.offset (0) shifts the positions as in
-- nn.PositionalEmbedding.
local nn = require 'nn'
require 'nn.PositionalEmbedding'

local SPE = torch.class('nn.SinusoidalPositionalEncoding', 'nn.PositionalEmbedding')

function SPE:__init(dim, maxLen)
   nn.Module.__init(self)
   maxLen = maxLen or 5000
   if math.type(maxLen) ~= 'integer' or math.type(dim) ~= 'integer' or maxLen < 1 or dim < 1 then
      self:_error('expected positive integer dim and maxLen, got %s and %s', tostring(dim),
                  tostring(maxLen))
   end
   self.maxLen, self.dim, self.offset = maxLen, dim, 0
   self.pe = torch.Tensor(maxLen, dim)
   self:reset()
end

function SPE:reset()
   local pe = torch.DoubleTensor(self.maxLen, self.dim)
   for t = 1, self.maxLen do
      for j = 1, self.dim do
         local i = (j - 1) // 2
         local a = (t - 1) / 10000 ^ (2 * i / self.dim)
         pe[t][j] = j % 2 == 1 and math.sin(a) or math.cos(a)
      end
   end
   self.pe:copy(pe)
   return self
end

-- Computed again in the new type: a Float table converted to Double would keep float's
-- rounding.
function SPE:type(tname, tensorCache)
   if not tname then return self._type end
   nn.Module.type(self, tname, tensorCache)
   return self:reset()
end

function SPE:parameters() end

function SPE:updateOutput(input)
   local rows = self:_rows(input, self.pe, 'encoding table')
   self.output:resizeAs(input):add(input, rows)
   return self.output
end

function SPE:accGradParameters() end

return SPE
