# The same measurements as bench_tensor.lua, in PyTorch, for the side-by-side table.
import sys, time
import torch

torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else 1)

def best(reps, f):
    f()
    b = float('inf')
    for _ in range(reps):
        t0 = time.perf_counter()
        f()
        b = min(b, time.perf_counter() - t0)
    return b

n = 10_000_000
x, y, r = torch.full((n,), 1.5), torch.full((n,), 2.0), torch.empty(n)
print('add %.2f GB/s' % (12 * n / best(20, lambda: torch.add(x, y, out=r)) / 1e9))
print('mul %.2f GB/s' % (12 * n / best(20, lambda: torch.mul(x, y, out=r)) / 1e9))
for m, k, nn in ((1024, 1024, 1024), (64, 784, 256)):
    a, b, c = torch.full((m, k), 0.5), torch.full((k, nn), 0.25), torch.empty(m, nn)
    s = best(10, lambda: torch.mm(a, b, out=c))
    print('mm_%dx%dx%d %.2f GFLOP/s' % (m, k, nn, 2 * m * k * nn / s / 1e9))

lin = torch.nn.Linear(784, 256)
inp, go = torch.full((64, 784), 0.1), torch.full((64, 256), 0.01)
inp.requires_grad_(True)
def step():
    lin.zero_grad()
    lin(inp).backward(go)
s = best(20, step)
print('linear_64x784x256 %.2f GFLOP/s' % (3 * 2 * 64 * 784 * 256 / s / 1e9))
