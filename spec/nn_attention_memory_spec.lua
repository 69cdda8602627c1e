-- Memory stays flat while a small GPT trains: nn.GPT (2 blocks, tied embedding), dropout on,
-- CrossEntropyCriterion, AdamW, clipGradNorm, and a generation every epoch through the
-- key/value cache, for 10 epochs in one process with no collectgarbage(); the resident
-- memory after epoch 10 is within 10% of that after epoch 2.
require 'torch'

local script = [[
require 'torch'; require 'nn'; require 'nn.attention'; require 'optim'; require 'dl'
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
    local e2, e10 = H.run_rss(script)
    assert(e10 <= e2 * 1.10, ('RSS %d kB after epoch 2, %d kB after epoch 10'):format(e2, e10))
  end)
end)
