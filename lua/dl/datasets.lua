-- Data sets: Fashion-MNIST from Debian's dataset-fashion-mnist package, and the small
-- 8x8 digits shipped in data/, both as tensors ready for nn.
local dl = require 'dl'

dl.datasets = dl.datasets or {}

-- dl.readIDX(path [, type [, scale]]): the tensor in an IDX file (the MNIST format),
-- gzip or plain. type is 'byte', 'long', 'float' or 'double' (default: the file's own,
-- Byte for unsigned bytes); each element is multiplied by scale (floating types only).
function dl.readIDX(path, type, scale)
  return torch._io.readIDX(path, type, scale)
end

local function exists(path)
  local f = io.open(path, 'rb')
  if f then f:close() end
  return f ~= nil
end

dl.datasets.fashionMNISTClasses = {
  'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat',
  'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot',
}

local FASHION_DIR = '/usr/share/datasets/fashion-mnist'

local function idx_set(dir, prefix, classes)
  local images = ('%s/%s-images-idx3-ubyte.gz'):format(dir, prefix)
  local labels = ('%s/%s-labels-idx1-ubyte.gz'):format(dir, prefix)
  local x = torch._io.readIDX(images, 'float', 1 / 255)
  local y = torch._io.readIDX(labels, 'long')
  if x:dim() ~= 3 or y:dim() ~= 1 or x:size(1) ~= y:size(1) then
    error(('fashionMNIST: %s (%s) and %s (%s) do not match'):format(images,
      table.concat(x:size():totable(), 'x'), labels, table.concat(y:size():totable(), 'x')), 3)
  end
  return {x = x:view(x:size(1), 1, x:size(2), x:size(3)), y = y:add(1), classes = classes}
end

-- dl.datasets.fashionMNIST([dir]): the Fashion-MNIST training and test sets, two tables
-- {x = FloatTensor N x 1 x 28 x 28 in [0, 1], y = LongTensor of classes 1..10,
-- classes = the ten names}, plus the list of class names. dir defaults to where Debian's
-- dataset-fashion-mnist package puts the files.
function dl.datasets.fashionMNIST(dir)
  dir = dir or FASHION_DIR
  for _, name in ipairs({'train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz',
                         't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'}) do
    if not exists(dir .. '/' .. name) then
      error(('fashionMNIST: %s/%s is missing: install the data set with ' ..
             '`sudo apt-get install dataset-fashion-mnist` (or `make deps`)'):format(dir, name), 2)
    end
  end
  local classes = dl.datasets.fashionMNISTClasses
  return idx_set(dir, 'train', classes), idx_set(dir, 't10k', classes), classes
end

-- Where data/digits.csv.gz is: $DLUA_DATA, the source tree beside this module, or ./data.
local function find_data(name)
  local candidates = {}
  if os.getenv('DLUA_DATA') then candidates[1] = os.getenv('DLUA_DATA') .. '/' .. name end
  local src = debug.getinfo(1, 'S').source:match('^@(.*)/dl/datasets%.lua$')
  if src then candidates[#candidates + 1] = src .. '/../data/' .. name end
  candidates[#candidates + 1] = 'data/' .. name
  for _, path in ipairs(candidates) do
    if exists(path) then return path end
  end
  error(('datasets: cannot find %s (looked in %s); set DLUA_DATA to the folder holding it')
        :format(name, table.concat(candidates, ', ')), 3)
end

-- dl.datasets.digits([path]): the 1797 8x8 handwritten digits (UCI, as scikit-learn
-- ships them), {x = N x 64 pixel values 0..16 of the default tensor type,
-- y = LongTensor 1..10 for the digits 0..9, classes = {'0', ..., '9'}}.
function dl.datasets.digits(path)
  local classes = {}
  for d = 0, 9 do classes[d + 1] = tostring(d) end
  local x, y, found = dl.readCSV(path or find_data('digits.csv.gz'), {header = false, classes = classes})
  if #found ~= 10 then
    error(('digits: labels outside 0..9 in %s'):format(path or 'digits.csv.gz'), 2)
  end
  return {x = x, y = y, classes = classes}
end

-- dl.datasets.text(dir [, split]): a character corpus from the regular files of a folder
-- (symbolic links and hidden files left out), in name order, joined by newlines, as the
-- char-level examples train on (/usr/share/common-licenses on every Debian machine). Returns
-- {codes = LongTensor of 1-based indices into vocab, vocab = {characters, sorted}, index =
-- {character = its code}, files = the files read, train = the first split (0.9) of codes,
-- valid = the rest (views of codes)}. Characters are bytes.
function dl.datasets.text(dir, split)
  if type(dir) ~= 'string' then
    error('dl.datasets.text: argument 1 must be a folder name, got ' .. type(dir), 2)
  end
  split = split or 0.9
  if type(split) ~= 'number' or split <= 0 or split >= 1 then
    error('dl.datasets.text: split must be a number in (0, 1), got ' .. tostring(split), 2)
  end
  local lfs = require 'lfs'
  if lfs.attributes(dir, 'mode') ~= 'directory' then
    error('dl.datasets.text: ' .. dir .. ' is not a folder', 2)
  end
  local files = {}
  for name in lfs.dir(dir) do
    local p = dir .. '/' .. name
    if name:sub(1, 1) ~= '.' and lfs.symlinkattributes(p, 'mode') == 'file' then
      files[#files + 1] = p
    end
  end
  table.sort(files)
  local parts = {}
  for _, p in ipairs(files) do
    local f = assert(io.open(p, 'rb'))
    parts[#parts + 1] = f:read('a')
    f:close()
  end
  local text = table.concat(parts, '\n')
  if #text < 2 then error('dl.datasets.text: ' .. dir .. ' holds no text', 2) end
  local seen, vocab, index = {}, {}, {}
  for i = 1, #text do
    local b = text:byte(i)
    if not seen[b] then seen[b] = true; vocab[#vocab + 1] = string.char(b) end
  end
  table.sort(vocab)
  local code = {}
  for i, c in ipairs(vocab) do index[c] = i; code[c:byte()] = i end
  local list = {}
  for i = 1, #text do list[i] = code[text:byte(i)] end
  local codes = torch.LongTensor(list)
  local ntrain = math.max(1, math.min(#text - 1, math.floor(split * #text)))
  return {codes = codes, vocab = vocab, index = index, files = files,
          train = codes:narrow(1, 1, ntrain), valid = codes:narrow(1, ntrain + 1, #text - ntrain)}
end

return dl
