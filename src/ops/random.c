#include <math.h>
#include <stdlib.h>

#include "copy.h"
#include "random.h"

/* One value for element i (row-major position). */
typedef double (*draw_fn)(dl_rng *g, void *ctx, int64_t i);

typedef struct {
  dl_rng_dist dist;
  double a, b;
  int isfloat;        /* the target is a FloatTensor: uniform must not round up to b */
  const double *p;    /* bernoulli_tensor: one probability per element */
  uint64_t mod;       /* random: u32 % mod + lo */
  int64_t lo;
} draw_ctx;

/* Draws sequentially into t. A strided t is filled through a contiguous scratch, so
   the draws still come in row-major order, and the copy may then run in parallel. */
static int fill_seq(dl_tensor *t, dl_rng *g, draw_fn f, void *ctx) {
  int64_t n = dl_tensor_numel(t);
  if (!dl_dtype_ismath(t->dtype))
    return dl_error("random: not supported for torch.%sTensor", dl_dtype_name(t->dtype));
  if (n == 0) return 0;
  dl_tensor w;
  int rc = op_scratch_open(&w, t, 0);
  if (rc == 0) {
    void *data = dl_tensor_data(&w);
#define FILL(T)                                            \
  T *q = data;                                             \
  for (int64_t i = 0; i < n; i++) q[i] = (T)f(g, ctx, i);
    DL_DISPATCH(t->dtype, FILL)
#undef FILL
  }
  return op_scratch_close(t, &w, rc);
}

static double draw_dist(dl_rng *g, void *c, int64_t i) {
  draw_ctx *d = c;
  double v = dl_rng_draw(g, d->dist, d->a, d->b);
  if (d->dist == DL_RNG_UNIFORM && d->a < d->b) {
    /* u * (b - a) + a may round to b, in double and more often once stored as float */
    if (d->isfloat && (float)v >= (float)d->b) v = nextafterf((float)d->b, (float)d->a);
    if (v >= d->b) v = nextafter(d->b, d->a);
    if (v < d->a) v = d->a;
  }
  return v;
}

static int fill_dist(const char *fn, dl_rng *g, dl_tensor *t, dl_rng_dist dist, double a,
                     double b, int floats_only) {
  if (floats_only && !dl_dtype_isfloat(t->dtype))
    return dl_error("%s: expected a FloatTensor or DoubleTensor, got a %sTensor", fn,
                    dl_dtype_name(t->dtype));
  if (dl_rng_check(fn, dist, a, b)) return -1;
  draw_ctx c = {.dist = dist, .a = a, .b = b, .isfloat = t->dtype == DL_FLOAT};
  return fill_seq(t, g, draw_dist, &c);
}

int op_uniform(dl_rng *g, dl_tensor *t, double a, double b) {
  return fill_dist("uniform", g, t, DL_RNG_UNIFORM, a, b, 1);
}
int op_normal(dl_rng *g, dl_tensor *t, double mean, double stdv) {
  return fill_dist("normal", g, t, DL_RNG_NORMAL, mean, stdv, 1);
}
int op_exponential(dl_rng *g, dl_tensor *t, double lambda) {
  return fill_dist("exponential", g, t, DL_RNG_EXPONENTIAL, lambda, 0, 1);
}
int op_cauchy(dl_rng *g, dl_tensor *t, double median, double sigma) {
  return fill_dist("cauchy", g, t, DL_RNG_CAUCHY, median, sigma, 1);
}
int op_lognormal(dl_rng *g, dl_tensor *t, double mean, double stdv) {
  return fill_dist("logNormal", g, t, DL_RNG_LOGNORMAL, mean, stdv, 1);
}
int op_bernoulli(dl_rng *g, dl_tensor *t, double p) {
  return fill_dist("bernoulli", g, t, DL_RNG_BERNOULLI, p, 0, 0);
}
int op_geometric(dl_rng *g, dl_tensor *t, double p) {
  return fill_dist("geometric", g, t, DL_RNG_GEOMETRIC, p, 0, 0);
}

static double draw_bernoulli_i(dl_rng *g, void *c, int64_t i) {
  return dl_rng_bernoulli(g, ((draw_ctx *)c)->p[i]);
}

