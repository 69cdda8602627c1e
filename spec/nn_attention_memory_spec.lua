-- Memory stays flat while a small GPT trains: nn.GPT (2 blocks, tied embedding), dropout on,
-- CrossEntropyCriterion, AdamW, clipGradNorm, and a generation every epoch through the
-- key/value cache, for 10 epochs in one process with no collectgarbage(); the resident
-- memory after epoch 10 is within 10% of that after epoch 2.
require 'torch'

local script = [[
require 'torch'; require 'nn'; require 'nn.attention'; require 'optim'; require 'dl'
local function rss()
  for line in io.lines('/proc/self/status') do
    local kb = line:match('^VmRSS:%s+(%d+)')
    if kb then return tonumber(kb) end
  end
end
torch.manualSeed(1)
torch.setdefaulttensortype('torch.FloatTensor')
local V, T, B = 30, 16, 8
local model = nn.GPT(V, T, 32, 2, 4, {dropout = 0.1})
local crit = nn.CrossEntropyCriterion()
local params, grads = model:getParameters()
local state, seen = {learningRate = 1e-3}, {}
for epoch = 1, 10 do
  for _ = 1, 10 do
    local x, y = torch.LongTensor(B, T):random(1, V), torch.LongTensor(B * T):random(1, V)
    optim.adamw(function()
      grads:zero()
      local out = model:forward(x):view(B * T, V)
      local loss = crit:forward(out, y)
      model:backward(x, crit:backward(out, y):view(B, T, V))
      dl.clipGradNorm(grads, 1)
      return loss, grads
    end, params, state)
  end
  model:generate(torch.LongTensor{1, 2}, 10)
  seen[epoch] = rss()
end
print('rss', seen[2], seen[10])
]]

local H = require 'spec.helpers'

describe('GPT training memory', function()
  it('stays within 10% of epoch 2 after 10 epochs', function()
    local path = os.tmpname()
    local w = assert(io.open(path, 'w'))
    w:write(script)
    w:close()
    -- AddressSanitizer's quarantine fills over the first epochs and reads as growth
    local asan = os.getenv('ASAN_OPTIONS')
    local out, code, msg = H.run_driver(path, asan and ("ASAN_OPTIONS='" .. asan .. ":quarantine_size_mb=0'"))
    os.remove(path)
    local e2, e10 = out:match('rss%s+(%d+)%s+(%d+)')
    assert(code == 0 and e2, msg)
    e2, e10 = tonumber(e2), tonumber(e10)
    assert(e10 <= e2 * 1.10, ('RSS %d kB after epoch 2, %d kB after epoch 10'):format(e2, e10))
  end)
end)
