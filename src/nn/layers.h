/* Kernels of nn's non-GEMM layers: batch and layer normalization, dropout's masked scale,
   lookup tables (embeddings), and the pointwise layers (Abs, Exp, Log, Power, Square,
   Sqrt, Clamp, MulConstant, AddConstant). Float and double tensors; inputs may have any
   strides (they are read through a contiguous copy when needed), outputs and gradients are
   resized and written contiguous. Each function checks sizes and types and returns -1 with
   an error naming itself on a mismatch. */
#ifndef NN_LAYERS_H
#define NN_LAYERS_H

#include "../core/tensor.h"

/* Batch normalization over dimension 2 of an N x C (x any more) input, as Torch7's
   nn.BatchNormalization and SpatialBatchNormalization: statistics per channel c over the
   N and trailing positions. weight and bias (C elements) may be NULL (affine = false).
   running_mean, running_var, save_mean, save_invstd are contiguous C-vectors.
   train: y = (x - mean) / sqrt(var + eps) * w + b with the batch's mean and biased var,
          saved in save_mean and save_invstd; the running statistics move by momentum
          (running_var with the unbiased var).
   else:  the running statistics are used. */
int nn_batchnorm_forward(dl_tensor *out, const dl_tensor *in, const dl_tensor *weight,
                         const dl_tensor *bias, dl_tensor *running_mean,
                         dl_tensor *running_var, dl_tensor *save_mean,
                         dl_tensor *save_invstd, int train, double momentum, double eps);
/* gradIn (may be NULL) is set; gradWeight and gradBias (may be NULL) are accumulated
   with scale. save_mean/save_invstd are those of the forward pass in training mode. */
int nn_batchnorm_backward(dl_tensor *gradIn, dl_tensor *gradWeight, dl_tensor *gradBias,
                          const dl_tensor *in, const dl_tensor *gradOut,
                          const dl_tensor *weight, const dl_tensor *running_mean,
                          const dl_tensor *running_var, const dl_tensor *save_mean,
                          const dl_tensor *save_invstd, int train, double scale, double eps);

/* Layer normalization over the last dimension (D elements) of every row:
   y = (x - mean) * rstd * w + b, rstd = 1 / sqrt(var + eps) with the biased var.
   weight and bias (D elements) may be NULL. save_mean, save_rstd are resized to the
   number of rows. */
int nn_layernorm_forward(dl_tensor *out, const dl_tensor *in, const dl_tensor *weight,
                         const dl_tensor *bias, dl_tensor *save_mean, dl_tensor *save_rstd,
                         double eps);
int nn_layernorm_backward(dl_tensor *gradIn, dl_tensor *gradWeight, dl_tensor *gradBias,
                          const dl_tensor *in, const dl_tensor *gradOut,
                          const dl_tensor *weight, const dl_tensor *save_mean,
                          const dl_tensor *save_rstd, double scale);

/* out = in * mask * scale, elementwise (dropout's forward and backward, with the mask
   of 0s and 1s drawn by the caller). out may be in itself. */
int nn_mask_scale(dl_tensor *out, const dl_tensor *in, const dl_tensor *mask, double scale);

/* Embedding: out (resized to index's sizes x D) gets the rows weight[index - base].
   index is a LongTensor of any shape; weight is V x D. An index outside [base, base+V)
   is an error naming it and its position. */
int nn_lookup_forward(dl_tensor *out, const dl_tensor *weight, const dl_tensor *index,
                      int64_t base);
/* gradWeight[index - base] += scale * gradOut rows, skipping rows whose index equals
   padding (pass a value below base for none). */
int nn_lookup_backward(dl_tensor *gradWeight, const dl_tensor *index, const dl_tensor *gradOut,
                       double scale, int64_t base, int64_t padding);

/* Pointwise layers, y = f(x) with parameters a and b:
     NN_PW_ABS       |x|                      dx = g * sign(x)
     NN_PW_EXP       exp(x)                   dx = g * y
     NN_PW_LOG       log(x)                   dx = g / x
     NN_PW_POW       x^a                      dx = g * a * x^(a-1)
     NN_PW_SQUARE    x^2                      dx = g * 2x
     NN_PW_SQRT      sqrt(x + a)              dx = y == 0 ? 0 : g / (2y)
     NN_PW_CLAMP     min(max(x, a), b)        dx = a < x < b ? g : 0  (Torch7's HardTanh rule)
     NN_PW_MULC      a * x                    dx = a * g
     NN_PW_ADDC      x + a                    dx = g                                  */
typedef enum {
  NN_PW_ABS,
  NN_PW_EXP,
  NN_PW_LOG,
  NN_PW_POW,
  NN_PW_SQUARE,
  NN_PW_SQRT,
  NN_PW_CLAMP,
  NN_PW_MULC,
  NN_PW_ADDC,
  NN_PW_N
} nn_pointwise;

/* out (resized like in unless it is in itself) = f(in). */
int nn_pointwise_forward(nn_pointwise k, dl_tensor *out, const dl_tensor *in, double a,
                         double b);
/* gradIn (resized like in) = gradOut * f'(in), using out = f(in) where the rule needs it. */
int nn_pointwise_backward(nn_pointwise k, dl_tensor *gradIn, const dl_tensor *gradOut,
                          const dl_tensor *in, const dl_tensor *out, double a, double b);

/* Max (ismax) or min over dimension dim (0-based) of in: out and indices (a Long tensor)
   get in's sizes without that dimension; indices count from base (1 for Lua). The first
   extreme wins ties; NaN counts as the extreme, as in Torch7. */
int nn_maxmin_forward(dl_tensor *out, dl_tensor *indices, const dl_tensor *in, int dim,
                      int ismax, int64_t base);
/* gradIn (resized like in, zeroed) gets gradOut at the positions in indices. */
int nn_maxmin_backward(dl_tensor *gradIn, const dl_tensor *in, const dl_tensor *gradOut,
                       const dl_tensor *indices, int dim, int64_t base);

/* Rows of a 2D input (N x D) divided by their p-norm, as Torch7's nn.Normalize:
   y = x / n, n = (sum |x|^p + eps)^(1/p), p >= 1 finite. norm (resized to N) keeps n. */
int nn_normalize_forward(dl_tensor *out, dl_tensor *norm, const dl_tensor *in, double p,
                         double eps);
/* dx_j = g_j / n - (sum_i g_i x_i) |x_j|^(p-1) sign(x_j) / n^(p+1) */
int nn_normalize_backward(dl_tensor *gradIn, const dl_tensor *in, const dl_tensor *gradOut,
                          const dl_tensor *norm, double p);

#endif
