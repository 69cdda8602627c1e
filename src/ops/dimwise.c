/* Cross products and renormalisation along a dimension (see dimwise.h). Both read their
   inputs as contiguous outer x n x inner blocks (n the length along dim), so the loops are
   plain index arithmetic; results go through a contiguous scratch (op_scratch_open). */
#include "dimwise.h"

#include <math.h>
#include <stdio.h>

#include "copy.h"

/* The block shape of x around dim. */
static void blocks(const dl_tensor *x, int dim, int64_t *outer, int64_t *inner) {
  *outer = *inner = 1;
  for (int d = 0; d < dim; d++) *outer *= x->size[d];
  for (int d = dim + 1; d < x->ndim; d++) *inner *= x->size[d];
}

/* One function per type: r, a, b are outer x 3 x inner. The products are computed in T's
   arithmetic (bytes promote to int and wrap when stored back). */
#define DEFINE_CROSS(T, NAME)                                                            \
  static void NAME(T *r, const T *a, const T *b, int64_t outer, int64_t inner) {         \
    for (int64_t o = 0; o < outer; o++)                                                  \
      for (int64_t j = 0; j < inner; j++) {                                              \
        const int64_t e0 = o * 3 * inner + j, e1 = e0 + inner, e2 = e1 + inner;          \
        r[e0] = (T)(a[e1] * b[e2] - a[e2] * b[e1]);                                      \
        r[e1] = (T)(a[e2] * b[e0] - a[e0] * b[e2]);                                      \
        r[e2] = (T)(a[e0] * b[e1] - a[e1] * b[e0]);                                      \
      }                                                                                  \
  }
DEFINE_CROSS(float, cross_float)
DEFINE_CROSS(double, cross_double)
DEFINE_CROSS(int64_t, cross_long)
DEFINE_CROSS(uint8_t, cross_byte)
DEFINE_CROSS(int8_t, cross_char)
DEFINE_CROSS(int16_t, cross_short)
DEFINE_CROSS(int32_t, cross_int)

/* Contiguous inputs for a kernel writing res: views when they cannot be overwritten,
   copies when they share res's storage. */
static int input_for(dl_tensor *c, const dl_tensor *x, const dl_tensor *res) {
  dl_tensor_init(c, x->dtype);
  if (res->storage && res->storage == x->storage) return op_clone(c, x, x->dtype);
  return op_contiguous(c, x);
}

int op_dim_cross(const char *fn, dl_tensor *res, const dl_tensor *a, const dl_tensor *b,
                 int dim) {
  char b1[256], b2[256];
  dl_sizestr(b1, sizeof b1, a->ndim, a->size);
  dl_sizestr(b2, sizeof b2, b->ndim, b->size);
  if (!dl_dtype_ismath(a->dtype))
    return dl_error("%s: not supported for torch.%sTensor", fn, dl_dtype_name(a->dtype));
  if (a->dtype != b->dtype || res->dtype != a->dtype)
    return dl_error("%s: tensor types differ: result torch.%sTensor, torch.%sTensor and "
                    "torch.%sTensor", fn, dl_dtype_name(res->dtype), dl_dtype_name(a->dtype),
                    dl_dtype_name(b->dtype));
  if (!dl_tensor_samesize(a, b))
    return dl_error("%s: sizes %s and %s differ", fn, b1, b2);
  if (dim < 0)
    for (int d = 0; d < a->ndim && dim < 0; d++)
      if (a->size[d] == 3) dim = d;
  if (dim < 0) return dl_error("%s: no dimension of size 3 in size %s", fn, b1);
  if (dim >= a->ndim)
    return dl_error("%s: dimension %d out of range for a %dD tensor", fn, dim + 1, a->ndim);
  if (a->size[dim] != 3)
    return dl_error("%s: dimension %d has size %lld, expected 3 (sizes %s)", fn, dim + 1,
                    (long long)a->size[dim], b1);
  int64_t outer, inner;
  blocks(a, dim, &outer, &inner);
  dl_tensor ac, bc, w;
  int rc = input_for(&ac, a, res);
  if (rc == 0) rc = input_for(&bc, b, res);
  else dl_tensor_init(&bc, b->dtype);
  if (rc == 0) rc = dl_tensor_resize_as(res, a);
  rc = rc == 0 ? op_scratch_open(&w, res, 0) : (dl_tensor_init(&w, res->dtype), -1);
  if (rc == 0 && outer * inner > 0) {
    void *r = dl_tensor_data(&w), *ap = dl_tensor_data(&ac), *bp = dl_tensor_data(&bc);
    switch (a->dtype) {
    case DL_FLOAT: cross_float(r, ap, bp, outer, inner); break;
    case DL_DOUBLE: cross_double(r, ap, bp, outer, inner); break;
    case DL_LONG: cross_long(r, ap, bp, outer, inner); break;
    case DL_CHAR: cross_char(r, ap, bp, outer, inner); break;
    case DL_SHORT: cross_short(r, ap, bp, outer, inner); break;
    case DL_INT: cross_int(r, ap, bp, outer, inner); break;
    default: cross_byte(r, ap, bp, outer, inner); break;
    }
  }
  rc = op_scratch_close(res, &w, rc);
  dl_tensor_free(&ac);
  dl_tensor_free(&bc);
  return rc;
}

