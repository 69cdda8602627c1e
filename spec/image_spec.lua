-- The image package (require 'image'): PNG exactly and JPEG within a tolerance through
-- files and memory; depth and type conversions; scale, rotate, translate, crop, flips
-- and colour spaces against plain-Lua references written from the definitions; the
-- kernels against their formulas; display grids; errors, truncated and corrupt files.
require 'torch'
require 'image'
local H = require 'spec.helpers'

local tmpdir = os.tmpname()
os.remove(tmpdir)
assert(os.execute('mkdir -p ' .. tmpdir))
local function tmp(name) return tmpdir .. '/' .. name end

local function readall(path)
  local f = assert(io.open(path, 'rb'))
  local d = f:read('a')
  f:close()
  return d
end

local function writeall(path, data)
  local f = assert(io.open(path, 'wb'))
  f:write(data)
  f:close()
end

local function maxdiff(a, b) return (a:double() - b:double()):abs():max() end

-- A smooth 3xHxW image in [0.1, 0.9] (JPEG keeps smooth images well).
local function smooth(h, w)
  local t = torch.DoubleTensor(3, h, w)
  for k = 1, 3 do
    for y = 1, h do
      for x = 1, w do t[k][y][x] = 0.1 + 0.4 * (x / w) + 0.3 * (y / h) * (k / 3) end
    end
  end
  return t
end

-- Where an error was raised: this file, the function named.
local function raises_here(f, fn, ...)
  local msg = H.raises(f, fn .. ': ', ...)
  assert(msg:find('image_spec.lua:%d+: ' .. fn:gsub('%.', '%%.') .. ': '),
         'not reported at the spec line: ' .. msg)
  return msg
end

teardown(function() os.execute('rm -rf ' .. tmpdir) end)

