/* Constructors that build new tensors (not views): ranges, identity, diagonals,
   triangles, concatenation and repetition. The result tensor is resized (its storage
   reused when large enough); its type is the caller's choice. Prefix op_build_. */
#ifndef OP_BUILD_H
#define OP_BUILD_H

#include "../core/tensor.h"

/* res = a, a+step, ... up to b inclusive (Torch7's range); step must not be 0 and
   must point from a to b. */
int op_build_range(dl_tensor *res, double a, double b, double step);
/* res = n points from a to b inclusive, evenly spaced (n >= 1; n = 1 gives a). */
int op_build_linspace(dl_tensor *res, double a, double b, int64_t n);
/* res = 10^x for the n points x of linspace(a, b, n). */
int op_build_logspace(dl_tensor *res, double a, double b, int64_t n);
/* res = the n x m identity. */
int op_build_eye(dl_tensor *res, int64_t n, int64_t m);
/* x 1D: res = square matrix with x on diagonal k (k > 0 above the main one).
   x 2D: res = 1D copy of diagonal k of x. */
int op_build_diag(dl_tensor *res, const dl_tensor *x, int64_t k);
/* res = x (2D) with the elements above (tril) / below (triu) diagonal k zeroed.
   res may be x itself. */
int op_build_tril(dl_tensor *res, const dl_tensor *x, int64_t k);
int op_build_triu(dl_tensor *res, const dl_tensor *x, int64_t k);
/* res = the n tensors joined along dim (0-based; empty tensors are skipped). Sizes must
   match except along dim. */
int op_build_cat(dl_tensor *res, const dl_tensor *const *ts, int n, int dim);
/* res = x repeated reps[d] times along dimension d (nrep >= x's ndim; x is padded
   with leading size-1 dimensions), as Torch7's repeatTensor. */
int op_build_repeat(dl_tensor *res, const dl_tensor *x, int nrep, const int64_t *reps);

#endif
