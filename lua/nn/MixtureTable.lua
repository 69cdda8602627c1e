-- nn.MixtureTable([dim]): a mixture of experts. Input {gater, experts}: gater holds n
-- weights (a vector, or a batch B x n), experts either a table of n tensors of one size
-- (each B x ... for a batch) or one tensor holding the n experts along dimension dim
-- (default 2 for a batch, 1 without). The output is sum_i gater[i] * expert_i, per sample.
local nn = require 'nn'
local utils = nn.utils

local MixtureTable, parent = torch.class('nn.MixtureTable', 'nn.Module')

function MixtureTable:__init(dim)
   parent.__init(self)
   self.dim = dim
   self.gradInput = {}
end

function MixtureTable:_unpack(input)
   if type(input) ~= 'table' or torch.isTensor(input) or #input ~= 2 then
      self:_error('expected a table {gater, experts}, got %s', torch.type(input))
   end
   local gater, experts = input[1], input[2]
   utils.checkFloatTensor(self, gater, 'gater')
   if gater:dim() ~= 1 and gater:dim() ~= 2 then
      self:_error('gater of size %s, expected n or B x n', utils.sizestr(gater))
   end
   local batched = gater:dim() == 2
   local n = gater:size(gater:dim())
   local B = batched and gater:size(1) or 1
   if type(experts) == 'table' and not torch.isTensor(experts) then
      if #experts ~= n then
         self:_error('%d experts for a gater of size %s (one gate per expert)', #experts,
                     utils.sizestr(gater))
      end
      for i, e in ipairs(experts) do
         utils.checkFloatTensor(self, e, 'expert ' .. i)
         if e:nElement() ~= experts[1]:nElement() or (batched and (e:dim() < 1 or e:size(1) ~= B)) then
            self:_error('expert %d of size %s does not match expert 1 of size %s and a batch of %d',
                        i, utils.sizestr(e), utils.sizestr(experts[1]), B)
         end
      end
      return gater, experts, true, batched, n, B
   end
   utils.checkFloatTensor(self, experts, 'experts')
   local dim = self.dim or (batched and 2 or 1)
   if experts:dim() < dim or experts:size(dim) ~= n or (batched and experts:size(1) ~= B) then
      self:_error('experts of size %s, expected %d experts along dimension %d (gater of size %s)',
                  utils.sizestr(experts), n, dim, utils.sizestr(gater))
   end
   return gater, experts, false, batched, n, B, dim
end

-- gate i as a tensor broadcastable to an expert: B x 1 x ... (or a 1-element view).
local function gate(gater, i, e, batched)
   if batched then
      local shape = {e:size(1)}
      for _ = 2, e:dim() do shape[#shape + 1] = 1 end
      return gater:select(2, i):contiguous():view(table.unpack(shape)):expandAs(e)
   end
   local shape = {}
   for d = 1, e:dim() do shape[d] = 1 end
   return gater:narrow(1, i, 1):view(table.unpack(shape)):expandAs(e)
end

-- The gater viewed to broadcast along the experts tensor.
local function gaterView(gater, experts, dim, batched)
   local shape = {}
   for d = 1, experts:dim() do shape[d] = 1 end
   if batched then shape[1] = gater:size(1) end
   shape[dim] = gater:size(gater:dim())
   return gater:contiguous():view(table.unpack(shape)):expandAs(experts)
end

function MixtureTable:updateOutput(input)
   local gater, experts, istable, batched, n, B, dim = self:_unpack(input)
   if istable then
      self.output:resizeAs(experts[1]):zero()
      for i, e in ipairs(experts) do self.output:addcmul(1, e, gate(gater, i, e, batched)) end
   else
      self._expert = self._expert or experts.new()
      self._expert:resizeAs(experts):cmul(gaterView(gater, experts, dim, batched), experts)
      local size = experts:size()
      size[dim] = 1
      self.output:resize(size):sum(self._expert, dim)
      self.output:resize(experts:select(dim, 1):size())
   end
   return self.output
end

function MixtureTable:updateGradInput(input, gradOutput)
   local gater, experts, istable, batched, n, B, dim = self:_unpack(input)
   local gg = torch.isTensor(self.gradInput[1]) and self.gradInput[1]:type() == gater:type()
      and self.gradInput[1] or gater.new()
   self.gradInput[1] = gg
   gg:resizeAs(gater)
   self._expert = self._expert or gater.new()
   if istable then
      utils.checkGradOutput(self, gradOutput, experts[1])
      local ge = type(self.gradInput[2]) == 'table' and not torch.isTensor(self.gradInput[2])
         and self.gradInput[2] or {}
      self.gradInput[2] = ge
      for i = #ge, n + 1, -1 do ge[i] = nil end
      for i, e in ipairs(experts) do
         self._expert:resizeAs(e):cmul(gradOutput, e)
         if batched then
            self._sum = self._sum or gater.new()
            self._sum:resize(B, 1):sum(self._expert:contiguous():view(B, -1), 2)
            gg:select(2, i):copy(self._sum:view(B))
         else
            gg[i] = self._expert:sum()
         end
         ge[i] = torch.isTensor(ge[i]) and ge[i]:type() == e:type() and ge[i] or e.new()
         ge[i]:resizeAs(e):cmul(gradOutput, gate(gater, i, e, batched))
      end
   else
      local size = experts:size()
      size[dim] = 1
      utils.checkGradOutput(self, gradOutput, experts:select(dim, 1))
      local go = gradOutput:contiguous():view(size):expandAs(experts)
      self._expert:resizeAs(experts):cmul(go, experts)
      -- sum over every dimension but the batch and the experts'
      local lead = batched and 2 or 1
      self._expert2 = self._expert2 or gater.new()
      local t = self._expert:transpose(dim, lead)
      self._expert2:resizeAs(t):copy(t)
      self._sum = self._sum or gater.new()
      if batched then
         self._sum:resize(B, n, 1):sum(self._expert2:view(B, n, -1), 3)
      else
         self._sum:resize(n, 1):sum(self._expert2:view(n, -1), 2)
      end
      gg:copy(self._sum:viewAs(gg))
      local ge = torch.isTensor(self.gradInput[2]) and self.gradInput[2]:type() == experts:type()
         and self.gradInput[2] or experts.new()
      self.gradInput[2] = ge
      ge:resizeAs(experts):cmul(gaterView(gater, experts, dim, batched), go)
   end
   return self.gradInput
end

function MixtureTable:clearState()
   nn.utils.clear(self, '_expert', '_expert2', '_sum')
   return parent.clearState(self)
end

return MixtureTable
