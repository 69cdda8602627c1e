/* Constructors. Diagonals, triangles, concatenation and repetition are built from
   strided views of the result (structs on the stack that borrow its storage) filled by
   op_copy / op_fill, so they serve every type without a per-type kernel. */
#include <math.h>
#include <string.h>

#include "build.h"
#include "copy.h"

static int shares(const char *fn, const dl_tensor *res, const dl_tensor *x) {
  if (res->storage && res->storage == x->storage)
    return dl_error("%s: the result must not share the argument's storage", fn);
  return 0;
}

/* Leaves t empty (ndim 0), as Torch7 does for results with no elements. */
static void make_empty(dl_tensor *t) {
  dl_dtype dt = t->dtype;
  dl_tensor_free(t);
  dl_tensor_init(t, dt);
}

/* res[i] = a + i * step, i < n, computed in double and converted. A res of n elements
   keeps its shape and view, filled in row-major order (Torch7: y:range(0, 3) into a 2x2
   narrow of a matrix); others become 1D. The values go through a contiguous scratch. */
static int fill_affine(const char *fn, dl_tensor *res, int64_t n, double a, double step,
                       int pow10) {
  dl_tensor w;
  if (!dl_dtype_ismath(res->dtype)) /* DL_DISPATCH has no Half loop */
    return dl_error("%s: not supported for torch.%sTensor", fn, dl_dtype_name(res->dtype));
  if ((res->ndim == 0 || dl_tensor_numel(res) != n) && dl_tensor_resize(res, 1, &n)) return -1;
  int rc = op_scratch_open(&w, res, 0);
#define AFFINE(T)                                      \
  T *p = dl_tensor_data(&w);                           \
  for (int64_t i = 0; i < n; i++) {                    \
    double v = a + (double)i * step;                   \
    p[i] = (T)(pow10 ? pow(10.0, v) : v);              \
  }
  if (rc == 0) DL_DISPATCH(res->dtype, AFFINE)
#undef AFFINE
  return op_scratch_close(res, &w, rc);
}

int op_build_range(dl_tensor *res, double a, double b, double step) {
  if (step == 0 || isnan(step) || isnan(a) || isnan(b))
    return dl_error("range: step must be nonzero and bounds numbers (got %g to %g step %g)", a,
                    b, step);
  if ((step > 0 && b < a) || (step < 0 && b > a))
    return dl_error("range: step %g does not lead from %g to %g", step, a, b);
  double n = floor((b - a) / step) + 1;
  if (n > 1e15) return dl_error("range: %g elements is too many", n);
  return fill_affine("range", res, (int64_t)n, a, step, 0);
}

static int spaced(const char *fn, dl_tensor *res, double a, double b, int64_t n, int pow10) {
  if (n < 1) return dl_error("%s: number of points must be at least 1, got %lld", fn, (long long)n);
  if (n == 1 && a != b)
    return dl_error("%s: 1 point between the distinct endpoints %g and %g", fn, a, b);
  return fill_affine(fn, res, n, a, n == 1 ? 0 : (b - a) / (double)(n - 1), pow10);
}

int op_build_linspace(dl_tensor *res, double a, double b, int64_t n) {
  return spaced("linspace", res, a, b, n, 0);
}

int op_build_logspace(dl_tensor *res, double a, double b, int64_t n) {
  return spaced("logspace", res, a, b, n, 1);
}

/* Diagonal k of the 2D tensor t as a 1D view struct (borrowing t's storage). */
static dl_tensor diag_view(const dl_tensor *t, int64_t k) {
  dl_tensor v = *t;
  int64_t r = t->size[0], c = t->size[1];
  int64_t len = k >= 0 ? (r < c - k ? r : c - k) : (r + k < c ? r + k : c);
  v.offset += k >= 0 ? k * t->stride[1] : -k * t->stride[0];
  v.ndim = 1;
  v.size[0] = len < 0 ? 0 : len;
  v.stride[0] = t->stride[0] + t->stride[1];
  return v;
}

int op_build_eye(dl_tensor *res, int64_t n, int64_t m) {
  if (n < 1 || m < 1)
    return dl_error("eye: sizes must be positive, got %lldx%lld", (long long)n, (long long)m);
  int64_t size[2] = {n, m};
  if (dl_tensor_resize(res, 2, size)) return -1;
  op_fill(res, 0);
  dl_tensor d = diag_view(res, 0);
  op_fill(&d, 1);
  return 0;
}

int op_build_diag(dl_tensor *res, const dl_tensor *x, int64_t k) {
  char b[256];
  if (shares("diag", res, x)) return -1;
  if (x->ndim == 1) {
    int64_t n = x->size[0] + (k < 0 ? -k : k), size[2] = {n, n};
    if (dl_tensor_resize(res, 2, size)) return -1;
    op_fill(res, 0);
    dl_tensor d = diag_view(res, k);
    return op_copy(&d, x);
  }
  if (x->ndim != 2)
    return dl_error("diag: expected a 1D or 2D tensor, got size %s",
                    dl_sizestr(b, sizeof b, x->ndim, x->size));
  dl_tensor d = diag_view(x, k);
  if (d.size[0] == 0)
    return dl_error("diag: diagonal %lld lies outside a %s matrix", (long long)k,
                    dl_sizestr(b, sizeof b, x->ndim, x->size));
  if (dl_tensor_resize(res, 1, d.size)) return -1;
  return op_copy(res, &d);
}