describe('image PNG', function()
  it('round-trips bytes exactly, with 1 to 4 channels and HxW images', function()
    for c = 1, 4 do
      local img = torch.ByteTensor(c, 7, 9):random(0, 255)
      image.save(tmp('a.png'), img)
      local back = image.load(tmp('a.png'), nil, 'byte')
      assert.are.same(img:totable(), back:totable())
      -- in [0, 1] for the float types: byte / 255
      local f = image.load(tmp('a.png'), nil, 'float')
      assert.are.equal('torch.FloatTensor', torch.type(f))
      assert(maxdiff(f, img:double():div(255)) < 1e-7)
      local d = image.load(tmp('a.png'))
      assert.are.equal(torch.getdefaulttensortype(), torch.type(d))
      -- float images go back to the same bytes (rounded, not truncated)
      image.savePNG(tmp('b.png'), d)
      assert.are.same(img:totable(), image.loadPNG(tmp('b.png'), nil, 'byte'):totable())
    end
    local gray = torch.rand(5, 6)
    image.save(tmp('g.png'), gray)
    local back = image.load(tmp('g.png'))
    assert.are.same({1, 5, 6}, back:size():totable())
    assert(maxdiff(back[1], gray) <= 0.5 / 255 + 1e-9)
  end)

  it('clamps to [0, 1] before saving, as Torch7', function()
    local t = torch.Tensor{{{-1, 0.5, 2}}}
    image.save(tmp('c.png'), t)
    assert.are.same({{{0, 128, 255}}}, image.load(tmp('c.png'), 1, 'byte'):totable())
  end)

  it('compresses and decompresses in memory', function()
    local img = torch.ByteTensor(3, 4, 5):random(0, 255)
    local bytes = image.compressPNG(img)
    assert.are.equal('torch.ByteTensor', torch.type(bytes))
    assert.are.same({0x89, 0x50, 0x4e, 0x47}, bytes:narrow(1, 1, 4):totable())
    assert.are.same(img:totable(), image.decompressPNG(bytes, nil, 'byte'):totable())
    assert.are.same(img:totable(), image.decompress(bytes, 3, 'byte'):totable())
    -- the file image.save writes holds the same bytes
    image.save(tmp('m.png'), img)
    local s = readall(tmp('m.png'))
    assert.are.equal(#s, bytes:nElement())
    assert.are.same(img:totable(), image.decompressPNG(s, nil, 'byte'):totable())
  end)

  it('loads by signature first, whatever the extension', function()
    local img = torch.ByteTensor(3, 2, 2):random(0, 255)
    image.save(tmp('x.png'), img)
    os.rename(tmp('x.png'), tmp('x.jpg'))
    assert.are.same(img:totable(), image.load(tmp('x.jpg'), nil, 'byte'):totable())
  end)

  it('saves atomically: replaces the file whole and leaves no temporary', function()
    writeall(tmp('r.png'), 'old contents')
    image.save(tmp('r.png'), torch.rand(3, 4, 4))
    assert.are.same({3, 4, 4}, image.load(tmp('r.png')):size():totable())
    local p = io.popen('ls ' .. tmpdir)
    local names = p:read('a')
    p:close()
    assert.is_nil(names:find('tmp%-'))
  end)

  it('reports getSize as {channels, height, width}', function()
    image.save(tmp('s.png'), torch.rand(3, 5, 8))
    assert.are.same({3, 5, 8}, image.getSize(tmp('s.png')):totable())
  end)
end)

describe('image JPEG', function()
  it('round-trips a smooth image within a tolerance', function()
    local img = smooth(24, 32)
    image.save(tmp('a.jpg'), img)
    local back = image.load(tmp('a.jpg'))
    assert.are.same({3, 24, 32}, back:size():totable())
    assert(maxdiff(back, img) < 0.04, 'max error ' .. maxdiff(back, img))
    assert((back - img):abs():mean() < 0.01)
    -- a lower quality makes a smaller file
    image.saveJPG(tmp('q.jpg'), img, 10)
    assert(#readall(tmp('q.jpg')) < #readall(tmp('a.jpg')))
  end)

  it('compresses and decompresses in memory, gray and colour', function()
    local img = smooth(16, 16)
    local b = image.compressJPG(img, 90)
    assert.are.same({0xff, 0xd8, 0xff}, b:narrow(1, 1, 3):totable())
    assert(maxdiff(image.decompressJPG(b), img) < 0.04)
    assert(maxdiff(image.decompress(b), img) < 0.04)
    local g = torch.Tensor(1, 8, 8):fill(0.3)
    local back = image.decompressJPG(image.compressJPG(g), nil, 'byte')
    assert.are.same({1, 8, 8}, back:size():totable())
    assert(math.abs(back[1][1][1] - 77) <= 1)
  end)
end)

describe('image PGM and PPM', function()
  it('round-trip bytes exactly, binary, maxval 255', function()
    local rgb = torch.ByteTensor(3, 4, 6):random(0, 255)
    image.save(tmp('a.ppm'), rgb)
    assert.are.equal('P6\n6 4\n255\n', readall(tmp('a.ppm')):sub(1, 11))
    assert.are.same(rgb:totable(), image.load(tmp('a.ppm'), nil, 'byte'):totable())
    image.savePGM(tmp('a.pgm'), rgb[2])
    assert.are.same({rgb[2]:totable()}, image.loadPGM(tmp('a.pgm'), nil, 'byte'):totable())
    assert(maxdiff(image.loadPPM(tmp('a.ppm'), 1), image.rgb2y(rgb:double():div(255))) < 1e-12)
  end)

  it('read text files, comments and other maxvals', function()
    writeall(tmp('t.pgm'), 'P2\n# a comment\n2 2\n4\n0 1\n2 4\n')
    assert.are.same({{{0, 0.25}, {0.5, 1}}}, image.load(tmp('t.pgm')):totable())
    writeall(tmp('t.ppm'), 'P3 1 1 255 10 20 30')
    assert.are.same({{{10}}, {{20}}, {{30}}}, image.load(tmp('t.ppm'), nil, 'byte'):totable())
  end)

  it('errors: truncated, wrong channels', function()
    image.save(tmp('b.ppm'), torch.rand(3, 4, 4))
    writeall(tmp('c.ppm'), readall(tmp('b.ppm')):sub(1, 30))
    raises_here(function() image.load(tmp('c.ppm')) end, 'image.load', 'corrupt PGM/PPM file', 'truncated')
    writeall(tmp('c.pgm'), 'P2 2 2 255 1 2 3')
    raises_here(function() image.load(tmp('c.pgm')) end, 'image.load', 'sample 4 of 4 missing')
    raises_here(function() image.savePPM(tmp('d.ppm'), torch.rand(1, 2, 2)) end, 'image.savePPM', '3xHxW', '1x2x2')
    raises_here(function() image.save(tmp('d.pgm'), torch.rand(3, 2, 2)) end, 'image.save', '1xHxW or HxW', '3x2x2')
  end)
end)

describe('image.load depth', function()
  local rgba = torch.ByteTensor(4, 3, 2):random(0, 255)
  local path = tmp('d.png')
  before_each(function() image.save(path, rgba) end)

  it('1 gives the luminance of RGB(A) as 1xHxW', function()
    local y = image.load(path, 1, 'double')
    assert.are.same({1, 3, 2}, y:size():totable())
    local f = rgba:double():div(255)
    local want = f[1] * 0.299 + f[2] * 0.587 + f[3] * 0.114
    assert(maxdiff(y[1], want) < 1e-12)
  end)

  it('3 drops alpha, and repeats gray', function()
    local rgb = image.load(path, 3, 'byte')
    assert.are.same(rgba:narrow(1, 1, 3):totable(), rgb:totable())
    image.save(tmp('g1.png'), rgba:narrow(1, 1, 1))
    local g3 = image.load(tmp('g1.png'), 3, 'byte')
    for k = 1, 3 do assert.are.same(rgba[1]:totable(), g3[k]:totable()) end
  end)

  it('4 keeps alpha, and adds an opaque one', function()
    assert.are.same(rgba:totable(), image.load(path, 4, 'byte'):totable())
    image.save(tmp('rgb.png'), rgba:narrow(1, 1, 3))
    local a = image.load(tmp('rgb.png'), 4)
    assert.are.same({4, 3, 2}, a:size():totable())
    assert.are.equal(1, a[4]:min())
    assert.are.equal(255, image.load(tmp('rgb.png'), 4, 'byte')[4]:min())
  end)
end)

-- Plain-Lua references, from the definitions in docs/image.md.
local ref = {}

-- One line of n samples resampled to m, 'bilinear' (aligned corners when enlarging,
-- area means when shrinking) or 'bicubic' (Catmull-Rom, aligned corners).
function ref.line(s, m, mode)
  local n, d = #s, {}
  if m == n then for i = 1, n do d[i] = s[i] end return d end
  if mode == 'bilinear' and m < n then
    local step = n / m
    for i = 0, m - 1 do
      local a, b = i * step, (i + 1) * step
      if i == m - 1 then b = n end
      local acc, wsum = 0, 0
      for j = 0, n - 1 do
        local w = math.min(b, j + 1) - math.max(a, j)
        if w > 0 then acc, wsum = acc + w * s[j + 1], wsum + w end
      end
      d[i + 1] = acc / wsum
    end
    return d
  end
  if n == 1 then for i = 1, m do d[i] = s[1] end return d end
  local step = (n - 1) / (m - 1)
  for i = 0, m - 2 do
    local pos = i * step
    local j = math.min(math.floor(pos), n - 2)
    local x = pos - j
    local p1, p2 = s[j + 1], s[j + 2]
    if mode == 'bilinear' then
      d[i + 1] = (1 - x) * p1 + x * p2
    else
      local p0 = j > 0 and s[j] or 2 * p1 - p2
      local p3 = j + 2 < n and s[j + 3] or 2 * p2 - p1
      -- the cubic through the four points' Catmull-Rom tangents, in Hermite form
      local m1, m2 = (p2 - p0) / 2, (p3 - p1) / 2
      local x2, x3 = x * x, x * x * x
      d[i + 1] = (2 * x3 - 3 * x2 + 1) * p1 + (x3 - 2 * x2 + x) * m1 + (-2 * x3 + 3 * x2) * p2 +
                 (x3 - x2) * m2
    end
  end
  d[m] = s[n]
  return d
end

-- A CxHxW double image scaled to w x h (rows first, then columns).
function ref.scale(src, w, h, mode)
  local c, sh, sw = src:size(1), src:size(2), src:size(3)
  local out = torch.DoubleTensor(c, h, w)
  for k = 1, c do
    if mode == 'simple' then
      for y = 0, h - 1 do
        for x = 0, w - 1 do
          out[k][y + 1][x + 1] = src[k][y * sh // h + 1][x * sw // w + 1]
        end
      end
    else
      local rows = {}
      for y = 1, sh do rows[y] = ref.line(src[k][y]:totable(), w, mode) end
      for x = 1, w do
        local col = {}
        for y = 1, sh do col[y] = rows[y][x] end
        local r = ref.line(col, h, mode)
        for y = 1, h do out[k][y][x] = r[y] end
      end
    end
  end
  return out
end

-- The source point of destination pixel (x, y) (0-based) rotated by theta.
local function rsrc(x, y, w, h, theta)
  local xc, yc = (w - 1) / 2, (h - 1) / 2
  local c, s = math.cos(theta), math.sin(theta)
  return c * (x - xc) - s * (y - yc) + xc, c * (y - yc) + s * (x - xc) + yc
end

local function round(v) return v >= 0 and math.floor(v + 0.5) or -math.floor(-v + 0.5) end

function ref.rotate(src, theta, mode)
  local c, h, w = src:size(1), src:size(2), src:size(3)
  local out = torch.DoubleTensor(c, h, w):zero()
  for y = 0, h - 1 do
    for x = 0, w - 1 do
      local rx, ry = rsrc(x, y, w, h, theta)
      for k = 1, c do
        local v = 0
        if mode == 'simple' then
          local ix, iy = round(rx), round(ry)
          if ix >= 0 and ix < w and iy >= 0 and iy < h then v = src[k][iy + 1][ix + 1] end
        else
          -- bilinear; a point less than half a pixel outside takes the border pixel
          local x0, y0 = math.floor(rx), math.floor(ry)
          local fx, fy = rx - x0, ry - y0
          local x1, y1, out_of = x0 + 1, y0 + 1, false
          if x1 == w and fx < 0.5 then x1 = x0 elseif x1 >= w then out_of = true end
          if y1 == h and fy < 0.5 then y1 = y0 elseif y1 >= h then out_of = true end
          if x0 == -1 and fx > 0.5 then x0 = x1 elseif x0 < 0 then out_of = true end
          if y0 == -1 and fy > 0.5 then y0 = y1 elseif y0 < 0 then out_of = true end
          if not out_of then
            local p = src[k]
            v = (1 - fx) * (1 - fy) * p[y0 + 1][x0 + 1] + fx * (1 - fy) * p[y0 + 1][x1 + 1] +
                (1 - fx) * fy * p[y1 + 1][x0 + 1] + fx * fy * p[y1 + 1][x1 + 1]
          end
        end
        out[k][y + 1][x + 1] = v
      end
    end
  end
  return out
end

describe('image.scale', function()
  local src = torch.rand(2, 5, 7)

  it('matches the reference in every mode, enlarging and shrinking', function()
    for _, mode in ipairs {'simple', 'bilinear', 'bicubic'} do
      for _, wh in ipairs {{13, 9}, {3, 2}, {7, 5}, {4, 11}, {1, 1}} do
        local got = image.scale(src, wh[1], wh[2], mode)
        assert.are.same({2, wh[2], wh[1]}, got:size():totable())
        assert(maxdiff(got, ref.scale(src, wh[1], wh[2], mode)) < 1e-12,
               mode .. ' ' .. wh[1] .. 'x' .. wh[2])
      end
    end
  end)

  it('uses bilinear by default, on HxW images too, and every type', function()
    assert(maxdiff(image.scale(src, 9, 4), ref.scale(src, 9, 4, 'bilinear')) < 1e-12)
    local g = image.scale(src[1], 9, 4)
    assert.are.same({4, 9}, g:size():totable())
    assert(maxdiff(g, ref.scale(src:narrow(1, 1, 1), 9, 4, 'bilinear')[1]) < 1e-12)
    local f = image.scale(src:float(), 9, 4, 'bicubic')
    assert.are.equal('torch.FloatTensor', torch.type(f))
    assert(maxdiff(f, ref.scale(src, 9, 4, 'bicubic')) < 1e-6)
    -- bytes: rounded, clamped (bicubic overshoots)
    local b = torch.ByteTensor{{{0, 255, 0, 255}}}
    local bb = image.scale(b, 7, 1, 'bicubic')
    local want = ref.scale(b:double(), 7, 1, 'bicubic'):clamp(0, 255):add(0.5):floor()
    assert.are.same(want:totable(), bb:double():totable())
  end)

  it('reads the size forms: MAX, WxH, ^MIN, *SC, *SCn/SCd', function()
    local img = torch.rand(3, 40, 60) -- width 60, height 40
    assert.are.same({3, 20, 30}, image.scale(img, 30):size():totable())
    assert.are.same({3, 20, 30}, image.scale(img, '30'):size():totable())
    assert.are.same({3, 11, 17}, image.scale(img, '17x11'):size():totable())
    assert.are.same({3, 256, 384}, image.scale(img, '^256'):size():totable())
    assert.are.same({3, 20, 30}, image.scale(img, '*0.5'):size():totable())
    assert.are.same({3, 30, 45}, image.scale(img, '*3/4'):size():totable())
    assert.are.same({3, 20, 30}, image.scale(img, '*0.5', 'simple'):size():totable())
  end)

  it('fills a given destination, keeping its size', function()
    local dst = torch.Tensor(2, 3, 4)
    local r = image.scale(dst, src, 'bicubic')
    assert.are.equal(dst, r)
    assert(maxdiff(dst, ref.scale(src, 4, 3, 'bicubic')) < 1e-12)
    -- a non-contiguous destination is written through its strides
    local big = torch.zeros(2, 4, 3):transpose(2, 3)
    image.scale(big, src)
    assert(maxdiff(big, ref.scale(src, 4, 3, 'bilinear')) < 1e-12)
  end)
end)

describe('image.rotate', function()
  local src = torch.rand(2, 5, 6)
  it('matches the reference, nearest and bilinear', function()
    for _, theta in ipairs {0, 0.3, -1.1, math.pi / 2, 2.5, math.pi} do
      assert(maxdiff(image.rotate(src, theta), ref.rotate(src, theta, 'simple')) < 1e-12)
      assert(maxdiff(image.rotate(src, theta, 'bilinear'), ref.rotate(src, theta, 'bilinear')) < 1e-12,
             'bilinear ' .. theta)
    end
  end)
  it('by pi/2 turns the picture a quarter anticlockwise on screen', function()
    local t = torch.Tensor{{{1, 2, 3}, {4, 5, 6}, {7, 8, 9}}}
    assert.are.same({{{3, 6, 9}, {2, 5, 8}, {1, 4, 7}}}, image.rotate(t, math.pi / 2):totable())
    local dst = torch.Tensor()
    image.rotate(dst, t, math.pi)
    assert.are.same({{{9, 8, 7}, {6, 5, 4}, {3, 2, 1}}}, dst:totable())
  end)
end)

describe('image.translate', function()
  it('shifts by whole pixels, zero where uncovered', function()
    local t = torch.Tensor{{{1, 2, 3}, {4, 5, 6}}}
    assert.are.same({{{0, 1, 2}, {0, 4, 5}}}, image.translate(t, 1, 0):totable())
    assert.are.same({{{5, 6, 0}, {0, 0, 0}}}, image.translate(t, -1, -1):totable())
    local dst = torch.Tensor(1, 2, 3):fill(7)
    image.translate(dst, t, 0, 1)
    assert.are.same({{{0, 0, 0}, {1, 2, 3}}}, dst:totable())
    -- on HxW bytes, shift truncated as Torch7's integer arguments
    local b = torch.ByteTensor{{1, 2, 3}}
    assert.are.same({{0, 0, 1}}, image.translate(b, 2.7, 0):totable())
  end)
end)

describe('image.crop', function()
  local img = torch.range(1, 2 * 4 * 5):resize(2, 4, 5)
  it('takes a box by its 0-based corners, the end excluded', function()
    local c = image.crop(img, 1, 2, 4, 4)
    assert.are.same({2, 2, 3}, c:size():totable())
    assert.are.same(img[{{}, {3, 4}, {2, 4}}]:totable(), c:totable())
    assert.are.same(img[{{}, {2, 4}, {3, 5}}]:totable(), image.crop(img, 2, 1):totable())
  end)
  it('takes the c, tl, tr, bl, br forms', function()
    assert.are.same(img[{{}, {2, 3}, {2, 4}}]:totable(), image.crop(img, 'c', 3, 2):totable())
    assert.are.same(img[{{}, {1, 2}, {1, 3}}]:totable(), image.crop(img, 'tl', 3, 2):totable())
    assert.are.same(img[{{}, {1, 2}, {3, 5}}]:totable(), image.crop(img, 'tr', 3, 2):totable())
    assert.are.same(img[{{}, {3, 4}, {1, 3}}]:totable(), image.crop(img, 'bl', 3, 2):totable())
    assert.are.same(img[{{}, {3, 4}, {3, 5}}]:totable(), image.crop(img, 'br', 3, 2):totable())
    local g = image.crop(img[1], 'c', 1, 1)
    assert.are.same({{img[1][2][3]}}, g:totable())
  end)
  it('fills a destination, scaling the box into it', function()
    local dst = torch.Tensor(2, 2, 3)
    image.crop(dst, img, 0, 0)
    assert.are.same(img[{{}, {1, 2}, {1, 3}}]:totable(), dst:totable())
    local big = torch.Tensor(2, 4, 6)
    image.crop(big, img, 1, 1, 4, 3)
    local box = img[{{}, {2, 3}, {2, 4}}]
    assert(maxdiff(big, ref.scale(box, 6, 4, 'bilinear')) < 1e-12)
    local c2 = torch.Tensor(2, 2, 2)
    image.crop(c2, img, 'br', 2, 2)
    assert.are.same(img[{{}, {3, 4}, {4, 5}}]:totable(), c2:totable())
  end)
end)

describe('image flips', function()
  local t = torch.Tensor{{{1, 2, 3}, {4, 5, 6}}, {{7, 8, 9}, {10, 11, 12}}}
  it('hflip mirrors left-right, vflip upside down, flip any dimension', function()
    assert.are.same({{{3, 2, 1}, {6, 5, 4}}, {{9, 8, 7}, {12, 11, 10}}}, image.hflip(t):totable())
    assert.are.same({{{4, 5, 6}, {1, 2, 3}}, {{10, 11, 12}, {7, 8, 9}}}, image.vflip(t):totable())
    assert.are.same(image.vflip(t):totable(), image.flip(t, 2):totable())
    assert.are.same({t[2]:totable(), t[1]:totable()}, image.flip(t, 1):totable())
    assert.are.same({{3, 2, 1}, {6, 5, 4}}, image.hflip(t[1]):totable())
  end)
  it('fills a destination, or the source itself', function()
    local dst = torch.Tensor()
    assert.are.equal(dst, image.hflip(dst, t))
    assert.are.same(image.hflip(t):totable(), dst:totable())
    local c = t:clone()
    image.vflip(c, c)
    assert.are.same(image.vflip(t):totable(), c:totable())
  end)
end)

describe('image colour spaces', function()
  local rgb = torch.rand(3, 4, 5)
  local R, G, B = rgb[1], rgb[2], rgb[3]

  it('rgb2yuv, yuv2rgb, rgb2y: the BT.601 matrices', function()
    local yuv = image.rgb2yuv(rgb)
    assert(maxdiff(yuv[1], R * 0.299 + G * 0.587 + B * 0.114) < 1e-12)
    assert(maxdiff(yuv[2], R * -0.14713 + G * -0.28886 + B * 0.436) < 1e-12)
    assert(maxdiff(yuv[3], R * 0.615 + G * -0.51499 + B * -0.10001) < 1e-12)
    local back = image.yuv2rgb(yuv)
    assert(maxdiff(back, rgb) < 2e-4) -- the coefficients are rounded to 5 places
    local y = image.rgb2y(rgb)
    assert.are.same({1, 4, 5}, y:size():totable())
    assert(maxdiff(y[1], yuv[1]) < 1e-12)
    local dst = torch.Tensor()
    image.rgb2yuv(dst, rgb)
    assert(maxdiff(dst, yuv) < 1e-12)
  end)

  it('rgb2hsv and hsv2rgb against the definition, and each other', function()
    local hsv = image.rgb2hsv(rgb)
    for y = 1, 4 do
      for x = 1, 5 do
        local r, g, b = R[y][x], G[y][x], B[y][x]
        local mx, mn = math.max(r, g, b), math.min(r, g, b)
        local h
        if mx == r then h = ((g - b) / (mx - mn)) % 6
        elseif mx == g then h = (b - r) / (mx - mn) + 2
        else h = (r - g) / (mx - mn) + 4 end
        H.near(hsv[1][y][x], h / 6, 1e-12)
        H.near(hsv[2][y][x], (mx - mn) / mx, 1e-12)
        H.near(hsv[3][y][x], mx, 1e-12)
      end
    end
    assert(maxdiff(image.hsv2rgb(hsv), rgb) < 1e-12)
    -- gray has hue and saturation 0
    local gray = torch.Tensor(3, 1, 1):fill(0.4)
    assert.are.same({{{0}}, {{0}}, {{0.4}}}, image.rgb2hsv(gray):totable())
    -- in place
    local c = rgb:clone()
    image.rgb2hsv(c, c)
    assert(maxdiff(c, hsv) < 1e-12)
  end)

  it('rgb2hsl and hsl2rgb against the definition, and each other', function()
    local hsl = image.rgb2hsl(rgb)
    local hsv = image.rgb2hsv(rgb)
    assert(maxdiff(hsl[1], hsv[1]) < 1e-12) -- the same hue
    for y = 1, 4 do
      for x = 1, 5 do
        local mx, mn = math.max(R[y][x], G[y][x], B[y][x]), math.min(R[y][x], G[y][x], B[y][x])
        local l = (mx + mn) / 2
        H.near(hsl[3][y][x], l, 1e-12)
        H.near(hsl[2][y][x], (mx - mn) / (1 - math.abs(2 * l - 1)), 1e-12)
      end
    end
    assert(maxdiff(image.hsl2rgb(hsl), rgb) < 1e-12)
    local b = torch.ByteTensor{{{255}}, {{0}}, {{0}}}
    assert.are.same({{{0}}, {{255}}, {{128}}}, image.rgb2hsl(b):totable())
  end)

  it('rgb2lab and lab2rgb: CIE Lab of sRGB, D65', function()
    local function lin(v) return v <= 0.04045 and v / 12.92 or ((v + 0.055) / 1.055) ^ 2.4 end
    local function f(t) return t > 216 / 24389 and t ^ (1 / 3) or (24389 / 27 * t + 16) / 116 end
    local lab = image.rgb2lab(rgb)
    for y = 1, 4 do
      for x = 1, 5 do
        local r, g, b = lin(R[y][x]), lin(G[y][x]), lin(B[y][x])
        local X = (0.412453 * r + 0.357580 * g + 0.180423 * b) / 0.950456
        local Y = 0.212671 * r + 0.715160 * g + 0.072169 * b
        local Z = (0.019334 * r + 0.119193 * g + 0.950227 * b) / 1.088754
        H.near(lab[1][y][x], 116 * f(Y) - 16, 1e-9)
        H.near(lab[2][y][x], 500 * (f(X) - f(Y)), 1e-9)
        H.near(lab[3][y][x], 200 * (f(Y) - f(Z)), 1e-9)
      end
    end
    H.near(image.rgb2lab(torch.ones(3, 1, 1)):view(3):totable(), {100, 0, 0}, 1e-3)
    H.near(image.rgb2lab(torch.zeros(3, 1, 1)):view(3):totable(), {0, 0, 0}, 1e-12)
    -- the published forward and inverse matrices agree to about 1e-5
    assert(maxdiff(image.lab2rgb(lab), rgb) < 1e-4)
    raises_here(function() image.rgb2lab(torch.ByteTensor(3, 1, 1)) end, 'image.rgb2lab',
                'Lab needs a Float or Double image, got a Byte tensor')
  end)

  it('rgb2nrgb divides by the sum', function()
    local n = image.rgb2nrgb(rgb)
    local sum = R + G + B + 1e-6
    for k = 1, 3 do assert(maxdiff(n[k], torch.cdiv(rgb[k], sum)) < 1e-12) end
  end)
end)

describe('image kernels', function()
  it('gaussian follows its formula, positional or named', function()
    local g = image.gaussian(5, 0.3, 2)
    for y = 1, 5 do
      for x = 1, 5 do
        local du, dv = (x - 3) / (0.3 * 5), (y - 3) / (0.3 * 5)
        H.near(g[y][x], 2 * math.exp(-(du * du + dv * dv) / 2), 1e-12)
      end
    end
    assert.are.same(g:totable(), image.gaussian{size = 5, sigma = 0.3, amplitude = 2}:totable())
    local n = image.gaussian{size = 7, normalize = true}
    H.near(n:sum(), 1, 1e-12)
    local r = image.gaussian{width = 4, height = 2, sigma_horz = 0.5, sigma_vert = 0.2}
    assert.are.same({2, 4}, r:size():totable())
    H.near(r[1][1], math.exp(-(((1 - 2.5) / 2) ^ 2 + ((1 - 1.5) / 0.4) ^ 2) / 2), 1e-12)
    local t = torch.Tensor(3, 3)
    assert.are.equal(t, image.gaussian{tensor = t})
    H.near(t[2][2], 1, 1e-12)
  end)

  it('gaussian1D and laplacian follow theirs', function()
    local g = image.gaussian1D(7, 0.2)
    for i = 1, 7 do H.near(g[i], math.exp(-((i - 4) / 1.4) ^ 2 / 2), 1e-12) end
    H.near(image.gaussian1D{size = 6, normalize = true}:sum(), 1, 1e-12)
    local l = image.laplacian(5, 0.25)
    for y = 1, 5 do
      for x = 1, 5 do
        local r = (((x - 3) / 1.25) ^ 2 + ((y - 3) / 1.25) ^ 2) / 2
        H.near(l[y][x], (1 - r) * math.exp(-r), 1e-12)
      end
    end
  end)

  it('convolve: valid, full and same, per channel', function()
    local img, k = torch.rand(2, 6, 7), torch.rand(3, 3)
    local v = image.convolve(img, k)
    assert.are.same({2, 4, 5}, v:size():totable())
    assert(maxdiff(v[2], torch.conv2(img[2], k)) < 1e-12)
    local f = image.convolve(img, k, 'full')
    assert.are.same({2, 8, 9}, f:size():totable())
    local s = image.convolve(img, k, 'same')
    assert.are.same({2, 6, 7}, s:size():totable())
    assert(maxdiff(s, f[{{}, {2, 7}, {2, 8}}]) < 1e-12)
    local dst = torch.Tensor()
    image.convolve(dst, img[1], k, 'same')
    assert(maxdiff(dst, s[1]) < 1e-12)
  end)
end)

describe('image morphology and lcn', function()
  local im = torch.Tensor{{0, 1, 1, 0, 0}, {1, 1, 1, 0, 0}, {0, 1, 1, 1, 0}, {0, 0, 0, 0, 1}}
  -- by the definition, window by window (kernel turned 180 degrees for erosion)
  local function morph(img, k, pad, erode)
    local h, w, kh, kw = img:size(1), img:size(2), k:size(1), k:size(2)
    local out = torch.Tensor(h, w)
    for y = 1, h do
      for x = 1, w do
        local all, any = true, false
        for i = 1, kh do
          for j = 1, kw do
            local ki, kj = erode and kh + 1 - i or i, erode and kw + 1 - j or j
            if k[ki][kj] == 1 then
              local yy, xx = y + i - 1 - (kh - 1) / 2, x + j - 1 - (kw - 1) / 2
              local v = (yy >= 1 and yy <= h and xx >= 1 and xx <= w) and img[yy][xx] or pad
              all, any = all and v == 1, any or v == 1
            end
          end
        end
        out[y][x] = (erode and all or (not erode and any)) and 1 or 0
      end
    end
    return out
  end

  it('erode and dilate follow their definitions', function()
    local cross = torch.Tensor{{0, 1, 0}, {1, 1, 1}, {0, 1, 0}}
    local corner = torch.Tensor{{1, 1, 0}, {0, 1, 0}, {0, 0, 0}}
    for _, k in ipairs {torch.ones(3, 3), cross, corner, torch.ones(1, 3)} do
      for _, pad in ipairs {0, 1} do
        assert.are.same(morph(im, k, pad, true):totable(), image.erode(im, k, pad):totable())
        assert.are.same(morph(im, k, pad, false):totable(), image.dilate(im, k, pad):totable())
      end
    end
    assert.are.same(morph(im, torch.ones(3, 3), 1, true):totable(), image.erode(im):totable())
    assert.are.same(morph(im, torch.ones(3, 3), 0, false):totable(), image.dilate(im):totable())
    raises_here(function() image.erode(im, torch.ones(2, 2)) end, 'image.erode', 'odd sizes', '2x2')
  end)

  it('lcn standardizes, then normalizes by the local mean and deviation', function()
    local x = torch.rand(9, 11)
    local k = image.gaussian{size = 3, normalize = true}
    local got = image.lcn(x, k)
    assert.are.same({7, 9}, got:size():totable())
    local z = (x - x:mean()) / x:std()
    for y = 1, 7 do
      for c = 1, 9 do
        local m, m2 = 0, 0
        for i = 1, 3 do
          for j = 1, 3 do
            -- conv2 turns the kernel; the gaussian is symmetric
            local v = z[y + i - 1][c + j - 1]
            m, m2 = m + k[i][j] * v, m2 + k[i][j] * v * v
          end
        end
        local sd = math.max(1, math.sqrt(math.max(0, m2 - m * m)))
        H.near(got[y][c], (z[y + 1][c + 1] - m) / sd, 1e-9)
      end
    end
    assert.are.same({1, 3}, image.lcn(torch.rand(1, 9, 11)):size():totable())
  end)
end)

describe('image colour maps and pyramids', function()
  it('jetColormap and colormap follow their formulas', function()
    assert.are.same({{0, 0.5, 1}, {0.5, 1, 0.5}, {1, 0.5, 0}, {0.5, 0, 0}}, image.jetColormap(4):totable())
    local m = image.colormap(3)
    H.near(m[1]:totable(), {0.65, 0.35, 0.35}, 1e-12)
    -- hue 39 degrees, saturation 0.3 + 1/9: chroma c, x = c (1 - |39/60 - 1|), m = 0.5 - c/2
    local c = 0.3 + 1 / 9
    H.near(m[2]:totable(), {c + 0.5 - c / 2, c * 0.65 + 0.5 - c / 2, 0.5 - c / 2}, 1e-12)
  end)

  it('y2jet colours levels by the jet map', function()
    local out = image.y2jet(torch.Tensor{{1, 2}, {3, 4}})
    assert.are.same({3, 2, 2}, out:size():totable())
    local map = image.jetColormap(4)
    for k = 1, 3 do
      assert.are.same({{map[1][k], map[2][k]}, {map[3][k], map[4][k]}}, out[k]:totable())
    end
    -- two levels: jetColormap(2) = {0.5, 1, 0.5}, {0.5, 0, 0}, as bytes rounded
    local b = image.y2jet(torch.ByteTensor{{1, 2}})
    assert.are.same({{{128, 128}}, {{255, 0}}, {{128, 0}}}, b:totable())
  end)

  it('gaussianpyramid scales and smooths level by level', function()
    local src = torch.rand(2, 8, 12)
    local p = image.gaussianpyramid(src, {1, 0.5, 0.25})
    assert.are.same({2, 8, 12}, p[1]:size():totable())
    assert.are.same({2, 4, 6}, p[2]:size():totable())
    assert.are.same({2, 2, 3}, p[3]:size():totable())
    assert.are.same(src:totable(), p[1]:totable())
    local k = image.gaussian{width = 3, normalize = true}
    local want = image.scale(image.convolve(src, k, 'same'), 6, 4, 'simple')
    assert(maxdiff(p[2], want) < 1e-12)
  end)
end)

describe('image display helpers', function()
  it('minmax maps to [0, 1]', function()
    local t = torch.Tensor{-2, 0, 6}
    assert.are.same({0, 0.25, 1}, image.minmax{tensor = t}:totable())
    assert.are.same({-2, 0, 6}, t:totable())
    assert.are.same({0, 0.5, 1}, image.minmax{tensor = t, min = -2, max = 2, saturate = true}:totable())
    H.near(image.minmax{tensor = t, symm = true}:totable(), {1 / 3, 0.5, 1})
    image.minmax{tensor = t, inplace = true}
    assert.are.same({0, 0.25, 1}, t:totable())
  end)

  it('toDisplayTensor lays images out on a grid', function()
    local imgs = {}
    for i = 1, 3 do imgs[i] = torch.Tensor(1, 2, 2):fill(i) end
    local g = image.toDisplayTensor{input = imgs, nrow = 2, padding = 1}
    assert.are.same({1, 6, 6}, g:size():totable())
    -- cells of 3 pixels (image plus padding), each image at the cell's first 2 rows and
    -- columns (Torch7's floor(1 + padding / 2)); values 1..3 mapped to 0..1
    assert.are.same({0, 0}, {g[1][1][1], g[1][2][2]})
    H.near(g[1][2][5], 0.5)
    H.near(g[1][5][2], 1)
    H.near(g[1][3][3], 1) -- the background is the maximum
    H.near(g[1][6][6], 1)
    local k = image.toDisplayTensor(torch.rand(5, 3, 4))
    assert.are.same({3, 20}, k:size():totable())
  end)

  it('display writes a PNG file instead of opening a window, and says where', function()
    local path = tmp('shown.png')
    local img = torch.rand(3, 4, 5)
    assert.are.equal(path, image.display{image = img, path = path, zoom = 2})
    local back = image.load(path)
    assert.are.same({3, 8, 10}, back:size():totable())
    local p = image.display(img)
    assert(p:find('dlua%-display%-%d+%.png$'))
    assert.are.same({3, 4, 5}, image.load(p):size():totable())
    os.remove(p)
  end)

  it('lena is the shipped sample image', function()
    local l = image.lena()
    assert.are.same({3, 128, 128}, l:size():totable())
    assert(l:min() >= 0 and l:max() <= 1 and l:std() > 0.1)
    assert.are.same({1, 128, 128}, image.fabio():size():totable())
  end)
end)

describe('image errors', function()
  local good = tmp('good.png')
  local goodjpg = tmp('good.jpg')
  setup(function()
    image.save(good, torch.rand(3, 8, 8))
    image.save(goodjpg, smooth(16, 16))
  end)

  it('truncated PNG files name image.load and the file', function()
    local data = readall(good)
    for _, n in ipairs {0, 3, 8, 20, 40, #data // 2, #data - 1} do
      writeall(tmp('t.png'), data:sub(1, n))
      raises_here(function() image.load(tmp('t.png')) end, 'image.load', tmp('t.png'))
    end
    writeall(tmp('t.png'), data:sub(1, 40))
    raises_here(function() image.loadPNG(tmp('t.png')) end, 'image.loadPNG', 'corrupt PNG file')
  end)

  it('corrupt PNG and JPEG files, in every byte, never crash', function()
    for _, p in ipairs {good, goodjpg} do
      local data = readall(p)
      local failed = 0
      for i = 1, #data, 3 do
        local bad = data:sub(1, i - 1) .. string.char(data:byte(i) ~ 0x55) .. data:sub(i + 1)
        writeall(tmp('bad'), bad)
        local ok, err = pcall(image.load, tmp('bad'))
        if not ok then
          failed = failed + 1
          assert(tostring(err):find('image.load: ', 1, true), err)
        end
      end
      assert(failed > 0)
    end
  end)

  it('truncated JPEG files are errors, not gray images', function()
    local data = readall(goodjpg)
    for _, n in ipairs {2, 3, 100, #data // 2, #data - 2} do
      writeall(tmp('t.jpg'), data:sub(1, n))
      raises_here(function() image.load(tmp('t.jpg')) end, 'image.load', tmp('t.jpg'))
    end
    writeall(tmp('t.jpg'), data:sub(1, #data // 2))
    raises_here(function() image.loadJPG(tmp('t.jpg')) end, 'image.loadJPG', 'corrupt JPEG file')
    raises_here(function() image.decompressJPG(torch.ByteTensor{0xff, 0xd8, 0xff}) end,
                'image.decompressJPG', 'corrupt JPEG')
  end)

  it('bad files, names and arguments', function()
    raises_here(function() image.load(tmp('missing.png')) end, 'image.load', 'cannot open', 'missing.png')
    writeall(tmp('text.txt'), 'hello')
    raises_here(function() image.load(tmp('text.txt')) end, 'image.load', 'is not a PNG, JPEG, PGM or PPM file')
    raises_here(function() image.load(good, 2) end, 'image.load', 'depth must be 1, 3 or 4, got 2')
    raises_here(function() image.load(good, 3, 'int') end, 'image.load', "tensortype must be 'float', 'double' or 'byte'")
    raises_here(function() image.save(tmp('x.gif'), torch.rand(3, 2, 2)) end, 'image.save', 'x.gif')
    raises_here(function() image.save(tmp('x.png'), torch.rand(5, 2, 2)) end, 'image.save', '1 to 4 channels', '5x2x2')
    raises_here(function() image.save(tmp('x.png'), 'pixels') end, 'image.save', 'expected a tensor')
    raises_here(function() image.saveJPG(tmp('x.jpg'), torch.rand(4, 2, 2)) end, 'image.saveJPG', '1 to 3 channels')
    raises_here(function() image.compressJPG(torch.rand(3, 2, 2), 101) end, 'image.compressJPG', 'quality must be in [1, 100], got 101')
    raises_here(function() image.save('/nonexistent-dir/x.png', torch.rand(3, 2, 2)) end, 'image.save', '/nonexistent-dir/x.png')
    raises_here(function() image.decompressPNG(torch.FloatTensor(3)) end, 'image.decompressPNG', 'ByteTensor')
    raises_here(function() image.decompress(torch.ByteTensor{1, 2, 3, 4}) end, 'image.decompress', 'neither PNG nor JPEG')
  end)

  it('bad geometry arguments name the function and the sizes', function()
    local img = torch.rand(3, 4, 4)
    raises_here(function() image.scale(img, 8, 8, 'lanczos') end, 'image.scale', "mode must be one of: simple | bilinear | bicubic, got 'lanczos'")
    raises_here(function() image.scale(img, 'big') end, 'image.scale', "got 'big'")
    raises_here(function() image.scale(torch.Tensor(1, 4, 4), img) end, 'image.scale', 'size 1x4x4', 'source size 3x4x4')
    raises_here(function() image.scale(torch.rand(2, 3, 4, 4), 2, 2) end, 'image.scale', 'size 2x3x4x4')
    raises_here(function() image.rotate(img, 1, 'bicubic') end, 'image.rotate', 'simple | bilinear')
    raises_here(function() image.rotate(img, img, 1) end, 'image.rotate', 'overlaps')
    raises_here(function() image.crop(img, 2, 2, 6, 3) end, 'image.crop', '(2, 2)-(6, 3)', '4x4')
    raises_here(function() image.crop(img, 'middle', 2, 2) end, 'image.crop', "'middle'")
    raises_here(function() image.rgb2yuv(torch.rand(2, 4, 4)) end, 'image.rgb2yuv', '3xHxW', '2x4x4')
    raises_here(function() image.rgb2hsv(torch.rand(3, 4, 4):float(), torch.rand(3, 4, 4)) end, 'image.rgb2hsv', 'Double tensor like the source, got a Float')
    raises_here(function() image.flip(img, 4) end, 'image.flip', '1 to 3', 'got 4')
    raises_here(function() image.convolve(img, torch.rand(3, 3), 'wide') end, 'image.convolve', "'wide'")
    raises_here(function() image.gaussian{size = 0} end, 'image.gaussian', 'width must be a positive integer, got 0')
    raises_here(function() image.gaussian{sise = 3} end, 'image.gaussian', "unknown argument 'sise'")
  end)
  it('the decoder refuses a result sharing storage with the bytes it reads', function()
    -- growing the result would move the bytes being decoded
    local enc = torch._image.encode(torch.rand(3, 4, 4), 'png', 75, 'image.compressPNG')
    local view = torch.ByteTensor(enc:storage(), 1, torch.LongStorage{1})
    local ok, err = pcall(torch._image.decode, view, enc, 'png', 'x', 'image.decompressPNG')
    assert.is_false(ok)
    assert.matches('image.decompressPNG: the result shares memory with the encoded bytes', err, 1, true)
    assert.are.equal(3, image.decompressPNG(enc):size(1)) -- the ordinary path still decodes
  end)
end)
