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

-- The counts as a Lua table of rows, from mat (which a script may have replaced by a
-- tensor of another type, as Torch7's tests do) and its number of classes.
local function counts(self, fn)
   local mat = self.mat
   if not torch.isTensor(mat) or mat:dim() ~= 2 or mat:size(1) ~= mat:size(2) then
      error('ConfusionMatrix.' .. fn .. ': mat must be a square matrix of counts', 3)
   end
   return mat:totable(), mat:size(1)
end

-- conf:farFrr() -> classFrrs, classFars, frrs, fars: per class i, the false rejection rate
-- 1 - mat[i][i]/row_i, and the false acceptance rate, the mean over the other classes j
-- with samples of mat[j][i]/row_j (Torch7's definitions). classFrrs and classFars have one
-- entry per class, -1 for a class without samples; frrs and fars hold the classes with
-- samples only. A FAR is NaN when no other class has samples. DoubleTensors.
function ConfusionMatrix:farFrr()
   local m, k = counts(self, 'farFrr')
   local rows = {}
   for i = 1, k do
      rows[i] = 0
      for j = 1, k do rows[i] = rows[i] + m[i][j] end
   end
   local classFrrs = torch.DoubleTensor(k):fill(-1)
   local classFars = torch.DoubleTensor(k):fill(-1)
   local frrs, fars = {}, {}
   for i = 1, k do
      if rows[i] ~= 0 then
         local frr = 1 - m[i][i] / rows[i]
         local num, den = 0, 0
         for j = 1, k do
            if j ~= i and rows[j] ~= 0 then
               num, den = num + m[j][i] / rows[j], den + 1
            end
         end
         local far = num / den
         classFrrs[i], classFars[i] = frr, far
         frrs[#frrs + 1], fars[#fars + 1] = frr, far
      end
   end
   local function tensor(t)
      if #t == 0 then return torch.DoubleTensor() end
      return torch.DoubleTensor(t)
   end
   return classFrrs, classFars, tensor(frrs), tensor(fars)
end

-- conf:render([sortmode [, display [, block [, legendwidth]]]]) -> image, order
-- The matrix as a 3 x (k*block) x (k*block + legendwidth) DoubleTensor image in [0, 1]:
-- cell (t, p) is a block x block square whose grey level is the fraction of class t's
-- samples predicted as p (white = all), with grid lines of level 0.1. Classes are
-- ordered by accuracy ('score', the default) or by number of samples ('occurrence'),
-- best first; order[i] is the class in row and column i. Each row's legend strip
-- (black) holds two bars: on top, in blue, the class's share of the samples relative to
-- the most frequent class; below, in grey, its accuracy. (Torch7 drew with Qt, numbers
-- and names included; this image has no text.) With display true, the image is shown
-- with image.display when an image package provides it.
function ConfusionMatrix:render(sortmode, display, block, legendwidth)
   sortmode = sortmode or 'score'
   block = block or 25
   legendwidth = legendwidth or 200
   if sortmode ~= 'score' and sortmode ~= 'occurrence' then
      error("ConfusionMatrix.render: sortmode must be 'score' or 'occurrence', got "
            .. tostring(sortmode), 2)
   end
   if math.type(block) ~= 'integer' and not (type(block) == 'number' and block % 1 == 0)
      or block < 2 then
      error('ConfusionMatrix.render: block must be an integer >= 2, got ' .. tostring(block), 2)
   end
   if type(legendwidth) ~= 'number' or legendwidth % 1 ~= 0 or legendwidth < 0 then
      error('ConfusionMatrix.render: legendwidth must be an integer >= 0, got '
            .. tostring(legendwidth), 2)
   end
   block, legendwidth = math.tointeger(block), math.tointeger(legendwidth)
   local m, k = counts(self, 'render')
   local frac, freq, acc = {}, {}, {}
   local total, correct, maxfreq = 0, 0, 0
   for t = 1, k do
      local row = 0
      for p = 1, k do row = row + m[t][p] end
      frac[t] = {}
      for p = 1, k do frac[t][p] = m[t][p] / math.max(row, 1) end
      freq[t], acc[t] = row, frac[t][t]
      total, correct, maxfreq = total + row, correct + m[t][t], math.max(maxfreq, row)
   end
   local key = sortmode == 'score' and acc or freq
   local order = {}
   for t = 1, k do order[t] = t end
   table.sort(order, function(a, b)
      if key[a] ~= key[b] then return key[a] > key[b] end
      return a < b
   end)

   local side = k * block
   local img = torch.DoubleTensor(3, side, side + legendwidth):zero()
   local function rect(r0, c0, h, w, rgb)
      if h <= 0 or w <= 0 then return end
      for c = 1, 3 do img[c]:narrow(1, r0, h):narrow(2, c0, w):fill(rgb[c]) end
   end
   for i = 1, k do
      for j = 1, k do
         local v = frac[order[i]][order[j]]
         rect((i - 1) * block + 1, (j - 1) * block + 1, block, block, {v, v, v})
      end
   end
   for i = 1, k do   -- the grid
      rect(i * block, 1, 1, side, {0.1, 0.1, 0.1})
      rect(1, i * block, side, 1, {0.1, 0.1, 0.1})
   end
   if legendwidth > 2 then
      local half = block // 2
      for i = 1, k do
         local t, r0 = order[i], (i - 1) * block + 1
         local share = maxfreq > 0 and freq[t] / maxfreq or 0
         local gs = share * 0.9 + 0.1
         rect(r0 + 1, side + 2, half - 1, math.floor(share * (legendwidth - 2) + 0.5),
              {gs * 0.5 + 0.2, gs * 0.5 + 0.2, gs * 0.8 + 0.2})
         local ga = acc[t] * 0.8 + 0.2
         rect(r0 + half, side + 2, block - half - 1, math.floor(acc[t] * (legendwidth - 2) + 0.5),
              {ga, ga, ga})
      end
   end
   if display then
      local ok, image = pcall(require, 'image')
      if ok and type(image) == 'table' and image.display then
         local perclass, n = 0, 0
         for t = 1, k do if freq[t] > 0 then perclass, n = perclass + acc[t], n + 1 end end
         image.display{image = img, legend = string.format(
            'Confusion matrix [sorted by %s, global accuracy = %0.3f%%, per-class accuracy = %0.3f%%]',
            sortmode == 'score' and 'scores' or 'occurrences', correct / total * 100,
            perclass / n * 100)}
      else
         print('ConfusionMatrix.render: no image.display here; save the returned tensor instead')
      end
   end
   return img, torch.LongTensor(order)
end
