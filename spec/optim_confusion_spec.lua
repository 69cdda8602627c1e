-- optim.ConfusionMatrix and optim.Logger.
require 'torch'
require 'optim'

local function raises(f, ...)
   local ok, err = pcall(f)
   assert.is_false(ok, 'expected an error')
   for _, s in ipairs({...}) do
      assert(tostring(err):find(s, 1, true),
             ('error %q does not contain %q'):format(tostring(err), s))
   end
end

local function near(a, b, tol) assert(math.abs(a - b) <= (tol or 1e-6), a .. ' ~= ' .. b) end

-- The hand-made example: rows are targets, columns predictions.
--        p1 p2 p3 | row
--   t1    3  1  0 |  4
--   t2    1  2  1 |  4
--   t3    0  0  2 |  2
--   col   4  3  3 | 10, diagonal 7
local expected = {{3, 1, 0}, {1, 2, 1}, {0, 0, 2}}

local function filled(classes)
   local c = optim.ConfusionMatrix(classes or 3)
   -- as numbers
   c:add(1, 1); c:add(1, 1); c:add(2, 1)
   -- as score vectors (arg-max) and one-hot targets
   c:add(torch.FloatTensor({0.9, 0.05, 0.05}), 1)
   c:add(torch.FloatTensor({0.7, 0.2, 0.1}), torch.FloatTensor({0, 1, 0}))
   -- a batch of scores with class-index targets, one label missing (0: not counted)
   c:batchAdd(torch.DoubleTensor({{0.1, 0.8, 0.1}, {0.2, 0.5, 0.3}, {0, 0.1, 0.9},
                                  {0.1, 0.1, 0.8}, {0.3, 0.3, 0.4}, {1, 0, 0}}),
              torch.LongTensor({2, 2, 2, 3, 3, 0}))
   return c
end

