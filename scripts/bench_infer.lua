-- Inference latency and throughput of the Fashion-MNIST models (scripts/fmnist_models.lua,
-- random weights) in float32 and int8 (dl.quantize), one thread, for scripts/bench_infer.sh:
--   dlua scripts/bench_infer.lua      prints "key value" lines
-- Times are process CPU time per forward (us), the best of 5 rounds: on a shared machine
-- another tenant's load lengthens wall-clock time but barely CPU time. Sizes are bytes of
-- the torch.save file.
require 'dl'
torch.setdefaulttensortype('torch.FloatTensor')
torch.setnumthreads(1)
torch.manualSeed(1)
local here = (arg and arg[0] or ''):match('(.*/)') or './'
local models = dofile(here .. 'fmnist_models.lua')

local function time(m, x, n)
   for _ = 1, math.max(5, n // 10) do m:forward(x) end
   local best = math.huge
   for _ = 1, 5 do
      local t = os.clock()
      for _ = 1, n do m:forward(x) end
      best = math.min(best, (os.clock() - t) / n)
   end
   return best * 1e6
end

local function filesize(m)
   local f = os.tmpname()
   torch.save(f, m:clearState())
   local h = io.open(f, 'rb')
   local n = h:seek('end')
   h:close()
   os.remove(f)
   return n
end

local mlp = models.mlp(10):float()
mlp:evaluate()
local cnn = models.cnn(10):float()
cnn:evaluate()
local x1, x64 = torch.FloatTensor(1, 784):uniform(), torch.FloatTensor(64, 784):uniform()
local c1, c64 = torch.FloatTensor(1, 1, 28, 28):uniform(), torch.FloatTensor(64, 1, 28, 28):uniform()
local qmlp = dl.quantize(mlp)
local qcnn = dl.quantize(cnn, {calibration = {c64}})

local out = {
   {'mlp_f32_b1_us', time(mlp, x1, 4000)},
   {'mlp_int8_b1_us', time(qmlp, x1, 4000)},
   {'mlp_f32_b64_sps', 64e6 / time(mlp, x64, 200)},
   {'mlp_int8_b64_sps', 64e6 / time(qmlp, x64, 200)},
   {'cnn_f32_b1_us', time(cnn, c1, 200)},
   {'cnn_int8_b1_us', time(qcnn, c1, 200)},
   {'mlp_f32_bytes', filesize(mlp)},
   {'mlp_int8_bytes', filesize(qmlp)},
   {'cnn_f32_bytes', filesize(cnn)},
   {'cnn_int8_bytes', filesize(qcnn)},
}
for _, kv in ipairs(out) do print(string.format('%s %.2f', kv[1], kv[2])) end
print('qgemm_path ' .. torch._nn.qgemm_path())
