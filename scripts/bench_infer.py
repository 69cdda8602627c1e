# PyTorch's side of scripts/bench_infer.lua: the same Fashion-MNIST models (random weights)
# in float32 and dynamically quantized to int8 (torch.quantization.quantize_dynamic, each
# quantized engine this build has, the best one reported), one thread, no grad, inference
# mode. Prints "key value" lines: CPU time per forward (us, best of 5 rounds), samples/s,
# and the bytes of the saved state_dict.
import io, os, sys, time, warnings
os.environ.setdefault('GLOG_minloglevel', '2')  # qnnpack warns once per call otherwise
import torch
import torch.nn as nn

torch.set_num_threads(1)
torch.manual_seed(1)
warnings.filterwarnings('ignore')


def mlp():
    return nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(),
                         nn.Linear(128, 10)).eval()


def cnn():
    return nn.Sequential(nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(3136, 128), nn.ReLU(), nn.Linear(128, 10)).eval()


def bench(m, x, n):
    for _ in range(max(5, n // 10)):
        m(x)
    best = float('inf')
    for _ in range(5):
        t = time.process_time()
        for _ in range(n):
            m(x)
        best = min(best, (time.process_time() - t) / n)
    return best * 1e6


def size(m):
    b = io.BytesIO()
    torch.save(m.state_dict(), b)
    return b.getbuffer().nbytes


out = {}
with torch.inference_mode():
    fm, fc = mlp(), cnn()
    x1, x64 = torch.rand(1, 784), torch.rand(64, 784)
    c1 = torch.rand(1, 1, 28, 28)
    out['mlp_f32_b1_us'] = bench(fm, x1, 4000)
    out['mlp_f32_b64_sps'] = 64e6 / bench(fm, x64, 200)
    out['cnn_f32_b1_us'] = bench(fc, c1, 200)
    out['mlp_f32_bytes'] = size(fm)
    out['cnn_f32_bytes'] = size(fc)
    for eng in torch.backends.quantized.supported_engines:
        if eng == 'none':
            continue
        torch.backends.quantized.engine = eng
        qm = torch.quantization.quantize_dynamic(fm, {nn.Linear}, dtype=torch.qint8)
        b1, b64 = bench(qm, x1, 2000), 64e6 / bench(qm, x64, 200)
        if b1 < out.get('mlp_int8_b1_us', float('inf')):
            out['mlp_int8_b1_us'], out['mlp_int8_b1_engine'] = b1, eng
        if b64 > out.get('mlp_int8_b64_sps', 0):
            out['mlp_int8_b64_sps'], out['mlp_int8_b64_engine'] = b64, eng
        out['mlp_int8_bytes'] = size(qm)
for k, v in out.items():
    print(k, '%.2f' % v if isinstance(v, float) else v)
