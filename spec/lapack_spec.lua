require 'torch'

local function maxdiff(t, expected)
  if type(expected) == 'userdata' then expected = expected:totable() end
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
  local d = v.new and torch.Tensor(n, n) or nil
  d = torch[torch.type(v):match('torch%.(.*)')](n, n):zero()
  for i = 1, n do d[i][i] = v[i] end
  return d
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
      assert.is_true(maxdiff(X, {{1, 2}, {3, -1}}) < eps)
      assert.is_true(maxdiff(torch.mm(A, X), B) < eps)
      assert.equal(2, LU:size(1))
      -- a vector right-hand side gives a vector
      local x = torch.gesv(torch[T]{5, 10}, A)
      assert.equal(1, x:dim())
      assert.is_true(maxdiff(x, {1, 3}) < eps)
      -- transposed and narrowed operands
      local At = torch[T]({{2, 1, 9}, {1, 3, 9}}):narrow(2, 1, 2):t()
      assert.is_true(maxdiff(torch.gesv(B, At), {{1, 2}, {3, -1}}) < eps)
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
    assert.is_true(maxdiff(x, {{-0.8007, -0.3896, 0.9555}, {-0.6952, -0.5544, 0.2207},
                               {0.5939, 0.8422, 1.9006}, {1.3217, -0.1038, 5.3577},
                               {0.5658, 0.1057, 4.0406}}) < 1e-4)
    assert.is_true(maxdiff(torch.mm(a, x), b) < 1e-12)
  end)

  it('fills given result tensors', function()
    local A = torch.DoubleTensor({{2, 1}, {1, 3}})
    local rx, rlu = torch.DoubleTensor(), torch.DoubleTensor()
    local X, LU = torch.gesv(rx, rlu, torch.DoubleTensor({{5}, {10}}), A)
    assert.equal(rx, X)
    assert.equal(rlu, LU)
    assert.is_true(maxdiff(rx, {{1}, {3}}) < 1e-12)
  end)

  it('refuses singular and ill-shaped systems', function()
    fails('gesv: matrix A is singular', torch.gesv, torch.Tensor({{1}, {2}}), torch.Tensor({{1, 2}, {2, 4}}))
    fails('gesv: argument 2 must be a square matrix, got 2x3', torch.gesv, torch.Tensor(2, 1), torch.Tensor(2, 3))
    fails('gesv: B has 3 rows but A is 2x2', torch.gesv, torch.Tensor(3, 1), torch.Tensor(2, 2))
    fails('must be a FloatTensor or DoubleTensor', torch.gesv, torch.LongTensor(2, 1), torch.LongTensor(2, 2))
  end)
end)

describe('torch.inverse', function()
  for T, eps in pairs(tol) do
    it('inverts (' .. T .. ')', function()
      local A = torch[T]({{4, 7}, {2, 6}})
      local inv = torch.inverse(A)
      assert.is_true(maxdiff(inv, {{0.6, -0.7}, {-0.2, 0.4}}) < eps)
      assert.is_true(inv:isContiguous())
      local B = torch[T]({{2, 0, 1}, {1, 3, 2}, {1, 1, 2}})
      assert.is_true(maxdiff(torch.mm(B, torch.inverse(B)), eye(T, 3)) < eps * 10)
      assert.is_true(maxdiff(torch.mm(B:t(), B:t():inverse()), eye(T, 3)) < eps * 10)
      local r = torch[T]()
      assert.equal(r, torch.inverse(r, A))
      assert.is_true(maxdiff(r, {{0.6, -0.7}, {-0.2, 0.4}}) < eps)
      torch.inverse(A, A) -- the result may be the input
      assert.is_true(maxdiff(A, {{0.6, -0.7}, {-0.2, 0.4}}) < eps)
    end)
  end

  it('refuses singular matrices', function()
    fails('inverse: matrix is singular', torch.inverse, torch.DoubleTensor({{1, 2}, {2, 4}}))
    fails('inverse: matrix is singular', torch.inverse, torch.Tensor(3, 3):zero())
    -- singular, but elimination leaves a rounding error instead of an exact zero pivot
    fails('inverse: matrix is singular to working precision', torch.inverse,
          torch.DoubleTensor({{0.1, 0.7}, {0.3, 2.1}}))
    fails('gesv: matrix is singular to working precision', torch.gesv, torch.DoubleTensor{1, 2},
          torch.DoubleTensor({{0.1, 0.7}, {0.3, 2.1}}))
    fails('inverse: matrix holds NaN', torch.inverse, torch.DoubleTensor({{0 / 0, 1}, {1, 1}}))
    fails('inverse: argument 1 must be a matrix (2D tensor), got a 1D tensor', torch.inverse, torch.Tensor(3))
  end)
end)

