-- nn.MultiHeadAttention(embedDim, nHeads [, opts]): not in Torch7; PyTorch's
-- torch.nn.MultiheadAttention. Self-attention on a tensor x (B x T x C, C = embedDim) or
-- on {x, keyPaddingMask}, or
-- attention of queries on keys and values given as {query, key, value [, keyPaddingMask]}
-- (B x T x C, B x S x C, B x S x C; the mask a B x S ByteTensor, 1 at padded keys). opts:
--   batchFirst (true): false takes and gives T x B x C
--   causal (false): query t sees keys up to t (up to t + S - T when S > T)
--   bias (true): biases on the four projections
--   dropout (0): dropout on the attention weights, in training only
--   mask: an additive mask, T x S or B x nHeads x T x S (-inf removes a key); settable
--     later as m.mask
--   needWeights (false): m.attnWeights holds the last forward's weights, B x nHeads x T x S
-- The projections are PyTorch's: inWeight (3C x C, rows q, k, v) and inBias (3C), one GEMM
-- for q, k and v in self-attention; weight/bias (C x C, C) project the heads' output. The
-- attention itself is the fused kernel of src/nn/attention.c.
local nn = require 'nn'
local K = torch._nn

local MHA, parent = torch.class('nn.MultiHeadAttention', 'nn.Module')

function MHA:__init(embedDim, nHeads, opts)
   parent.__init(self)
   opts = opts or {}
   if math.type(embedDim) ~= 'integer' or math.type(nHeads) ~= 'integer' or embedDim < 1
      or nHeads < 1 then
      self:_error('expected positive integer embedDim and nHeads, got %s and %s',
                  tostring(embedDim), tostring(nHeads))
   end
   if embedDim % nHeads ~= 0 then
      self:_error('embedDim %d is not divisible by nHeads %d', embedDim, nHeads)
   end
   local p = opts.dropout or 0
   if type(p) ~= 'number' or p < 0 or p >= 1 then
      self:_error('dropout must be a number in [0, 1), got %s', tostring(p))
   end
   self.embedDim, self.nHeads, self.headDim = embedDim, nHeads, embedDim // nHeads
   self.batchFirst = opts.batchFirst ~= false
   self.causal = opts.causal or false
   self.dropout = p
   self.needWeights = opts.needWeights or false
   self.mask = opts.mask
   local C = embedDim
   self.inWeight = torch.Tensor(3 * C, C)
   self.gradInWeight = torch.Tensor(3 * C, C):zero()
   self.weight = torch.Tensor(C, C)
   self.gradWeight = torch.Tensor(C, C):zero()
   if opts.bias ~= false then
      self.inBias = torch.Tensor(3 * C)
      self.gradInBias = torch.Tensor(3 * C):zero()
      self.bias = torch.Tensor(C)
      self.gradBias = torch.Tensor(C):zero()
   end
   self:reset()
end

-- PyTorch's initialization: Xavier-uniform input projections, Linear's bound 1/sqrt(C) for
-- the output projection, zero biases.
function MHA:reset()
   local C = self.embedDim
   local a = math.sqrt(6 / (4 * C))
   self.inWeight:uniform(-a, a)
   self.weight:uniform(-1 / math.sqrt(C), 1 / math.sqrt(C))
   if self.inBias then self.inBias:zero(); self.bias:zero() end
   return self
end

function MHA:parameters()
   if self.inBias then
      return {self.inWeight, self.inBias, self.weight, self.bias},
         {self.gradInWeight, self.gradInBias, self.gradWeight, self.gradBias}
   end
   return {self.inWeight, self.weight}, {self.gradInWeight, self.gradWeight}
end

-- a B x L x C view of x (given B x L x C, or L x B x C when not batchFirst)
function MHA:_bfirst(x, what)
   if not torch.isTensor(x) or x:dim() ~= 3 or x:size(3) ~= self.embedDim then
      self:_error('%s of size %s, expected %s x %d', what,
                  torch.isTensor(x) and nn.utils.sizestr(x) or torch.type(x),
                  self.batchFirst and 'batch x length' or 'length x batch', self.embedDim)
   end
   return self.batchFirst and x or x:transpose(1, 2)
