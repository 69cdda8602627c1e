/* The softmax kernels (see softmax.h): checks, contiguous operands, then one typed loop
   from softmax_loops.h. */
#include "softmax.h"

#include <math.h>

#include "prelude.h"

#define T float
#define FN(name) name##_float
#include "softmax_loops.h"
#undef FN
#undef T
#define T double
#define FN(name) name##_double
#include "softmax_loops.h"
#undef FN
#undef T

/* ---- softmax over planes ---- */

/* The input seen as N x C x S. */
static int spatial_shape(const char *fn, const dl_tensor *in, int64_t *n, int64_t *c,
                         int64_t *s) {
  char b[96];
  if (in->ndim < 2 || dl_tensor_numel(in) == 0)
    return dl_error("%s: input of size %s, expected N x C x ...", fn,
                    dl_sizestr(b, sizeof b, in->ndim, in->size));
  *n = in->size[0];
  *c = in->size[1];
  *s = dl_tensor_numel(in) / (*n * *c);
  return 0;
}

int nn_spatial_softmax_forward(const char *fn, dl_tensor *out, const dl_tensor *in) {
  int64_t n, c, s;
  if (nn_check_float(fn, "input", in) < 0 || spatial_shape(fn, in, &n, &c, &s) < 0 ||
      nn_check_type(fn, "output", out, in->dtype) < 0)
    return -1;
  dl_tensor xc;
  if (nn_contiguous(&xc, in) < 0) return -1;
  int rc = dl_tensor_resize_contig(fn, out, in->ndim, in->size);
  if (rc == 0) {
    if (in->dtype == DL_FLOAT)
      spatial_softmax_forward_float(dl_tensor_data(out), dl_tensor_data(&xc), n, c, s);
    else
      spatial_softmax_forward_double(dl_tensor_data(out), dl_tensor_data(&xc), n, c, s);
  }
  dl_tensor_free(&xc);
  return rc;
}

int nn_spatial_softmax_backward(const char *fn, dl_tensor *gradIn, const dl_tensor *gradOut,
                                const dl_tensor *out) {
  int64_t n, c, s;
  if (nn_check_float(fn, "output", out) < 0 || spatial_shape(fn, out, &n, &c, &s) < 0 ||
      nn_check_type(fn, "gradOutput", gradOut, out->dtype) < 0 ||
      nn_check_type(fn, "gradInput", gradIn, out->dtype) < 0 ||
      nn_check_samesize(fn, "gradOutput", gradOut, out) < 0)
    return -1;
  dl_tensor gc, yc;
  if (nn_contiguous(&gc, gradOut) < 0) return -1;
  if (nn_contiguous(&yc, out) < 0) {
    dl_tensor_free(&gc);
    return -1;
  }
  int rc = dl_tensor_resize_contig(fn, gradIn, out->ndim, out->size);
  if (rc == 0) {
    void *gi = dl_tensor_data(gradIn), *g = dl_tensor_data(&gc), *y = dl_tensor_data(&yc);
    if (out->dtype == DL_FLOAT) spatial_softmax_backward_float(gi, g, y, n, c, s);
    else spatial_softmax_backward_double(gi, g, y, n, c, s);
  }
  dl_tensor_free(&gc);
  dl_tensor_free(&yc);
  return rc;
}
