# The char LSTM (or GRU) of scripts/bench_rnn.lua in PyTorch (torch.nn.LSTM/GRU): embedding
# 64, two layers of 256, seq 64, batch 32, vocabulary 100, cross-entropy, Adam, clip 5,
# state carried (detached) between batches. Prints "tokens/s N rss_mb M".
#   /usr/bin/python3 scripts/bench_rnn.py [--model lstm|gru] [--threads 1] [--steps 20] [--warmup 3]
import argparse, resource, time
import torch

p = argparse.ArgumentParser()
p.add_argument('--model', default='lstm')
p.add_argument('--threads', type=int, default=1)
p.add_argument('--steps', type=int, default=20)
p.add_argument('--warmup', type=int, default=3)
p.add_argument('--layers', type=int, default=2)
a = p.parse_args()
torch.set_num_threads(a.threads)
torch.manual_seed(1)

V, E, H, T, B = 100, 64, 256, 64, 32
cell = torch.nn.GRU if a.model == 'gru' else torch.nn.LSTM
emb, rnn, lin = torch.nn.Embedding(V, E), cell(E, H, num_layers=a.layers), torch.nn.Linear(H, V)
params = list(emb.parameters()) + list(rnn.parameters()) + list(lin.parameters())
opt = torch.optim.Adam(params, lr=2e-3)
lossf = torch.nn.CrossEntropyLoss()
data = torch.randint(0, V, (T + 1, B))
x, y = data[:T], data[1:].reshape(-1)
state = None

def step():
    global state
    opt.zero_grad()
    if state is not None:
        state = tuple(s.detach() for s in state) if isinstance(state, tuple) else state.detach()
    out, state = rnn(emb(x), state)
    loss = lossf(lin(out.reshape(-1, H)), y)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(params, 5)
    opt.step()

for _ in range(a.warmup): step()
t = time.perf_counter()
for _ in range(a.steps): step()
s = time.perf_counter() - t
print('tokens/s %.1f rss_mb %.0f' % (a.steps * T * B / s, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))
