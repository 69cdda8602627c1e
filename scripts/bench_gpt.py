"""The PyTorch side of scripts/bench_gpt.lua: the same character GPT (nanoGPT's model as in
scripts/train_char_gpt.py: 4 layers, 4 heads, 128, block 64, tied embedding), AdamW with
decay on the matrices, clip 1; training tokens/s, or generation tokens/s re-running the
model on the growing prefix (nanoGPT's generate; PyTorch 1.13's modules have no cache).
The attention is the faster of torch.nn.MultiheadAttention and a hand-written one
(--attn mha|hand; scripts/bench_gpt.sh keeps the best of both).
    python3 scripts/bench_gpt.py [--threads 1] [--steps 20] [--generate] [--attn hand]
"""
import argparse
import math
import resource
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

p = argparse.ArgumentParser()
p.add_argument('--threads', type=int, default=1)
p.add_argument('--steps', type=int, default=20)
p.add_argument('--warmup', type=int, default=3)
p.add_argument('--generate', action='store_true')
p.add_argument('--attn', default='hand')
opt = p.parse_args()
torch.set_num_threads(opt.threads)
torch.manual_seed(1)
V, T, C, L, H, B = 86, 64, 128, 4, 4, 12


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(C), nn.LayerNorm(C)
        if opt.attn == 'mha':
            self.mha = nn.MultiheadAttention(C, H, batch_first=True)
        else:
            self.qkv, self.proj = nn.Linear(C, 3 * C), nn.Linear(C, C)
        self.fc, self.out = nn.Linear(C, 4 * C), nn.Linear(4 * C, C)

    def attend(self, x):
        Bn, Tn, _ = x.shape
        mask = torch.ones(Tn, Tn, dtype=torch.bool).triu(1)
        if opt.attn == 'mha':
            return self.mha(x, x, x, attn_mask=mask, need_weights=False)[0]
        q, k, v = self.qkv(x).split(C, dim=2)
        q, k, v = (t.view(Bn, Tn, H, C // H).transpose(1, 2) for t in (q, k, v))
        s = (q @ k.transpose(-2, -1)) / math.sqrt(C // H)
        a = F.softmax(s.masked_fill(mask, float('-inf')), dim=-1) @ v
        return self.proj(a.transpose(1, 2).reshape(Bn, Tn, C))

    def forward(self, x):
        x = x + self.attend(self.ln1(x))
        return x + self.out(F.gelu(self.fc(self.ln2(x))))


class GPT(nn.Module):
    def __init__(self):
        super().__init__()
        self.tok, self.pos = nn.Embedding(V, C), nn.Embedding(T, C)
        self.blocks = nn.ModuleList(Block() for _ in range(L))
        self.lnf = nn.LayerNorm(C)
        self.head = nn.Linear(C, V, bias=False)
        self.head.weight = self.tok.weight

    def forward(self, x):
        h = self.tok(x) + self.pos(torch.arange(x.size(1)))
        for b in self.blocks:
            h = b(h)
        return self.head(self.lnf(h))


model = GPT()


def rss():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if opt.generate:
    model.eval()

    @torch.no_grad()
    def generate():
        idx = torch.ones(1, 1, dtype=torch.long)
        for _ in range(T - 1):
            logits = model(idx)[:, -1, :]
            nxt = torch.multinomial(F.softmax(logits, dim=-1), 1)
            idx = torch.cat([idx, nxt], dim=1)
        return idx
    for _ in range(opt.warmup):
        generate()
    t0 = time.perf_counter()
    for _ in range(opt.steps):
        generate()
    print(f'tokens/s {opt.steps * (T - 1) / (time.perf_counter() - t0):.1f} rss_mb {rss():.0f}')
    raise SystemExit(0)

decay = [q for q in model.parameters() if q.dim() >= 2]
other = [q for q in model.parameters() if q.dim() < 2]
optimizer = torch.optim.AdamW([{'params': decay, 'weight_decay': 0.1},
                               {'params': other, 'weight_decay': 0}], lr=1e-3, betas=(0.9, 0.99))
x = torch.randint(V, (B, T))
y = torch.randint(V, (B, T))


def step():
    loss = F.cross_entropy(model(x).view(-1, V), y.view(-1))
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    optimizer.step()


for _ in range(opt.warmup):
    step()
t0 = time.perf_counter()
for _ in range(opt.steps):
    step()
print(f'tokens/s {opt.steps * B * T / (time.perf_counter() - t0):.1f} rss_mb {rss():.0f}')
