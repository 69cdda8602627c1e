/* The softmax family: SoftMax, LogSoftMax and SoftMin over the feature dimension, and
   SpatialSoftMax over the planes of an image, float and double, any strides (inputs are
   read through a contiguous copy when they are not contiguous). Every kernel takes fn,
   the name of what the script called ("nn.SpatialSoftMax"), first, and begins its
   errors with it (see prelude.h). */
#ifndef NN_SOFTMAX_H
#define NN_SOFTMAX_H

#include "../core/tensor.h"

/* The family, over the feature dimension: the only dimension of a 1D input, dimension 2
   of a 2D (batch x features) input, and as Torch7 the planes of a 3D (features x h x w) or
   4D (batch x features x h x w) input.
     NN_SOFTMAX     y_i = exp(x_i - max) / sum_j exp(x_j - max)
     NN_LOGSOFTMAX  y_i = x_i - max - log(sum_j exp(x_j - max))
     NN_SOFTMIN     y = softmax(-x)
   out may be in itself. */
typedef enum { NN_SOFTMAX, NN_LOGSOFTMAX, NN_SOFTMIN } nn_softmax_kind;
int nn_softmax_forward(const char *fn, dl_tensor *out, const dl_tensor *in, nn_softmax_kind k);
/* Softmax: gin = y * (g - sum(g*y)); LogSoftMax: gin = g - exp(y) * sum(g);
   SoftMin: the negative of the softmax formula. out is the forward's output. */
int nn_softmax_backward(const char *fn, dl_tensor *gin, const dl_tensor *gout,
                        const dl_tensor *out, nn_softmax_kind k);

/* Softmax over dimension 2 of an N x C (x any more) input: at each sample and position,
   over the C planes. */
int nn_spatial_softmax_forward(const char *fn, dl_tensor *out, const dl_tensor *in);
/* gradIn = out * (gradOut - sum_c gradOut * out). */
int nn_spatial_softmax_backward(const char *fn, dl_tensor *gradIn, const dl_tensor *gradOut,
                                const dl_tensor *out);

#endif