describe('torch.gels', function()
  it('finds the least squares solution', function()
    -- fit y = c0 + c1 t through (0,1), (1,3), (2,5), (3,7.5): normal equations by hand
    local a = torch.DoubleTensor({{1, 0}, {1, 1}, {1, 2}, {1, 3}})
    local b = torch.DoubleTensor({{1}, {3}, {5}, {7.5}})
    local x = torch.gels(b, a)
    assert.same({4, 1}, {x:size(1), x:size(2)})
    -- sum t = 6, sum t^2 = 14, sum y = 16.5, sum t y = 30.5 -> c1 = 2.15, c0 = 0.9
    assert.is_true(maxdiff(x:narrow(1, 1, 2), {{0.9}, {2.15}}) < 1e-12)
  end)

  it('finds the minimum norm solution of an underdetermined system', function()
    local a = torch.DoubleTensor({{1, 1}}) -- x1 + x2 = 2 -> (1, 1)
    local x = torch.gels(torch.DoubleTensor({{2}}), a)
    assert.is_true(maxdiff(x, {{1}, {1}}) < 1e-12)
  end)

  it('matches the Torch7 documentation residual', function()
    local a = torch.DoubleTensor({{1.44, -9.96, -7.55, 8.34, 7.08, -5.45},
                                  {-7.84, -0.28, 3.24, 8.09, 2.52, -5.70},
                                  {-4.39, -3.24, 6.27, 5.28, 0.74, -1.19},
                                  {4.53, 3.83, -6.64, 2.06, -2.47, 4.70}}):t()
    local b = torch.DoubleTensor({{8.58, 8.26, 8.48, -5.28, 5.72, 8.93},
                                  {9.35, -4.43, -0.70, -0.26, -7.36, -2.52}}):t()
    local x = torch.gels(b, a)
    assert.is_true(maxdiff(x:narrow(1, 1, 4), {{-0.4506, 0.2497}, {-0.8492, -0.9020},
                                                {0.7066, 0.6323}, {0.1289, 0.1351}}) < 1e-4)
  end)

  it('refuses rank-deficient matrices', function()
    fails('gels: matrix A (3x2) does not have full rank', torch.gels, torch.DoubleTensor(3, 1):fill(1),
          torch.DoubleTensor({{1, 2}, {2, 4}, {3, 6}}))
  end)
end)

