-- image: Torch7's image package. Loading and saving PNG and JPEG (libpng, libjpeg), PGM
-- and PPM; resampling, cropping, flips, rotation, translation, colour spaces, kernels
-- (gaussian, laplacian), convolution, display grids. Images are CxHxW tensors (or HxW), in [0, 1]
-- for Float and Double, 0..255 for Byte. The pixel loops and the codecs are C
-- (torch._image, src/lua/lt_image.c); this file parses Torch7's argument forms.
-- See docs/image.md.
require 'torch'

local K = torch._image
local image = {}
_G.image = image
package.loaded.image = image

-- Raises "fn: message" at the script's line.
local function fail(fn, fmt, ...)
   torch._error(string.format('%s: ' .. fmt, fn, ...))
end

local function sizestr(t)
   if t:dim() == 0 then return '[empty]' end
   return table.concat(t:size():totable(), 'x')
end

local function checkimage(fn, t, what)
   if not torch.isTensor(t) then
      fail(fn, '%s must be a tensor, got %s', what or 'the image', torch.type(t))
   end
   if t:dim() ~= 2 and t:dim() ~= 3 then
      fail(fn, '%s must be a CxHxW or HxW image, got a tensor of size %s', what or 'the image',
           sizestr(t))
   end
   return t
end

-- Width and height of a CxHxW or HxW image.
local function wh(t)
   local d = t:dim()
   return t:size(d), t:size(d - 1)
end

local types = {float = 'FloatTensor', double = 'DoubleTensor', byte = 'ByteTensor'}

-- An empty tensor of the type Torch7's tensortype argument names (the default type
-- when nil).
local function newof(fn, tensortype)
   if tensortype == nil then return torch.Tensor() end
   local name = types[tensortype]
   if not name then
      fail(fn, "tensortype must be 'float', 'double' or 'byte', got %s", tostring(tensortype))
   end
   return torch[name]()
end

-- ---------------------------------------------------------------------------------
-- loading and saving

-- The maximum value of a channel for the tensor's type: 1 or 255.
local function unit(t)
   return torch.type(t) == 'torch.ByteTensor' and 255 or 1
end

-- The image with `depth` channels (nil leaves it): 1 gives the luminance of RGB(A)
-- images (the gray channel of gray+alpha ones), 3 drops alpha and repeats gray, 4 adds
-- an opaque alpha channel. Always CxHxW.
local function todepth(fn, img, depth)
   local c, h, w = img:size(1), img:size(2), img:size(3)
   if depth == nil or depth == c then return img end
   if depth == 1 then
      if c == 2 then return img:narrow(1, 1, 1):clone() end
      return image.rgb2y(img:narrow(1, 1, 3))
   elseif depth == 3 or depth == 4 then
      local out = img.new(depth, h, w)
      if c >= 3 then
         out:narrow(1, 1, 3):copy(img:narrow(1, 1, 3))
      else
         for k = 1, 3 do out[k]:copy(img[1]) end
      end
      if depth == 4 then
         if c == 2 or c == 4 then out[4]:copy(img[c]) else out[4]:fill(unit(img)) end
      end
      return out
   end
   fail(fn, 'depth must be 1, 3 or 4, got %s', tostring(depth))
end

local function readfile(fn, path)
   if type(path) ~= 'string' then fail(fn, 'the file name must be a string, got %s', type(path)) end
   local f, err = io.open(path, 'rb')
   if not f then fail(fn, 'cannot open %s', err) end
   local data = f:read('a')
   f:close()
   if not data then fail(fn, "cannot read '%s'", path) end
   return data
end

local magic = {png = '\137PNG', jpeg = '\255\216\255'}

