/* Max and min over a dimension (nn.Max, nn.Min), with the positions of the extremes for
   the backward pass. Float and double; inputs of any strides. Every kernel takes fn, the
   name of what the script called, first, and begins its errors with it (see prelude.h). */
#ifndef NN_MAXMIN_H
#define NN_MAXMIN_H

#include "../core/tensor.h"

/* Max (ismax) or min over dimension dim (0-based) of in: out and indices (a Long tensor)
   get in's sizes without that dimension; indices count from base (1 for Lua). The first
   extreme wins ties; NaN counts as the extreme, as in Torch7. */
int nn_maxmin_forward(const char *fn, dl_tensor *out, dl_tensor *indices, const dl_tensor *in,
                      int dim, int ismax, int64_t base);
/* gradIn (resized like in, zeroed) gets gradOut at the positions in indices. */
int nn_maxmin_backward(const char *fn, dl_tensor *gradIn, const dl_tensor *in,
                       const dl_tensor *gradOut, const dl_tensor *indices, int dim,
                       int64_t base);

#endif
