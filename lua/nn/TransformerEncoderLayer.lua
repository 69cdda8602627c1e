-- nn.TransformerEncoderLayer(dim, nHeads, dimFF [, opts]): not in Torch7; PyTorch's
-- torch.nn.TransformerEncoderLayer on B x T x dim (T x B x dim when opts.batchFirst is
-- false). Post-norm by default, as PyTorch:
--     h = LN1(x + Drop1(Attn(x))),  y = LN2(h + Drop2(FF(h)))
-- and with opts.normFirst = true pre-norm:
--     h = x + Drop1(Attn(LN1(x))),  y = h + Drop2(FF(LN2(h)))
-- FF is Linear(dim, dimFF), the activation, Drop, Linear(dimFF, dim). opts: dropout (0.1,
-- PyTorch's: on the attention weights, after attention, inside FF and after FF),
-- activation ('relu' or 'gelu'), causal, mask (m.attn.mask), bias (true), eps (1e-5),
-- ffDropout (true: the dropout inside FF). Children: m.attn, m.ln1, m.ln2, m.ff.
-- The input is x, or {x, keyPaddingMask} with a B x T ByteTensor (1 at padded positions,
-- PyTorch's src_key_padding_mask); gradInput is then {gx, zeros}.
local nn = require 'nn'
require 'nn.MultiHeadAttention'

local Layer, parent = torch.class('nn.TransformerEncoderLayer', 'nn.Container')

function Layer:__init(dim, nHeads, dimFF, opts)
   parent.__init(self)
   opts = opts or {}
   if math.type(dimFF) ~= 'integer' or dimFF < 1 then
      self:_error('expected a positive integer dimFF, got %s', tostring(dimFF))
   end
   local p = opts.dropout == nil and 0.1 or opts.dropout
   local act = opts.activation or 'relu'
   if act ~= 'relu' and act ~= 'gelu' then
      self:_error("activation must be 'relu' or 'gelu', got %s", tostring(act))
   end
   self.dim, self.normFirst = dim, opts.normFirst or false
   self.batchFirst = opts.batchFirst ~= false
   self.attn = nn.MultiHeadAttention(dim, nHeads, {causal = opts.causal, dropout = p,
                                                   bias = opts.bias, mask = opts.mask})
   self.ln1 = nn.LayerNorm(dim, opts.eps or 1e-5)
   self.ln2 = nn.LayerNorm(dim, opts.eps or 1e-5)
   self.ff = nn.Sequential():add(nn.Linear(dim, dimFF, opts.bias))
      :add(act == 'gelu' and nn.GELU() or nn.ReLU())
   if opts.ffDropout ~= false then self.ff:add(nn.Dropout(p)) end
   self.ff:add(nn.Linear(dimFF, dim, opts.bias))
   self.drop1, self.drop2 = nn.Dropout(p), nn.Dropout(p)
   self.modules = {self.attn, self.ln1, self.ln2, self.ff, self.drop1, self.drop2}
   self._gh, self._gx = torch.Tensor(), torch.Tensor()
   self._z1, self._z2 = torch.Tensor(), torch.Tensor()
end

local function flat(t) return t:view(t:size(1) * t:size(2), t:size(3)) end

-- FF on B x T x dim through the 2D Linear layers
local function ff_forward(self, x)
   local y = self.drop2:forward(self.ff:forward(flat(x)))
   return y:view(x:size(1), x:size(2), self.dim)
end

-- The input and the key padding mask of {x, keyPaddingMask} (PyTorch's
-- src_key_padding_mask: a B x T ByteTensor, 1 at padded positions, which no query attends to).
local function split(input)
   if type(input) == 'table' then return input[1], input[2] end
   return input, nil
end

-- attention's input: the tensor, or {tensor, keyPaddingMask}
local function attn_in(self, h)
   return self._pad and {h, self._pad} or h
end

function Layer:updateOutput(input)
   local x, pad = split(input)
   x = self.attn:_bfirst(x, 'input') -- checked in attention's words
   if not self.batchFirst then x = x:transpose(1, 2) end
   x = x:contiguous()
   self._in, self._pad = x, pad
   local y
   if self.normFirst then
      local a = self.drop1:forward(self.attn:forward(attn_in(self, self.ln1:forward(x))))
      self._z1:resizeAs(x):add(x, a)
      local f = ff_forward(self, self.ln2:forward(self._z1))
      y = self._z2:resizeAs(x):add(self._z1, f)
   else
      local a = self.drop1:forward(self.attn:forward(attn_in(self, x)))
      local h = self.ln1:forward(self._z1:resizeAs(x):add(x, a))
      y = self.ln2:forward(self._z2:resizeAs(x):add(h, ff_forward(self, h)))
   end
   self.output = self.batchFirst and y or y:transpose(1, 2)
   return self.output
end

-- One pass back through the children: m:backward when scale is given (gradients of the
-- parameters too), m:updateGradInput otherwise. nn.GPT shares it and the three methods
-- below, around its own _backward.
local function back(m, x, g, scale)
   if scale then return m:backward(x, g, scale) end
   return m:updateGradInput(x, g)
end
Layer._back = back

-- attention's gradient with respect to its tensor input (of {tensor, mask}: the first)
local function back_attn(self, h, g, scale)
   local gi = back(self.attn, attn_in(self, h), g, scale)
   return self._pad and gi[1] or gi
end

local function ff_backward(self, x, g, scale)
   local g2 = flat(g:contiguous())
   local gd = back(self.drop2, self.ff.output, g2, scale)
   return back(self.ff, flat(x), gd, scale):view(x:size(1), x:size(2), self.dim)
end

function Layer:_backward(input, gradOutput, scale)
   local x = self._in
   local gy = self.batchFirst and gradOutput or gradOutput:transpose(1, 2)
   gy = gy:contiguous()
   local gh, gx = self._gh, self._gx
   if self.normFirst then
      gh:resizeAs(gy):copy(gy):add(back(self.ln2, self._z1, ff_backward(self, self.ln2.output, gy, scale), scale))
      local ga = back(self.drop1, self.attn.output, gh, scale)
      gx:resizeAs(gh):copy(gh):add(back(self.ln1, x, back_attn(self, self.ln1.output, ga, scale), scale))
   else
      local gz2 = back(self.ln2, self._z2, gy, scale)
      gh:resizeAs(gz2):copy(gz2):add(ff_backward(self, self.ln1.output, gz2, scale))
      local gz1 = back(self.ln1, self._z1, gh, scale)
      gx:resizeAs(gz1):copy(gz1):add(back_attn(self, x, back(self.drop1, self.attn.output, gz1, scale), scale))
   end
   local g = self.batchFirst and gx or gx:transpose(1, 2)
   if type(input) == 'table' then -- the mask gets no gradient
      self._gpad = self._gpad or torch.ByteTensor()
      self.gradInput = {g, self._gpad:resizeAs(input[2]):zero()}
   else
      self.gradInput = g
   end
   return self.gradInput
end

function Layer:updateGradInput(input, gradOutput)
   return self:_backward(input, gradOutput, nil)
end

function Layer:backward(input, gradOutput, scale)
   return self:_backward(input, gradOutput, scale or 1)
end

-- The children's parameter gradients need their own gradOutputs: one more pass.
function Layer:accGradParameters(input, gradOutput, scale)
   local gi = self.gradInput
   self:_backward(input, gradOutput, scale or 1)
   self.gradInput = gi
end

-- Generation with attention's key/value cache (evaluation): the next B x t positions
-- (batch-first) give their outputs; resetCache() starts a new sequence.
function Layer:resetCache()
   self.attn:resetCache()
   return self
end

function Layer:step(x)
   local function ff(h)
      local y = self.ff:forward(flat(h:contiguous()))
      return y:view(h:size(1), h:size(2), self.dim)
   end
   if self.normFirst then
      local h = x + self.attn:step(self.ln1:forward(x))
      return h + ff(self.ln2:forward(h))
   end
   local h = self.ln1:forward(x + self.attn:step(x)):clone()
   return self.ln2:forward(h + ff(h)):clone()
end

function Layer:__tostring__()
   return string.format('%s(%d, %d heads, %s)', torch.type(self), self.dim, self.attn.nHeads,
                        self.normFirst and 'pre-norm' or 'post-norm')
end

return Layer