/* x and r are outer x n x inner; scale has n entries, filled here. */
#define DEFINE_RENORM(T, NAME)                                                           \
  static void NAME(T *r, const T *x, double *scale, int64_t outer, int64_t n,            \
                   int64_t inner, double p, double maxnorm) {                            \
    for (int64_t i = 0; i < n; i++) scale[i] = 0;                                        \
    for (int64_t o = 0; o < outer; o++)                                                  \
      for (int64_t i = 0; i < n; i++)                                                    \
        for (int64_t j = 0; j < inner; j++) {                                            \
          double v = fabs((double)x[(o * n + i) * inner + j]);                           \
          if (isinf(p)) scale[i] = v > scale[i] ? v : scale[i];                          \
          else scale[i] += p == 1 ? v : p == 2 ? v * v : pow(v, p);                      \
        }                                                                                \
    for (int64_t i = 0; i < n; i++) {                                                    \
      double norm = isinf(p) ? scale[i] : pow(scale[i], 1 / p);                          \
      scale[i] = norm > maxnorm ? maxnorm / (norm + 1e-7) : 1;                           \
    }                                                                                    \
    for (int64_t o = 0; o < outer; o++)                                                  \
      for (int64_t i = 0; i < n; i++)                                                    \
        for (int64_t j = 0; j < inner; j++) {                                            \
          int64_t e = (o * n + i) * inner + j;                                           \
          r[e] = scale[i] == 1 ? x[e] : (T)(x[e] * scale[i]);                            \
        }                                                                                \
  }
DEFINE_RENORM(float, renorm_float)
DEFINE_RENORM(double, renorm_double)

int op_dim_renorm(const char *fn, dl_tensor *res, const dl_tensor *x, double p, int dim,
                  double maxnorm) {
  char b[256];
  if (!dl_dtype_isfloat(x->dtype))
    return dl_error("%s: not supported for torch.%sTensor (Float and Double only)", fn,
                    dl_dtype_name(x->dtype));
  if (res->dtype != x->dtype)
    return dl_error("%s: the result is a torch.%sTensor, expected a torch.%sTensor", fn,
                    dl_dtype_name(res->dtype), dl_dtype_name(x->dtype));
  if (x->ndim < 2)
    return dl_error("%s: expected a tensor of at least 2 dimensions, got size %s", fn,
                    dl_sizestr(b, sizeof b, x->ndim, x->size));
  if (dim < 0 || dim >= x->ndim)
    return dl_error("%s: dimension %d out of range for a %dD tensor", fn, dim + 1, x->ndim);
  if (!(p > 0)) return dl_error("%s: the norm's p must be positive, got %g", fn, p);
  if (!(maxnorm >= 0)) return dl_error("%s: maxnorm must be non-negative, got %g", fn, maxnorm);
  int64_t outer, inner, n = x->size[dim];
  blocks(x, dim, &outer, &inner);
  dl_tensor xc, sc, w;
  dl_tensor_init(&sc, DL_DOUBLE);
  /* in place (res the same view as x) reads each element before writing it */
  int same = dl_tensor_sameview(res, x) && dl_tensor_iscontiguous(x);
  int rc = same ? (dl_tensor_init(&xc, x->dtype), dl_tensor_set(&xc, x), 0)
                : input_for(&xc, x, res);
  if (rc == 0) rc = dl_tensor_new(&sc, DL_DOUBLE, 1, &n);
  if (rc == 0) rc = dl_tensor_resize_as(res, x);
  rc = rc == 0 ? op_scratch_open(&w, res, 0) : (dl_tensor_init(&w, res->dtype), -1);
  if (rc == 0 && outer * n * inner > 0) {
    double *s = dl_tensor_data(&sc);
    if (x->dtype == DL_FLOAT)
      renorm_float(dl_tensor_data(&w), dl_tensor_data(&xc), s, outer, n, inner, p, maxnorm);
    else
      renorm_double(dl_tensor_data(&w), dl_tensor_data(&xc), s, outer, n, inner, p, maxnorm);
  }
  rc = op_scratch_close(res, &w, rc);
  dl_tensor_free(&xc);
  dl_tensor_free(&sc);
  return rc;
}