local function sniff(data)
   for fmt, m in pairs(magic) do
      if data:sub(1, #m) == m then return fmt end
   end
   if data:match('^P[2356]%s') then return 'pnm' end
end

local function decode(fn, bytes, fmt, name, depth, tensortype)
   local out = newof(fn, tensortype)
   if depth ~= nil and depth ~= 1 and depth ~= 3 and depth ~= 4 then
      fail(fn, 'depth must be 1, 3 or 4, got %s', tostring(depth))
   end
   K.decode(out, bytes, fmt, name, fn)
   return todepth(fn, out, depth)
end

local function loadas(fn, fmt, path, depth, tensortype)
   return decode(fn, readfile(fn, path), fmt, path, depth, tensortype)
end

function image.loadPNG(path, depth, tensortype)
   return loadas('image.loadPNG', 'png', path, depth, tensortype)
end

function image.loadJPG(path, depth, tensortype)
   return loadas('image.loadJPG', 'jpeg', path, depth, tensortype)
end

-- image.loadPPM(path [, depth [, tensortype]]): PGM (P2, P5) and PPM (P3, P6) files.
function image.loadPPM(path, depth, tensortype)
   return loadas('image.loadPPM', 'pnm', path, depth, tensortype)
end

function image.loadPGM(path, depth, tensortype)
   return loadas('image.loadPGM', 'pnm', path, depth, tensortype)
end

local exts = {png = 'png', jpg = 'jpeg', jpeg = 'jpeg', ppm = 'pnm', pgm = 'pnm', pnm = 'pnm'}

local function extof(path)
   local e = type(path) == 'string' and path:match('%.(%w+)$')
   return e and exts[e:lower()]
end

-- image.load(path [, depth [, tensortype]]): the format from the file's first bytes,
-- else from its extension.
function image.load(path, depth, tensortype)
   local fn = 'image.load'
   local data = readfile(fn, path)
   local fmt = sniff(data) or extof(path)
   if not fmt then
      fail(fn, "'%s' is not a PNG, JPEG, PGM or PPM file (unknown signature and extension)", path)
   end
   return decode(fn, data, fmt, path, depth, tensortype)
end

function image.getSize(path)
   local img = image.load(path, nil, 'byte')
   return torch.LongTensor(img:size():totable())
end

local function checkbytes(fn, t)
   if type(t) == 'string' then return t end
   if torch.type(t) ~= 'torch.ByteTensor' then
      fail(fn, 'the compressed image must be a ByteTensor, got %s', torch.type(t))
   end
   return t:contiguous()
end

function image.decompressPNG(bytes, depth, tensortype)
   local fn = 'image.decompressPNG'
   return decode(fn, checkbytes(fn, bytes), 'png', '<memory>', depth, tensortype)
end

function image.decompressJPG(bytes, depth, tensortype)
   local fn = 'image.decompressJPG'
   return decode(fn, checkbytes(fn, bytes), 'jpeg', '<memory>', depth, tensortype)
end

function image.decompress(bytes, depth, tensortype)
   local fn = 'image.decompress'
   bytes = checkbytes(fn, bytes)
   local head = type(bytes) == 'string' and bytes:sub(1, 4)
      or string.char(table.unpack(bytes:narrow(1, 1, math.min(4, bytes:nElement())):totable()))
   local fmt = sniff(head)
   if not fmt then fail(fn, 'the bytes are neither PNG nor JPEG (unknown signature)') end
   return decode(fn, bytes, fmt, '<memory>', depth, tensortype)
end

function image.compressPNG(img)
   return K.encode(img, 'png', nil, 'image.compressPNG')
end

function image.compressJPG(img, quality)
   return K.encode(img, 'jpeg', quality or 75, 'image.compressJPG')
end

local function saveas(fn, fmt, path, img, quality)
   if type(path) ~= 'string' then fail(fn, 'the file name must be a string, got %s', type(path)) end
   K.write(path, K.encode(img, fmt, quality, fn), fn)
end

function image.savePNG(path, img)
   saveas('image.savePNG', 'png', path, img)
end

function image.saveJPG(path, img, quality)
   saveas('image.saveJPG', 'jpeg', path, img, quality or 75)
end

-- Netpbm files hold 3 channels (PPM) or 1 (PGM), binary, maxval 255.
local function savepnm(fn, path, img, c)
   if torch.isTensor(img) and not (img:dim() == 3 and img:size(1) == c) and
      not (c == 1 and img:dim() == 2) then
      fail(fn, 'expected a %s image, got a tensor of size %s', c == 3 and '3xHxW' or '1xHxW or HxW',
           sizestr(img))
   end
   saveas(fn, 'pnm', path, img)
end

function image.savePPM(path, img) savepnm('image.savePPM', path, img, 3) end
function image.savePGM(path, img) savepnm('image.savePGM', path, img, 1) end

-- image.save(path, img [, quality]): PNG, JPEG, PPM or PGM by the extension, written
-- atomically.
function image.save(path, img, quality)
   local fn = 'image.save'
   local fmt = extof(path)
   if not fmt then
      fail(fn, "cannot tell the format of '%s' (expected a .png, .jpg, .jpeg, .ppm or .pgm name)",
           tostring(path))
   end
   local ext = path:match('%.(%w+)$'):lower()
   if ext == 'ppm' or ext == 'pgm' then return savepnm(fn, path, img, ext == 'ppm' and 3 or 1) end
   saveas(fn, fmt, path, img, fmt == 'jpeg' and (quality or 75) or nil)
end

-- ---------------------------------------------------------------------------------
-- geometry

-- A result tensor like src with the given width and height.
local function newsize(src, w, h)
   if src:dim() == 3 then return src.new(src:size(1), h, w) end
   return src.new(h, w)
end

-- The destination size of image.scale's size argument: MAX (a number or its string),
-- 'WxH', '^MIN', '*SCn/SCd', '*SC'.
local function parsesize(fn, src, size)
   local iw, ih = wh(src)
   local n = tonumber(size)
   if n then
      local m = math.max(iw, ih)
      return iw * n / m, ih * n / m
   end
   if type(size) ~= 'string' then fail(fn, 'size must be a number or a string, got %s', type(size)) end
   local w, h = size:match('^(%d+)x(%d+)$')
   if w then return tonumber(w), tonumber(h) end
   local min = tonumber(size:match('^%^(%d+)$'))
   if min then
      local m = math.min(iw, ih)
      return iw * min / m, ih * min / m
   end
   local a, b = size:match('^%*(%d+)/(%d+)$')
   if a then return iw * tonumber(a) / tonumber(b), ih * tonumber(a) / tonumber(b) end
   local sc = tonumber(size:match('^%*(.+)$'))
   if sc then return iw * sc, ih * sc end
   fail(fn, "size must be MAX, 'WxH', '^MIN', '*SC' or '*SCn/SCd', got '%s'", size)
end

-- image.scale(src, width, height [, mode]), image.scale(src, size [, mode]),
-- image.scale(dst, src [, mode]); mode 'bilinear' (the default), 'bicubic', 'simple'.
function image.scale(...)
   local fn = 'image.scale'
   local n, a = select('#', ...), {...}
   local dst, src, w, h, mode
   if torch.isTensor(a[2]) then
      dst, src, mode = a[1], a[2], a[3]
      checkimage(fn, dst, 'the destination')
   elseif n >= 3 and type(a[2]) == 'number' and type(a[3]) == 'number' then
      src, w, h, mode = a[1], a[2], a[3], a[4]
   else
      src, mode = a[1], a[3]
      checkimage(fn, src, 'the source')
      if a[2] == nil then fail(fn, 'missing the destination size') end
      w, h = parsesize(fn, src, a[2])
   end
   checkimage(fn, src, 'the source')
   if not dst then
      if not (w == w and h == h and w < 2^31 and h < 2^31) then
         fail(fn, 'invalid destination size %s x %s', tostring(w), tostring(h))
      end
      w, h = math.floor(math.max(w, 1)), math.floor(math.max(h, 1))
      dst = newsize(src, w, h)
   end
   K.scale(dst, src, mode or 'bilinear', fn)
   return dst
end

-- Torch7's result-first forms: when the second argument is a tensor, the first is the
-- destination. Returns it (or nil) and the other arguments, in a table.
local function splitdst(...)
   local a = {...}
   if torch.isTensor(a[2]) then return table.remove(a, 1), a end
   return nil, a
end

local function int(fn, x, what)
   if type(x) ~= 'number' or x ~= x or math.abs(x) > 2^53 then
      fail(fn, '%s must be a number, got %s', what, tostring(x))
   end
   return math.floor(x)
end

-- image.crop([dst,] src, x1, y1 [, x2, y2]) with 0-based corners, x2 and y2 excluded
-- (to the bottom right when absent, or dst's size when dst is given without them);
-- image.crop([dst,] src, format, width, height) with format 'c' (centre), 'tl', 'tr',
-- 'bl', 'br'. With dst and a box, the box is scaled into dst (bilinear).
function image.crop(...)
   local fn = 'image.crop'
   local dst, a = splitdst(...)
   local src = checkimage(fn, a[1], 'the source')
   local iw, ih = wh(src)
   local x1, y1, x2, y2
   if type(a[2]) == 'string' then
      local format, w, h = a[2], int(fn, a[3], 'width'), int(fn, a[4], 'height')
      if format == 'c' then x1, y1 = math.floor((iw - w) / 2), math.floor((ih - h) / 2)
      elseif format == 'tl' then x1, y1 = 0, 0
      elseif format == 'tr' then x1, y1 = iw - w, 0
      elseif format == 'bl' then x1, y1 = 0, ih - h
      elseif format == 'br' then x1, y1 = iw - w, ih - h
      else fail(fn, "format must be 'c', 'tl', 'tr', 'bl' or 'br', got '%s'", format) end
      x2, y2 = x1 + w, y1 + h
   else
      x1, y1 = int(fn, a[2], 'x1'), int(fn, a[3], 'y1')
      if a[4] ~= nil or a[5] ~= nil then
         x2, y2 = int(fn, a[4], 'x2'), int(fn, a[5], 'y2')
      elseif dst then
         local dw, dh = wh(dst)
         x2, y2 = x1 + dw, y1 + dh
      else
         x2, y2 = iw, ih
      end
   end
   if x1 < 0 or y1 < 0 or x2 > iw or y2 > ih or x2 <= x1 or y2 <= y1 then
      fail(fn, 'the box (%d, %d)-(%d, %d) is empty or outside the %dx%d image', x1, y1, x2, y2,
           iw, ih)
   end
   local d = src:dim()
   local box = src:narrow(d - 1, y1 + 1, y2 - y1):narrow(d, x1 + 1, x2 - x1)
   if not dst then return box:clone() end
   local dw, dh = wh(dst)
   if dw == x2 - x1 and dh == y2 - y1 and dst:dim() == d then
      dst:copy(box)
   else
      image.scale(dst, box)
   end
   return dst
end

-- image.translate([dst,] src, x, y): shifted by x columns, y rows; uncovered pixels 0.
function image.translate(...)
   local fn = 'image.translate'
   local dst, a = splitdst(...)
   local src = checkimage(fn, a[1], 'the source')
   dst = dst or src.new()
   K.translate(dst, src, int(fn, a[2], 'x'), int(fn, a[3], 'y'), fn)
   return dst
end

-- image.rotate([dst,] src, theta [, mode]): theta in radians, mode 'simple' (nearest,
-- the default) or 'bilinear'.
function image.rotate(...)
   local fn = 'image.rotate'
   local dst, a = splitdst(...)
   local src = checkimage(fn, a[1], 'the source')
   if type(a[2]) ~= 'number' then fail(fn, 'theta must be a number, got %s', type(a[2])) end
   dst = dst or src.new()
   K.rotate(dst, src, a[2], a[3] or 'simple', fn)
   return dst
end

-- Reverses dimension dim of src into dst (a new tensor when nil).
local function reverse(dst, src, dim)
   local n = src:size(dim)
   local idx = torch.range(n, 1, -1):long()
   if dst then
      if dst == src then
         local tmp = src:index(dim, idx)
         src:copy(tmp)
      else
         dst:index(src, dim, idx)
      end
      return dst
   end
   return src:index(dim, idx)
end

local function flipargs(fn, ...)
   local dst, a = splitdst(...)
   local src = a[1]
   if not torch.isTensor(src) then fail(fn, 'the source must be a tensor, got %s', torch.type(src)) end
   if dst and torch.type(dst) ~= torch.type(src) then
      fail(fn, 'the destination must be a %s like the source, got a %s', torch.type(src), torch.type(dst))
   end
   return dst, src, a[2]
end

-- image.hflip([dst,] src): left-right mirror (the last dimension).
function image.hflip(...)
   local dst, src = flipargs('image.hflip', ...)
   checkimage('image.hflip', src, 'the source')
   return reverse(dst, src, src:dim())
end

-- image.vflip([dst,] src): upside down (the next-to-last dimension).
function image.vflip(...)
   local dst, src = flipargs('image.vflip', ...)
   checkimage('image.vflip', src, 'the source')
   return reverse(dst, src, src:dim() - 1)
end

-- image.flip([dst,] src, dim): reversed along dimension dim.
function image.flip(...)
   local fn = 'image.flip'
   local dst, src, dim = flipargs(fn, ...)
   if type(dim) ~= 'number' or dim < 1 or dim > src:dim() or dim ~= math.floor(dim) then
      fail(fn, 'dim must be a dimension of the %s tensor (1 to %d), got %s', sizestr(src),
           src:dim(), tostring(dim))
   end
   return reverse(dst, src, dim)
end

-- ---------------------------------------------------------------------------------
-- colour spaces: image.X([dst,] src)

for _, name in ipairs {'rgb2yuv', 'yuv2rgb', 'rgb2y', 'rgb2hsv', 'hsv2rgb', 'rgb2hsl', 'hsl2rgb',
                       'rgb2nrgb', 'rgb2lab', 'lab2rgb'} do
   local fn = 'image.' .. name
   image[name] = function(...)
      local a = {...}
      local dst, src
      if select('#', ...) >= 2 then dst, src = a[1], a[2] else src = a[1] end
      if not torch.isTensor(src) then fail(fn, 'the source must be a tensor, got %s', torch.type(src)) end
      if dst ~= nil and not torch.isTensor(dst) then
         fail(fn, 'the destination must be a tensor, got %s', torch.type(dst))
      end
      dst = dst or src.new()
      K.convert(dst, src, name, fn)
      return dst
   end
end

-- ---------------------------------------------------------------------------------
-- kernels

-- Torch7's dok.unpack: named arguments in one table, or positional ones in order.
local function unpackargs(fn, args, names, defaults)
   local v = {}
   if #args == 1 and type(args[1]) == 'table' and not torch.isTensor(args[1]) then
      local t = args[1]
      for k in pairs(t) do
         local known = false
         for _, nm in ipairs(names) do known = known or nm == k end
         if not known then fail(fn, "unknown argument '%s'", tostring(k)) end
      end
      for i, nm in ipairs(names) do v[i] = t[nm] end
   else
      for i = 1, #names do v[i] = args[i] end
   end
   for i, nm in ipairs(names) do
      if v[i] == nil then v[i] = defaults[nm] end
   end
   return table.unpack(v, 1, #names)
end

local function checkpos(fn, x, what)
   if type(x) ~= 'number' or not (x > 0) or x ~= math.floor(x) then
      fail(fn, '%s must be a positive integer, got %s', what, tostring(x))
   end
   return x
end

-- Fills the 2-D g with f(du^2 + dv^2), du = (x - cx) / (sh width), cx = mh width + 0.5
-- (x 1-based), dv likewise; divided by its sum when normalize.
local function grid(g, sh, sv, mh, mv, normalize, f)
   local height, width = g:size(1), g:size(2)
   local cx, cy = mh * width + 0.5, mv * height + 0.5
   for y = 1, height do
      local dv = (y - cy) / (sv * height)
      for x = 1, width do
         local du = (x - cx) / (sh * width)
         g[y][x] = f(du * du + dv * dv)
      end
   end
   if normalize then g:div(g:sum()) end
   return g
end

-- image.gaussian([size [, sigma [, amplitude [, normalize [, width [, height
-- [, sigma_horz [, sigma_vert [, mean_horz [, mean_vert [, tensor]]]]]]]]]]]) or with
-- the same names in a table: amplitude * exp(-(du^2 + dv^2) / 2), du = (x - cx) /
-- (sigma_horz * width), cx = mean_horz * width + 0.5 (x 1-based), and the same for v.
function image.gaussian(...)
   local fn = 'image.gaussian'
   local size, sigma, amplitude, normalize, width, height, sh, sv, mh, mv, tensor =
      unpackargs(fn, {...}, {'size', 'sigma', 'amplitude', 'normalize', 'width', 'height',
         'sigma_horz', 'sigma_vert', 'mean_horz', 'mean_vert', 'tensor'},
         {size = 3, sigma = 0.25, amplitude = 1, normalize = false, mean_horz = 0.5,
          mean_vert = 0.5})
   if tensor ~= nil then
      if not torch.isTensor(tensor) or tensor:dim() ~= 2 then
         fail(fn, 'tensor must be a 2-D tensor, got %s', torch.isTensor(tensor) and sizestr(tensor) or torch.type(tensor))
      end
      height, width = tensor:size(1), tensor:size(2)
   end
   width = checkpos(fn, width or size, 'width')
   height = checkpos(fn, height or size, 'height')
   sh, sv = sh or sigma, sv or sigma
   return grid(tensor or torch.Tensor(height, width), sh, sv, mh, mv, normalize,
               function(q) return amplitude * math.exp(-0.5 * q) end)
end

-- image.gaussian1D([size [, sigma [, amplitude [, normalize [, mean [, tensor]]]]]])
function image.gaussian1D(...)
   local fn = 'image.gaussian1D'
   local size, sigma, amplitude, normalize, mean, tensor =
      unpackargs(fn, {...}, {'size', 'sigma', 'amplitude', 'normalize', 'mean', 'tensor'},
         {size = 3, sigma = 0.25, amplitude = 1, normalize = false, mean = 0.5})
   if tensor ~= nil then
      if not torch.isTensor(tensor) or tensor:dim() ~= 1 then
         fail(fn, 'tensor must be a 1-D tensor, got %s', torch.isTensor(tensor) and sizestr(tensor) or torch.type(tensor))
      end
      size = tensor:size(1)
   end
   size = checkpos(fn, size, 'size')
   local g = tensor or torch.Tensor(size)
   local c = mean * size + 0.5
   for i = 1, size do
      local d = (i - c) / (sigma * size)
      g[i] = amplitude * math.exp(-d * d / 2)
   end
   if normalize then g:div(g:sum()) end
   return g
end

-- image.laplacian(...): the arguments of image.gaussian (sigma 0.1 by default, no
-- tensor): amplitude * (1 - r) * exp(-r), r = (du^2 + dv^2) / 2.
function image.laplacian(...)
   local fn = 'image.laplacian'
   local size, sigma, amplitude, normalize, width, height, sh, sv, mh, mv =
      unpackargs(fn, {...}, {'size', 'sigma', 'amplitude', 'normalize', 'width', 'height',
         'sigma_horz', 'sigma_vert', 'mean_horz', 'mean_vert'},
         {size = 3, sigma = 0.1, amplitude = 1, normalize = false, mean_horz = 0.5,
          mean_vert = 0.5})
   width = checkpos(fn, width or size, 'width')
   height = checkpos(fn, height or size, 'height')
   sh, sv = sh or sigma, sv or sigma
   return grid(torch.Tensor(height, width), sh, sv, mh, mv, normalize,
               function(q) return (1 - q / 2) * amplitude * math.exp(-q / 2) end)
end

-- image.gaussianpyramid([dst,] src, scales): a list of images, src scaled by each of
-- scales (a list of factors, 'simple' mode), each level taken from the previous one
-- smoothed by a normalized 3x3 gaussian ('same' size).
function image.gaussianpyramid(...)
   local fn = 'image.gaussianpyramid'
   local a = {...}
   local dst, src, scales
   if select('#', ...) >= 3 then
      dst, src, scales = a[1], a[2], a[3]
   else
      dst, src, scales = {}, a[1], a[2]
   end
   checkimage(fn, src, 'the source')
   if type(scales) ~= 'table' or #scales == 0 then
      fail(fn, 'scales must be a list of numbers, got %s', torch.type(scales))
   end
   local k = image.gaussian{width = 3, normalize = true}:typeAs(src)
   local w, h = wh(src)
   local level = src
   for i, sc in ipairs(scales) do
      if type(sc) ~= 'number' or not (sc > 0) then
         fail(fn, 'scale %d must be a positive number, got %s', i, tostring(sc))
      end
      dst[i] = dst[i] or src.new()
      local sw, sh = math.max(1, math.floor(w * sc)), math.max(1, math.floor(h * sc))
      if src:dim() == 3 then dst[i]:resize(src:size(1), sh, sw) else dst[i]:resize(sh, sw) end
      if sc == 1 then dst[i]:copy(level) else image.scale(dst[i], level, 'simple') end
      level = image.convolve(dst[i], k, 'same')
   end
   return dst
end

-- The 2-D image of a binary morphology or lcn call, and its odd-sized kernel.
local function morphargs(fn, im, kern)
   if not torch.isTensor(im) or not (im:dim() == 2 or (im:dim() == 3 and im:size(1) == 1)) then
      fail(fn, 'expected an HxW or 1xHxW image, got %s', torch.isTensor(im) and 'a tensor of size ' .. sizestr(im) or torch.type(im))
   end
   if im:dim() == 3 then im = im[1] end
   if kern ~= nil and (not torch.isTensor(kern) or kern:dim() ~= 2 or kern:size(1) % 2 == 0 or
                       kern:size(2) % 2 == 0) then
      fail(fn, 'the kernel must be a 2-D tensor of odd sizes, got %s',
           torch.isTensor(kern) and sizestr(kern) or torch.type(kern))
   end
   return im, kern
end

-- im padded on every side by half the kernel, with value pad.
local function padded(im, kern, pad)
   local ph, pw = (kern:size(1) - 1) // 2, (kern:size(2) - 1) // 2
   local p = im.new(im:size(1) + 2 * ph, im:size(2) + 2 * pw):fill(pad)
   p:narrow(1, ph + 1, im:size(1)):narrow(2, pw + 1, im:size(2)):copy(im)
   return p
end

-- image.erode(im [, kern [, pad]]): binary erosion of an image of 0s and 1s: 1 where
-- every 1 of the kernel (3x3 ones by default; odd sizes; turned by 180 degrees, as
-- Torch7's convolution) covers a 1. Outside the image counts as pad (default 1).
function image.erode(im, kern, pad)
   im, kern = morphargs('image.erode', im, kern)
   kern = (kern or torch.ones(3, 3)):typeAs(im)
   local conv = torch.conv2(padded(im, kern, pad or 1), kern)
   return conv:eq(kern:sum()):typeAs(im)
end

-- image.dilate(im [, kern [, pad]]): binary dilation: 1 where some 1 of the kernel
-- (3x3 ones by default) covers a 1. Outside the image counts as pad (default 0).
function image.dilate(im, kern, pad)
   im, kern = morphargs('image.dilate', im, kern)
   kern = (kern or torch.ones(3, 3)):typeAs(im)
   local corr = torch.xcorr2(padded(im, kern, pad or 0), kern)
   return corr:gt(0):typeAs(im)
end

-- image.lcn(im [, kern]): local contrast normalization of a gray image (Double): the
-- image standardized (mean 0, std 1), then each pixel of the valid region less the
-- kern-weighted local mean, over the local standard deviation (at least 1). kern
-- defaults to a normalized 9x9 gaussian (sigma 1.591 pixels); the result is smaller by
-- the kernel's size less one.
function image.lcn(im, kern)
   im, kern = morphargs('image.lcn', im, kern)
   kern = (kern or image.gaussian{size = 9, sigma = 1.591 / 9, normalize = true}):double()
   local x = im:double():clone()
   x:add(-x:mean()):div(x:std())
   local mean = torch.conv2(x, kern)
   local var = torch.conv2(torch.cmul(x, x), kern):add(-1, torch.cmul(mean, mean)):clamp(0, math.huge)
   local std = var:sqrt():clamp(1, math.huge)
   local centre = x:narrow(1, (kern:size(1) - 1) // 2 + 1, mean:size(1))
                   :narrow(2, (kern:size(2) - 1) // 2 + 1, mean:size(2))
   return (centre - mean):cdiv(std)
end

-- image.convolve([dst,] src, kernel [, mode]): torch.conv2 with mode 'valid' (the
-- default), 'full' or 'same' (the full result's centre, src's size). A 2-D kernel on a
-- CxHxW image convolves every channel.
function image.convolve(...)
   local fn = 'image.convolve'
   local a = {...}
   local dst
   if torch.isTensor(a[3]) then dst = table.remove(a, 1) end
   local src, kernel, mode = a[1], a[2], a[3] or 'valid'
   checkimage(fn, src, 'the source')
   if not torch.isTensor(kernel) or (kernel:dim() ~= 2 and kernel:dim() ~= 3) then
      fail(fn, 'the kernel must be a 2-D or 3-D tensor, got %s',
           torch.isTensor(kernel) and sizestr(kernel) or torch.type(kernel))
   end
   if mode ~= 'valid' and mode ~= 'full' and mode ~= 'same' then
      fail(fn, "mode must be one of: full | valid | same, got '%s'", tostring(mode))
   end
   if kernel:dim() == 2 and src:dim() == 3 then
      kernel = kernel:view(1, kernel:size(1), kernel:size(2))
         :expand(src:size(1), kernel:size(1), kernel:size(2)):contiguous()
   end
   kernel = kernel:typeAs(src)
   local md = mode == 'valid' and 'V' or 'F'
   local res = torch.conv2(src, kernel, md)
   if mode == 'same' then
      local d = res:dim()
      res = res:narrow(d - 1, math.ceil(kernel:size(kernel:dim() - 1) / 2), src:size(src:dim() - 1))
               :narrow(d, math.ceil(kernel:size(kernel:dim()) / 2), src:size(src:dim()))
   end
   if dst then
      dst:resizeAs(res):copy(res)
      return dst
   end
   return mode == 'same' and res:clone() or res
end

-- ---------------------------------------------------------------------------------
-- display

-- image.minmax{tensor=, min=, max=, symm=, inplace=, saturate=, tensorOut=}: the
-- tensor mapped linearly from [min, max] (its own range when absent; symmetric about 0
-- with symm) to [0, 1], clamped with saturate when min or max is given.
function image.minmax(args)
   local fn = 'image.minmax'
   if type(args) ~= 'table' or not torch.isTensor(args.tensor) then
      fail(fn, 'expected a table with a tensor field, got %s', torch.type(args))
   end
   local t = args.tensor
   local out
   if args.tensorOut then
      out = args.tensorOut:resize(t:size()):copy(t)
   elseif args.inplace then
      out = t
   else
      out = torch.Tensor(t:size()):copy(t)
   end
   local min, max, saturate = args.min, args.max, args.saturate
   if min == nil and max == nil then saturate = false end
   local fmin = 0
   if min == nil then
      if args.symm then
         fmin = math.max(math.abs(out:min()), math.abs(out:max()))
         min = -fmin
      else
         min = out:min()
      end
   end
   if min ~= 0 then out:add(-min) end
   if max == nil then
      max = args.symm and fmin * 2 or out:max()
   else
      max = max - min
   end
   if max ~= 0 then out:div(max) end
   if saturate then out:clamp(0, 1) end
   return out
end

-- image.toDisplayTensor{input=, padding=0, nrow=6, scaleeach=false, min=, max=,
-- symmetric=false, saturate=true} (or positional): a list or batch of images (KxHxW,
-- Kx1xHxW, Kx3xHxW) laid out on a grid, nrow per row, mapped to [0, 1] by image.minmax.
function image.toDisplayTensor(...)
   local fn = 'image.toDisplayTensor'
   local input, padding, nrow, scaleeach, min, max, symm, saturate =
      unpackargs(fn, {...}, {'input', 'padding', 'nrow', 'scaleeach', 'min', 'max',
         'symmetric', 'saturate'}, {padding = 0, nrow = 6, scaleeach = false,
         symmetric = false, saturate = true})
   local packed = torch.Tensor()
   if type(input) == 'table' and not torch.isTensor(input) then
      if #input == 0 then fail(fn, 'the list of images is empty') end
      local d = input[1]:dim()
      local c = d == 2 and 1 or input[1]:size(1)
      packed:resize(#input, c, input[1]:size(d - 1), input[1]:size(d))
      for i, img in ipairs(input) do
         if img:nElement() ~= packed[i]:nElement() then
            fail(fn, 'image %d (size %s) differs in size from image 1 (size %s)', i, sizestr(img),
                 sizestr(input[1]))
         end
         packed[i]:copy(img)
      end
   elseif torch.isTensor(input) then
      packed:resize(input:size()):copy(input)
   else
      fail(fn, 'input must be a tensor or a list of tensors, got %s', torch.type(input))
   end
   local mm = function(t) return image.minmax{tensor = t, inplace = true, min = min, max = max,
                                               symm = symm, saturate = saturate} end
   local d = packed:dim()
   local colour = d == 4 and (packed:size(2) == 3 or packed:size(2) == 1)
   if d == 2 or (d == 3 and (packed:size(1) == 1 or packed:size(1) == 3)) then
      return mm(packed)
   end
   if not colour and d ~= 3 then
      fail(fn, 'input must be HxW, KxHxW, Kx1xHxW or Kx3xHxW, or a list, got size %s', sizestr(packed))
   end
   if scaleeach then
      for i = 1, packed:size(1) do mm(packed[i]) end
   end
   local n = packed:size(1)
   local xmaps = math.min(nrow, n)
   local ymaps = math.ceil(n / xmaps)
   local h, w = packed:size(d - 1) + padding, packed:size(d) + padding
   local grid = colour and torch.Tensor(packed:size(2), h * ymaps, w * xmaps)
                        or torch.Tensor(h * ymaps, w * xmaps)
   grid:fill(packed:max())
   local gd = grid:dim()
   local k = 1
   for y = 1, ymaps do
      for x = 1, xmaps do
         if k > n then break end
         grid:narrow(gd - 1, math.floor((y - 1) * h + 1 + padding / 2), h - padding)
             :narrow(gd, math.floor((x - 1) * w + 1 + padding / 2), w - padding)
             :copy(packed[k])
         k = k + 1
      end
   end
   if not scaleeach then mm(grid) end
   return grid
end

-- image.jetColormap(n): n x 3, the jet colours from dark blue through cyan, yellow and
-- red to dark red (Torch7's piecewise-linear map).
function image.jetColormap(n)
   checkpos('image.jetColormap', n, 'the number of colours')
   local map = torch.Tensor(n, 3)
   for i = 1, n do
      local f = 4 * i / n
      for k, off in ipairs {1.5, 0.5, -0.5} do
         map[i][k] = math.max(0, math.min(f - off, -f + off + 3, 1))
      end
   end
   return map
end

-- image.colormap(n): n x 3 colours spread around the hue circle (39 degrees apart, the
-- saturation cycling in [0.3, 1), lightness 0.5), for labelling classes.
function image.colormap(n)
   checkpos('image.colormap', n, 'the number of colours')
   local map = torch.Tensor(n, 3)
   for i = 1, n do
      local hue = ((i - 1) * 39) % 360
      local sat = math.fmod((i - 1) / 9, 0.7) + 0.3
      local c = sat -- chroma at lightness 0.5
      local hp = hue / 60
      local x = c * (1 - math.abs(math.fmod(hp, 2) - 1))
      local rgb = ({{c, x, 0}, {x, c, 0}, {0, c, x}, {0, x, c}, {x, 0, c}, {c, 0, x}})[math.floor(hp) + 1]
      for k = 1, 3 do map[i][k] = rgb[k] + 0.5 - c / 2 end
   end
   return map
end

-- image.y2jet([dst,] labels): an HxW (or 1xHxW) image of integer levels 1..L, L its
-- maximum, coloured by image.jetColormap(L): 3xHxW.
function image.y2jet(...)
   local fn = 'image.y2jet'
   local a = {...}
   local dst, src
   if #a >= 2 then dst, src = a[1], a[2] else src = a[1] end
   if not torch.isTensor(src) then fail(fn, 'the image must be a tensor, got %s', torch.type(src)) end
   if src:dim() == 3 and src:size(1) == 1 then src = src[1] end
   if src:dim() == 1 then src = src:view(1, src:size(1)) end
   if src:dim() ~= 2 then fail(fn, 'expected an HxW image of levels, got size %s', sizestr(src)) end
   local levels = src:long()
   local L = levels:max()
   if levels:min() < 1 then fail(fn, 'levels must be 1 or more, got %d', levels:min()) end
   local map = image.jetColormap(L)
   if torch.type(src) == 'torch.ByteTensor' then map = map:mul(255):add(0.5):floor() end
   map = map:typeAs(src)
   local h, w = src:size(1), src:size(2)
   local rgb = map:index(1, levels:view(h * w)):t():contiguous():view(3, h, w)
   dst = dst or src.new()
   dst:resize(3, h, w):copy(rgb)
   return dst
end

local displayed = 0

-- image.display(img | {image=, zoom=, min=, max=, legend=, padding=, nrow=, scaleeach=,
-- symmetric=, saturate=, path=}): dlua has no window system, so the display grid is
-- written to a PNG file instead: `path`, else $DLUA_DISPLAY_DIR, $TMPDIR or /tmp, named
-- dlua-display-N.png (N counts the calls). Says so on stderr and returns the path.
function image.display(...)
   local fn = 'image.display'
   local img, zoom, min, max, legend, _, _, _, scaleeach, _, _, padding, symm, nrow,
      saturate, path = unpackargs(fn, {...}, {'image', 'zoom', 'min', 'max', 'legend',
         'win', 'x', 'y', 'scaleeach', 'gui', 'offscreen', 'padding', 'symmetric', 'nrow',
         'saturate', 'path'}, {zoom = 1, legend = 'image.display', scaleeach = false,
         padding = 0, symmetric = false, nrow = 6, saturate = true})
   if img == nil then fail(fn, 'missing the image') end
   local grid = image.toDisplayTensor{input = img, padding = padding, nrow = nrow,
      scaleeach = scaleeach, min = min, max = max, symmetric = symm, saturate = saturate}
   if zoom ~= 1 then
      local w, h = wh(grid)
      grid = image.scale(grid, math.max(1, math.floor(w * zoom)), math.max(1, math.floor(h * zoom)), 'simple')
   end
   displayed = displayed + 1
   if not path then
      local dir = os.getenv('DLUA_DISPLAY_DIR') or os.getenv('TMPDIR') or '/tmp'
      path = string.format('%s/dlua-display-%d.png', dir, displayed)
   end
   image.savePNG(path, grid)
   io.stderr:write(string.format("image.display: no window system in dlua; wrote '%s' (%s)\n",
                                 path, legend))
   return path
end

-- ---------------------------------------------------------------------------------
-- the sample image

local here = debug.getinfo(1, 'S').source:match('^@(.*/)') or './'

-- image.lena(): dlua's sample image (3x128x128 in [0, 1], rendered from a formula by
-- scripts/make_image_sample.lua; data/image_sample.txt), standing in for Torch7's Lena.
function image.lena()
   for _, p in ipairs {here .. 'sample.png', here .. '../../data/image_sample.png'} do
      local f = io.open(p, 'rb')
      if f then
         f:close()
         return image.loadPNG(p)
      end
   end
   fail('image.lena', 'the sample image is not installed (looked in %s)', here)
end

-- image.fabio(): the sample's luminance (1x128x128), for Torch7's gray sample.
function image.fabio()
   return image.rgb2y(image.lena())
end

return image
