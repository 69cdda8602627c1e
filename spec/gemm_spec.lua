-- torch.setgemm / torch.getgemm (issue 17): the float products agree whichever GEMM runs
-- them (dlua's packed kernel or OpenBLAS), and a bad setting is an error at the caller.
require 'torch'
require 'nn'
local H = require 'spec.helpers'

-- runs f once per setting and returns the results, the setting restored after
local function each_gemm(f)
  local saved = torch.getgemm()
  local out = {}
  for _, mode in ipairs{'dlua', 'openblas', 'auto'} do
    torch.setgemm(mode)
    out[mode] = f()
  end
  torch.setgemm(saved)
  return out
end

-- largest |x - y| over two tensors of one size
local function maxdiff(x, y) return (x:double() - y:double()):abs():max() end

describe('torch.setgemm', function()
  after_each(function() torch.setgemm('auto') end)

  it('switches the setting and reports the kernel', function()
    for _, mode in ipairs{'dlua', 'openblas', 'auto'} do
      torch.setgemm(mode)
      local m, kernel = torch.getgemm()
      assert.are.equal(mode, m)
      assert.is_truthy(kernel == 'avx512' or kernel == 'avx2' or kernel == 'none')
    end
  end)

  it('names the setting it expected and where it was called', function()
    local msg = H.raises(function() torch.setgemm('fastest') end,
                         "setgemm: unknown GEMM 'fastest' (expected 'auto', 'dlua' or 'openblas')")
    assert.is_truthy(msg:find('gemm_spec.lua:%d+:'))
    H.raises(function() torch.setgemm(1) end,
             "setgemm: expected 'auto', 'dlua' or 'openblas', got number")
    H.raises(function() torch.setgemm() end, 'got no value')
    assert.are.equal('auto', (torch.getgemm()))
  end)
end)

describe('float products through either GEMM', function()
  after_each(function() torch.setgemm('auto') end)

  it('mm of integer-valued matrices is exact, every transpose', function()
    torch.manualSeed(17)
    local a = torch.FloatTensor(67, 131):random(-4, 4)
    local b = torch.FloatTensor(131, 70):random(-4, 4)
    local expect = torch.mm(a:double(), b:double())
    -- the same matrices stored transposed (column-major views)
    local at, bt = a:t():contiguous():t(), b:t():contiguous():t()
    local r = each_gemm(function()
      return {torch.mm(a, b), torch.mm(at, b), torch.mm(a, bt), torch.mm(at, bt)}
    end)
    for _, mode in ipairs{'dlua', 'openblas', 'auto'} do
      for i = 1, 4 do assert.are.equal(0, maxdiff(r[mode][i], expect)) end
    end
  end)

  it('addmm, bmm and baddbmm agree with OpenBLAS on random values', function()
    torch.manualSeed(3)
    local M = torch.FloatTensor(64, 256):uniform(-1, 1)
    local x = torch.FloatTensor(64, 784):uniform(-1, 1)
    local w = torch.FloatTensor(256, 784):uniform(-1, 1)
    local b1 = torch.FloatTensor(5, 9, 33):uniform(-1, 1)
    local b2 = torch.FloatTensor(5, 33, 17):uniform(-1, 1)
    local C = torch.FloatTensor(5, 9, 17):uniform(-1, 1)
    local r = each_gemm(function()
      return {torch.addmm(0.5, M, 2, x, w:t()), torch.bmm(b1, b2), torch.baddbmm(-1, C, 3, b1, b2),
              torch.mm(x:narrow(1, 1, 1), w:t())}
    end)
    local exact = {torch.addmm(0.5, M:double(), 2, x:double(), w:double():t()),
                   torch.bmm(b1:double(), b2:double()),
                   torch.baddbmm(-1, C:double(), 3, b1:double(), b2:double()),
                   torch.mm(x:double():narrow(1, 1, 1), w:double():t())}
    local tol = {2e-3, 1e-4, 5e-4, 1e-3}
    for _, mode in ipairs{'dlua', 'openblas', 'auto'} do
      for i = 1, 4 do
        assert.is_true(maxdiff(r[mode][i], exact[i]) < tol[i], mode .. ' product ' .. i)
        assert.is_true(maxdiff(r[mode][i], r.openblas[i]) < tol[i], mode .. ' vs openblas ' .. i)
      end
    end
  end)

  it('beta = 0 does not read NaN in the result', function()
    local a, b = torch.FloatTensor(7, 40):fill(1), torch.FloatTensor(40, 70):fill(0.5)
    local r = each_gemm(function()
      local res = torch.FloatTensor(7, 70):fill(0 / 0)
      return res:addmm(0, res, 1, a, b)
    end)
    for _, mode in ipairs{'dlua', 'openblas', 'auto'} do
      assert.are.equal(20, r[mode]:min())
      assert.are.equal(20, r[mode]:max())
    end
  end)

  it('nn.Linear gives one forward and backward in either setting', function()
    torch.manualSeed(5)
    local lin = nn.Linear(50, 30):float()
    local x, g = torch.FloatTensor(16, 50):uniform(-1, 1), torch.FloatTensor(16, 30):uniform(-1, 1)
    local r = each_gemm(function()
      lin:zeroGradParameters()
      local y = lin:forward(x):clone()
      local gi = lin:backward(x, g):clone()
      return {y, gi, lin.gradWeight:clone()}
    end)
    for i = 1, 3 do assert.is_true(maxdiff(r.dlua[i], r.openblas[i]) < 1e-4) end
  end)
end)
