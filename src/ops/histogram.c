/* Histograms (see histogram.h). The input is read once as a contiguous Double copy, so one
   loop serves every type; counts go to a Long tensor first and are converted into the
   result by op_copy, which also writes through a result's strides. */
#include "histogram.h"

#include <math.h>

#include "copy.h"

/* The range from lo, hi and the data v[0..n), or -1 and an error. */
static int find_range(const char *fn, const double *v, int64_t n, double *lo, double *hi) {
  if (isnan(*lo) || isnan(*hi) || *lo > *hi)
    return dl_error("%s: min %g is larger than max %g", fn, *lo, *hi);
  if (*lo == *hi) {
    double mn = INFINITY, mx = -INFINITY;
    for (int64_t i = 0; i < n; i++) {
      if (v[i] < mn) mn = v[i]; /* false for NaN */
      if (v[i] > mx) mx = v[i];
    }
    if (mn > mx) mn = mx = 0; /* nothing to count */
    *lo = mn;
    *hi = mx;
  }
  if (*lo == *hi) {
    *lo -= 1;
    *hi += 1;
  }
  if (!isfinite(*lo) || !isfinite(*hi))
    return dl_error("%s: the range [%g, %g] is not finite; give min and max", fn, *lo, *hi);
  return 0;
}

static void count(int64_t *h, const double *v, int64_t n, int64_t nbins, double lo, double hi) {
  double scale = (double)nbins / (hi - lo);
  for (int64_t i = 0; i < n; i++) {
    if (!(v[i] >= lo && v[i] <= hi)) continue;
    /* (v - lo) * scale stays in [0, nbins] for v in range: no overflow in the cast */
    int64_t b = (int64_t)((v[i] - lo) * scale);
    h[b < nbins ? b : nbins - 1]++;
  }
}

/* The rows of x (a matrix, when bymatrix; else all of x as one row) into res, rows x
   nbins (1D when not bymatrix). */
static int histogram(const char *fn, dl_tensor *res, const dl_tensor *x, int bymatrix,
                     int64_t nbins, double lo, double hi) {
  if (x->dtype == DL_BYTE)
    return dl_error("%s: not supported for torch.ByteTensor (its counts would wrap at 256); "
                    "convert with :long() or :double()", fn);
  if (res->dtype != x->dtype)
    return dl_error("%s: the result is a torch.%sTensor, expected a torch.%sTensor", fn,
                    dl_dtype_name(res->dtype), dl_dtype_name(x->dtype));
  if (nbins < 1) return dl_error("%s: %lld bins (at least 1)", fn, (long long)nbins);
  int64_t rows = bymatrix ? x->size[0] : 1, osize[2] = {rows, nbins};
  int ond = bymatrix ? 2 : 1;
  dl_tensor xd, h;
  dl_tensor_init(&xd, DL_DOUBLE);
  dl_tensor_init(&h, DL_LONG);
  int64_t n = dl_tensor_numel(x);
  int rc = op_clone(&xd, x, DL_DOUBLE);
  if (rc == 0) rc = dl_tensor_new(&h, DL_LONG, ond, osize + 2 - ond);
  const double *v = rc == 0 ? dl_tensor_data(&xd) : NULL;
  if (rc == 0) rc = find_range(fn, v, n, &lo, &hi);
  if (rc == 0) {
    int64_t *hp = dl_tensor_data(&h), per = rows ? n / rows : 0;
    op_fill(&h, 0);
    for (int64_t r = 0; r < rows; r++) count(hp + r * nbins, v + r * per, per, nbins, lo, hi);
    rc = dl_tensor_resize(res, ond, osize + 2 - ond);
  }
  if (rc == 0) rc = op_copy(res, &h);
  dl_tensor_free(&xd);
  dl_tensor_free(&h);
  return rc;
}

int op_hist_histc(const char *fn, dl_tensor *res, const dl_tensor *x, int64_t nbins, double lo,
                  double hi) {
  return histogram(fn, res, x, 0, nbins, lo, hi);
}

int op_hist_bhistc(const char *fn, dl_tensor *res, const dl_tensor *x, int64_t nbins,
                   double lo, double hi) {
  char b[256];
  if (x->ndim != 2)
    return dl_error("%s: expected a 2D tensor, got size %s", fn,
                    dl_sizestr(b, sizeof b, x->ndim, x->size));
  return histogram(fn, res, x, 1, nbins, lo, hi);
}
