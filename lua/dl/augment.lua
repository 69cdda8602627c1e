-- Image batches (N x C x H x W, or one C x H x W image): per-channel normalisation,
-- random crops with zero padding and horizontal flips. The transforms are functions
-- (xb, yb) -> xb, yb for dl.batches' and dl.fit's options.transform.
local dl = require 'dl'

local augment = {}
dl.augment = augment

-- A batch view of x (a single C x H x W image becomes 1 x C x H x W).
local function as_batch(x, fn)
  if x:dim() == 3 then return x:view(1, x:size(1), x:size(2), x:size(3)) end
  if x:dim() ~= 4 then
    error(('%s: expected an N x C x H x W batch or a C x H x W image, got %d dimensions')
          :format(fn, x:dim()), 3)
  end
  return x
end

-- A per-channel list from a number or a table of C numbers.
local function per_channel(v, c, what, fn)
  if type(v) == 'number' then
    local t = {}
    for i = 1, c do t[i] = v end
    return t
  end
  if type(v) ~= 'table' or #v ~= c then
    error(('%s: %s must be a number or a table of %d numbers (one per channel)')
          :format(fn, what, c), 3)
  end
  return v
end

-- augment.channelStats(x): the mean and the (population) standard deviation of each
-- channel over a whole set, as two tables of C numbers.
function augment.channelStats(x)
  x = as_batch(x, 'channelStats')
  local mean, std = {}, {}
  for c = 1, x:size(2) do
    local plane = x:select(2, c)
    mean[c] = plane:mean()
    std[c] = math.sqrt(math.max(plane:clone():add(-mean[c]):pow(2):mean(), 0))
  end
  return mean, std
end

-- augment.normalize(x, mean, std): x <- (x - mean) / std per channel, in place; mean
-- and std are numbers or tables of one number per channel. Returns x.
function augment.normalize(x, mean, std)
  local b = as_batch(x, 'normalize')
  local c = b:size(2)
  mean, std = per_channel(mean, c, 'mean', 'normalize'), per_channel(std, c, 'std', 'normalize')
  for i = 1, c do
    if std[i] == 0 then error(('normalize: std of channel %d is 0'):format(i), 2) end
    b:select(2, i):add(-mean[i]):div(std[i])
  end
  return x
end

-- A uniform number in [0, 1) from a dl.Rand.
local function uniform(rand) return (rand:next() >> 11) * (1.0 / 9007199254740992) end

-- augment.randomCrop(x, padding [, rand]): in place, each image is shifted by a random
-- offset in -padding..padding on each axis, the uncovered border filled with zeros: the
-- same as cropping an H x W window at random from the image padded with zeros.
-- rand is a dl.Rand (default: a fresh one seeded 0). Returns x.
function augment.randomCrop(x, padding, rand)
  local b = as_batch(x, 'randomCrop')
  if math.type(padding) ~= 'integer' or padding < 0 then
    error(('randomCrop: padding must be a non-negative integer, got %s'):format(tostring(padding)), 2)
  end
  rand = rand or dl.Rand(0)
  local h, w = b:size(3), b:size(4)
  local tmp = b.new()
  for i = 1, b:size(1) do
    local dy, dx = rand:int(2 * padding + 1) - padding - 1, rand:int(2 * padding + 1) - padding - 1
    -- the output pixel (r, c) takes the input pixel (r + dy, c + dx)
    local img = b[i]
    if (dy ~= 0 or dx ~= 0) then
      if math.abs(dy) >= h or math.abs(dx) >= w then
        img:zero()
      else
        local rh, rw = h - math.abs(dy), w - math.abs(dx)
        tmp:resize(img:size(1), rh, rw):copy(
          img:narrow(2, math.max(dy, 0) + 1, rh):narrow(3, math.max(dx, 0) + 1, rw))
        img:zero()
        img:narrow(2, math.max(-dy, 0) + 1, rh):narrow(3, math.max(-dx, 0) + 1, rw):copy(tmp)
      end
    end
  end
  return x
end

-- augment.hflip(x [, p [, rand]]): in place, mirrors each image left to right with
-- probability p (default 0.5). Returns x and the list of the flipped images' indices.
local reversed = {}
function augment.hflip(x, p, rand)
  local b = as_batch(x, 'hflip')
  p, rand = p or 0.5, rand or dl.Rand(0)
  local w = b:size(4)
  local rev = reversed[w]
  if not rev then
    rev = torch.LongTensor(w)
    for j = 1, w do rev[j] = w - j + 1 end
    reversed[w] = rev
  end
  local flipped, tmp = {}, b.new()
  for i = 1, b:size(1) do
    if uniform(rand) < p then
      torch.index(tmp, b[i], 3, rev)
      b[i]:copy(tmp)
      flipped[#flipped + 1] = i
    end
  end
  return x, flipped
end

-- Transforms for options.transform: each returns a function (xb, yb) -> xb, yb that
-- changes the batch in place.

-- augment.Normalize(mean, std)
function augment.Normalize(mean, std)
  return function(xb, yb) return augment.normalize(xb, mean, std), yb end
end

-- augment.RandomCrop(padding [, seed])
function augment.RandomCrop(padding, seed)
  local rand = dl.Rand(seed or 0)
  return function(xb, yb) return augment.randomCrop(xb, padding, rand), yb end
end

-- augment.HorizontalFlip([p [, seed]])
function augment.HorizontalFlip(p, seed)
  local rand = dl.Rand(seed or 0)
  return function(xb, yb) return (augment.hflip(xb, p, rand)), yb end
end

-- augment.Compose{t1, t2, ...}: applies the transforms in order.
function augment.Compose(list)
  return function(xb, yb)
    for _, t in ipairs(list) do xb, yb = t(xb, yb) end
    return xb, yb
  end
end

return dl
