-- nn.SpatialConvolutionMap(connTable, kW, kH [, dW = 1, dH = 1]): a convolution through a
-- connection table, as Torch7: connTable is an nConnections x 2 tensor of (input plane,
-- output plane) pairs, each with its own kH x kW kernel (weight nConnections x kH x kW),
-- and output plane o is bias[o] plus the valid convolutions of the input planes connected
-- to it. nInputPlane and nOutputPlane are the table's largest entries. nn.tables.full,
-- oneToOne and random build tables. Kernels: nn_convmap_* in src/nn/conv.c.
local nn = require 'nn'
local K = torch._nn

nn.tables = nn.tables or {}

-- Every input plane to every output plane: nin * nout connections, output-major.
function nn.tables.full(nin, nout)
   local t = torch.Tensor(nin * nout, 2)
   local p = 1
   for o = 1, nout do
      for i = 1, nin do
         t[p][1], t[p][2] = i, o
         p = p + 1
      end
   end
   return t
end

-- Plane i to plane i.
function nn.tables.oneToOne(n)
   local t = torch.Tensor(n, 2)
   for i = 1, n do t[i][1], t[i][2] = i, i end
   return t
end

-- Each of the nout output planes takes nto distinct input planes drawn at random; the
-- draws walk through random permutations of the inputs in chunks of nto, so the inputs
-- are used evenly, as in Torch7.
function nn.tables.random(nin, nout, nto)
   if nto > nin then
      error(string.format('nn.tables.random: %d inputs per output, but only %d inputs', nto, nin), 2)
   end
   local t = torch.Tensor(nout * nto, 2)
   local perm, chunks, chunk = torch.randperm(nin), nin // nto, 0
   for o = 1, nout do
      if chunk == chunks then
         perm = torch.randperm(nin)
         chunk = 0
      end
      for k = 1, nto do
         local row = (o - 1) * nto + k
         t[row][1], t[row][2] = perm[chunk * nto + k], o
      end
      chunk = chunk + 1
   end
   return t
end

local Map, parent = torch.class('nn.SpatialConvolutionMap', 'nn.Module')

Map._full = false

function Map:__init(connTable, kW, kH, dW, dH)
   parent.__init(self)
   if not torch.isTensor(connTable) or connTable:dim() ~= 2 or connTable:size(2) ~= 2 then
      self:_error('connTable must be an nConnections x 2 tensor, got %s',
                  torch.isTensor(connTable) and nn.utils.sizestr(connTable) or type(connTable))
   end
   local int = nn.SpatialConvolution._posint
   self.kW, self.kH = int(self, 'kW', kW), int(self, 'kH', kH)
   self.dW, self.dH = int(self, 'dW', dW or 1), int(self, 'dH', dH or 1)
   self.connTable = connTable
   self.nInputPlane = math.tointeger(connTable:select(2, 1):max())
   self.nOutputPlane = math.tointeger(connTable:select(2, 2):max())
   local n = connTable:size(1)
   self.weight = torch.Tensor(n, self.kH, self.kW)
   self.bias = torch.Tensor(self.nOutputPlane)
   self.gradWeight = torch.Tensor(n, self.kH, self.kW):zero()
   self.gradBias = torch.Tensor(self.nOutputPlane):zero()
   self._conn = torch.LongTensor()
   self:reset()
end

-- Torch7's initialization: each kernel and bias uniform in +-1/sqrt(kW*kH*fanIn), fanIn
-- the number of connections into its output plane (for a full map, of its input plane);
-- with stdv given, all uniform in +-stdv*sqrt(3).
function Map:reset(stdv)
   if stdv then
      stdv = stdv * math.sqrt(3)
      self.weight:uniform(-stdv, stdv)
      self.bias:uniform(-stdv, stdv)
      return self
   end
   local col = self._full and 1 or 2
   local fan = {}
   for k = 1, self.connTable:size(1) do
      local p = self.connTable[k][col]
      fan[p] = (fan[p] or 0) + 1
   end
   for k = 1, self.connTable:size(1) do
      local s = 1 / math.sqrt(self.kW * self.kH * fan[self.connTable[k][col]])
      self.weight[k]:uniform(-s, s)
   end
   for o = 1, self.nOutputPlane do
      local s = 1 / math.sqrt(self.kW * self.kH * (self._full and 1 or (fan[o] or 1)))
      self.bias[o] = torch.uniform(-s, s)
   end
   return self
end

-- The table as the kernels take it, a contiguous LongTensor.
function Map:_table()
   self._conn = self._conn or torch.LongTensor()
   self._conn:resize(self.connTable:size(1), 2):copy(self.connTable)
   return self._conn
end

function Map:_geom()
   return self.kW, self.kH, self.dW, self.dH, self._full
end

function Map:updateOutput(input)
   K.convmap_forward(self.output, input, self.weight, self.bias, self:_table(),
                     self.nOutputPlane, self:_geom())
   return self.output
end

function Map:updateGradInput(input, gradOutput)
   if not self.gradInput then return end
   K.convmap_backward_input(self.gradInput, input, gradOutput, self.weight, self:_table(),
                            self.nOutputPlane, self:_geom())
   return self.gradInput
end

function Map:accGradParameters(input, gradOutput, scale)
   K.convmap_backward_params(self.gradWeight, self.gradBias, input, gradOutput, self:_table(),
                             self.nOutputPlane, scale or 1, self:_geom())
end

-- the kernels' table stays a LongTensor whatever the module's type
function Map:type(tname, tensorCache)
   self._conn = nil
   parent.type(self, tname, tensorCache)
   self._conn = torch.LongTensor()
   return self
end

function Map:__tostring__()
   return string.format('%s(%d -> %d, %dx%d, %d,%d)', torch.type(self), self.nInputPlane,
                        self.nOutputPlane, self.kW, self.kH, self.dW, self.dH)
end

return Map
