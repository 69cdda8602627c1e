/* Fully connected layer y = x W^T + b, as Torch7's nn.Linear: x is N x I (a batch of N
   rows), W is O x I, b has O elements (or is NULL: no bias), y is N x O. Float and
   double; any strides (BLAS gets transpose flags and leading dimensions, see op_gemm).
   Every kernel takes fn, the name of what the script called, first, and begins its
   errors with it (see prelude.h). */
#ifndef NN_LINEAR_H
#define NN_LINEAR_H

#include "../core/tensor.h"

/* out (resized to N x O) = in W^T + b. */
int nn_linear_forward(const char *fn, dl_tensor *out, const dl_tensor *in,
                      const dl_tensor *weight, const dl_tensor *bias);
/* gradIn (resized to N x I) = gradOut W. */
int nn_linear_backward_input(const char *fn, dl_tensor *gradIn, const dl_tensor *gradOut,
                             const dl_tensor *weight);
/* gradW += scale * gradOut^T in; gradB += scale * (column sums of gradOut). gradB may
   be NULL. */
int nn_linear_backward_params(const char *fn, dl_tensor *gradW, dl_tensor *gradB,
                              const dl_tensor *in, const dl_tensor *gradOut, double scale);

#endif
