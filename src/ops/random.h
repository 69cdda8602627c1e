/* Random fills of tensors. Every fill draws in the tensor's row-major element order,
   one element after the other, so a seed gives the same tensor whatever the thread
   count and whether the tensor is contiguous or a strided view. Each takes its
   generator; pass dl_rng_default() for the calling thread's. */
#ifndef OP_RANDOM_H
#define OP_RANDOM_H

#include "../core/rng.h"
#include "../core/tensor.h"

/* Float and Double tensors only. */
int op_uniform(dl_rng *g, dl_tensor *t, double a, double b);     /* [a, b) */
int op_normal(dl_rng *g, dl_tensor *t, double mean, double stdv);
int op_exponential(dl_rng *g, dl_tensor *t, double lambda);
int op_cauchy(dl_rng *g, dl_tensor *t, double median, double sigma);
int op_lognormal(dl_rng *g, dl_tensor *t, double mean, double stdv);

/* Any type. */
int op_bernoulli(dl_rng *g, dl_tensor *t, double p);
/* Element i is 1 with probability p[i]; p is a Float or Double tensor with as many
   elements as t, read in row-major order. */
int op_bernoulli_tensor(dl_rng *g, dl_tensor *t, const dl_tensor *p);
int op_geometric(dl_rng *g, dl_tensor *t, double p);
/* Torch7's x:random(): a 32-bit output reduced to the type (mod 256 for Byte,
   mod 2^24+1 for Float so every value is exact). */
int op_random(dl_rng *g, dl_tensor *t);
/* Integers uniform on [a, b] (both included), as Torch7's x:random(a, b). */
int op_random_range(dl_rng *g, dl_tensor *t, int64_t a, int64_t b);

/* res (a LongTensor, resized) gets n category indices per row of probs (1D: n; 2D with
   r rows: r x n), drawn in proportion to the row's non-negative weights, with or without
   replacement, as Torch7 draws them. Indices start at base (0 for C, 1 for Lua). */
int op_multinomial(dl_rng *g, dl_tensor *res, const dl_tensor *probs, int64_t n,
                   int replacement, int64_t base);
/* res (resized to n) gets a random permutation of base .. base+n-1 (Torch7's shuffle). */
int op_randperm(dl_rng *g, dl_tensor *res, int64_t n, int64_t base);

#endif
