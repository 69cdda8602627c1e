-- Renders data/image_sample.png, dlua's sample image (image.lena()): 3x128x128, a colour
-- wheel (hue by angle, saturation by radius) on a gray checkerboard, with a dark ring
-- and a white bar, so that it has smooth gradients, hard edges and every hue. Made from
-- this formula alone (no source image): see data/image_sample.txt for its licence.
--   dlua scripts/make_image_sample.lua [out.png]
require 'image'

local n = 128
local img = torch.DoubleTensor(3, n, n)

-- HSV (all in [0, 1]) to RGB, the textbook sectors.
local function hsv(h, s, v)
   local i = math.floor(h * 6) % 6
   local f = h * 6 - math.floor(h * 6)
   local p, q, t = v * (1 - s), v * (1 - f * s), v * (1 - (1 - f) * s)
   local rgb = {{v, t, p}, {q, v, p}, {p, v, t}, {p, q, v}, {t, p, v}, {v, p, q}}
   return table.unpack(rgb[i + 1])
end

for y = 1, n do
   for x = 1, n do
      local u, v = (x - 0.5) / n - 0.5, (y - 0.5) / n - 0.5
      local r = math.sqrt(u * u + v * v)
      local R, G, B
      if r < 0.42 then
         local h = (math.atan(v, u) / (2 * math.pi)) % 1
         R, G, B = hsv(h, math.min(1, r / 0.3), 1 - 0.5 * math.max(0, (r - 0.3) / 0.12))
         if math.abs(r - 0.2) < 0.015 then R, G, B = 0.1, 0.1, 0.1 end
      else
         local c = (math.floor((x - 1) / 8) + math.floor((y - 1) / 8)) % 2
         R, G, B = 0.25 + 0.5 * c, 0.25 + 0.5 * c, 0.25 + 0.5 * c
      end
      if y > 100 and y <= 108 and x > 16 and x <= 112 then R, G, B = 1, 1, 1 end
      img[1][y][x], img[2][y][x], img[3][y][x] = R, G, B
   end
end

image.savePNG(arg and arg[1] or 'data/image_sample.png', img)
