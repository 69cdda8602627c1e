# The same measurements as bench_models.lua, in PyTorch: training and inference
# throughput of the Fashion-MNIST MLP and CNN, Adam 1e-3, batch 64.
#   python3 scripts/bench_models.py MODEL THREADS [TRAIN_SAMPLES [INFER_SAMPLES]]
import gzip, sys, time
import numpy as np
import torch
from torch import nn

which = sys.argv[1] if len(sys.argv) > 1 else 'mlp'
threads = int(sys.argv[2]) if len(sys.argv) > 2 else 1
defaults = {'mlp': (60000, 10000), 'cnn': (6400, 2000)}
ntrain = int(sys.argv[3]) if len(sys.argv) > 3 else defaults[which][0]
ninfer = int(sys.argv[4]) if len(sys.argv) > 4 else defaults[which][1]
batch = 64
torch.set_num_threads(threads)
torch.manual_seed(1)


def peak_rss_kb():
    with open('/proc/self/status') as f:
        for line in f:
            if line.startswith('VmHWM:'):
                return int(line.split()[1])
    return 0


def read_idx(path):
    with gzip.open(path, 'rb') as f:
        data = f.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], 'big') for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


d = '/usr/share/datasets/fashion-mnist'
x = torch.from_numpy(read_idx(d + '/train-images-idx3-ubyte.gz').astype(np.float32) / 255)
y = torch.from_numpy(read_idx(d + '/train-labels-idx1-ubyte.gz').astype(np.int64))
ntrain, ninfer = min(ntrain, x.shape[0]), min(ninfer, x.shape[0])

if which == 'mlp':
    x = x.reshape(-1, 784)
    model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(),
                          nn.Linear(128, 10))
else:
    x = x.reshape(-1, 1, 28, 28)
    model = nn.Sequential(nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Flatten(), nn.Linear(3136, 128), nn.ReLU(), nn.Linear(128, 10))
criterion = nn.CrossEntropyLoss()
opt = torch.optim.Adam(model.parameters(), lr=1e-3)


def train_steps(first, count):
    for s in range(count):
        i = (first + s * batch) % (ntrain - batch + 1)
        xb, yb = x[i:i + batch], y[i:i + batch]
        opt.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        opt.step()


model.train()
train_steps(0, 5)
steps = ntrain // batch
t0 = time.perf_counter()
train_steps(0, steps)
print('%s_train %.1f' % (which, steps * batch / (time.perf_counter() - t0)))

model.eval()
with torch.no_grad():
    model(x[:batch])
    isteps = ninfer // batch
    t0 = time.perf_counter()
    for s in range(isteps):
        model(x[s * batch:(s + 1) * batch])
    print('%s_infer %.1f' % (which, isteps * batch / (time.perf_counter() - t0)))
print('peak_rss_kb %d' % peak_rss_kb())