/* Copies x into res (unless they are the same view) and zeroes, in row i, the columns
   [lo(i), hi(i)). */
static int triangle(const char *fn, dl_tensor *res, const dl_tensor *x, int64_t k, int lower) {
  char b[256];
  if (x->ndim != 2)
    return dl_error("%s: expected a 2D tensor, got size %s", fn,
                    dl_sizestr(b, sizeof b, x->ndim, x->size));
  int same = res->storage == x->storage && res->offset == x->offset && res->ndim == 2 &&
             dl_tensor_samesize(res, x) && res->stride[0] == x->stride[0] &&
             res->stride[1] == x->stride[1];
  if (!same) {
    if (shares(fn, res, x) || dl_tensor_resize_as(res, x) || op_copy(res, x)) return -1;
  }
  int64_t r = x->size[0], c = x->size[1];
  for (int64_t i = 0; i < r; i++) {
    /* tril keeps j <= i + k; triu keeps j >= i + k */
    int64_t lo = lower ? i + k + 1 : 0, hi = lower ? c : i + k;
    if (lo < 0) lo = 0;
    if (hi > c) hi = c;
    if (lo >= hi) continue;
    dl_tensor row = *res;
    row.offset += i * res->stride[0] + lo * res->stride[1];
    row.ndim = 1;
    row.size[0] = hi - lo;
    row.stride[0] = res->stride[1];
    op_fill(&row, 0);
  }
  return 0;
}

int op_build_tril(dl_tensor *res, const dl_tensor *x, int64_t k) {
  return triangle("tril", res, x, k, 1);
}

int op_build_triu(dl_tensor *res, const dl_tensor *x, int64_t k) {
  return triangle("triu", res, x, k, 0);
}

int op_build_cat(dl_tensor *res, const dl_tensor *const *ts, int n, int dim) {
  char b1[256], b2[256];
  const dl_tensor *first = NULL;
  int firsti = 0;
  int64_t size[DL_MAXDIM];
  for (int i = 0; i < n; i++) {
    const dl_tensor *t = ts[i];
    if (shares("cat", res, t)) return -1;
    if (dl_tensor_numel(t) == 0 && t->ndim <= 1) continue; /* empty: skipped, as Torch7 */
    if (!first) {
      first = t;
      firsti = i;
      if (dim < 0 || dim >= t->ndim)
        return dl_error("cat: dimension %d out of range for a %dD tensor", dim + 1, t->ndim);
      memcpy(size, t->size, sizeof size);
      size[dim] = 0;
    }
    int ok = t->ndim == first->ndim;
    for (int d = 0; ok && d < t->ndim; d++) ok = d == dim || t->size[d] == first->size[d];
    if (!ok)
      return dl_error("cat: sizes %s (tensor %d) and %s (tensor %d) differ outside dimension %d",
                      dl_sizestr(b1, sizeof b1, first->ndim, first->size),
                      firsti + 1,
                      dl_sizestr(b2, sizeof b2, t->ndim, t->size), i + 1, dim + 1);
    size[dim] += t->size[dim];
  }
  if (!first) {
    make_empty(res);
    return 0;
  }
  if (dl_tensor_resize(res, first->ndim, size)) return -1;
  int64_t at = 0;
  for (int i = 0; i < n; i++) {
    const dl_tensor *t = ts[i];
    if (dl_tensor_numel(t) == 0 && t->ndim <= 1) continue;
    dl_tensor part = *res;
    part.offset += at * res->stride[dim];
    part.size[dim] = t->size[dim];
    if (op_copy(&part, t)) return -1;
    at += t->size[dim];
  }
  return 0;
}

int op_build_repeat(dl_tensor *res, const dl_tensor *x, int nrep, const int64_t *reps) {
  if (shares("repeatTensor", res, x)) return -1;
  if (nrep < x->ndim)
    return dl_error("repeatTensor: %d repetitions for a %dD tensor (need at least %d)", nrep,
                    x->ndim, x->ndim);
  if (2 * nrep > DL_MAXDIM)
    return dl_error("repeatTensor: %d dimensions (at most %d)", nrep, DL_MAXDIM / 2);
  int64_t xs[DL_MAXDIM], xst[DL_MAXDIM], size[DL_MAXDIM];
  int pad = nrep - x->ndim;
  for (int d = 0; d < nrep; d++) {
    if (reps[d] < 0)
      return dl_error("repeatTensor: negative repetition %lld for dimension %d",
                      (long long)reps[d], d + 1);
    xs[d] = d < pad ? 1 : x->size[d - pad];
    xst[d] = d < pad ? 0 : x->stride[d - pad];
    size[d] = reps[d] * xs[d];
  }
  if (x->ndim == 0) return dl_error("repeatTensor: the tensor is empty");
  if (dl_tensor_resize(res, nrep, size)) return -1;
  if (dl_tensor_numel(res) == 0) return 0;
  /* res seen as (reps[0], xs[0], reps[1], xs[1], ...); x expanded along the reps */
  dl_tensor v = *res, e = *x;
  v.ndim = e.ndim = 2 * nrep;
  for (int d = 0; d < nrep; d++) {
    v.size[2 * d] = e.size[2 * d] = reps[d];
    v.size[2 * d + 1] = e.size[2 * d + 1] = xs[d];
    v.stride[2 * d] = res->stride[d] * xs[d];
    v.stride[2 * d + 1] = res->stride[d];
    e.stride[2 * d] = 0;
    e.stride[2 * d + 1] = xst[d];
  }
  return op_copy(&v, &e);
}