describe('optim.ConfusionMatrix', function()
   it('counts add and batchAdd', function()
      assert.are.same(expected, filled().mat:totable())
   end)

   it('batchAdd with class indices and one-hot targets', function()
      local c = optim.ConfusionMatrix(2)
      c:batchAdd(torch.LongTensor({1, 2, 2}), torch.FloatTensor({{1, 0}, {1, 0}, {0, 1}}))
      assert.are.same({{1, 1}, {0, 1}}, c.mat:totable())
   end)

   it('figures: accuracy, recall (valids), precision, F1, VOC', function()
      local c = filled()
      c:updateValids()
      near(c.totalValid, 0.7)
      near(c.accuracy, 0.7)
      -- recall = diagonal / row: 3/4, 2/4, 2/2
      near(c.valids[1], 0.75); near(c.valids[2], 0.5); near(c.valids[3], 1)
      near(c.recall[2], 0.5)
      -- precision = diagonal / column: 3/4, 2/3, 2/3
      near(c.precision[1], 0.75); near(c.precision[2], 2 / 3); near(c.precision[3], 2 / 3)
      -- F1 = 2PR/(P+R): 0.75, 2*(2/3)(1/2)/(7/6) = 4/7, 2*(2/3)/(5/3) = 0.8
      near(c.f1[1], 0.75); near(c.f1[2], 4 / 7); near(c.f1[3], 0.8)
      near(c.averageF1, (0.75 + 4 / 7 + 0.8) / 3)
      near(c.averageValid, 0.75)
      -- VOC: diagonal / (row + column - diagonal): 3/5, 2/5, 2/3
      near(c.unionvalids[1], 0.6); near(c.unionvalids[2], 0.4); near(c.unionvalids[3], 2 / 3)
      near(c.averageUnionValid, (0.6 + 0.4 + 2 / 3) / 3)
   end)

   it('a class without samples is left out of the averages', function()
      local c = optim.ConfusionMatrix(3)
      c:add(1, 1); c:add(2, 1); c:add(2, 2)
      c:updateValids()
      assert.is_true(c.valids[3] ~= c.valids[3]) -- NaN
      near(c.averageValid, (0.5 + 1) / 2)
      near(c.totalValid, 2 / 3)
   end)

   it('zero', function()
      local c = filled()
      c:updateValids()
      c:zero()
      assert.are.same({{0, 0, 0}, {0, 0, 0}, {0, 0, 0}}, c.mat:totable())
      assert.are.equal(0, c.totalValid)
   end)

   it('prints as Torch7, with class names, then precision, recall and F1', function()
      local s = tostring(filled({'cat', 'dog', 'person'}))
      local lines = {}
      for line in s:gmatch('[^\n]+') do lines[#lines + 1] = line end
      assert.are.equal('ConfusionMatrix:', lines[1])
      assert.are.equal('[[       3       1       0]   75.000% \t[class: cat]', lines[2])
      assert.are.equal(' [       1       2       1]   50.000% \t[class: dog]', lines[3])
      assert.are.equal(' [       0       0       2]]  100.000% \t[class: person]', lines[4])
      assert.are.equal(' + average row correct: 75% ', lines[5])
      assert.truthy(lines[6]:find(' + average rowUcol correct (VOC measure): 55.5555', 1, true))
      assert.are.equal(' + global correct: 70%', lines[7])
      assert.are.equal(' + class   precision    recall        F1', lines[8])
      assert.are.equal('   cat       75.000%   75.000%   75.000%', lines[9])
      assert.are.equal('   dog       66.667%   50.000%   57.143%', lines[10])
      assert.are.equal('   person    66.667%  100.000%   80.000%', lines[11])
      assert.truthy(lines[12]:find(' + average F1: 70.714', 1, true))
   end)

   it('prints without class names', function()
      local s = tostring(filled())
      assert.truthy(s:find('[[       3       1       0]   75.000% \n', 1, true))
      assert.truthy(s:find('   class 2    66.667%   50.000%   57.143%', 1, true))
   end)

   it('rejects out-of-range classes', function()
      local c = optim.ConfusionMatrix(3)
      raises(function() c:add(1, 4) end, 'ConfusionMatrix.add: target 4 out of range 1..3')
      raises(function() c:add(0, 1) end, 'ConfusionMatrix.add: prediction 0 out of range 1..3')
      raises(function() c:batchAdd(torch.LongTensor({1, 5}), torch.LongTensor({1, 1})) end,
             'ConfusionMatrix.batchAdd: prediction 5 of sample 2 out of range 1..3')
      raises(function() c:batchAdd(torch.FloatTensor(2, 4), torch.LongTensor({1, 1})) end,
             'predictions have 4 scores per row, expected 3 classes')
      raises(function() c:batchAdd(torch.LongTensor({1, 2}), torch.LongTensor({1})) end,
             '2 predictions but 1 targets')
      -- nothing of the failed batches was counted
      assert.are.same({{0, 0, 0}, {0, 0, 0}, {0, 0, 0}}, c.mat:totable())
   end)

   it('farFrr: false rejection and false acceptance rates per class', function()
      -- the example: rows 4, 4, 2; FRR = 1 - diagonal/row = 1/4, 1/2, 0;
      -- FAR_1 = mean(mat[2][1]/4, mat[3][1]/2) = mean(1/4, 0), and likewise 1/8 for all
      local classFrrs, classFars, frrs, fars = filled():farFrr()
      near(classFrrs[1], 0.25); near(classFrrs[2], 0.5); near(classFrrs[3], 0)
      for i = 1, 3 do near(classFars[i], 0.125) end
      assert.are.same(classFrrs:totable(), frrs:totable())
      assert.are.same(classFars:totable(), fars:totable())
      -- a class without samples: -1 in the per-class tensors, left out of the others
      local c = optim.ConfusionMatrix(3)
      c.mat:copy(torch.LongTensor({{2, 0, 1}, {0, 0, 0}, {1, 0, 3}}))
      classFrrs, classFars, frrs, fars = c:farFrr()
      local function close(expected, t)
         assert.are.equal(#expected, t:size(1))
         for i = 1, #expected do near(t[i], expected[i], 1e-15) end
      end
      close({1 / 3, -1, 0.25}, classFrrs)
      -- FAR_1 = mat[3][1]/4 (class 2 has no samples), FAR_3 = mat[1][3]/3
      close({0.25, -1, 1 / 3}, classFars)
      close({1 / 3, 0.25}, frrs)
      close({0.25, 1 / 3}, fars)
      -- Torch7's test: the identity (as a DoubleTensor in mat) has no errors
      c = optim.ConfusionMatrix(10)
      c.mat = torch.eye(10, 10)
      classFrrs, classFars = c:farFrr()
      assert.are.equal(0, classFrrs:sum() + classFars:sum())
   end)

   it('render: the row-normalised matrix as an image, sorted, with a legend', function()
      -- fractions per row: t1 .75 .25 0, t2 .25 .5 .25, t3 0 0 1; accuracies .75 .5 1
      local img, order = filled():render('score', false, 4, 10)
      assert.are.same({3, 12, 22}, img:size():totable())
      assert.are.same({3, 1, 2}, order:totable())
      local function px(r, c) return {img[1][r][c], img[2][r][c], img[3][r][c]} end
      assert.are.same({1, 1, 1}, px(2, 2))          -- (class 3, class 3)
      assert.are.same({0, 0, 0}, px(2, 6))          -- (3, 1)
      assert.are.same({0.75, 0.75, 0.75}, px(6, 6)) -- (1, 1)
      assert.are.same({0.25, 0.25, 0.25}, px(10, 6))-- (2, 1)
      assert.are.same({0.5, 0.5, 0.5}, px(11, 11))  -- (2, 2)
      assert.are.same({0.1, 0.1, 0.1}, px(4, 3))    -- grid
      assert.are.same({0.1, 0.1, 0.1}, px(7, 8))
      -- legend of row 1 (class 3: 2 samples of the largest 4): a frequency bar of
      -- 0.5*8 = 4 pixels, grey level 0.5*0.9 + 0.1 = 0.55 tinted blue, then black; its
      -- accuracy bar is 8 pixels of white
      local gs = 0.55
      for c = 14, 17 do
         near(img[1][2][c], gs * 0.5 + 0.2); near(img[3][2][c], gs * 0.8 + 0.2)
      end
      assert.are.same({0, 0, 0}, px(2, 18))
      for c = 14, 21 do assert.are.same({1, 1, 1}, px(3, c)) end
      assert.are.same({0, 0, 0}, px(3, 13))
      -- by occurrence: rows 4, 4, 2 samples, ties in class order
      local _, byCount = filled():render('occurrence', false, 4, 0)
      assert.are.same({1, 2, 3}, byCount:totable())
      -- the defaults: blocks of 25, a 200-pixel legend
      assert.are.same({3, 75, 275}, filled():render():size():totable())
   end)

   it('render and farFrr reject bad arguments', function()
      local c = filled()
      raises(function() c:render('name') end, 'ConfusionMatrix.render: sortmode', 'name')
      raises(function() c:render('score', false, 1) end, 'ConfusionMatrix.render: block')
      raises(function() c:render('score', false, 4, -1) end, 'legendwidth')
      c.mat = torch.LongTensor(2, 3)
      raises(function() c:farFrr() end, 'ConfusionMatrix.farFrr: mat must be a square matrix')
   end)
end)

local function readfile(path)
   local f = assert(io.open(path))
   local s = f:read('a')
   f:close()
   return s
end

-- Parses xml with lua-expat; returns the elements as {tag, attrs, text} in document order.
local function parsexml(xml)
   local lxp = require 'lxp'
   local elements, stack = {}, {}
   local p = lxp.new({
      StartElement = function(_, tag, attrs)
         local e = {tag = tag, attrs = attrs, text = ''}
         elements[#elements + 1] = e
         stack[#stack + 1] = e
      end,
      EndElement = function() stack[#stack] = nil end,
      CharacterData = function(_, s) if stack[#stack] then stack[#stack].text = stack[#stack].text .. s end end,
   })
   local ok, msg = p:parse(xml)
   assert(ok, 'invalid XML: ' .. tostring(msg))
   ok, msg = p:parse()
   assert(ok, 'invalid XML: ' .. tostring(msg))
   p:close()
   return elements
end

describe('optim.Logger', function()
   local dir
   before_each(function()
      dir = os.tmpname()
      os.remove(dir)
      dir = dir .. '.d'
   end)
   after_each(function() os.execute("rm -rf '" .. dir .. "'") end)

   it('writes a header and one line per add, in setNames order', function()
      local path = dir .. '/sub/train.log'   -- folders are made
      local log = optim.Logger(path)
      log:setNames{'train', 'test'}
      log:add{1, 2}
      log:add{0.5, 'x'}
      log:add{test = 0.25, train = 1234.5}
      assert.are.equal('train\ttest\t\n'
                       .. ' 1.0000e+00\t 2.0000e+00\t\n'
                       .. ' 5.0000e-01\tx\t\n'
                       .. ' 1.2345e+03\t 2.5000e-01\t\n', readfile(path))
   end)

   it('names the columns from the first add', function()
      local path = dir .. '.log'
      os.execute("mkdir -p '" .. dir .. "'")
      path = dir .. '/a.log'
      local log = optim.Logger(path)
      log:add{loss = 1, acc = 0.5}
      log:add{loss = 0.5, acc = 0.75}
      assert.are.equal('acc\tloss\t\n 5.0000e-01\t 1.0000e+00\t\n 7.5000e-01\t 5.0000e-01\t\n',
                       readfile(path))
   end)

   it('rejects what it cannot log', function()
      local log = optim.Logger(dir .. '/e.log')
      log:setNames{'a'}
      raises(function() log:add{{}} end, 'Logger.add: can only log numbers and strings')
      raises(function() log:add{b = 1} end, 'Logger.add: unknown name b')
   end)

   it('plots the series as valid SVG', function()
      local path = dir .. '/p.log'
      local log = optim.Logger(path)
      log:setNames{'train <&> loss', 'test'}
      for i = 1, 5 do log:add{1 / i, 2 / i} end
      log:style{'-', '+'}
      local svg = log:plot()
      assert.are.equal(path .. '.svg', svg)
      local els = parsexml(readfile(svg))
      assert.are.equal('svg', els[1].tag)
      local polylines, texts, marks = {}, {}, 0
      for _, e in ipairs(els) do
         if e.tag == 'polyline' then polylines[#polylines + 1] = e end
         if e.tag == 'text' then texts[#texts + 1] = e.text end
         if e.tag == 'path' then marks = marks + 1 end
      end
      assert.are.equal(2, #polylines)
      for _, pl in ipairs(polylines) do
         local n = 0
         for _ in pl.attrs.points:gmatch('[^ ]+') do n = n + 1 end
         assert.are.equal(5, n)
      end
      assert.are.equal(5, marks)   -- '+' marks the 5 points of 'test'
      local has = {}
      for _, t in ipairs(texts) do has[t] = true end
      assert.truthy(has['train <&> loss'])   -- the legend, unescaped by the parser
      assert.truthy(has['test'])
      assert.truthy(has['<Logger::' .. path .. '>'])
      -- tick labels: x from 1 to 5 by integers, y from 0 to 2
      for _, t in ipairs{'1', '2', '3', '4', '5', '0', '0.5', '1.5'} do assert.truthy(has[t], t) end
      assert.is_nil(has['2.5'])
      -- the first point of 'train' (value 1) is above its last (0.2): y grows downwards
      local y1 = tonumber(polylines[1].attrs.points:match('^[^,]+,([^ ]+)'))
      local y5 = tonumber(polylines[1].attrs.points:match(',([^ ,]+)$'))
      assert.is_true(y1 < y5)
   end)

   it('plots only the series asked for, and nothing with one value', function()
      local log = optim.Logger(dir .. '/q.log')
      log:setNames{'a', 'b'}
      log:add{1, 2}
      assert.is_nil(log:plot())
      log:add{2, 3}
      local els = parsexml(readfile(log:plot('b')))
      local n = 0
      for _, e in ipairs(els) do if e.tag == 'polyline' then n = n + 1 end end
      assert.are.equal(1, n)
   end)

   it('display sets the flag showPlot, and plot still writes the file', function()
      local log = optim.Logger(dir .. '/d.log')
      log:setNames{'a'}
      log:add{1}; log:add{2}
      assert.are.equal(log, log:display(false))
      assert.is_false(log.showPlot)
      assert.are.equal(dir .. '/d.log.svg', log:plot())
   end)

   it('log scale', function()
      local log = optim.Logger(dir .. '/l.log')
      log:setNames{'loss'}
      for _, v in ipairs{100, 10, 1, 0.1} do log:add{v} end
      log:setlogscale(true)
      local els = parsexml(readfile(log:plot()))
      local ys = {}
      for _, e in ipairs(els) do
         if e.tag == 'polyline' then
            for y in e.attrs.points:gmatch(',([^ ]+)') do ys[#ys + 1] = tonumber(y) end
         end
      end
      -- equal ratios are equal distances on a log scale
      near(ys[2] - ys[1], ys[3] - ys[2], 0.02)
      near(ys[3] - ys[2], ys[4] - ys[3], 0.02)
   end)
end)
