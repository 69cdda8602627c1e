"""What the PyTorch peers of the character examples (train_char_lm.py, train_char_gpt.py)
share with dl.datasets.text: the corpus of a folder's regular files (hidden files and
symbolic links left out) in name order, joined by newlines, bytes as characters, codes
into the sorted vocabulary, the first 90% for training."""
import os

import torch


def add_options(p):
    p.add_argument('--data', default='/usr/share/common-licenses')
    p.add_argument('--seed', type=int, default=1)
    p.add_argument('--threads', type=int, default=0)


def start(opt):
    torch.manual_seed(opt.seed)
    if opt.threads > 0:
        torch.set_num_threads(opt.threads)


def load(folder, split=0.9):
    """(names, codes, vocab, ntrain) of the corpus in folder."""
    names = sorted(n for n in os.listdir(folder) if not n.startswith('.')
                   and os.path.isfile(os.path.join(folder, n))
                   and not os.path.islink(os.path.join(folder, n)))
    text = b'\n'.join(open(os.path.join(folder, n), 'rb').read() for n in names)
    vocab = sorted(set(text))
    index = {c: i for i, c in enumerate(vocab)}
    codes = torch.tensor([index[c] for c in text], dtype=torch.long)
    return names, codes, vocab, int(split * len(codes))
