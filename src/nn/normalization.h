/* Normalization layers: batch normalization (nn.BatchNormalization and
   SpatialBatchNormalization), layer normalization (nn.LayerNorm) and the p-norm of rows
   (nn.Normalize). Float and double; inputs may have any strides (they are read through a
   contiguous copy when needed), outputs and gradients are resized and written contiguous.
   Statistics are accumulated in double. Every kernel takes fn, the name of what the
   script called, first, and begins its errors with it (see prelude.h). */
#ifndef NN_NORMALIZATION_H
#define NN_NORMALIZATION_H

#include "../core/tensor.h"

/* Batch normalization over dimension 2 of an N x C (x any more) input: statistics per
   channel c over the N and trailing positions. weight and bias (C elements) may be NULL
   (affine = false). running_mean, running_var are C-vectors; save_mean, save_invstd are
   resized to C.
   train: y = (x - mean) / sqrt(var + eps) * w + b with the batch's mean and biased var,
          saved in save_mean and save_invstd; the running statistics move by momentum
          (running_var with the unbiased var).
   else:  the running statistics are used. */
int nn_batchnorm_forward(const char *fn, dl_tensor *out, const dl_tensor *in,
                         const dl_tensor *weight, const dl_tensor *bias,
                         dl_tensor *running_mean, dl_tensor *running_var,
                         dl_tensor *save_mean, dl_tensor *save_invstd, int train,
                         double momentum, double eps);
/* gradIn (may be NULL) is set; gradWeight and gradBias (may be NULL) are accumulated
   with scale. save_mean/save_invstd are those of the forward pass in training mode. */
int nn_batchnorm_backward(const char *fn, dl_tensor *gradIn, dl_tensor *gradWeight,
                          dl_tensor *gradBias, const dl_tensor *in, const dl_tensor *gradOut,
                          const dl_tensor *weight, const dl_tensor *running_mean,
                          const dl_tensor *running_var, const dl_tensor *save_mean,
                          const dl_tensor *save_invstd, int train, double scale, double eps);

/* Layer normalization over the last dimension (D elements) of every row:
   y = (x - mean) * rstd * w + b, rstd = 1 / sqrt(var + eps) with the biased var.
   weight and bias (D elements) may be NULL. save_mean, save_rstd are resized to the
   number of rows. */
int nn_layernorm_forward(const char *fn, dl_tensor *out, const dl_tensor *in,
                         const dl_tensor *weight, const dl_tensor *bias, dl_tensor *save_mean,
                         dl_tensor *save_rstd, double eps);
int nn_layernorm_backward(const char *fn, dl_tensor *gradIn, dl_tensor *gradWeight,
                          dl_tensor *gradBias, const dl_tensor *in, const dl_tensor *gradOut,
                          const dl_tensor *weight, const dl_tensor *save_mean,
                          const dl_tensor *save_rstd, double scale);

/* Rows of a 2D input (N x D) divided by their p-norm, as Torch7's nn.Normalize:
   y = x / n, n = (sum |x|^p + eps)^(1/p), p >= 1 finite. norm (resized to N) keeps n. */
int nn_normalize_forward(const char *fn, dl_tensor *out, dl_tensor *norm, const dl_tensor *in,
                         double p, double eps);
/* dx_j = g_j / n - (sum_i g_i x_i) |x_j|^(p-1) sign(x_j) / n^(p+1) */
int nn_normalize_backward(const char *fn, dl_tensor *gradIn, const dl_tensor *in,
                          const dl_tensor *gradOut, const dl_tensor *norm, double p);

#endif
