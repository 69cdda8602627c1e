/* The softmax kernels (see softmax.h): checks, contiguous operands, then one typed loop
   from softmax_loops.h. */
#include "softmax.h"

#include <tgmath.h> /* the family computes exp in the tensor's type */

#include "prelude.h"

#define NN_LOOPS "softmax_loops.h"
#include "float_loops.h"

/* ---- SoftMax, LogSoftMax, SoftMin ---- */

/* The input as outer x dim x inner: softmax runs along dim, inner apart. */
static int family_shape(const char *fn, const dl_tensor *in, int64_t *outer, int64_t *dim,
                        int64_t *inner) {
  char buf[96];
  int nd = in->ndim;
  if (nd < 1 || nd > 4 || dl_tensor_numel(in) == 0)
    return dl_error("%s: input of size %s, expected a non-empty 1D, 2D, 3D or 4D input", fn,
                    dl_sizestr(buf, sizeof buf, nd, in->size));
  int fd = (nd == 2 || nd == 4) ? 1 : 0; /* the feature dimension */
  *outer = fd == 1 ? in->size[0] : 1;
  *dim = in->size[fd];
  *inner = dl_tensor_numel(in) / (*outer * *dim);
  return 0;
}

int nn_softmax_forward(const char *fn, dl_tensor *out, const dl_tensor *in, nn_softmax_kind k) {
  int64_t outer, dim, inner;
  if (nn_check_float(fn, "input", in) < 0 || nn_check_type(fn, "output", out, in->dtype) < 0 ||
      family_shape(fn, in, &outer, &dim, &inner) < 0)
    return -1;
  dl_tensor cin;
  if (nn_contiguous(&cin, in) < 0) return -1;
  int rc = 0;
  if (!dl_tensor_sameview(out, &cin)) rc = dl_tensor_resize_contig(fn, out, in->ndim, in->size);
  if (rc == 0) {
    if (in->dtype == DL_FLOAT)
      softmax_forward_float(dl_tensor_data(out), dl_tensor_data(&cin), outer, dim, inner, k);
    else
      softmax_forward_double(dl_tensor_data(out), dl_tensor_data(&cin), outer, dim, inner, k);
  }
  dl_tensor_free(&cin);
  return rc;
}

int nn_softmax_backward(const char *fn, dl_tensor *gin, const dl_tensor *gout,
                        const dl_tensor *out, nn_softmax_kind k) {
  int64_t outer, dim, inner;
  dl_dtype dt = out->dtype;
  if (nn_check_float(fn, "output", out) < 0 || nn_check_type(fn, "gradOutput", gout, dt) < 0 ||
      nn_check_type(fn, "gradInput", gin, dt) < 0 ||
      family_shape(fn, out, &outer, &dim, &inner) < 0 ||
      nn_check_samesize(fn, "gradOutput", gout, out) < 0)
    return -1;
  dl_tensor cy, cg;
  if (nn_contiguous(&cy, out) < 0) return -1;
  int rc = nn_contiguous(&cg, gout);
  if (rc == 0 && !dl_tensor_sameview(gin, &cg))
    rc = dl_tensor_resize_contig(fn, gin, out->ndim, out->size);
  if (rc == 0) {
    void *gi = dl_tensor_data(gin), *g = dl_tensor_data(&cg), *y = dl_tensor_data(&cy);
    if (dt == DL_FLOAT) softmax_backward_float(gi, g, y, outer, dim, inner, k);
    else softmax_backward_double(gi, g, y, outer, dim, inner, k);
  }
  dl_tensor_free(&cy);
  dl_tensor_free(&cg);
  return rc;
}

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
