/* The softmax family: SoftMax, LogSoftMax and SoftMin over the feature dimension, and
   SpatialSoftMax over the planes of an image, float and double, any strides (inputs are
   read through a contiguous copy when they are not contiguous). Every kernel takes fn,
   the name of what the script called ("nn.SpatialSoftMax"), first, and begins its
   errors with it (see prelude.h). */
#ifndef NN_SOFTMAX_H
#define NN_SOFTMAX_H

#include "../core/tensor.h"

/* Softmax over dimension 2 of an N x C (x any more) input: at each sample and position,
   over the C planes. */
int nn_spatial_softmax_forward(const char *fn, dl_tensor *out, const dl_tensor *in);
/* gradIn = out * (gradOut - sum_c gradOut * out). */
int nn_spatial_softmax_backward(const char *fn, dl_tensor *gradIn, const dl_tensor *gradOut,
                                const dl_tensor *out);

#endif
