--[==[ optim.polyinterp(points [, xminBound [, xmaxBound]]) -> minPos [, fmin]

The minimiser, within [xminBound, xmaxBound], of the polynomial that interpolates the
function values and derivatives given in points: N triples {x, f(x), f'(x)}, as an Nx3
tensor or a Lua table of triples. The bounds default to the smallest and largest x.

As in Torch7 (after Mark Schmidt's minFunc):
- two points and no bounds: the minimiser of the interpolating cubic in closed form,
  clamped to the two x; the mean of the two x when the cubic has no real critical point.
  Only minPos is returned.
- otherwise: the polynomial of degree 2N-1 through all the values and slopes; the
  candidates are the bounds, the points' x and the real critical points inside the
  bounds, and the one with the smallest polynomial value wins. Returns minPos and that
  value fmin. When no candidate has a value (a singular system), minPos is the middle of
  the bounds and fmin is math.huge.
Not in Torch7: an unknown value or slope may be given as NaN (0/0); the polynomial then
has one coefficient per known value (minFunc's rule).
]==]
require 'torch'

local function isnan(v) return v ~= v end

-- points as a Lua list of {x, f, g}, checked.
local function triples(points)
   local out
   if torch.isTensor(points) then
      if points:dim() ~= 2 or points:size(2) ~= 3 then
         error('optim.polyinterp: points must be an Nx3 tensor of (x, f, g), got size '
               .. table.concat(points:size():totable(), 'x'), 3)
      end
      out = points:totable()
   elseif type(points) == 'table' then
      out = {}
      for i, p in ipairs(points) do
         if type(p) ~= 'table' or type(p[1]) ~= 'number' or type(p[2]) ~= 'number'
            or type(p[3]) ~= 'number' then
            error('optim.polyinterp: point ' .. i .. ' must be a triple {x, f, g} of numbers', 3)
         end
         out[i] = {p[1], p[2], p[3]}
      end
   else
      error('optim.polyinterp: argument 1: expected an Nx3 tensor or a table of {x, f, g}, got '
            .. torch.type(points), 3)
   end
   if #out == 0 then error('optim.polyinterp: no points', 3) end
   for i, p in ipairs(out) do
      if isnan(p[1]) or math.abs(p[1]) == math.huge then
         error('optim.polyinterp: point ' .. i .. ' has no finite x', 3)
      end
   end
   return out
end

-- Solves A c = b (n x n, Lua tables) by Gaussian elimination with partial pivoting;
-- nil when A is singular (a pivot negligible beside the largest entry of its column).
local function solve(A, b)
   local n = #b
   for k = 1, n do
      local p, colmax = k, 0
      for i = k, n do
         colmax = math.max(colmax, math.abs(A[i][k]))
         if math.abs(A[i][k]) > math.abs(A[p][k]) then p = i end
      end
      if colmax == 0 or math.abs(A[p][k]) <= 1e-13 * colmax then return nil end
      A[k], A[p] = A[p], A[k]
      b[k], b[p] = b[p], b[k]
      for i = k + 1, n do
         local m = A[i][k] / A[k][k]
         for j = k, n do A[i][j] = A[i][j] - m * A[k][j] end
         b[i] = b[i] - m * b[k]
      end
   end
   local c = {}
   for i = n, 1, -1 do
      local s = b[i]
      for j = i + 1, n do s = s - A[i][j] * c[j] end
      c[i] = s / A[i][i]
   end
   for i = 1, n do
      if isnan(c[i]) or math.abs(c[i]) == math.huge then return nil end
   end
   return c
end

-- The value of the polynomial c (coefficients, highest degree first) at x.
local function polyval(c, x)
   local v = 0
   for i = 1, #c do v = v * x + c[i] end
   return v
end

-- The derivative of the polynomial c.
local function polyder(c)
   local d, n = {}, #c - 1
   for i = 1, n do d[i] = c[i] * (n - i + 1) end
   return d
end

-- A root of c in [a, b], where c(a) and c(b) differ in sign, by bisection to the last bit.
local function bisect(c, a, b)
   local fa = polyval(c, a)
   for _ = 1, 200 do
      local m = 0.5 * (a + b)
      if m <= a or m >= b then break end
      local fm = polyval(c, m)
      if fm == 0 then return m end
      if (fm < 0) == (fa < 0) then a, fa = m, fm else b = m end
   end
   return 0.5 * (a + b)
end

-- The real roots of the polynomial c in [lo, hi], sorted. Degrees 1 and 2 in closed form;
-- above, the roots of the derivative split [lo, hi] into pieces where c is monotone, and
-- each piece whose ends differ in sign holds exactly one root.
local function roots(c, lo, hi)
   local k = 1
   while k <= #c and c[k] == 0 do k = k + 1 end
   local cc = table.move(c, k, #c, 1, {})
   local deg = #cc - 1
   local out = {}
   local function keep(r)
      if r >= lo and r <= hi then out[#out + 1] = r end
   end
   if deg < 1 then return out end
   if deg == 1 then
      keep(-cc[2] / cc[1])
   elseif deg == 2 then
      local a, b, z = cc[1], cc[2], cc[3]
      local disc = b * b - 4 * a * z
      if disc >= 0 then
         -- the form without cancellation
         local q = -0.5 * (b + (b >= 0 and math.sqrt(disc) or -math.sqrt(disc)))
         keep(q / a)
         if q ~= 0 then keep(z / q) end
      end
   else
      local cuts = {lo}
      for _, r in ipairs(roots(polyder(cc), lo, hi)) do
         if r > cuts[#cuts] then cuts[#cuts + 1] = r end
      end
      if hi > cuts[#cuts] then cuts[#cuts + 1] = hi end
      for i = 1, #cuts do
         local v = polyval(cc, cuts[i])
         if v == 0 then
            keep(cuts[i])
         elseif i < #cuts then
            local w = polyval(cc, cuts[i + 1])
            if w ~= 0 and (v < 0) ~= (w < 0) then keep(bisect(cc, cuts[i], cuts[i + 1])) end
         end
      end
   end
   table.sort(out)
   return out
end

local function checkbound(v, i)
   if v ~= nil and (type(v) ~= 'number' or isnan(v)) then
      error(string.format('optim.polyinterp: argument %d: expected a number, got %s', i,
                          type(v) == 'number' and 'nan' or torch.type(v)), 3)
   end
end

function optim.polyinterp(points, xminBound, xmaxBound)
   local pts = triples(points)
   checkbound(xminBound, 2)
   checkbound(xmaxBound, 3)

   -- two points with values and slopes and no bounds: the cubic's minimiser in closed
   -- form, with lo the point of smaller x
   if #pts == 2 and xminBound == nil and xmaxBound == nil
      and not (isnan(pts[1][2]) or isnan(pts[1][3]) or isnan(pts[2][2]) or isnan(pts[2][3])) then
      local lo, hi = pts[1], pts[2]
      if hi[1] < lo[1] then lo, hi = hi, lo end
      if lo[1] == hi[1] then return lo[1] end
      local d1 = lo[3] + hi[3] - 3 * (lo[2] - hi[2]) / (lo[1] - hi[1])
      local disc = d1 * d1 - lo[3] * hi[3]
      if disc >= 0 then
         local d2 = math.sqrt(disc)
         local t = hi[1] - (hi[1] - lo[1]) * ((hi[3] + d2 - d1) / (hi[3] - lo[3] + 2 * d2))
         if not isnan(t) then return math.min(math.max(t, lo[1]), hi[1]) end
      end
      return (lo[1] + hi[1]) / 2
   end

   local xmin, xmax = math.huge, -math.huge
   for _, p in ipairs(pts) do
      xmin, xmax = math.min(xmin, p[1]), math.max(xmax, p[1])
   end
   xminBound = xminBound or xmin
   xmaxBound = xmaxBound or xmax
   local bisection = (xminBound + xmaxBound) / 2

   -- one equation per known value or slope, for the coefficients of x^order .. x^0
   local nknown = 0
   for _, p in ipairs(pts) do
      if not isnan(p[2]) then nknown = nknown + 1 end
      if not isnan(p[3]) then nknown = nknown + 1 end
   end
   local order = nknown - 1
   if order < 0 then return bisection, math.huge end
   local A, b = {}, {}
   for _, p in ipairs(pts) do
      local x = p[1]
      if not isnan(p[2]) then
         local row = {}
         for j = 0, order do row[j + 1] = x ^ (order - j) end
         A[#A + 1], b[#b + 1] = row, p[2]
      end
      if not isnan(p[3]) then
         local row = {}
         for j = 0, order do
            local e = order - j
            row[j + 1] = e > 0 and e * x ^ (e - 1) or 0
         end
         A[#A + 1], b[#b + 1] = row, p[3]
      end
   end
   local c = solve(A, b)
   if c == nil then return bisection, math.huge end
   -- as Torch7: coefficients below 1e-12 are rounding noise of a lower-degree fit
   for i = 1, #c do if math.abs(c[i]) <= 1e-12 then c[i] = 0 end end

   local candidates = {xminBound, xmaxBound}
   for _, p in ipairs(pts) do candidates[#candidates + 1] = p[1] end
   for _, r in ipairs(roots(polyder(c), xminBound, xmaxBound)) do
      candidates[#candidates + 1] = r
   end
   local minPos, fmin = bisection, math.huge
   for _, x in ipairs(candidates) do
      if x >= xminBound and x <= xmaxBound then
         local v = polyval(c, x)
         if v < fmin then minPos, fmin = x, v end
      end
   end
   return minPos, fmin
end

return optim.polyinterp
