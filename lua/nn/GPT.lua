-- nn.GPT(vocabSize, blockSize, dim, nLayers, nHeads [, opts]): not in Torch7; a GPT-2 style
-- language model (nanoGPT's GPT): token embedding + learned positions, Dropout, nLayers
-- nn.TransformerBlock, a final LayerNorm and an output projection whose weight IS the token
-- embedding's (weight tying: one tensor, one gradient, shared by getParameters and saved
-- once). Input: B x T indices (T <= blockSize); output: B x T x vocabSize logits.
-- opts: dropout (0), bias (true). m:generate(prompt, n [, {temperature = 1, topK}]) samples
-- n tokens after prompt (a 1D tensor of indices) with the blocks' key/value cache.
local nn = require 'nn'
require 'nn.TransformerBlock'
require 'nn.PositionalEmbedding'

local GPT, parent = torch.class('nn.GPT', 'nn.Container')

function GPT:__init(vocabSize, blockSize, dim, nLayers, nHeads, opts)
   parent.__init(self)
   opts = opts or {}
   if math.type(nLayers) ~= 'integer' or nLayers < 1 then
      self:_error('expected a positive integer nLayers, got %s', tostring(nLayers))
   end
   self.vocabSize, self.blockSize, self.dim = vocabSize, blockSize, dim
   self.tok = nn.LookupTable(vocabSize, dim)
   self.tok:reset(0.02)
   self.pos = nn.PositionalEmbedding(blockSize, dim)
   self.drop = nn.Dropout(opts.dropout or 0)
   self.blocks = {}
   for i = 1, nLayers do
      self.blocks[i] = nn.TransformerBlock(dim, nHeads, {dropout = opts.dropout, bias = opts.bias})
   end
   self.lnf = nn.LayerNorm(dim)
   self.head = nn.Linear(dim, vocabSize, false)
   self.head.weight, self.head.gradWeight = self.tok.weight, self.tok.gradWeight
   self.modules = {self.tok, self.pos, self.drop}
   for i = 1, nLayers do self.modules[#self.modules + 1] = self.blocks[i] end
   self.modules[#self.modules + 1] = self.lnf
   self.modules[#self.modules + 1] = self.head
end

-- Conversion keeps the shared storage; the head is pointed at the embedding's very tensors
-- again so that the tying is one object (saved once).
function GPT:type(tname, tensorCache)
   if not tname then return self._type end
   parent.type(self, tname, tensorCache)
   if torch.type(self.head) == 'nn.Linear' then -- not once dl.quantize made it int8
      self.head.weight, self.head.gradWeight = self.tok.weight, self.tok.gradWeight
   end
   return self
end

function GPT:_logits(h)
   local B, T = h:size(1), h:size(2)
   local l = self.lnf:forward(h)
   return self.head:forward(l:view(B * T, self.dim)):view(B, T, self.vocabSize)
end

function GPT:updateOutput(input)
   if not torch.isTensor(input) or input:dim() ~= 2 then
      self:_error('input of size %s, expected batch x length indices',
                  torch.isTensor(input) and nn.utils.sizestr(input) or torch.type(input))
   end
   self.pos.offset = 0
   local h = self.drop:forward(self.pos:forward(self.tok:forward(input)))
   for _, b in ipairs(self.blocks) do h = b:forward(h) end
   self.output = self:_logits(h)
   return self.output
end

local back = nn.TransformerEncoderLayer._back

function GPT:_backward(input, gradOutput, scale)
   local B, T = input:size(1), input:size(2)
   local g = gradOutput:contiguous():view(B * T, self.vocabSize)
   g = back(self.head, self.lnf.output:view(B * T, self.dim), g, scale)
   local n = #self.blocks
   g = back(self.lnf, self.blocks[n].output, g:view(B, T, self.dim), scale)
   for i = n, 1, -1 do
      g = back(self.blocks[i], i > 1 and self.blocks[i - 1].output or self.drop.output, g, scale)
   end
   g = back(self.drop, self.pos.output, g, scale)
   g = back(self.pos, self.tok.output, g, scale)
   self.gradInput = back(self.tok, input, g, scale)
   return self.gradInput
end

GPT.updateGradInput = nn.TransformerEncoderLayer.updateGradInput
GPT.backward = nn.TransformerEncoderLayer.backward
GPT.accGradParameters = nn.TransformerEncoderLayer.accGradParameters

-- Logits of the next B x t positions through the cache (after resetCache, or the positions
-- already fed): B x t x vocabSize.
function GPT:resetCache()
   for _, b in ipairs(self.blocks) do b:resetCache() end
   self._cached = 0
   return self
end

function GPT:step(input)
   self._cached = self._cached or 0
   self.pos.offset = self._cached
   local ok, h = pcall(self.pos.forward, self.pos, self.tok:forward(input))
   self.pos.offset = 0
   if not ok then error(h, 0) end
   h = h:clone()
   for _, b in ipairs(self.blocks) do h = b:step(h) end
   self._cached = self._cached + input:size(2)
   return self:_logits(h):clone()
end

-- One index from logits (a vector): softmax(logits / temperature), the topK largest only.
local function sample(logits, temperature, topK)
   local l = logits:double():div(temperature)
   if topK and topK < l:size(1) then
      local v = torch.sort(l, 1, true)
      local cut = v[topK]
      l[l:lt(cut)] = -math.huge
   end
   local p = (l - l:max()):exp()
   p:div(p:sum())
   local r, acc = torch.uniform(), 0
   for i = 1, p:size(1) do
      acc = acc + p[i]
      if r <= acc then return i end
   end
   return p:size(1)
end

function GPT:generate(prompt, n, opts)
   opts = opts or {}
   local temperature, topK = opts.temperature or 1, opts.topK
   if not torch.isTensor(prompt) or prompt:dim() ~= 1 or prompt:size(1) < 1 then
      self:_error('prompt must be a non-empty 1D tensor of indices, got %s',
                  torch.isTensor(prompt) and nn.utils.sizestr(prompt) or torch.type(prompt))
   end
   if prompt:size(1) + n > self.blockSize then
      self:_error('prompt of %d and %d new tokens exceed the block size %d', prompt:size(1), n,
                  self.blockSize)
   end
   local wasTraining = self.train
   self:evaluate()
   self:resetCache()
   local out = torch.LongTensor(prompt:size(1) + n)
   out:narrow(1, 1, prompt:size(1)):copy(prompt)
   local logits = self:step(out:narrow(1, 1, prompt:size(1)):view(1, -1))
   for i = 1, n do
      local idx = sample(logits[1][logits:size(2)], temperature, topK)
      out[prompt:size(1) + i] = idx
      if i < n then logits = self:step(torch.LongTensor({{idx}})) end
   end
   self:resetCache()
   if wasTraining ~= false then self:training() end
   return out
end

function GPT:__tostring__()
   return string.format('%s(vocab %d, block %d, dim %d, %d layers, %d heads)', torch.type(self),
                        self.vocabSize, self.blockSize, self.dim, #self.blocks,
                        self.blocks[1].attn.nHeads)
end

return GPT
