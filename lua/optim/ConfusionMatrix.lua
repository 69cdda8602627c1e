--[[ A confusion matrix, as Torch7's optim.ConfusionMatrix, with per-class precision,
recall and F1 added.

   conf = optim.ConfusionMatrix({'cat', 'dog', 'person'})   -- or (3), or (3, classes)
   conf:zero()
   conf:add(model:forward(sample), label)        -- a score vector (arg-max) or an index
   conf:batchAdd(model:forward(batch), labels)   -- n x k scores, n labels
   print(conf)

mat[t][p] counts the samples of target class t predicted as p (rows are targets).
A target <= 0 is a missing label and is not counted.
]]
local K = torch._optim
local ConfusionMatrix = torch.class('optim.ConfusionMatrix')

function ConfusionMatrix:__init(nclasses, classes)
   if type(nclasses) == 'table' then
      classes = nclasses
      nclasses = #classes
   end
   if math.type(nclasses) ~= 'integer' and not (type(nclasses) == 'number' and nclasses % 1 == 0)
      or nclasses < 1 then
      error('ConfusionMatrix: expected a number of classes or a table of class names, got '
            .. tostring(nclasses), 3)
   end
   nclasses = math.tointeger(nclasses)
   self.mat = torch.LongTensor(nclasses, nclasses):zero()
   self.valids = torch.FloatTensor(nclasses):zero()
   self.unionvalids = torch.FloatTensor(nclasses):zero()
   self.precision = torch.FloatTensor(nclasses):zero()
   self.recall = torch.FloatTensor(nclasses):zero()
   self.f1 = torch.FloatTensor(nclasses):zero()
   self.nclasses = nclasses
   self.totalValid = 0
   self.averageValid = 0
   self.averageUnionValid = 0
   self.accuracy = 0
   self.averageF1 = 0
   self.classes = classes or {}
end

-- The class index that a prediction or target stands for: a number as it is, a score
-- vector (or one-hot row) by its arg-max, the first on ties.
local function classof(v, what)
   if type(v) == 'number' then return v end
   if not torch.isTensor(v) then
      error(string.format('ConfusionMatrix.add: %s must be a number or a tensor, got %s',
                          what, torch.type(v)), 3)
   end
   if v:dim() ~= 1 then
      error(string.format('ConfusionMatrix.add: %s must be a 1-D tensor, got %d dimensions',
                          what, v:dim()), 3)
   end
   local best, bi = -math.huge, 1
   for i = 1, v:size(1) do
      local x = v[i]
      if x > best then best, bi = x, i end
   end
   return bi
end

function ConfusionMatrix:add(prediction, target)
   local p = classof(prediction, 'prediction')
   local t = classof(target, 'target')
   if t <= 0 then return end   -- a missing label
   local k = self.nclasses
   if t > k or t % 1 ~= 0 then
      error(string.format('ConfusionMatrix.add: target %s out of range 1..%d', tostring(t), k), 2)
   end
   if p < 1 or p > k or p % 1 ~= 0 then
      error(string.format('ConfusionMatrix.add: prediction %s out of range 1..%d',
                          tostring(p), k), 2)
   end
   local row = self.mat[math.tointeger(t)]
   row[math.tointeger(p)] = row[math.tointeger(p)] + 1
end

-- predictions: n class indices, or n x k scores; targets: n indices, or n x k one-hot.
function ConfusionMatrix:batchAdd(predictions, targets)
   K.confusion_add(self.mat, predictions, targets)
end

function ConfusionMatrix:zero()
   self.mat:zero()
   self.valids:zero()
   self.unionvalids:zero()
   self.precision:zero()
   self.recall:zero()
   self.f1:zero()
   self.totalValid = 0
   self.averageValid = 0
   self.averageUnionValid = 0
   self.accuracy = 0
   self.averageF1 = 0
end

local function isnan(x) return x ~= x end

-- The mean of the values that are not NaN (NaN when there are none).
local function nanmean(values)
   local sum, n = 0, 0
   for _, v in ipairs(values) do
      if not isnan(v) then sum, n = sum + v, n + 1 end
   end
   return sum / n
end

