/* Max and min kernels (see maxmin.h): checks, contiguous operands, one typed loop from
   maxmin_loops.h. */
#include "maxmin.h"

#include "../ops/copy.h"
#include "prelude.h"

#define NN_LOOPS "maxmin_loops.h"
#include "float_loops.h"

/* in seen as A x n x B around dimension dim. */
static void around(const dl_tensor *in, int dim, int64_t *a, int64_t *n, int64_t *b) {
  *a = *b = 1;
  for (int d = 0; d < dim; d++) *a *= in->size[d];
  *n = in->size[dim];
  for (int d = dim + 1; d < in->ndim; d++) *b *= in->size[d];
}

int nn_maxmin_forward(const char *fn, dl_tensor *out, dl_tensor *indices, const dl_tensor *in,
                      int dim, int ismax, int64_t base) {
  char buf[96];
  if (nn_check_float(fn, "input", in) < 0 || nn_check_type(fn, "output", out, in->dtype) < 0 ||
      nn_check_type(fn, "indices", indices, DL_LONG) < 0)
    return -1;
  if (dim < 0 || dim >= in->ndim || in->size[dim] == 0)
    return dl_error("%s: dimension %d out of range (or empty) for an input of size %s", fn,
                    dim + 1, dl_sizestr(buf, sizeof buf, in->ndim, in->size));
  int64_t a, n, b, size[DL_MAXDIM];
  around(in, dim, &a, &n, &b);
  int nd = 0;
  for (int d = 0; d < in->ndim; d++)
    if (d != dim) size[nd++] = in->size[d];
  if (nd == 0) size[nd++] = 1;
  if (dl_tensor_resize_contig(fn, out, nd, size) < 0 ||
      dl_tensor_resize_contig(fn, indices, nd, size) < 0)
    return -1;
  dl_tensor xc;
  if (nn_contiguous(&xc, in) < 0) return -1;
  void *o = dl_tensor_data(out), *x = dl_tensor_data(&xc);
  int64_t *ix = dl_tensor_data(indices);
  if (in->dtype == DL_FLOAT) maxmin_forward_float(o, ix, x, a, n, b, ismax, base);
  else maxmin_forward_double(o, ix, x, a, n, b, ismax, base);
  dl_tensor_free(&xc);
  return 0;
}

int nn_maxmin_backward(const char *fn, dl_tensor *gradIn, const dl_tensor *in,
                       const dl_tensor *gradOut, const dl_tensor *indices, int dim,
                       int64_t base) {
  char b1[96], b2[96];
  if (nn_check_float(fn, "input", in) < 0 ||
      nn_check_type(fn, "gradOutput", gradOut, in->dtype) < 0 ||
      nn_check_type(fn, "gradInput", gradIn, in->dtype) < 0 ||
      nn_check_type(fn, "indices", indices, DL_LONG) < 0)
    return -1;
  if (dim < 0 || dim >= in->ndim) return dl_error("%s: dimension %d out of range", fn, dim + 1);
  int64_t a, n, b;
  around(in, dim, &a, &n, &b);
  if (dl_tensor_numel(gradOut) != a * b || dl_tensor_numel(indices) != a * b)
    return dl_error("%s: gradOutput of size %s, expected the input's %s reduced over dimension %d",
                    fn, dl_sizestr(b1, sizeof b1, gradOut->ndim, gradOut->size),
                    dl_sizestr(b2, sizeof b2, in->ndim, in->size), dim + 1);
  if (dl_tensor_resize_contig(fn, gradIn, in->ndim, in->size) < 0) return -1;
  op_fill(gradIn, 0);
  dl_tensor gc, ic;
  if (nn_contiguous(&gc, gradOut) < 0) return -1;
  if (nn_contiguous(&ic, indices) < 0) {
    dl_tensor_free(&gc);
    return -1;
  }
  void *gi = dl_tensor_data(gradIn), *g = dl_tensor_data(&gc);
  const int64_t *ix = dl_tensor_data(&ic);
  if (in->dtype == DL_FLOAT) maxmin_backward_float(gi, g, ix, a, n, b, base);
  else maxmin_backward_double(gi, g, ix, a, n, b, base);
  dl_tensor_free(&gc);
  dl_tensor_free(&ic);
  return 0;
}
