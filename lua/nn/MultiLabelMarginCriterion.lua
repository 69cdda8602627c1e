-- nn.MultiLabelMarginCriterion(): the multi-class multi-label hinge loss, as Torch7. For
-- an input x of n scores and a target y of n class indices (the labels first, ended by the
-- first 0):
--   loss = sum_{j labels} sum_{i not a label} max(0, 1 - (x[y_j] - x[i])) / n.
-- Input and target are 1D (n) or 2D (batch x n); over a batch the losses are summed, and
-- divided by the batch size when sizeAverage (true by default).
local nn = require 'nn'

local MLM, parent = torch.class('nn.MultiLabelMarginCriterion', 'nn.Criterion')

function MLM:__init()
   parent.__init(self)
   self.sizeAverage = true
end

-- Input and target as batches (frames x n), and the labels of each frame as a Lua list.
function MLM:_frames(input, target)
   self:_checkFloat(input)
   local d = input:dim()
   if (d ~= 1 and d ~= 2) or not torch.isTensor(target) or target:dim() ~= d
      or target:nElement() ~= input:nElement() then
      self:_error('input of size %s and target of size %s, expected n and n, or batch x n '
                  .. 'and batch x n', nn.utils.sizestr(input), nn.utils.sizestr(target))
   end
   local n = input:size(d)
   local x = input:contiguous():view(-1, n)
   local t = target:contiguous():view(-1, n)
   local labels = {}
   for f = 1, x:size(1) do
      local list = {}
      for k = 1, n do
         local y = t[f][k]
         if y == 0 then break end
         if y < 0 or y > n or y ~= math.floor(y) then
            self:_error('target %s of frame %d is not a class in 1..%d', tostring(y), f, n)
         end
         list[#list + 1] = math.tointeger(y)
      end
      labels[f] = list
   end
   return x, labels, n
end

-- Calls visit(frame, label, other, z) for every hinge term with z > 0.
local function hinges(x, labels, n, visit)
   for f = 1, x:size(1) do
      local row, isLabel = x[f], {}
      for _, y in ipairs(labels[f]) do isLabel[y] = true end
      for _, y in ipairs(labels[f]) do
         for i = 1, n do
            if not isLabel[i] then
               local z = 1 - row[y] + row[i]
               if z > 0 then visit(f, y, i, z) end
            end
         end
      end
   end
end

function MLM:_norm(x, n)
   return n * (self.sizeAverage and x:size(1) or 1)
end

function MLM:updateOutput(input, target)
   local x, labels, n = self:_frames(input, target)
   local sum = 0
   hinges(x, labels, n, function(_, _, _, z) sum = sum + z end)
   self.output = sum / self:_norm(x, n)
   return self.output
end

function MLM:updateGradInput(input, target)
   local x, labels, n = self:_frames(input, target)
   local g = 1 / self:_norm(x, n)
   local grad = x.new():resizeAs(x):zero()
   hinges(x, labels, n, function(f, y, i)
      grad[f][y] = grad[f][y] - g
      grad[f][i] = grad[f][i] + g
   end)
   self.gradInput:resizeAs(input):copy(grad:viewAs(input))
   return self.gradInput
end

return MLM
