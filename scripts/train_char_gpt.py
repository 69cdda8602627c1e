"""The PyTorch peer of scripts/train_char_gpt.lua, for the comparison of issue 13 only: the
same data (/usr/share/common-licenses, regular files in name order, bytes as characters,
90/10 split), the same model (nanoGPT's GPT: 4 layers, 4 heads, 128, block 64, tied
embedding, GELU MLP 4x, pre-norm) and recipe (batch 12, dropout 0, AdamW lr 1e-3, beta2
0.99, weight decay 0.1 on matrices only, 100 warm-up steps then cosine to 1e-4, clip 1,
2000 iterations, loss estimates of 20 batches every 250).
    python3 scripts/train_char_gpt.py [--iters 2000] [--seed 1] [--threads N]
"""
import argparse
import math
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

import char_corpus  # scripts/char_corpus.py

p = argparse.ArgumentParser()
char_corpus.add_options(p)
p.add_argument('--layers', type=int, default=4)
p.add_argument('--heads', type=int, default=4)
p.add_argument('--dim', type=int, default=128)
p.add_argument('--block', type=int, default=64)
p.add_argument('--batch', type=int, default=12)
p.add_argument('--iters', type=int, default=2000)
p.add_argument('--lr', type=float, default=1e-3)
p.add_argument('--min_lr', type=float, default=1e-4)
p.add_argument('--warmup', type=int, default=100)
p.add_argument('--weight_decay', type=float, default=0.1)
p.add_argument('--eval_every', type=int, default=250)
p.add_argument('--eval_iters', type=int, default=20)
opt = p.parse_args()
char_corpus.start(opt)

names, codes, vocab, ntrain = char_corpus.load(opt.data)
split = {'train': codes[:ntrain], 'val': codes[ntrain:]}
print(f'{len(names)} files, {len(codes)} characters, vocabulary {len(vocab)}')


def batch(data):
    s = torch.randint(len(data) - opt.block, (opt.batch,))
    x = torch.stack([data[i:i + opt.block] for i in s])
    y = torch.stack([data[i + 1:i + 1 + opt.block] for i in s])
    return x, y


class Block(nn.Module):
    def __init__(self, d, h):
        super().__init__()
        self.h = h
        self.ln1, self.ln2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.qkv, self.proj = nn.Linear(d, 3 * d), nn.Linear(d, d)
        self.fc, self.out = nn.Linear(d, 4 * d), nn.Linear(4 * d, d)

    def forward(self, x):
        B, T, C = x.shape
        q, k, v = self.qkv(self.ln1(x)).split(C, dim=2)
        q, k, v = (t.view(B, T, self.h, C // self.h).transpose(1, 2) for t in (q, k, v))
        a = F.scaled_dot_product_attention(q, k, v, is_causal=True) \
            if hasattr(F, 'scaled_dot_product_attention') else self._attn(q, k, v)
        x = x + self.proj(a.transpose(1, 2).reshape(B, T, C))
        return x + self.out(F.gelu(self.fc(self.ln2(x))))

    @staticmethod
    def _attn(q, k, v):  # PyTorch 1.13 has no fused attention
        T = q.size(2)
        s = (q @ k.transpose(-2, -1)) / math.sqrt(q.size(-1))
        s = s.masked_fill(torch.ones(T, T, dtype=torch.bool).triu(1), float('-inf'))
        return F.softmax(s, dim=-1) @ v


class GPT(nn.Module):
    def __init__(self):
        super().__init__()
        self.tok = nn.Embedding(len(vocab), opt.dim)
        self.pos = nn.Embedding(opt.block, opt.dim)
        self.blocks = nn.ModuleList(Block(opt.dim, opt.heads) for _ in range(opt.layers))
        self.lnf = nn.LayerNorm(opt.dim)
        self.head = nn.Linear(opt.dim, len(vocab), bias=False)
        self.head.weight = self.tok.weight
        for m in self.modules():
            if isinstance(m, (nn.Linear, nn.Embedding)):
                nn.init.normal_(m.weight, 0, 0.02)
            if isinstance(m, nn.Linear) and m.bias is not None:
                nn.init.zeros_(m.bias)

    def forward(self, x):
        h = self.tok(x) + self.pos(torch.arange(x.size(1)))
        for b in self.blocks:
            h = b(h)
        return self.head(self.lnf(h))


model = GPT()
decay = [p for p in model.parameters() if p.dim() >= 2]
other = [p for p in model.parameters() if p.dim() < 2]
optimizer = torch.optim.AdamW([{'params': decay, 'weight_decay': opt.weight_decay},
                               {'params': other, 'weight_decay': 0}], lr=opt.lr,
                              betas=(0.9, 0.99))


def lr_at(it):  # dl.schedule.cosine{warmup, min}: the same numbers
    if it < opt.warmup:
        return opt.lr * (it + 1) / opt.warmup
    t = min((it - opt.warmup) / max(opt.iters - opt.warmup - 1, 1), 1)
    return opt.min_lr + (opt.lr - opt.min_lr) * 0.5 * (1 + math.cos(math.pi * t))


@torch.no_grad()
def estimate():
    model.eval()
    out = {}
    for name in ('train', 'val'):
        out[name] = sum(F.cross_entropy(model(x).view(-1, len(vocab)), y.view(-1)).item()
                        for x, y in (batch(split[name]) for _ in range(opt.eval_iters))) / opt.eval_iters
    model.train()
    return out


start = time.time()
for it in range(opt.iters):
    if it % opt.eval_every == 0:
        l = estimate()
        print(f"iter {it:4d}  train loss {l['train']:.4f}  val loss {l['val']:.4f}  ({time.time() - start:.1f}s)")
    for g in optimizer.param_groups:
        g['lr'] = lr_at(it)
    x, y = batch(split['train'])
    loss = F.cross_entropy(model(x).view(-1, len(vocab)), y.view(-1))
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    optimizer.step()
l = estimate()
elapsed = time.time() - start
print(f"iter {opt.iters:4d}  train loss {l['train']:.4f}  val loss {l['val']:.4f}  "
      f"({elapsed:.1f}s, {opt.iters * opt.batch * opt.block / elapsed:.0f} tokens/s)")