end

-- The input's parts: query, key, value (B x L x C each) and the padding mask.
function MHA:_inputs(input)
   if torch.isTensor(input) then
      local x = self:_bfirst(input, 'input')
      return x, nil, nil, nil
   end
   if type(input) == 'table' and #input == 2 then
      return self:_bfirst(input[1], 'input'), nil, nil, input[2]
   end
   if type(input) ~= 'table' or #input < 3 or #input > 4 then
      self:_error('expected a tensor or {x, keyPaddingMask} (self-attention), or {query, key, '
                  .. 'value [, keyPaddingMask]}, got %s',
                  type(input) == 'table' and ('a table of ' .. #input) or torch.type(input))
   end
   local q = self:_bfirst(input[1], 'query')
   local k, v = self:_bfirst(input[2], 'key'), self:_bfirst(input[3], 'value')
   if q:size(1) ~= k:size(1) or k:size(1) ~= v:size(1) then
      self:_error('query %s, key %s and value %s have different batch sizes',
                  nn.utils.sizestr(input[1]), nn.utils.sizestr(input[2]), nn.utils.sizestr(input[3]))
   end
   return q, k, v, input[4]
end

-- a B x L x C tensor as the B x H x L x D view of its heads
function MHA:_heads(t, B, L)
   return t:view(B, L, self.nHeads, self.headDim):transpose(2, 3)
end

local function rows(x) -- B x L x C as (B*L) x C
   x = x:contiguous()
   return x:view(x:size(1) * x:size(2), x:size(3))
end

-- The three projections, each through one of these (nn.QuantizedMultiHeadAttention
-- replaces them with its int8 ones); each fills out and returns it.
function MHA:_proj(out, x, i) -- projection i (1 q, 2 k, 3 v) of x (B*L x C)
   local C = self.embedDim
   K.linear_forward(out, x, self.inWeight:narrow(1, (i - 1) * C + 1, C),
                    self.inBias and self.inBias:narrow(1, (i - 1) * C + 1, C))
   return out
end

function MHA:_inproj(out, x) -- q, k and v of x (B*L x C) side by side: B*L x 3C
   K.linear_forward(out, x, self.inWeight, self.inBias)
   return out
end

function MHA:_outproj(out, ctx) -- the heads' output ctx (B*T x C) projected
   K.linear_forward(out, ctx, self.weight, self.bias)
   return out
end

function MHA:updateOutput(input)
   local q, k, v, pad = self:_inputs(input)
   local C, H, D = self.embedDim, self.nHeads, self.headDim
   local B, T = q:size(1), q:size(2)
   self._qkv = self._qkv or q.new()
   local Q, Kh, V
   if k == nil then
      local x = rows(q)
      self._x = x
      local qkv = self:_inproj(self._qkv, x):view(B, T, 3, H, D)
      Q = qkv:select(3, 1):transpose(2, 3)
      Kh = qkv:select(3, 2):transpose(2, 3)
      V = qkv:select(3, 3):transpose(2, 3)
   else
      local S = k:size(2)
      self._xq, self._xk, self._xv = rows(q), rows(k), rows(v)
      self._pq, self._pk, self._pv = self._pq or q.new(), self._pk or q.new(), self._pv or q.new()
      Q = self:_heads(self:_proj(self._pq, self._xq, 1), B, T)
      Kh = self:_heads(self:_proj(self._pk, self._xk, 2), B, S)
      V = self:_heads(self:_proj(self._pv, self._xv, 3), B, v:size(2))
   end
   self._Q, self._K, self._V = Q, Kh, V
   self._probs = self._probs or q.new()
   local drop = nil
   if self.dropout > 0 and self.train ~= false then
      self._drop = self._drop or q.new()
      self._drop:resize(B, H, T, Kh:size(3)):bernoulli(1 - self.dropout):mul(1 / (1 - self.dropout))
      drop = self._drop
   end
   self._dropUsed = drop
   -- the kernel reads the heads where the projection left them and writes the context
   -- straight into B x T x H x D, side by side as the output projection reads them
   self._ctx2 = self._ctx2 or q.new()
   self._ctx2:resize(B, T, H, D)
   K.attention_forward(self._ctx2:transpose(2, 3), self._probs, Q, Kh, V, self.mask, pad, drop,
                       self.causal)
   self.attnWeights = self.needWeights and self._probs or nil
   local ctx = self._ctx2:view(B * T, C)
   self._out = self._out or q.new()
   local out = self:_outproj(self._out, ctx):view(B, T, C)
   if self.batchFirst then
      self.output = out
   else
      self.output = self.output:typeAs(out):resize(T, B, C):copy(out:transpose(1, 2))
   end
   return self.output
end

function MHA:updateGradInput(input, gradOutput)
   local q, k, v = self:_inputs(input)
   local C, H, D = self.embedDim, self.nHeads, self.headDim
   local B, T = q:size(1), q:size(2)
   local go = rows(self:_bfirst(gradOutput, 'gradOutput'))
   self._go = go
   self._gctx = self._gctx or q.new()
   K.linear_backward_input(self._gctx, go, self.weight)
   local gctx = self:_heads(self._gctx, B, T)
   if k == nil then
      -- the gradients go straight into the B x T x 3 x H x D layout of the projection
      self._gqkv = self._gqkv or q.new()
      local g = self._gqkv:resize(B, T, 3, H, D)
      K.attention_backward(g:select(3, 1):transpose(2, 3), g:select(3, 2):transpose(2, 3),
                           g:select(3, 3):transpose(2, 3), self._Q, self._K, self._V,
                           self._probs, self._dropUsed, gctx)
      self._gin = self._gin or q.new()
      K.linear_backward_input(self._gin, self._gqkv:view(B * T, 3 * C), self.inWeight)
      local gx = self:_back(self._gin:view(B, T, C))
      if torch.isTensor(input) then
         self.gradInput = gx
      else -- {x, keyPaddingMask}
         self._gpad = self._gpad or torch.ByteTensor()
         self.gradInput = {gx, self._gpad:resizeAs(input[2]):zero()}
      end
   else
      self._gQ, self._gK, self._gV = self._gQ or q.new(), self._gK or q.new(), self._gV or q.new()
      K.attention_backward(self._gQ, self._gK, self._gV, self._Q, self._K, self._V, self._probs,
                           self._dropUsed, gctx)
      self.gradInput = type(self.gradInput) == 'table' and self.gradInput or {}
      self._g3 = self._g3 or {q.new(), q.new(), q.new()}
      self._gp = self._gp or {q.new(), q.new(), q.new()}
      local gs = {self._gQ, self._gK, self._gV}
      for i = 1, 3 do
         local L = gs[i]:size(3)
         local gp = self._gp[i]:resize(B, L, H, D):copy(gs[i]:transpose(2, 3)):view(B * L, C)
         K.linear_backward_input(self._g3[i], gp, self.inWeight:narrow(1, (i - 1) * C + 1, C))
         self.gradInput[i] = self:_back(self._g3[i]:view(B, L, C))
      end
      if input[4] then
         self._gpad = self._gpad or torch.ByteTensor()
         self.gradInput[4] = self._gpad:resizeAs(input[4]):zero()
      else
         self.gradInput[4] = nil
      end
   end
   return self.gradInput
end

-- a B x L x C gradient in the caller's layout
function MHA:_back(g)
   if self.batchFirst then return g end
   return g:transpose(1, 2):contiguous()
end

function MHA:accGradParameters(input, gradOutput, scale)
   scale = scale or 1
   local C = self.embedDim
   K.linear_backward_params(self.gradWeight, self.gradBias, self._ctx2:view(-1, C), self._go, scale)
   if torch.isTensor(input) or #input == 2 then
      K.linear_backward_params(self.gradInWeight, self.gradInBias, self._x,
                               self._gqkv:view(-1, 3 * C), scale)
   else
      local xs = {self._xq, self._xk, self._xv}
      for i = 1, 3 do
         local r = (i - 1) * C + 1
         K.linear_backward_params(self.gradInWeight:narrow(1, r, C),
                                  self.gradInBias and self.gradInBias:narrow(1, r, C), xs[i],
                                  self._gp[i]:view(-1, C), scale)
      end
   end
end

local buffers = {'_qkv', '_x', '_xq', '_xk', '_xv', '_pq', '_pk', '_pv', '_Q', '_K', '_V',
                 '_probs', '_drop', '_dropUsed', '_ctx2', '_out', '_go', '_gctx', '_gQ', '_gK',
                 '_gV', '_gqkv', '_gin', '_g3', '_gp', '_gpad', 'attnWeights',
                 '_sqkv', '_sctx', '_sprobs', '_sctx2', '_sout', '_cacheK', '_cacheV'}

-- Key/value cache for generation (self-attention, evaluation): m:step(x) takes the next
-- B x t x C positions, appends their keys and values to the cache and attends from them to
-- every cached position (the kernel's causal mask aligns the t queries with the last t
-- keys), so a new token costs one row, not the whole prefix. m.mask is not used by step.
-- The cache is a B x H x capacity x D buffer that doubles when full, read through a narrow
-- view (the kernel takes strided heads), so a token appends in place instead of copying
-- the prefix; the step's other buffers are the module's, reused from token to token.
function MHA:resetCache()
   self._cacheK, self._cacheV, self._cacheLen = nil, nil, 0
   return self
end

-- Appends new (B x H x t x D) to the cache buffer field, returns the filled part.
function MHA:_append(field, new, len)
   local buf = self[field]
   local B, H, t, D = new:size(1), new:size(2), new:size(3), new:size(4)
   if not buf or buf:size(1) ~= B or buf:size(3) < len + t then
      local grown = new.new(B, H, math.max(16, 2 * (len + t)), D)
      if len > 0 then grown:narrow(3, 1, len):copy(buf:narrow(3, 1, len)) end
      buf = grown
      self[field] = buf
   end
   buf:narrow(3, len + 1, t):copy(new)
   return buf:narrow(3, 1, len + t)
end

function MHA:step(input)
   local x = self:_bfirst(input, 'input')
   local C, H, D = self.embedDim, self.nHeads, self.headDim
   local B, t = x:size(1), x:size(2)
   local len = self._cacheK and self._cacheLen or 0
   if len > 0 and self._cacheK:size(1) ~= B then
      self:_error('step: input batch of %d, but the cache holds a batch of %d (call resetCache)',
                  B, self._cacheK:size(1))
   end
   self._sqkv = self._sqkv or x.new()
   local qkv = self:_inproj(self._sqkv, rows(x)):view(B, t, 3, H, D)
   local q = qkv:select(3, 1):transpose(2, 3)
   local k, v = qkv:select(3, 2):transpose(2, 3), qkv:select(3, 3):transpose(2, 3)
   local ck = self:_append('_cacheK', k, len)
   local cv = self:_append('_cacheV', v, len)
   self._cacheLen = len + t
   self._sctx, self._sprobs = self._sctx or x.new(), self._sprobs or x.new()
   self._sctx2, self._sout = self._sctx2 or x.new(), self._sout or x.new()
   K.attention_forward(self._sctx, self._sprobs, q, ck, cv, nil, nil, nil, self.causal)
   self._sctx2:resize(B, t, H, D):copy(self._sctx:transpose(2, 3))
   local out = self:_outproj(self._sout, self._sctx2:view(B * t, C)):view(B, t, C)
   return self.batchFirst and out or out:transpose(1, 2)
end

-- The buffers are made again by the next forward.
function MHA:clearState()
   for _, f in ipairs(buffers) do self[f] = nil end
   return parent.clearState(self)
end

function MHA:__tostring__()
   return string.format('%s(%d, %d heads%s%s%s)', torch.type(self), self.embedDim, self.nHeads,
                        self.causal and ', causal' or '', self.inBias and '' or ', no bias',
                        self.dropout > 0 and (', dropout ' .. self.dropout) or '')
end

return MHA