describe('torch.symeig', function()
  for T, eps in pairs(tol) do
    it('gives ascending eigenvalues and eigenvectors with A v = l v (' .. T .. ')', function()
      local A = torch[T]({{2, 1}, {1, 2}})
      local e = torch.symeig(A)
      assert.is_true(maxdiff(e, {1, 3}) < eps)
      local e2, V = torch.symeig(A, 'V')
      assert.is_true(maxdiff(e2, {1, 3}) < eps)
      for i = 1, 2 do
        local v = V:select(2, i)
        assert.is_true(maxdiff(torch.mv(A, v), v:clone():totable()) < 10 and true)
        local Av, lv = torch.mv(A, v):totable(), v:totable()
        for k = 1, 2 do assert.is_true(math.abs(Av[k] - e2[i] * lv[k]) < eps) end
      end
    end)
  end

  it('reads only the chosen triangle', function()
    local U = torch.DoubleTensor({{2, 1}, {99, 2}}) -- upper triangle: [[2,1],[1,2]]
    assert.is_true(maxdiff(torch.symeig(U), {1, 3}) < 1e-12)
    local Lw = torch.DoubleTensor({{2, 99}, {1, 2}})
    assert.is_true(maxdiff(torch.symeig(Lw, 'N', 'L'), {1, 3}) < 1e-12)
  end)

  it('matches the Torch7 documentation eigenvalues', function()
    local a = torch.DoubleTensor({{1.96, 0.00, 0.00, 0.00, 0.00},
                                  {-6.49, 3.80, 0.00, 0.00, 0.00},
                                  {-0.47, -6.39, 4.17, 0.00, 0.00},
                                  {-7.20, 1.50, -1.51, 5.70, 0.00},
                                  {-0.65, -6.34, 2.67, 1.80, -7.10}}):t()
    local e, v = torch.symeig(a, 'V')
    assert.is_true(maxdiff(e, {-11.0656, -6.2287, 0.8640, 8.8655, 16.0948}) < 1e-4)
    -- A = V diag(e) V'
    local full = torch.mm(torch.mm(v, diag(e)), v:t())
    local sym = a:clone()
    for i = 1, 5 do for j = 1, i - 1 do sym[i][j] = a[j][i] end end
    assert.is_true(maxdiff(full, sym) < 1e-10)
  end)

  it('checks its options', function()
    fails("symeig: argument 2 must be one of the letters 'NV'", torch.symeig, torch.Tensor(2, 2), 'X')
  end)
end)

describe('torch.eig', function()
  it('gives complex pairs for a rotation and real ones for a symmetric matrix', function()
    local e = torch.eig(torch.DoubleTensor({{0, 1}, {-1, 0}}))
    assert.same({2, 2}, {e:size(1), e:size(2)})
    assert.is_true(maxdiff(e, {{0, 1}, {0, -1}}) < 1e-12)
    local A = torch.DoubleTensor({{2, 0}, {0, 5}})
    local e2, V = torch.eig(A, 'V')
    assert.is_true(maxdiff(e2, {{2, 0}, {5, 0}}) < 1e-12)
    assert.is_true(maxdiff(torch.mm(A, V), torch.mm(V, diag(e2:select(2, 1)))) < 1e-12)
  end)

  it('satisfies A v = l v for a general matrix (float)', function()
    local A = torch.FloatTensor({{4, 1}, {2, 3}}) -- eigenvalues 2 and 5
    local e, V = torch.eig(A, 'V')
    local l = {e[1][1], e[2][1]}
    table.sort(l)
    assert.is_true(math.abs(l[1] - 2) < 1e-4 and math.abs(l[2] - 5) < 1e-4)
    assert.is_true(maxdiff(torch.mm(A, V), torch.mm(V, diag(e:select(2, 1):clone()))) < 1e-4)
  end)
end)

describe('torch.svd', function()
  for T, eps in pairs(tol) do
    it('gives U S V\' = A (' .. T .. ')', function()
      local A = torch[T]({{3, 2, 2}, {2, 3, -2}}) -- singular values 5 and 3
      local U, S, V = torch.svd(A)
      assert.is_true(maxdiff(S, {5, 3}) < eps * 10)
      assert.same({2, 2}, {U:size(1), U:size(2)})
      assert.same({3, 2}, {V:size(1), V:size(2)})
      assert.is_true(maxdiff(torch.mm(torch.mm(U, diag(S)), V:t()), A) < eps * 10)
      assert.is_true(maxdiff(torch.mm(V:t(), V), eye(T, 2)) < eps * 10)
      local Ua, Sa, Va = torch.svd(A:t(), 'A')
      assert.same({3, 3}, {Ua:size(1), Ua:size(2)})
      assert.same({2, 2}, {Va:size(1), Va:size(2)})
      assert.is_true(maxdiff(Sa, {5, 3}) < eps * 10)
      assert.is_true(maxdiff(torch.mm(Ua:t(), Ua), eye(T, 3)) < eps * 10)
    end)
  end

  it('matches the Torch7 documentation singular values', function()
    local a = torch.DoubleTensor({{8.79, 6.11, -9.15, 9.57, -3.49, 9.84},
                                  {9.93, 6.91, -7.93, 1.64, 4.02, 0.15},
                                  {9.83, 5.04, 4.86, 8.83, 9.80, -8.99},
                                  {5.45, -0.27, 4.85, 0.74, 10.00, -6.02},
                                  {3.16, 7.98, 3.01, 5.80, 4.27, -5.31}}):t()
    local u, s, v = torch.svd(a)
    assert.is_true(maxdiff(s, {27.4687, 22.6432, 8.5584, 5.9857, 2.0149}) < 1e-4)
    assert.is_true(maxdiff(torch.mm(torch.mm(u, diag(s)), v:t()), a) < 1e-12)
  end)
end)

