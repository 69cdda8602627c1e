-- Memory stays flat while a recurrent model trains: a small character model (lookup,
-- SeqLSTM carrying its state, a Sequencer of GRU steps, Linear, SequencerCriterion, Adam,
-- clipGradNorm) for 10 epochs in one process, with no collectgarbage() anywhere, ends
-- within 10% of the resident memory after epoch 2.
require 'torch'

local script = [[
require 'torch'; require 'nn'; require 'nn.rnn'; require 'optim'; require 'dl'
torch.manualSeed(1)
torch.setdefaulttensortype('torch.FloatTensor')
local V, T, B = 30, 16, 8
local data = torch.LongTensor(20 * T + 1, B):random(1, V)
local lstm = nn.SeqLSTM(16, 32):remember('both')
local model = nn.Sequential():add(nn.LookupTable(V, 16)):add(lstm)
  :add(nn.Sequencer(nn.GRU(32, 32))):add(nn.Sequencer(nn.Linear(32, V)))
local crit = nn.SequencerCriterion(nn.CrossEntropyCriterion())
local params, grads = model:getParameters()
local state, seen = {learningRate = 1e-3}, {}
for epoch = 1, 10 do
  lstm:forget()
  for i = 0, 19 do
    local x, y = data:narrow(1, i * T + 1, T), data:narrow(1, i * T + 2, T)
    optim.adam(function()
      grads:zero()
      local out = model:forward(x)
      local loss = crit:forward(out, y)
      model:backward(x, crit:backward(out, y))
      dl.clipGradNorm(grads, 5)
      return loss, grads
    end, params, state)
  end
  seen[epoch] = rss()
end
print('rss', seen[2], seen[10])
]]

local H = require 'spec.helpers'

describe('recurrent training memory', function()
  it('stays within 10% of epoch 2 after 10 epochs', function()
    local e2, e10 = H.run_rss(script)
    assert(e10 <= e2 * 1.10, ('RSS %d kB after epoch 2, %d kB after epoch 10'):format(e2, e10))
  end)
end)
