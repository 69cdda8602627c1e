-- LAPACK bindings: values against hand computations and reconstructions, both float
-- types, non-contiguous inputs, results written into given tensors (views into a parent,
-- in-place calls), Torch7's layouts, and the error messages.
require 'torch'

local function totable(x)
  if type(x) == 'userdata' then return x:totable() end
  return x
end

local function maxdiff(t, expected)
  expected = totable(expected)
  local worst = 0
  local function walk(x, y)
    if type(x) == 'table' then
      assert(type(y) == 'table' and #x == #y, 'shape differs')
      for i = 1, #x do walk(x[i], y[i]) end
    else
      worst = math.max(worst, math.abs(x - y))
    end
  end
  walk(t:totable(), expected)
  return worst
end

local function near(t, expected, tol)
  local d = maxdiff(t, expected)
  assert(d <= tol, ('differs by %g (tolerance %g)'):format(d, tol))
end

local function fails(pattern, f, ...)
  local ok, err = pcall(f, ...)
  assert.is_false(ok)
  assert.is_truthy(string.find(tostring(err), pattern, 1, true),
                   'error "' .. tostring(err) .. '" lacks "' .. pattern .. '"')
end

local function eye(T, n)
  local e = torch[T](n, n):zero()
  for i = 1, n do e[i][i] = 1 end
  return e
end

local function diag(v)
  local n = v:size(1)
  local d = torch[torch.type(v):match('torch%.(.*)')](n, n):zero()
  for i = 1, n do d[i][i] = v[i] end
  return d
end

local function strides(t)
  local s = {}
  for d = 1, t:dim() do s[d] = t:stride(d) end
  return s
end

-- A copy of matrix m that is not contiguous: column-major (its transpose is), or a
-- narrow of a wider matrix (rows longer than the matrix).
local function colmajor(m)
  return m:t():contiguous():t()
end
local function narrowed(m)
  local w = m.new(m:size(1), m:size(2) + 3):fill(99)
  local v = w:narrow(2, 2, m:size(2))
  v:copy(m)
  assert(not v:isContiguous())
  return v
end

-- A view of rows x cols inside a parent filled with a sentinel, at rows 2.., columns
-- 3..: not contiguous. untouched() checks the parent outside the view.
local SENTINEL = -7
local function view_in_parent(T, rows, cols)
  local parent = torch[T](rows + 3, cols + 4):fill(SENTINEL)
  return parent, parent:narrow(1, 2, rows):narrow(2, 3, cols)
end
local function untouched(parent, rows, cols)
  for i = 1, parent:size(1) do
    for j = 1, parent:size(2) do
      local inside = i >= 2 and i < 2 + rows and j >= 3 and j < 3 + cols
      if not inside then assert(parent[i][j] == SENTINEL, ('parent[%d][%d] changed'):format(i, j)) end
    end
  end
end

-- A vector view of n elements every other element of a parent.
local function vector_in_parent(T, n)
  local parent = torch[T](2 * n + 1):fill(SENTINEL)
  return parent, parent:narrow(1, 2, 2 * n - 1):unfold(1, 1, 2):select(2, 1)
end
local function vector_untouched(parent, n)
  for i = 1, parent:size(1) do
    if i % 2 == 1 then assert(parent[i] == SENTINEL, ('parent[%d] changed'):format(i)) end
  end
end

local tol = {FloatTensor = 1e-4, DoubleTensor = 1e-10}

describe('torch.gesv', function()
  for T, eps in pairs(tol) do
    it('solves A X = B (' .. T .. ')', function()
      -- A = [[2,1],[1,3]], X = [[1,2],[3,-1]] gives B = A X
      local A = torch[T]({{2, 1}, {1, 3}})
      local B = torch[T]({{5, 3}, {10, -1}})
      local X, LU = torch.gesv(B, A)
      assert.equal('torch.' .. T, torch.type(X))
      near(X, {{1, 2}, {3, -1}}, eps)
      -- partial pivoting keeps row 1 (pivot 2): L21 = 1/2, U = [[2, 1], [0, 2.5]]
      near(LU, {{2, 1}, {0.5, 2.5}}, eps)
      -- Torch7's layout: both come back transposed (column-major)
      assert.same({1, 2}, strides(X))
      assert.same({1, 2}, strides(LU))
      -- the inputs are left alone
      near(A, {{2, 1}, {1, 3}}, 0)
      near(B, {{5, 3}, {10, -1}}, 0)
      -- a vector right-hand side gives a vector
      local x = torch.gesv(torch[T]{5, 10}, A)
      assert.equal(1, x:dim())
      near(x, {1, 3}, eps)
      -- non-contiguous operands
      near(torch.gesv(narrowed(B), colmajor(A)), {{1, 2}, {3, -1}}, eps)
      near(torch.gesv(colmajor(B), narrowed(A)), {{1, 2}, {3, -1}}, eps)
      near(torch.gesv(B, torch[T]({{2, 1, 9}, {1, 3, 9}}):narrow(2, 1, 2):t():t()), {{1, 2}, {3, -1}}, eps)
      -- the method form solves too
      near(B:gesv(A), {{1, 2}, {3, -1}}, eps)
    end)

    it('writes into given result views and in place (' .. T .. ')', function()
      local A = torch[T]({{2, 1}, {1, 3}})
      local B = torch[T]({{5, 3}, {10, -1}})
      local px, rx = view_in_parent(T, 2, 2)
      local plu, rlu = view_in_parent(T, 2, 2)
      local X, LU = torch.gesv(rx, rlu, B, A)
      assert.equal(rx, X)
      assert.equal(rlu, LU)
      near(px:narrow(1, 2, 2):narrow(2, 3, 2), {{1, 2}, {3, -1}}, eps)
      near(plu:narrow(1, 2, 2):narrow(2, 3, 2), {{2, 1}, {0.5, 2.5}}, eps)
      untouched(px, 2, 2)
      untouched(plu, 2, 2)
      -- a transposed view keeps its strides and gets the values
      local pt = torch[T](2, 2):zero()
      torch.gesv(pt:t(), torch[T](), B, A)
      near(pt, {{1, 3}, {2, -1}}, eps)
      -- in place: torch.gesv(b, a, b, a)
      local b, a = B:clone(), A:clone()
      torch.gesv(b, a, b, a)
      near(b, {{1, 2}, {3, -1}}, eps)
      near(a, {{2, 1}, {0.5, 2.5}}, eps)
      -- a vector result view
      local pv, rv = vector_in_parent(T, 2)
      torch.gesv(rv, torch[T](), torch[T]{5, 10}, A)
      near(rv, {1, 3}, eps)
      vector_untouched(pv, 2)
      -- results of other sizes are resized, column-major as Torch7's
      local r1, r2 = torch[T](7), torch[T](3, 3)
      torch.gesv(r1, r2, torch[T]({{5}, {10}}), A)
      assert.same({2, 1}, {r1:size(1), r1:size(2)})
      near(r1, {{1}, {3}}, eps)
      assert.same({1, 2}, strides(r2))
      near(r2, {{2, 1}, {0.5, 2.5}}, eps)
    end)
  end

  it('matches the Torch7 documentation example', function()
    local a = torch.DoubleTensor({{6.80, -2.11, 5.66, 5.97, 8.23},
                                  {-6.05, -3.30, 5.36, -4.44, 1.08},
                                  {-0.45, 2.58, -2.70, 0.27, 9.04},
                                  {8.32, 2.71, 4.35, -7.17, 2.14},
                                  {-9.67, -5.14, -7.26, 6.08, -6.87}}):t()
    local b = torch.DoubleTensor({{4.02, 6.19, -8.22, -7.57, -3.03},
                                  {-1.56, 4.00, -8.67, 1.75, 2.86},
                                  {9.81, -4.09, -4.57, -8.61, 8.99}}):t()
    local x = torch.gesv(b, a)
    near(x, {{-0.8007, -0.3896, 0.9555}, {-0.6952, -0.5544, 0.2207},
             {0.5939, 0.8422, 1.9006}, {1.3217, -0.1038, 5.3577},
             {0.5658, 0.1057, 4.0406}}, 1e-4)
    near(torch.mm(a, x), b, 1e-12)
  end)

  it('refuses singular and ill-shaped systems, leaving the results alone', function()
    fails('gesv: matrix is singular (argument 2, 2x2: U(2,2) is exactly zero)', torch.gesv,
          torch.Tensor({{1}, {2}}), torch.Tensor({{1, 2}, {2, 4}}))
    fails('gesv: matrix is singular to working precision (argument 2, 2x2: reciprocal condition number',
          torch.gesv, torch.DoubleTensor{1, 2}, torch.DoubleTensor({{0.1, 0.7}, {0.3, 2.1}}))
    fails('gesv: argument 2 must be a square matrix, got 2x3', torch.gesv, torch.Tensor(2, 1), torch.Tensor(2, 3))
    fails('gesv: B (argument 1, 3x1) has 3 rows but A (argument 2) is 2x2', torch.gesv,
          torch.Tensor(3, 1), torch.Tensor(2, 2))
    fails('gesv: argument 1 must be a matrix or a vector, got a 3D tensor (size 2x1x1)', torch.gesv,
          torch.Tensor(2, 1, 1), torch.Tensor(2, 2))
    fails('gesv: argument 1 must be a FloatTensor or DoubleTensor, got a LongTensor', torch.gesv,
          torch.LongTensor(2, 1), torch.LongTensor(2, 2))
    fails('gesv: argument 2 is a DoubleTensor, expected a FloatTensor', torch.gesv,
          torch.FloatTensor(2, 1), torch.DoubleTensor(2, 2))
    fails('gesv: argument 2 (2x2) holds NaN or infinite values', torch.gesv,
          torch.DoubleTensor{1, 2}, torch.DoubleTensor({{1, 0 / 0}, {0, 1}}))
    fails('gesv: argument 2 is empty', torch.gesv, torch.Tensor(2, 1), torch.Tensor(2, 0))
    local A, B = torch.DoubleTensor({{2, 1}, {1, 3}}), torch.DoubleTensor({{5}, {10}})
    fails('gesv: result 1 is a FloatTensor, expected a DoubleTensor', torch.gesv,
          torch.FloatTensor(), torch.DoubleTensor(), B, A)
    local r = torch.DoubleTensor()
    fails('gesv: results 1 and 2 are the same tensor', torch.gesv, r, r, B, A)
    fails('gesv: expected 2 input tensors, or 2 result tensors then the inputs; got 3 tensors',
          torch.gesv, r, B, A)
    -- a failed call leaves given results as they were
    local rx = torch.DoubleTensor({{4}, {4}})
    pcall(torch.gesv, rx, torch.DoubleTensor(), B, torch.DoubleTensor({{1, 2}, {2, 4}}))
    near(rx, {{4}, {4}}, 0)
  end)
end)

describe('torch.trtrs', function()
  for T, eps in pairs(tol) do
    it('solves triangular systems with each option (' .. T .. ')', function()
      local U = torch[T]({{2, 1}, {0, 4}})
      local B = torch[T]({{4}, {8}})
      -- [[2,1],[0,4]] X = [4,8]: x2 = 2, x1 = (4 - 2) / 2 = 1
      local X, RA = torch.trtrs(B, U)
      near(X, {{1}, {2}}, eps)
      near(RA, U, 0)
      assert.same({1, 2}, strides(X))
      -- transposed: [[2,0],[1,4]] X = [4,8]: x1 = 2, x2 = 1.5
      near(torch.trtrs(B, U, 'U', 'T'), {{2}, {1.5}}, eps)
      -- the lower triangle of a full matrix, the upper one ignored
      near(torch.trtrs(B, torch[T]({{2, 99}, {1, 4}}), 'L'), {{2}, {1.5}}, eps)
      -- unit diagonal: [[1,1],[0,1]] X = [4,8]: x2 = 8, x1 = -4
      near(torch.trtrs(torch[T]{4, 8}, U, 'U', 'N', 'U'), {-4, 8}, eps)
      -- the Torch7 documentation example, B = A X checked
      local a = torch[T]({{6.80, -2.11, 5.66, 5.97, 8.23}, {0, -3.30, 5.36, -4.44, 1.08},
                          {0, 0, -2.70, 0.27, 9.04}, {0, 0, 0, -7.17, 2.14}, {0, 0, 0, 0, -6.87}})
      local b = torch[T]({{4.02, 6.19, -8.22, -7.57, -3.03}, {-1.56, 4.00, -8.67, 1.75, 2.86},
                          {9.81, -4.09, -4.57, -8.61, 8.99}}):t()
      local x = torch.trtrs(b, a)
      near(x, {{-3.5416, -0.2514, 3.0847}, {4.2072, 2.0391, -4.5146}, {4.6399, 1.7804, -2.6077},
               {1.1874, -0.3683, 0.8103}, {0.4410, -0.4163, -1.3086}}, 1e-4)
      near(torch.mm(a, x), b, eps * 100)
      -- non-contiguous inputs
      near(torch.trtrs(narrowed(B), colmajor(U)), {{1}, {2}}, eps)
    end)

    it('writes into result views and in place (' .. T .. ')', function()
      local U = torch[T]({{2, 1}, {0, 4}})
      local px, rx = view_in_parent(T, 2, 1)
      local pa, ra = view_in_parent(T, 2, 2)
      torch.trtrs(rx, ra, torch[T]({{4}, {8}}), U)
      near(px:narrow(1, 2, 2):narrow(2, 3, 1), {{1}, {2}}, eps)
      near(pa:narrow(1, 2, 2):narrow(2, 3, 2), U, 0)
      untouched(px, 2, 1)
      untouched(pa, 2, 2)
      local b, a = torch[T]({{4}, {8}}), U:clone()
      torch.trtrs(b, a, b, a)
      near(b, {{1}, {2}}, eps)
      near(a, U, 0)
    end)
  end

  it('refuses singular and ill-shaped systems', function()
    fails('trtrs: matrix is singular (argument 2, 2x2: diagonal element 2 is zero)', torch.trtrs,
          torch.DoubleTensor{1, 1}, torch.DoubleTensor({{1, 1}, {0, 0}}))
    fails('trtrs: matrix is singular to working precision (argument 2, 2x2', torch.trtrs,
          torch.DoubleTensor{1, 1}, torch.DoubleTensor({{1, 1}, {0, 1e-300}}))
    fails('trtrs: argument 2 must be a square matrix, got 2x3', torch.trtrs, torch.Tensor(2), torch.Tensor(2, 3))
    fails('trtrs: B (argument 1, 3) has 3 rows but A (argument 2) is 2x2', torch.trtrs,
          torch.Tensor(3), torch.Tensor(2, 2))
    fails("trtrs: argument 4 must be one of the letters 'NT'", torch.trtrs, torch.Tensor(2),
          torch.Tensor(2, 2), 'U', 'X')
  end)
end)

describe('torch.inverse', function()
  for T, eps in pairs(tol) do
    it('inverts (' .. T .. ')', function()
      local A = torch[T]({{4, 7}, {2, 6}}) -- det 10: inverse [[6,-7],[-2,4]] / 10
      local inv = torch.inverse(A)
      near(inv, {{0.6, -0.7}, {-0.2, 0.4}}, eps)
      assert.same({1, 2}, strides(inv)) -- Torch7: transposed
      local B = torch[T]({{2, 0, 1}, {1, 3, 2}, {1, 1, 2}})
      near(torch.mm(B, torch.inverse(B)), eye(T, 3), eps * 10)
      near(torch.mm(B:t(), B:t():inverse()), eye(T, 3), eps * 10)
      near(torch.inverse(narrowed(B)), torch.inverse(B), eps)
      local r = torch[T]()
      assert.equal(r, torch.inverse(r, A))
      near(r, {{0.6, -0.7}, {-0.2, 0.4}}, eps)
      -- Torch7: a row-major result of the right size becomes column-major on its own
      -- elements (its test_inverse checks this), and stays so at the next call
      local rr = torch[T](2, 2)
      torch.inverse(rr, A)
      assert.same({1, 2}, strides(rr))
      near(rr, {{0.6, -0.7}, {-0.2, 0.4}}, eps)
      torch.inverse(rr, A)
      assert.same({1, 2}, strides(rr))
      near(rr, {{0.6, -0.7}, {-0.2, 0.4}}, eps)
    end)

    it('writes into a result view and in place (' .. T .. ')', function()
      local A = torch[T]({{4, 7}, {2, 6}})
      local p, v = view_in_parent(T, 2, 2)
      torch.inverse(v, A)
      near(p:narrow(1, 2, 2):narrow(2, 3, 2), {{0.6, -0.7}, {-0.2, 0.4}}, eps)
      untouched(p, 2, 2)
      torch.inverse(A, A)
      near(A, {{0.6, -0.7}, {-0.2, 0.4}}, eps)
      assert.is_true(A:isContiguous()) -- a result of the right size keeps its layout
    end)
  end

  it('refuses singular matrices', function()
    fails('inverse: matrix is singular (argument 1, 2x2: U(2,2) is exactly zero)', torch.inverse,
          torch.DoubleTensor({{1, 2}, {2, 4}}))
    fails('inverse: matrix is singular (argument 1, 3x3', torch.inverse, torch.Tensor(3, 3):zero())
    -- singular, but elimination leaves a rounding error instead of an exact zero pivot
    fails('inverse: matrix is singular to working precision (argument 1, 2x2', torch.inverse,
          torch.DoubleTensor({{0.1, 0.7}, {0.3, 2.1}}))
    fails('inverse: argument 1 (2x2) holds NaN or infinite values', torch.inverse,
          torch.DoubleTensor({{0 / 0, 1}, {1, 1}}))
    fails('inverse: argument 1 must be a matrix (2D tensor), got a 1D tensor (size 3)', torch.inverse, torch.Tensor(3))
    fails('inverse: argument 1 must be a square matrix, got 2x3', torch.inverse, torch.Tensor(2, 3))
  end)
end)

describe('torch.gels', function()
  for T, eps in pairs(tol) do
    it('finds the least squares solution (' .. T .. ')', function()
      -- fit y = c0 + c1 t through (0,1), (1,3), (2,5), (3,7.5): normal equations by hand
      -- sum t = 6, sum t^2 = 14, sum y = 16.5, sum t y = 30.5 -> c1 = 2.15, c0 = 0.9
      local a = torch[T]({{1, 0}, {1, 1}, {1, 2}, {1, 3}})
      local b = torch[T]({{1}, {3}, {5}, {7.5}})
      local x = torch.gels(b, a)
      assert.same({2, 1}, {x:size(1), x:size(2)})   -- n x k, as Torch7 returns it
      assert.equal(1, x:stride(1))                  -- column-major
      near(x, {{0.9}, {2.15}}, eps * 10)
      -- residuals 1-(0.9) = 0.1, 3-3.05 = -0.05, 5-5.2 = -0.2, 7.5-7.35 = 0.15: norm^2 0.075
      assert.is_true(math.abs((torch.mm(a, x) - b):norm() ^ 2 - 0.075) < eps * 10)
      near(torch.gels(narrowed(b), colmajor(a)), {{0.9}, {2.15}}, eps * 10)
      local xv = torch.gels(torch[T]{1, 3, 5, 7.5}, a)
      assert.equal(1, xv:dim())
      near(xv, {0.9, 2.15}, eps * 10)
    end)

    it('writes into result views and in place (' .. T .. ')', function()
      local a = torch[T]({{1, 0}, {1, 1}, {1, 2}, {1, 3}})
      local b = torch[T]({{1}, {3}, {5}, {7.5}})
      local pb, rb = view_in_parent(T, 2, 1)
      local pa, ra = view_in_parent(T, 4, 2)
      torch.gels(rb, ra, b, a)
      near(pb:narrow(1, 2, 2):narrow(2, 3, 1), {{0.9}, {2.15}}, eps * 10)
      untouched(pb, 2, 1)
      untouched(pa, 4, 2)
      -- ra holds the QR factors: |R11| = |column 1| = 2
      assert.is_true(math.abs(math.abs(ra[1][1]) - 2) < eps)
      local b2, a2 = b:clone(), a:clone()
      torch.gels(b2, a2, b2, a2)
      near(b2, {{0.9}, {2.15}}, eps * 10)
      near(a2, ra, 0)
    end)
  end

  it('finds the minimum norm solution of an underdetermined system', function()
    local a = torch.DoubleTensor({{1, 1}}) -- x1 + x2 = 2 -> (1, 1)
    local x = torch.gels(torch.DoubleTensor({{2}}), a)
    near(x, {{1}, {1}}, 1e-12)
  end)

  it('matches the Torch7 documentation residual', function()
    local a = torch.DoubleTensor({{1.44, -9.96, -7.55, 8.34, 7.08, -5.45},
                                  {-7.84, -0.28, 3.24, 8.09, 2.52, -5.70},
                                  {-4.39, -3.24, 6.27, 5.28, 0.74, -1.19},
                                  {4.53, 3.83, -6.64, 2.06, -2.47, 4.70}}):t()
    local b = torch.DoubleTensor({{8.58, 8.26, 8.48, -5.28, 5.72, 8.93},
                                  {9.35, -4.43, -0.70, -0.26, -7.36, -2.52}}):t()
    local x = torch.gels(b, a)
    near(x, {{-0.4506, 0.2497}, {-0.8492, -0.9020},
             {0.7066, 0.6323}, {0.1289, 0.1351}}, 1e-4)
    assert.is_true(math.abs(b:dist(torch.mm(a, x)) - 17.3902) < 1e-4)
  end)

  it('refuses rank-deficient and ill-shaped matrices', function()
    fails('gels: matrix does not have full rank (argument 2, 3x2', torch.gels,
          torch.DoubleTensor(3, 1):fill(1), torch.DoubleTensor({{1, 2}, {2, 4}, {3, 6}}))
    fails('gels: B (argument 1, 2x1) has 2 rows but A (argument 2) is 3x2', torch.gels,
          torch.DoubleTensor(2, 1), torch.DoubleTensor(3, 2))
  end)
end)

describe('torch.symeig', function()
  for T, eps in pairs(tol) do
    it('gives ascending eigenvalues and eigenvectors with A v = l v (' .. T .. ')', function()
      local A = torch[T]({{2, 1}, {1, 2}}) -- eigenvalues 1 and 3
      local e = torch.symeig(A)
      near(e, {1, 3}, eps)
      local e2, V = torch.symeig(A, 'V')
      near(e2, {1, 3}, eps)
      assert.same({1, 2}, strides(V)) -- Torch7: transposed
      for i = 1, 2 do
        local v = V:select(2, i)
        near(torch.mv(A, v), v:clone():mul(e2[i]), eps)
      end
      near(torch.symeig(colmajor(A)), {1, 3}, eps)
      near(torch.symeig(narrowed(A)), {1, 3}, eps)
    end)

    it('writes into result views and in place (' .. T .. ')', function()
      local A = torch[T]({{2, 1}, {1, 2}})
      local pe, re = vector_in_parent(T, 2)
      local pv, rv = view_in_parent(T, 2, 2)
      local e, V = torch.symeig(re, rv, A, 'V')
      assert.equal(re, e)
      assert.equal(rv, V)
      near(re, {1, 3}, eps)
      vector_untouched(pe, 2)
      untouched(pv, 2, 2)
      -- eigenvectors of [[2,1],[1,2]]: (1,-1)/sqrt 2 and (1,1)/sqrt 2, up to sign
      local s = 1 / math.sqrt(2)
      for i, want in ipairs({{s, -s}, {s, s}}) do
        local col = rv:select(2, i)
        local sign = col[1] > 0 and 1 or -1
        near(col:clone():mul(sign), want, eps)
      end
      local a = A:clone()
      torch.symeig(torch[T](), a, a, 'V')
      near(torch.mm(torch.mm(a, diag(torch[T]{1, 3})), a:t()), A, eps * 10)
    end)
  end

  it('reads only the chosen triangle', function()
    local U = torch.DoubleTensor({{2, 1}, {99, 2}}) -- upper triangle: [[2,1],[1,2]]
    near(torch.symeig(U), {1, 3}, 1e-12)
    local Lw = torch.DoubleTensor({{2, 99}, {1, 2}})
    near(torch.symeig(Lw, 'N', 'L'), {1, 3}, 1e-12)
  end)

  it('matches the Torch7 documentation eigenvalues', function()
    local a = torch.DoubleTensor({{1.96, 0.00, 0.00, 0.00, 0.00},
                                  {-6.49, 3.80, 0.00, 0.00, 0.00},
                                  {-0.47, -6.39, 4.17, 0.00, 0.00},
                                  {-7.20, 1.50, -1.51, 5.70, 0.00},
                                  {-0.65, -6.34, 2.67, 1.80, -7.10}}):t()
    local e, v = torch.symeig(a, 'V')
    near(e, {-11.0656, -6.2287, 0.8640, 8.8655, 16.0948}, 1e-4)
    -- A = V diag(e) V'
    local full = torch.mm(torch.mm(v, diag(e)), v:t())
    local sym = a:clone()
    for i = 1, 5 do for j = 1, i - 1 do sym[i][j] = a[j][i] end end
    near(full, sym, 1e-10)
  end)

  it('checks its arguments', function()
    fails("symeig: argument 2 must be one of the letters 'NV'", torch.symeig, torch.Tensor(2, 2), 'X')
    fails('symeig: argument 1 must be a square matrix, got 2x3', torch.symeig, torch.Tensor(2, 3))
    fails('symeig: argument 1 (2x2) holds NaN or infinite values', torch.symeig,
          torch.DoubleTensor({{1, 1 / 0}, {0, 1}}))
  end)
end)

describe('torch.eig', function()
  it('gives complex pairs for a rotation and real ones for a diagonal matrix', function()
    local e = torch.eig(torch.DoubleTensor({{0, 1}, {-1, 0}}))
    assert.same({2, 2}, {e:size(1), e:size(2)})
    assert.is_true(e:isContiguous()) -- Torch7: e is contiguous, V transposed
    near(e, {{0, 1}, {0, -1}}, 1e-12)
    local A = torch.DoubleTensor({{2, 0}, {0, 5}})
    local e2, V = torch.eig(A, 'V')
    near(e2, {{2, 0}, {5, 0}}, 1e-12)
    assert.same({1, 2}, strides(V))
    near(torch.mm(A, V), torch.mm(V, diag(e2:select(2, 1):clone())), 1e-12)
  end)

  for T, eps in pairs(tol) do
    it('satisfies A v = l v for a general matrix (' .. T .. ')', function()
      local A = torch[T]({{4, 1}, {2, 3}}) -- eigenvalues 2 and 5
      local e, V = torch.eig(narrowed(A), 'V')
      local l = {e[1][1], e[2][1]}
      table.sort(l)
      assert.is_true(math.abs(l[1] - 2) < eps and math.abs(l[2] - 5) < eps)
      near(torch.mm(A, V), torch.mm(V, diag(e:select(2, 1):clone())), eps * 10)
      local pe, re = view_in_parent(T, 2, 2)
      local pv, rv = view_in_parent(T, 2, 2)
      torch.eig(re, rv, A, 'V')
      near(re, e, eps)
      untouched(pe, 2, 2)
      untouched(pv, 2, 2)
      near(torch.mm(A, rv), torch.mm(rv, diag(re:select(2, 1):clone())), eps * 10)
      local a = A:clone()
      torch.eig(torch[T](), a, a, 'V') -- in place: a gets the eigenvectors
      near(torch.mm(A, a), torch.mm(a, diag(e:select(2, 1):clone())), eps * 10)
    end)
  end

  it('checks its arguments', function()
    fails('eig: argument 1 must be a square matrix, got 3x2', torch.eig, torch.Tensor(3, 2))
    fails("eig: argument 2 must be one of the letters 'NV'", torch.eig, torch.Tensor(2, 2), 'A')
  end)
end)

describe('torch.svd', function()
  for T, eps in pairs(tol) do
    it('gives U S V\' = A (' .. T .. ')', function()
      local A = torch[T]({{3, 2, 2}, {2, 3, -2}}) -- singular values 5 and 3
      local U, S, V = torch.svd(A)
      near(S, {5, 3}, eps * 10)
      assert.same({2, 2}, {U:size(1), U:size(2)})
      assert.same({3, 2}, {V:size(1), V:size(2)})
      assert.same({1, 2}, strides(U)) -- Torch7: U transposed, V contiguous
      assert.is_true(V:isContiguous())
      near(torch.mm(torch.mm(U, diag(S)), V:t()), A, eps * 10)
      near(torch.mm(V:t(), V), eye(T, 2), eps * 10)
      local Ua, Sa, Va = torch.svd(colmajor(A:t()), 'A')
      assert.same({3, 3}, {Ua:size(1), Ua:size(2)})
      assert.same({2, 2}, {Va:size(1), Va:size(2)})
      near(Sa, {5, 3}, eps * 10)
      near(torch.mm(Ua:t(), Ua), eye(T, 3), eps * 10)
    end)

    it('writes into result views and in place (' .. T .. ')', function()
      local A = torch[T]({{3, 2, 2}, {2, 3, -2}})
      local pu, ru = view_in_parent(T, 2, 2)
      local ps, rs = vector_in_parent(T, 2)
      local pv, rv = view_in_parent(T, 3, 2)
      torch.svd(ru, rs, rv, narrowed(A))
      near(rs, {5, 3}, eps * 10)
      near(torch.mm(torch.mm(ru, diag(rs:clone())), rv:t()), A, eps * 10)
      untouched(pu, 2, 2)
      vector_untouched(ps, 2)
      untouched(pv, 3, 2)
      local a = torch[T]({{3, 0}, {4, 5}}) -- singular values sqrt 45 and sqrt 5
      local a0 = a:clone()
      local u, s, v = torch.svd(a, torch[T](), torch[T](), a) -- U into the input
      near(s, {math.sqrt(45), math.sqrt(5)}, eps * 10)
      near(torch.mm(torch.mm(a, diag(s)), v:t()), a0, eps * 10)
    end)
  end

  it('matches the Torch7 documentation singular values', function()
    local a = torch.DoubleTensor({{8.79, 6.11, -9.15, 9.57, -3.49, 9.84},
                                  {9.93, 6.91, -7.93, 1.64, 4.02, 0.15},
                                  {9.83, 5.04, 4.86, 8.83, 9.80, -8.99},
                                  {5.45, -0.27, 4.85, 0.74, 10.00, -6.02},
                                  {3.16, 7.98, 3.01, 5.80, 4.27, -5.31}}):t()
    local u, s, v = torch.svd(a)
    near(s, {27.4687, 22.6432, 8.5584, 5.9857, 2.0149}, 1e-4)
    near(torch.mm(torch.mm(u, diag(s)), v:t()), a, 1e-12)
  end)

  it('checks its arguments', function()
    fails('svd: argument 1 must be a matrix (2D tensor), got a 1D tensor (size 4)', torch.svd, torch.Tensor(4))
    fails("svd: argument 2 must be one of the letters 'SA'", torch.svd, torch.Tensor(2, 2), 'X')
  end)
end)

describe('torch.potrf, potrs and potri', function()
  for T, eps in pairs(tol) do
    it('factors, solves and inverts (' .. T .. ')', function()
      local A = torch[T]({{4, 2}, {2, 5}}) -- U = [[2,1],[0,2]]
      local U = torch.potrf(A)
      near(U, {{2, 1}, {0, 2}}, eps)
      assert.same({1, 2}, strides(U)) -- Torch7: transposed
      near(torch.mm(U:t(), U), A, eps)
      local L = torch.potrf(colmajor(A), 'L')
      near(L, {{2, 0}, {1, 2}}, eps)
      near(torch.potrf(narrowed(A)), U, eps)
      -- A X = B with X = [[1],[1]] -> B = [[6],[7]]
      local B = torch[T]({{6}, {7}})
      near(torch.potrs(B, U), {{1}, {1}}, eps)
      near(torch.potrs(B, L, 'L'), {{1}, {1}}, eps)
      near(torch.potrs(torch[T]{6, 7}, narrowed(U)), {1, 1}, eps)
      -- inverse: [[5,-2],[-2,4]] / 16, the full symmetric matrix from either factor
      local inv = {{0.3125, -0.125}, {-0.125, 0.25}}
      near(torch.potri(U), inv, eps)
      near(torch.potri(L, 'L'), inv, eps)
      near(torch.potri(colmajor(U)), inv, eps)
      -- only the factor's triangle is read
      near(torch.potri(torch[T]({{2, 1}, {99, 2}})), inv, eps)
    end)

    it('writes into result views and in place (' .. T .. ')', function()
      local A = torch[T]({{4, 2}, {2, 5}})
      local p, v = view_in_parent(T, 2, 2)
      torch.potrf(v, A)
      near(p:narrow(1, 2, 2):narrow(2, 3, 2), {{2, 1}, {0, 2}}, eps)
      untouched(p, 2, 2)
      local pb, rb = view_in_parent(T, 2, 1)
      torch.potrs(rb, torch[T]({{6}, {7}}), v)
      near(pb:narrow(1, 2, 2):narrow(2, 3, 1), {{1}, {1}}, eps)
      untouched(pb, 2, 1)
      local pi, ri = view_in_parent(T, 2, 2)
      torch.potri(ri, v)
      near(ri, {{0.3125, -0.125}, {-0.125, 0.25}}, eps)
      untouched(pi, 2, 2)
      local a = A:clone()
      torch.potrf(a, a)
      near(a, {{2, 1}, {0, 2}}, eps)
      local b = torch[T]({{6}, {7}})
      torch.potrs(b, b, a)
      near(b, {{1}, {1}}, eps)
      torch.potri(a, a)
      near(a, {{0.3125, -0.125}, {-0.125, 0.25}}, eps)
      local r = torch[T]()
      assert.equal(r, torch.potrf(r, A))
    end)
  end

  it('matches the Torch7 documentation examples', function()
    -- chol's first row is sqrt(a11) and a1j / sqrt(a11): 1.2705 ^ 0.5 = 1.1272
    local A = torch.DoubleTensor({{1.2705, 0.9971, 0.4948, 0.1389, 0.2381},
                                  {0.9971, 0.9966, 0.6752, 0.0686, 0.1196},
                                  {0.4948, 0.6752, 1.1434, 0.0314, 0.0582},
                                  {0.1389, 0.0686, 0.0314, 0.0270, 0.0526},
                                  {0.2381, 0.1196, 0.0582, 0.0526, 0.3957}})
    local chol = torch.potrf(A)
    near(chol:narrow(1, 1, 1), {{1.1272, 0.8846, 0.4390, 0.1232, 0.2112}}, 1e-4)
    local B = torch.DoubleTensor({{0.6219, 0.3439, 0.0431}, {0.5642, 0.1756, 0.0153},
                                  {0.2334, 0.8594, 0.4103}, {0.7556, 0.1966, 0.9637},
                                  {0.1420, 0.7185, 0.7476}})
    -- the documentation printed A to 4 decimals and A is ill-conditioned, so its solve
    -- and inverse are not comparable digit by digit: check A X = B and A inv = I
    local solve = torch.potrs(B, chol)
    near(torch.mm(A, solve), B, 1e-10)
    local inv = torch.potri(chol)
    near(torch.mm(A, inv), eye('DoubleTensor', 5), 1e-10)
    near(inv, torch.inverse(A), 1e-9)
  end)

  it('refuses matrices that are not positive definite and singular factors', function()
    fails('potrf: matrix is not positive definite (argument 1, 2x2: its leading minor of order 2 is not)',
          torch.potrf, torch.DoubleTensor({{1, 2}, {2, 1}}))
    fails('potrf: matrix is not positive definite (argument 1, 2x2: its leading minor of order 1',
          torch.potrf, torch.Tensor({{-1, 0}, {0, 1}}))
    fails('potrf: argument 1 must be a square matrix, got 2x3', torch.potrf, torch.Tensor(2, 3))
    fails("potrf: argument 2 must be one of the letters 'UL'", torch.potrf, torch.Tensor(2, 2), 'X')
    fails('potrs: B (argument 1, 3x1) has 3 rows but the factor (argument 2) is 2x2', torch.potrs,
          torch.Tensor(3, 1), torch.Tensor(2, 2))
    fails('potrs: the Cholesky factor is singular (argument 2, 2x2: diagonal element 2 is zero)',
          torch.potrs, torch.Tensor(2, 1):fill(1), torch.Tensor({{1, 1}, {0, 0}}))
    fails('potri: the Cholesky factor is singular (argument 1, 2x2: diagonal element 1 is zero)',
          torch.potri, torch.DoubleTensor({{0, 1}, {0, 1}}))
    fails('potri: argument 1 must be a square matrix, got 3x2', torch.potri, torch.Tensor(3, 2))
  end)
end)

describe('torch.pstrf', function()
  for T, eps in pairs(tol) do
    it('factors with complete pivoting (' .. T .. ')', function()
      -- [[2,2],[2,4]]: the larger diagonal (4) goes first, P'AP = [[4,2],[2,2]] = U'U
      -- with U = [[2,1],[0,1]]
      local A = torch[T]({{2, 2}, {2, 4}})
      local U, piv = torch.pstrf(A)
      assert.equal('torch.LongTensor', torch.type(piv))
      near(U, {{2, 1}, {0, 1}}, eps)
      assert.same({2, 1}, piv:totable())
      assert.same({1, 2}, strides(U)) -- Torch7: transposed
      local L, piv2 = torch.pstrf(colmajor(A), 'L')
      near(L, {{2, 0}, {1, 1}}, eps)
      assert.same({2, 1}, piv2:totable())
      -- a 3x3 one: P'AP = U'U, A[piv][piv] read through index
      local B = torch[T]({{4, 12, -16}, {12, 37, -43}, {-16, -43, 98}})
      local U3, p3 = torch.pstrf(narrowed(B))
      local permuted = B:index(1, p3):index(2, p3)
      near(torch.mm(U3:t(), U3), permuted, eps * 1000)
      assert.equal(3, p3[1]) -- 98 is the largest diagonal
    end)

    it('writes into result views and in place (' .. T .. ')', function()
      local A = torch[T]({{2, 2}, {2, 4}})
      local p, v = view_in_parent(T, 2, 2)
      local pp, vp = vector_in_parent('LongTensor', 2)
      torch.pstrf(v, vp, A)
      near(p:narrow(1, 2, 2):narrow(2, 3, 2), {{2, 1}, {0, 1}}, eps)
      assert.same({2, 1}, vp:totable())
      untouched(p, 2, 2)
      vector_untouched(pp, 2)
      local a = A:clone()
      torch.pstrf(a, torch.LongTensor(), a)
      near(a, {{2, 1}, {0, 1}}, eps)
    end)
  end

  it('refuses rank-deficient and indefinite matrices', function()
    fails('pstrf: matrix is rank deficient or not positive semidefinite (argument 1, 2x2: computed rank 1)',
          torch.pstrf, torch.DoubleTensor({{1, 1}, {1, 1}}))
    fails('pstrf: matrix is rank deficient or not positive semidefinite (argument 1, 2x2', torch.pstrf,
          torch.DoubleTensor({{1, 0}, {0, -1}}))
    fails('pstrf: result 2 is a DoubleTensor, expected a LongTensor', torch.pstrf,
          torch.DoubleTensor(), torch.DoubleTensor(), torch.DoubleTensor({{2, 2}, {2, 4}}))
    fails('pstrf: argument 1 must be a square matrix, got 2x3', torch.pstrf, torch.Tensor(2, 3))
  end)
end)

describe('torch.qr', function()
  it('matches the Torch7 documentation example', function()
    local a = torch.DoubleTensor({{12, -51, 4}, {6, 167, -68}, {-4, 24, -41}})
    local q, r = torch.qr(a)
    near(r, {{-14, -21, 14}, {0, -175, 70}, {0, 0, -35}}, 1e-10)
    near(q, {{-0.857142857142857, 0.394285714285714, 0.331428571428571},
             {-0.428571428571429, -0.902857142857143, -0.034285714285714},
             {0.285714285714286, -0.171428571428571, 0.942857142857143}}, 1e-10)
    near(torch.mm(q, r), a, 1e-10)
    assert.same({1, 3}, strides(q)) -- Torch7: Q transposed, R contiguous
    assert.is_true(r:isContiguous())
  end)

  for T, eps in pairs(tol) do
    it('gives thin factors Q R = A for tall and wide matrices (' .. T .. ')', function()
      local tall = torch[T]({{1, 2}, {3, 4}, {5, 6}})
      local q, r = torch.qr(narrowed(tall))
      assert.same({3, 2}, {q:size(1), q:size(2)})
      assert.same({2, 2}, {r:size(1), r:size(2)})
      near(torch.mm(q, r), tall, eps * 10)
      near(torch.mm(q:t(), q), eye(T, 2), eps * 10)
      assert.equal(0, r[2][1])
      local q2, r2 = torch.qr(colmajor(tall:t()))
      assert.same({2, 2}, {q2:size(1), q2:size(2)})
      assert.same({2, 3}, {r2:size(1), r2:size(2)})
      near(torch.mm(q2, r2), tall:t(), eps * 10)
    end)

    it('writes into result views and in place (' .. T .. ')', function()
      local a = torch[T]({{3, 1}, {4, 2}})
      -- by hand: |column 1| = 5, Q's first column -(3,4)/5, R = [[-5, -2.2], [0, r22]]
      -- with r22 = +-(3*2 - 4*1)/5 = +-0.4
      local pq, rq = view_in_parent(T, 2, 2)
      local pr, rr = view_in_parent(T, 2, 2)
      torch.qr(rq, rr, a)
      near(rq:select(2, 1), {-0.6, -0.8}, eps)
      near(rr:narrow(1, 1, 1), {{-5, -2.2}}, eps)
      assert.is_true(math.abs(math.abs(rr[2][2]) - 0.4) < eps)
      assert.equal(0, rr[2][1])
      untouched(pq, 2, 2)
      untouched(pr, 2, 2)
      local b = a:clone()
      torch.qr(b, torch[T](), b)
      near(b, rq, eps)
    end)
  end

  it('checks its argument', function()
    fails('qr: argument 1 must be a matrix (2D tensor), got a 1D tensor (size 3)', torch.qr, torch.Tensor(3))
  end)
end)

describe('torch.geqrf, orgqr and ormqr', function()
  for T, eps in pairs(tol) do
    it('give the reflectors of a 2x1 matrix, worked by hand (' .. T .. ')', function()
      -- A = (3, 4)': beta = -5, v = (1, 4 / (3 + 5)) = (1, 0.5), tau = (5 + 3) / 5 = 1.6;
      -- H = I - tau v v' = [[-0.6, -0.8], [-0.8, 0.6]]
      local ra, tau = torch.geqrf(torch[T]({{3}, {4}}))
      near(ra, {{-5}, {0.5}}, eps)
      near(tau, {1.6}, eps)
      near(torch.orgqr(ra, tau), {{-0.6}, {-0.8}}, eps)
      local C = torch[T]({{1, 2}, {3, 4}})
      near(torch.ormqr(ra, tau, C), {{-3, -4.4}, {1, 0.8}}, eps) -- H C
      near(torch.ormqr(ra, tau, C, 'L', 'T'), {{-3, -4.4}, {1, 0.8}}, eps) -- H' C = H C
      near(torch.ormqr(ra, tau, C, 'R'), {{-2.2, 0.4}, {-5, 0}}, eps) -- C H
    end)

    it('reconstruct A = Q R and Q\'A = R (' .. T .. ')', function()
      local A = torch[T]({{2, -1, 0}, {1, 3, 1}, {0, 1, 4}, {1, 0, 1}})
      local ra, tau = torch.geqrf(narrowed(A))
      assert.same({4, 3}, {ra:size(1), ra:size(2)})
      assert.same({1, 4}, strides(ra)) -- Torch7: transposed
      assert.equal(3, tau:size(1))
      local R = torch.triu(ra:narrow(1, 1, 3))
      local Q = torch.orgqr(colmajor(ra), tau)
      assert.same({4, 3}, {Q:size(1), Q:size(2)})
      near(torch.mm(Q, R), A, eps * 10)
      near(torch.mm(Q:t(), Q), eye(T, 3), eps * 10)
      -- ormqr with the identity gives the full Q (4x4), whose first columns are orgqr's
      local full = torch.ormqr(ra, tau, eye(T, 4))
      near(full:narrow(2, 1, 3), Q, eps * 10)
      near(torch.mm(full:t(), full), eye(T, 4), eps * 10)
      -- Q' A = R over a zero row
      local QtA = torch.ormqr(ra, tau, A, 'L', 'T')
      near(QtA:narrow(1, 1, 3), R, eps * 10)
      near(QtA:narrow(1, 4, 1), {{0, 0, 0}}, eps * 10)
      -- A' Q = R' (side 'R')
      near(torch.ormqr(ra, tau, A:t(), 'R'):narrow(2, 1, 3), R:t(), eps * 10)
      -- a wide matrix: Q is 2x2
      local W = torch[T]({{1, 2, 3}, {4, 5, 6}})
      local rw, tw = torch.geqrf(W)
      local Qw = torch.orgqr(rw, tw)
      assert.same({2, 2}, {Qw:size(1), Qw:size(2)})
      near(torch.mm(Qw, torch.triu(rw)), W, eps * 10)
    end)

    it('write into result views and in place (' .. T .. ')', function()
      local A = torch[T]({{3}, {4}})
      local pa, va = view_in_parent(T, 2, 1)
      local pt, vt = vector_in_parent(T, 1)
      torch.geqrf(va, vt, A)
      near(va, {{-5}, {0.5}}, eps)
      near(vt, {1.6}, eps)
      untouched(pa, 2, 1)
      vector_untouched(pt, 1)
      local pq, vq = view_in_parent(T, 2, 1)
      torch.orgqr(vq, va, vt)
      near(vq, {{-0.6}, {-0.8}}, eps)
      untouched(pq, 2, 1)
      local pc, vc = view_in_parent(T, 2, 2)
      torch.ormqr(vc, va, vt, torch[T]({{1, 2}, {3, 4}}))
      near(vc, {{-3, -4.4}, {1, 0.8}}, eps)
      untouched(pc, 2, 2)
      -- in place
      local a = A:clone()
      torch.geqrf(a, torch[T](), a)
      near(a, {{-5}, {0.5}}, eps)
      local c = torch[T]({{1, 2}, {3, 4}})
      torch.ormqr(c, a, torch[T]{1.6}, c)
      near(c, {{-3, -4.4}, {1, 0.8}}, eps)
      torch.orgqr(a, a, torch[T]{1.6})
      near(a, {{-0.6}, {-0.8}}, eps)
    end)
  end

  it('check their arguments', function()
    local ra, tau = torch.geqrf(torch.DoubleTensor({{3}, {4}}))
    fails('geqrf: argument 1 must be a matrix (2D tensor), got a 1D tensor (size 2)', torch.geqrf,
          torch.DoubleTensor(2))
    fails('orgqr: tau (argument 2) has 2 elements but A (argument 1) is 2x1: at most 1', torch.orgqr,
          ra, torch.DoubleTensor{1, 1})
    fails('orgqr: argument 2 must be a vector (1D tensor), got a 2D tensor (size 1x1)', torch.orgqr,
          ra, torch.DoubleTensor({{1}}))
    fails('ormqr: A (argument 1, 2x1) has 2 rows but C (argument 3) is 3x3: side \'L\' needs 3',
          torch.ormqr, ra, tau, torch.DoubleTensor(3, 3))
    fails("ormqr: argument 4 must be one of the letters 'LR'", torch.ormqr, ra, tau,
          torch.DoubleTensor(2, 2), 'X')
    fails('ormqr: argument 2 is a FloatTensor, expected a DoubleTensor', torch.ormqr, ra,
          torch.FloatTensor{1}, torch.DoubleTensor(2, 2))
  end)
end)

-- Runs a Lua chunk in a fresh interpreter (same module paths) and returns its output.
local function run(code)
  local lua = os.getenv('DLUA_LUA') or 'lua5.4'
  local f = assert(io.popen(lua .. " -e " .. ("%q"):format(code) .. ' 2>&1'))
  local out = f:read('a')
  f:close()
  return out
end

describe('LAPACK memory', function()
  it('stays flat over 2000 inverses of a 200x200 matrix', function()
    -- each result is 320 KB; without telling the collector about them the resident
    -- memory grew by over 200 MB here, with it by under 1 MB
    local out = run([[
      require 'torch'
      torch.setnumthreads(1)
      local function peak()
        for line in io.lines('/proc/self/status') do
          local kb = line:match('^VmHWM:%s+(%d+)')
          if kb then return tonumber(kb) // 1024 end
        end
      end
      local a = torch.DoubleTensor(200, 200):fill(1) + torch.eye(200):double():mul(200)
      torch.inverse(a)
      local before = peak()
      for i = 1, 2000 do local r = torch.inverse(a) end
      for i = 1, 200 do local u, s, v = torch.svd(a:narrow(1, 1, 100)) end
      print('growth', peak() - before)
    ]])
    local mb = tonumber(out:match('growth%s+(%d+)'))
    assert(mb, out)
    assert.is_true(mb < 80, 'peak resident memory grew by ' .. mb .. ' MB')
  end)
end)
