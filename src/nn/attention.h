/* Fused scaled dot-product attention, float and double, forward and backward.

   q is B x H x T x D (batch, heads, queries, head size), k is B x H x S x D and v is
   B x H x S x Dv (S keys). For each batch entry and head:
       P = softmax(scale * q k^T + mask)        (T x S, rows over keys)
       out = (P * drop) v                       (B x H x T x Dv)
   scale is 1/sqrt(D) when given as 0. The masks, all optional (NULL):
   - causal: query i sees keys j <= i + S - T (the last T of S positions, so a query block
     appended to a cached prefix of keys is masked as the same rows of the full sequence);
   - mask: an additive tensor of q's type, T x S (shared by every batch entry and head) or
     B x H x T x S; -inf removes a key;
   - pad: a Byte tensor B x S, nonzero at padded keys, which no query sees;
   - drop: dropout on the weights, B x H x T x S of q's type, each entry 0 or 1/(1-p)
     (the caller draws it, so the random stream is the script's).
   A query row whose every key is masked gets P = 0 and out = 0 (not NaN), and no gradient.

   The whole B x H x T x S probability tensor is kept (probs, resized here) rather than
   tiled over keys with a running max and sum: at the sequence lengths a CPU trains on
   (T, S up to a few hundred) it is as large as one activation of the MLP, the two GEMMs
   per head run at BLAS speed on whole T x S blocks, backward reads P instead of
   recomputing the scores and softmax (a third of the forward's work), and the caller gets
   the attention weights for inspection for free. probs is the softmax before dropout.

   q, k, v (and backward's gradOut) may be views whose last dimension is dense, such as the
   heads of one B x T x 3 x H x D projection: the GEMMs read each head's rows at their own
   stride, so nothing is copied. out and the gradients that already have their sizes and
   such a layout, with no element twice (a view of a B x T x H x D buffer), are written in
   place; others are resized contiguous. A result sharing memory with an operand it is
   computed from is an error.

   Backward takes the forward's q, k, v, probs and drop and gives gq, gk, gv (resized to
   q's, k's and v's sizes). fn names what the script called and begins every message. */
#ifndef NN_ATTENTION_H
#define NN_ATTENTION_H

#include "../core/tensor.h"

int nn_attention_forward(const char *fn, dl_tensor *out, dl_tensor *probs, const dl_tensor *q,
                         const dl_tensor *k, const dl_tensor *v, const dl_tensor *mask,
                         const dl_tensor *pad, const dl_tensor *drop, int causal, double scale);
int nn_attention_backward(const char *fn, dl_tensor *gq, dl_tensor *gk, dl_tensor *gv,
                          const dl_tensor *q, const dl_tensor *k, const dl_tensor *v,
                          const dl_tensor *probs, const dl_tensor *drop, const dl_tensor *gradOut,
                          double scale);

#endif
