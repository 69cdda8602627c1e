-- nn.TransformerBlock(dim, nHeads [, opts]): not in Torch7; GPT-2's block (nanoGPT's Block),
-- pre-norm and causal on B x T x dim:
--     h = x + Drop(Attn(LN1(x))),  y = h + Drop(Linear(4 dim, dim)(GELU(Linear(dim, 4 dim)(LN2(h)))))
-- opts: dropout (0: on the attention weights and after each residual branch, as nanoGPT),
-- causal (true), bias (true), eps (1e-5), mask. An nn.TransformerEncoderLayer with
-- normFirst, GELU, dimFF = 4 dim and no dropout inside the MLP.
local nn = require 'nn'
require 'nn.TransformerEncoderLayer'

local Block, parent = torch.class('nn.TransformerBlock', 'nn.TransformerEncoderLayer')

function Block:__init(dim, nHeads, opts)
   opts = opts or {}
   parent.__init(self, dim, nHeads, 4 * (math.type(dim) == 'integer' and dim or 1), {
      normFirst = true, activation = 'gelu', dropout = opts.dropout or 0, ffDropout = false,
      causal = opts.causal ~= false, bias = opts.bias, eps = opts.eps, mask = opts.mask,
      batchFirst = opts.batchFirst})
end

function Block:__tostring__()
   return string.format('%s(%d, %d heads%s)', torch.type(self), self.dim, self.attn.nHeads,
                        self.attn.causal and ', causal' or '')
end

return Block
