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

return dl
