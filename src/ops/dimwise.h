/* Operations on the slices of a tensor along one dimension (Torch7's "dimension-wise"
   functions): cross products and renormalisation. Dimensions are 0-based here; messages
   print them 1-based. Results are resized to the input's sizes and may share storage with
   the inputs (they are then computed into a temporary first). */
#ifndef OP_DIMWISE_H
#define OP_DIMWISE_H

#include "../core/tensor.h"

/* res = a x b, the cross product of the 3-vectors along dim: a and b have the same sizes
   and size 3 along dim. dim < 0 takes the first dimension of size 3 (Torch7's default).
   Every type; integers wrap as their arithmetic does. */
int op_dim_cross(const char *fn, dl_tensor *res, const dl_tensor *a, const dl_tensor *b, int dim);

/* res = x with every slice x:select(dim, i) whose p-norm exceeds maxnorm scaled by
   maxnorm / (norm + 1e-7), as Torch7 does (the 1e-7 keeps the result just under maxnorm);
   the other slices are copied. p > 0 (math.huge: the largest magnitude), maxnorm >= 0,
   x at least 2D. Float and Double; norms accumulate in double. */
int op_dim_renorm(const char *fn, dl_tensor *res, const dl_tensor *x, double p, int dim,
                  double maxnorm);

#endif
