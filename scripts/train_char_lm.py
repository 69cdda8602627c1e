"""The PyTorch peer of scripts/train_char_lm.lua, for the README's comparison of held-out
losses only: the same data (/usr/share/common-licenses, regular files in name order joined
by newlines, bytes as characters, 90/10 split, 32 parallel streams), the same model
(embedding 64, two LSTM or GRU layers of 256, Linear, cross-entropy) and recipe (truncated
BPTT over 64 steps with the state carried, Adam 2e-3, global norm clip 5, 300 steps; the
held-out loss from a fresh state over the whole held-out stream).
    python3 scripts/train_char_lm.py [--steps 300] [--model lstm|gru] [--seed 1]
"""
import argparse

import torch
import torch.nn as nn
import torch.nn.functional as F

import char_corpus  # scripts/char_corpus.py

p = argparse.ArgumentParser()
char_corpus.add_options(p)
p.add_argument('--model', default='lstm')
p.add_argument('--embed', type=int, default=64)
p.add_argument('--hidden', type=int, default=256)
p.add_argument('--seq', type=int, default=64)
p.add_argument('--batch', type=int, default=32)
p.add_argument('--steps', type=int, default=300)
p.add_argument('--lr', type=float, default=2e-3)
p.add_argument('--clip', type=float, default=5)
p.add_argument('--evalEvery', type=int, default=100)
opt = p.parse_args()
char_corpus.start(opt)

names, codes, vocab, ntrain = char_corpus.load(opt.data)
V = len(vocab)


def streams(data, B):  # B parallel streams, one per column
    L = len(data) // B
    return data[:L * B].view(B, L).t().contiguous()


trainS, validS = streams(codes[:ntrain], opt.batch), streams(codes[ntrain:], opt.batch)


class LM(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(V, opt.embed)
        rnn = nn.GRU if opt.model == 'gru' else nn.LSTM
        self.rnn = rnn(opt.embed, opt.hidden, num_layers=2)
        self.out = nn.Linear(opt.hidden, V)

    def forward(self, x, h):
        y, h = self.rnn(self.emb(x), h)
        return self.out(y.view(-1, opt.hidden)), h


def detach(h):
    return None if h is None else (tuple(t.detach() for t in h) if isinstance(h, tuple) else h.detach())


model = LM()
optimizer = torch.optim.Adam(model.parameters(), lr=opt.lr)


@torch.no_grad()
def evaluate(S):
    model.eval()
    h, total, n = None, 0.0, 0
    for i in range(0, S.size(0) - opt.seq, opt.seq):
        x, y = S[i:i + opt.seq], S[i + 1:i + 1 + opt.seq]
        out, h = model(x, h)
        total += F.cross_entropy(out, y.reshape(-1)).item()
        n += 1
    model.train()
    return total / max(n, 1)


h, pos = None, 0
for step in range(1, opt.steps + 1):
    if pos + opt.seq + 1 >= trainS.size(0):
        pos, h = 0, None
    x, y = trainS[pos:pos + opt.seq], trainS[pos + 1:pos + 1 + opt.seq]
    pos += opt.seq
    out, h = model(x, h)
    h = detach(h)
    loss = F.cross_entropy(out, y.reshape(-1))
    optimizer.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), opt.clip)
    optimizer.step()
    if step % 20 == 0 or step == 1:
        print(f'step {step:4d}  loss {loss.item():.4f}')
    if step % opt.evalEvery == 0 or step == opt.steps:
        print(f'step {step:4d}  held-out loss {evaluate(validS):.4f}')