describe('torch.potrf and potrs', function()
  for T, eps in pairs(tol) do
    it('factors and solves (' .. T .. ')', function()
      local A = torch[T]({{4, 2}, {2, 5}}) -- U = [[2,1],[0,2]]
      local U = torch.potrf(A)
      assert.is_true(maxdiff(U, {{2, 1}, {0, 2}}) < eps)
      assert.is_true(maxdiff(torch.mm(U:t(), U), A) < eps)
      local L = torch.potrf(A, 'L')
      assert.is_true(maxdiff(L, {{2, 0}, {1, 2}}) < eps)
      -- A X = B with X = [[1],[1]] -> B = [[6],[7]]
      local B = torch[T]({{6}, {7}})
      assert.is_true(maxdiff(torch.potrs(B, U), {{1}, {1}}) < eps)
      assert.is_true(maxdiff(torch.potrs(B, L, 'L'), {{1}, {1}}) < eps)
      local r = torch[T]()
      assert.equal(r, torch.potrf(r, A))
    end)
  end

  it('refuses matrices that are not positive definite', function()
    fails('potrf: matrix is not positive definite', torch.potrf, torch.DoubleTensor({{1, 2}, {2, 1}}))
    fails('potrf: matrix is not positive definite', torch.potrf, torch.Tensor({{-1, 0}, {0, 1}}))
    fails('potrs: B has 3 rows but the factor is 2x2', torch.potrs, torch.Tensor(3, 1), torch.Tensor(2, 2))
  end)
end)

describe('torch.qr', function()
  it('matches the Torch7 documentation example', function()
    local a = torch.DoubleTensor({{12, -51, 4}, {6, 167, -68}, {-4, 24, -41}})
    local q, r = torch.qr(a)
    assert.is_true(maxdiff(r, {{-14, -21, 14}, {0, -175, 70}, {0, 0, -35}}) < 1e-10)
    assert.is_true(maxdiff(q, {{-0.857142857142857, 0.394285714285714, 0.331428571428571},
                               {-0.428571428571429, -0.902857142857143, -0.034285714285714},
                               {0.285714285714286, -0.171428571428571, 0.942857142857143}}) < 1e-10)
    assert.is_true(maxdiff(torch.mm(q, r), a) < 1e-10)
  end)

  for T, eps in pairs(tol) do
    it('gives thin factors Q R = A for tall and wide matrices (' .. T .. ')', function()
      local tall = torch[T]({{1, 2}, {3, 4}, {5, 6}})
      local q, r = torch.qr(tall)
      assert.same({3, 2}, {q:size(1), q:size(2)})
      assert.same({2, 2}, {r:size(1), r:size(2)})
      assert.is_true(maxdiff(torch.mm(q, r), tall) < eps * 10)
      assert.is_true(maxdiff(torch.mm(q:t(), q), eye(T, 2)) < eps * 10)
      assert.equal(0, r[2][1])
      local q2, r2 = torch.qr(tall:t())
      assert.same({2, 2}, {q2:size(1), q2:size(2)})
      assert.same({2, 3}, {r2:size(1), r2:size(2)})
      assert.is_true(maxdiff(torch.mm(q2, r2), tall:t()) < eps * 10)
    end)
  end
end)