-- Computes valids (per-class recall, Torch7's "row correct"), unionvalids (the VOC
-- measure), precision, recall, f1, and the global figures totalValid (= accuracy),
-- averageValid, averageUnionValid and averageF1 (the macro F1). A class with no
-- samples has NaN figures and is left out of the averages, as in Torch7.
function ConfusionMatrix:updateValids()
   local k, m = self.nclasses, self.mat:totable()
   local rows, cols, diag, total = {}, {}, 0, 0
   for t = 1, k do rows[t], cols[t] = 0, 0 end
   for t = 1, k do
      for p = 1, k do
         rows[t] = rows[t] + m[t][p]
         cols[p] = cols[p] + m[t][p]
      end
      diag = diag + m[t][t]
   end
   total = 0
   for t = 1, k do total = total + rows[t] end
   local valids, unions, f1s = {}, {}, {}
   for t = 1, k do
      local tp = m[t][t]
      local recall = tp / rows[t]
      local precision = tp / cols[t]
      local f1
      if isnan(recall) or isnan(precision) then
         f1 = 0 / 0
      elseif precision + recall == 0 then
         f1 = 0
      else
         f1 = 2 * precision * recall / (precision + recall)
      end
      valids[t], unions[t], f1s[t] = recall, tp / (rows[t] + cols[t] - tp), f1
      self.valids[t] = recall
      self.unionvalids[t] = unions[t]
      self.recall[t] = recall
      self.precision[t] = precision
      self.f1[t] = f1
   end
   self.totalValid = diag / total
   self.accuracy = self.totalValid
   -- averages over the float values stored, as Torch7 summed its FloatTensor
   local fv, fu = {}, {}
   for t = 1, k do
      fv[t] = self.valids[t]
      fu[t] = isnan(valids[t]) and 0 / 0 or self.unionvalids[t]
   end
   self.averageValid = nanmean(fv)
   self.averageUnionValid = nanmean(fu)
   self.averageF1 = nanmean(f1s)
end

local function pct(x)
   if x ~= x then return 'nan' end
   return string.format('%7.3f%%', x * 100)
end
-- numbers as LuaJIT printed them in Torch7 (70, not 70.0)
local function num(x) return string.format('%.14g', x) end

function ConfusionMatrix:__tostring__()
   self:updateValids()
   local str = {'ConfusionMatrix:\n'}
   local k, m = self.nclasses, self.mat:totable()
   local named = self.classes and self.classes[1]
   local maxCnt = 0
   for t = 1, k do for p = 1, k do maxCnt = math.max(maxCnt, m[t][p]) end end
   local nDigits = math.max(8, 1 + math.ceil(math.log(math.max(maxCnt, 1), 10)))
   table.insert(str, '[')
   for t = 1, k do
      local v = self.valids[t]
      local pclass = v ~= v and 'nan' or string.format('%2.3f', v * 100)
      table.insert(str, t == 1 and '[' or ' [')
      for p = 1, k do
         table.insert(str, string.format('%' .. nDigits .. 'd', m[t][p]))
      end
      local close = (t == k) and ']]  ' or ']   '
      if named then
         table.insert(str, close .. pclass .. '% \t[class: ' .. tostring(self.classes[t] or '')
                      .. ']\n')
      else
         table.insert(str, close .. pclass .. '% \n')
      end
   end
   table.insert(str, ' + average row correct: ' .. num(self.averageValid * 100) .. '% \n')
   table.insert(str, ' + average rowUcol correct (VOC measure): '
                .. num(self.averageUnionValid * 100) .. '% \n')
   table.insert(str, ' + global correct: ' .. num(self.totalValid * 100) .. '%\n')
   -- not in Torch7: per-class precision, recall and F1
   local width = 5
   for t = 1, k do
      width = math.max(width, #(named and tostring(self.classes[t] or '') or ('class ' .. t)))
   end
   table.insert(str, string.format(' + %-' .. width .. 's  %9s %9s %9s\n', 'class',
                                   'precision', 'recall', 'F1'))
   for t = 1, k do
      local name = named and tostring(self.classes[t] or '') or ('class ' .. t)
      table.insert(str, string.format('   %-' .. width .. 's  %9s %9s %9s\n', name,
                                      pct(self.precision[t]), pct(self.recall[t]),
                                      pct(self.f1[t])))
   end
   table.insert(str, ' + average F1: ' .. num(self.averageF1 * 100) .. '%')
   return table.concat(str)
end
