-- Data: CSV to tensors, seeded splits, scalers, one-hot, batch iteration.
local dl = require 'dl'

-- A deterministic generator local to dl (splitmix64), so that splits and shuffles are
-- reproducible from their seed without touching torch's global generator.
local Rand = {}
Rand.__index = Rand

function dl.Rand(seed)
  return setmetatable({s = math.tointeger(seed or 0) or 0}, Rand)
end

function Rand:next()
  self.s = self.s + 0x9E3779B97F4A7C15
  local z = self.s
  z = (z ~ (z >> 30)) * 0xBF58476D1CE4E5B9
  z = (z ~ (z >> 27)) * 0x94D049BB133111EB
  return z ~ (z >> 31)
end

-- An integer in 1..n.
function Rand:int(n)
  return (self:next() >> 11) % n + 1
end

-- A LongTensor holding a random permutation of 1..n (Fisher-Yates).
function dl.permutation(n, rand)
  local p = {}
  for i = 1, n do p[i] = i end
  for i = n, 2, -1 do
    local j = rand:int(i)
    p[i], p[j] = p[j], p[i]
  end
  return torch.LongTensor(p)
end

local function split_line(line)
  local fields = {}
  for f in (line .. ','):gmatch('([^,]*),') do fields[#fields + 1] = f:match('^%s*(.-)%s*$') end
  return fields
end

-- dl.readCSV(path [, options]): reads a CSV file (gzip or plain) into tensors.
-- options: header (default: detected), label (column name or index; default last),
-- classes (a list of class names to fix the label mapping). Returns X (features, the
-- default tensor type), y (LongTensor of 1-based classes, or numbers when the labels are
-- numeric and options.numericLabels) and the list of class names (y's values index it).
function dl.readCSV(path, options)
  options = options or {}
  local text = torch._io.readfile(path)
  local rows, names = {}, nil
  for line in text:gmatch('[^\r\n]+') do
    if line:match('%S') then rows[#rows + 1] = split_line(line) end
  end
  if #rows == 0 then error(('readCSV: %s has no rows'):format(path), 2) end
  local header = options.header
  if header == nil then header = tonumber(rows[1][1]) == nil end
  if header then names = table.remove(rows, 1) end
  local ncol = #rows[1]
  local label = options.label or ncol
  if type(label) == 'string' then
    for i, n in ipairs(names or {}) do if n == label then label = i end end
    if type(label) == 'string' then
      error(('readCSV: no column named %q in %s'):format(options.label, path), 2)
    end
  end
  if label < 1 or label > ncol then
    error(('readCSV: label column %d out of range (%d columns)'):format(label, ncol), 2)
  end
  local classes, index = {}, {}
  for i, name in ipairs(options.classes or {}) do classes[i] = name; index[name] = i end
  local X = torch.Tensor(#rows, ncol - 1)
  local xs = X:storage()
  local y = {}
  local numeric = options.numericLabels
  for r, fields in ipairs(rows) do
    if #fields ~= ncol then
      error(('readCSV: %s line %d has %d fields, expected %d'):format(path, r + (header and 1 or 0), #fields, ncol), 2)
    end
    local c = 0
    for j = 1, ncol do
      if j == label then
        local v = fields[j]
        if numeric then
          y[r] = tonumber(v) or error(('readCSV: %s line %d: label %q is not a number'):format(path, r, v), 2)
        else
          if not index[v] then classes[#classes + 1] = v; index[v] = #classes end
          y[r] = index[v]
        end
      else
        c = c + 1
        local v = tonumber(fields[j])
        if not v then
          error(('readCSV: %s line %d column %d: %q is not a number'):format(path, r + (header and 1 or 0), j, fields[j]), 2)
        end
        xs[(r - 1) * (ncol - 1) + c] = v
      end
    end
  end
  local yt = numeric and torch.Tensor(y) or torch.LongTensor(y)
  return X, yt, classes, names
end

-- dl.split(X, y, fraction, seed): a seeded shuffle, then the last `fraction` of the rows
-- as the second part. Returns X1, y1, X2, y2.
function dl.split(X, y, fraction, seed)
  local n = X:size(1)
  local n2 = math.floor(n * fraction + 0.5)
  if n2 < 1 or n2 >= n then
    error(('split: fraction %g of %d rows leaves an empty part'):format(fraction, n), 2)
  end
  local perm = dl.permutation(n, dl.Rand(seed or 0))
  local i1, i2 = perm:narrow(1, 1, n - n2), perm:narrow(1, n - n2 + 1, n2)
  return X:index(1, i1), y:index(1, i1), X:index(1, i2), y:index(1, i2)
end

-- StandardScaler: x -> (x - mean) / std per column, fitted on training data.
local StandardScaler = torch.class('dl.StandardScaler')

function StandardScaler:fit(X)
  self.mean = X:mean(1)
  -- population standard deviation, as scikit-learn; constant columns are left unscaled
  self.std = X:std(1, true)
  self.std:apply(function(v) if v == 0 then return 1 end end)
  return self
end

function StandardScaler:transform(X)
  if not self.mean then error('StandardScaler:transform: call fit first', 2) end
  return (X - self.mean:expandAs(X)):cdiv(self.std:expandAs(X))
end

function StandardScaler:fitTransform(X) return self:fit(X):transform(X) end

-- MinMaxScaler: x -> (x - min) / (max - min) per column, into [0, 1].
local MinMaxScaler = torch.class('dl.MinMaxScaler')

function MinMaxScaler:fit(X)
  self.min = X:min(1)
  self.range = X:max(1) - self.min
  self.range:apply(function(v) if v == 0 then return 1 end end)
  return self
end

function MinMaxScaler:transform(X)
  if not self.min then error('MinMaxScaler:transform: call fit first', 2) end
  return (X - self.min:expandAs(X)):cdiv(self.range:expandAs(X))
end

function MinMaxScaler:fitTransform(X) return self:fit(X):transform(X) end

-- dl.onehot(y, nclasses): an n x nclasses tensor with a 1 in each row's class column.
function dl.onehot(y, nclasses)
  nclasses = nclasses or y:max()
  local out = torch.Tensor(y:size(1), nclasses):zero()
  for i = 1, y:size(1) do
    local c = y[i]
    if c < 1 or c > nclasses then
      error(('onehot: class %d out of range for %d classes'):format(c, nclasses), 2)
    end
    out[i][c] = 1
  end
  return out
end

-- dl.batches(X, y, batchSize [, options]): an iterator over (xb, yb, i, nbatches).
-- options.shuffle (default true) reshuffles each call from options.rand (a dl.Rand).
-- options.transform (issue 5's augmentation hook): a function (xb, yb) -> xb, yb applied
-- to each batch, such as dl.augment.Compose{...}; it may change the buffers in place.
-- The batch tensors are reused buffers: copy them to keep them past the next step.
-- options.buffers (a table) keeps them across calls too: {x = ..., y = ...} are reused
-- and filled in, so that a loop over epochs allocates no new batch tensors (buffers that
-- live a whole epoch become old in the generational collector, and pile up until a
-- major collection).
-- The row order of one epoch of dl.batches (shuffled unless options.shuffle is false) and
-- the batch tensors it fills (options.buffers' when given). dl.distributed.batches too.
function dl._batchorder(X, y, options)
  local n = X:size(1)
  local order
  if options.shuffle ~= false then
    order = dl.permutation(n, options.rand or dl.Rand(options.seed or 0))
  else
    order = torch.range(1, n):long()
  end
  local buf = options.buffers
  local xb, yb = buf and buf.x or X.new(), buf and buf.y or y.new()
  if buf then buf.x, buf.y = xb, yb end
  return order, xb, yb
end

function dl.batches(X, y, batchSize, options)
  options = options or {}
  local n = X:size(1)
  if batchSize < 1 then error(('batches: batch size %d must be positive'):format(batchSize), 2) end
  local order, xb, yb = dl._batchorder(X, y, options)
  local nb = (n + batchSize - 1) // batchSize
  local b = 0
  return function()
    b = b + 1
    if b > nb then return nil end
    local first = (b - 1) * batchSize + 1
    local idx = order:narrow(1, first, math.min(batchSize, n - first + 1))
    torch.index(xb, X, 1, idx)
    torch.index(yb, y, 1, idx)
    -- augmentation hook (dl.augment): transform the fresh copies, never X itself
    if options.transform then
      local tx, ty = options.transform(xb, yb)
      return tx, ty or yb, b, nb
    end
    return xb, yb, b, nb
  end
end

return dl