int op_bernoulli_tensor(dl_rng *g, dl_tensor *t, const dl_tensor *p) {
  char b1[128], b2[128];
  if (!dl_dtype_isfloat(p->dtype))
    return dl_error("bernoulli: probabilities must be a FloatTensor or DoubleTensor, got a %sTensor",
                    dl_dtype_name(p->dtype));
  int64_t n = dl_tensor_numel(t);
  if (dl_tensor_numel(p) != n)
    return dl_error("bernoulli: probabilities of size %s do not match the tensor of size %s",
                    dl_sizestr(b1, sizeof b1, p->ndim, p->size),
                    dl_sizestr(b2, sizeof b2, t->ndim, t->size));
  if (n == 0) return 0;
  dl_tensor pd;  /* the probabilities as contiguous doubles, in row-major order */
  dl_tensor_init(&pd, DL_DOUBLE);
  if (op_clone(&pd, p, DL_DOUBLE)) return -1;
  const double *pv = dl_tensor_data(&pd);
  int rc = 0;
  for (int64_t i = 0; i < n && rc == 0; i++)
    if (!(pv[i] >= 0 && pv[i] <= 1))
      rc = dl_error("bernoulli: probability %g at element %lld is not in [0, 1]", pv[i],
                    (long long)i + 1);
  draw_ctx c = {.p = pv};
  if (rc == 0) rc = fill_seq(t, g, draw_bernoulli_i, &c);
  dl_tensor_free(&pd);
  return rc;
}

static double draw_random(dl_rng *g, void *c, int64_t i) {
  draw_ctx *d = c;
  return (double)(int64_t)(dl_rng_u32(g) % d->mod) + (double)d->lo;
}

int op_random(dl_rng *g, dl_tensor *t) {
  /* Float: [0, 2^24], Double and Long: [0, 2^53], the others [0, their maximum] as
     Torch7 (Char 0..127, Short 0..32767, Int 0..2^31-1); Half has no random */
  static const uint64_t mods[DL_NTYPES] = {(UINT64_C(1) << 24) + 1, UINT64_C(1) << 53,
                                           UINT64_C(1) << 53, 256, 128, 32768,
                                           UINT64_C(1) << 31, 1};
  draw_ctx c = {.mod = mods[t->dtype], .lo = 0};
  return fill_seq(t, g, draw_random, &c);
}

int op_random_range(dl_rng *g, dl_tensor *t, int64_t a, int64_t b) {
  const int64_t big = INT64_C(1) << 53; /* values go through a double */
  if (a > b) return dl_error("random: lower bound %lld is above upper bound %lld", (long long)a, (long long)b);
  if (a < -big || b > big)
    return dl_error("random: bounds [%lld, %lld] must lie within +-2^53", (long long)a, (long long)b);
  static const int64_t lo[DL_NTYPES] = {[DL_BYTE] = 0, [DL_CHAR] = INT8_MIN, [DL_SHORT] = INT16_MIN,
                                        [DL_INT] = INT32_MIN},
                       hi[DL_NTYPES] = {[DL_BYTE] = UINT8_MAX, [DL_CHAR] = INT8_MAX,
                                        [DL_SHORT] = INT16_MAX, [DL_INT] = INT32_MAX};
  if (hi[t->dtype] && (a < lo[t->dtype] || b > hi[t->dtype]))
    return dl_error("random: range [%lld, %lld] does not fit a %sTensor", (long long)a,
                    (long long)b, dl_dtype_name(t->dtype));
  draw_ctx c = {.mod = (uint64_t)(b - a) + 1, .lo = a};
  return fill_seq(t, g, draw_random, &c);
}

/* Draws n indices of one row from its cumulative distribution cum[0..k-1] (normalised,
   last element 1), by binary search, as Torch7. Without replacement, the drawn
   category's mass is removed and the rest renormalised. */
static void multinomial_row(dl_rng *g, double *cum, int64_t k, int64_t n, int replacement,
                            int64_t *out, int64_t out_stride, int64_t base) {
  for (int64_t j = 0; j < n; j++) {
    double u = dl_rng_uniform01(g);
    int64_t left = 0, right = k;
    cum[k - 1] = 1;
    while (right - left > 0) {
      int64_t mid = left + (right - left) / 2;
      /* the first slot with cum > u (Torch7 takes cum >= u, which can pick a
         zero-probability first category when u is exactly 0) */
      if (cum[mid] <= u) left = mid + 1;
      else right = mid;
    }
    if (left >= k) left = k - 1;
    out[j * out_stride] = left + base;
    if (replacement || j == n - 1) continue;
    double prev = left > 0 ? cum[left - 1] : 0, diff = cum[left] - prev, rest = 1.0 - diff;
    for (int64_t c = left; c < k; c++) cum[c] -= diff;
    cum[left] = prev; /* exactly zero width, whatever the rounding */
    for (int64_t c = 0; c < k; c++) cum[c] /= rest;
  }
}

int op_multinomial(dl_rng *g, dl_tensor *res, const dl_tensor *probs, int64_t n,
                   int replacement, int64_t base) {
  if (res->dtype != DL_LONG)
    return dl_error("multinomial: result must be a LongTensor, got a %sTensor",
                    dl_dtype_name(res->dtype));
  if (!dl_dtype_isfloat(probs->dtype))
    return dl_error("multinomial: probabilities must be a FloatTensor or DoubleTensor, got a %sTensor",
                    dl_dtype_name(probs->dtype));
  if (probs->ndim != 1 && probs->ndim != 2)
    return dl_error("multinomial: probabilities must be a 1D or 2D tensor, got %dD", probs->ndim);
  int two = probs->ndim == 2;
  int64_t rows = two ? probs->size[0] : 1, k = probs->size[two], s0 = two ? probs->stride[0] : 0,
          s1 = probs->stride[two];
  if (n <= 0) return dl_error("multinomial: number of samples %lld must be > 0", (long long)n);
  if (k == 0 || rows == 0) return dl_error("multinomial: no categories to sample from");
  if (!replacement && n > k)
    return dl_error("multinomial: cannot draw %lld samples from %lld categories without replacement",
                    (long long)n, (long long)k);
  int64_t size[2] = {rows, n};
  if (two ? dl_tensor_resize(res, 2, size) : dl_tensor_resize(res, 1, &n)) return -1;
  double *cum = malloc(sizeof(double) * (size_t)k);
  if (!cum) return dl_error("multinomial: out of memory for %lld categories", (long long)k);
  int64_t *out = dl_tensor_data(res), ostride = two ? res->stride[0] : 0;
  int rc = 0;
  for (int64_t i = 0; i < rows && rc == 0; i++) {
    double sum = 0;
    int64_t nonzero = 0;
    for (int64_t c = 0; c < k; c++) {
      double p = op_get(probs, probs->offset + i * s0 + c * s1);
      if (!(p >= 0) || isinf(p)) {
        rc = dl_error("multinomial: probability %g (row %lld, column %lld) is negative or not finite",
                      p, (long long)i + 1, (long long)c + 1);
        break;
      }
      nonzero += p > 0;
      sum += p;
      cum[c] = sum;
    }
    if (rc) break;
    if (!(sum > 0)) {
      rc = dl_error("multinomial: row %lld has no positive probability", (long long)i + 1);
      break;
    }
    if (!replacement && n > nonzero) {
      rc = dl_error("multinomial: cannot draw %lld samples without replacement from row %lld, "
                    "which has %lld non-zero probabilities", (long long)n, (long long)i + 1,
                    (long long)nonzero);
      break;
    }
    for (int64_t c = 0; c < k; c++) cum[c] /= sum;
    multinomial_row(g, cum, k, n, replacement, out + i * ostride, res->stride[two], base);
  }
  free(cum);
  return rc;
}

int op_randperm(dl_rng *g, dl_tensor *res, int64_t n, int64_t base) {
  if (n <= 0) return dl_error("randperm: size %lld must be > 0", (long long)n);
  static const int64_t most[DL_NTYPES] = {[DL_BYTE] = UINT8_MAX, [DL_CHAR] = INT8_MAX,
                                          [DL_SHORT] = INT16_MAX, [DL_INT] = INT32_MAX,
                                          [DL_HALF] = 2048}; /* integers exact in Half */
  if (most[res->dtype] && n + base - 1 > most[res->dtype])
    return dl_error("randperm: %lld values do not fit a %sTensor", (long long)n,
                    dl_dtype_name(res->dtype));
  if ((res->ndim != 1 || res->size[0] != n) && dl_tensor_resize(res, 1, &n)) return -1;
  int64_t *r = malloc(sizeof(int64_t) * (size_t)n);
  if (!r) return dl_error("randperm: out of memory for %lld elements", (long long)n);
  for (int64_t i = 0; i < n; i++) r[i] = i;
  for (int64_t i = 0; i < n - 1; i++) {
    int64_t z = (int64_t)(dl_rng_u32(g) % (uint64_t)(n - i)), sav = r[i];
    r[i] = r[z + i];
    r[z + i] = sav;
  }
  for (int64_t i = 0; i < n; i++) op_set(res, res->offset + i * res->stride[0], (double)(r[i] + base));
  free(r);
  return 0;
}
