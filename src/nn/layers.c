/* Kernels of the normalization, dropout, lookup and pointwise layers. Statistics are
   accumulated in double whatever the tensor type. */
#include "layers.h"

#include <math.h>
#include <string.h>

#include "../ops/copy.h"
#include "../ops/iter.h"

/* ---- shared checks ---- */

static int check_float(const char *fn, const char *what, const dl_tensor *t) {
  if (!dl_dtype_isfloat(t->dtype))
    return dl_error("%s: %s must be a Float or Double tensor, got a %s tensor", fn, what,
                    dl_dtype_name(t->dtype));
  return 0;
}

static int check_type(const char *fn, const char *what, const dl_tensor *t, dl_dtype dt) {
  if (t->dtype != dt)
    return dl_error("%s: %s is a %s tensor, expected %s like the input", fn, what,
                    dl_dtype_name(t->dtype), dl_dtype_name(dt));
  return 0;
}

/* A vector argument (weight, bias, statistics) of n elements and the input's type. */
static int check_vec(const char *fn, const char *what, const dl_tensor *t, int64_t n,
                     dl_dtype dt) {
  if (!t) return 0;
  if (check_type(fn, what, t, dt) < 0) return -1;
  if (t->ndim != 1 || t->size[0] != n)
    return dl_error("%s: %s has %lld elements in %d dimensions, expected a vector of %lld",
                    fn, what, (long long)dl_tensor_numel(t), t->ndim, (long long)n);
  return 0;
}

static int check_samesize(const char *fn, const char *what, const dl_tensor *t,
                          const dl_tensor *like) {
  char b1[96], b2[96];
  if (!dl_tensor_samesize(t, like))
    return dl_error("%s: %s of size %s, expected %s", fn, what,
                    dl_sizestr(b1, sizeof b1, t->ndim, t->size),
                    dl_sizestr(b2, sizeof b2, like->ndim, like->size));
  return 0;
}

/* A contiguous version of src in dst (a view when src already is contiguous). */
static int contig(dl_tensor *dst, const dl_tensor *src) {
  dl_tensor_init(dst, src->dtype);
  return op_contiguous(dst, src);
}

/* Element i of a vector, or def when the vector is NULL. */
#define VGET(T, v, i, def) ((v) ? (double)((T *)dl_tensor_data(v))[(i) * (v)->stride[0]] : (def))
#define VREF(T, v, i) (((T *)dl_tensor_data(v))[(i) * (v)->stride[0]])

/* ---- batch normalization ---- */

/* The input seen as N x C x S: S is the product of the dimensions after the second. */
static int bn_shape(const char *fn, const dl_tensor *in, int64_t *n, int64_t *c, int64_t *s) {
  char b[96];
  if (in->ndim < 2)
    return dl_error("%s: input of size %s, expected 2 or more dimensions (batch x features)",
                    fn, dl_sizestr(b, sizeof b, in->ndim, in->size));
  *n = in->size[0];
  *c = in->size[1];
  *s = 1;
  for (int d = 2; d < in->ndim; d++) *s *= in->size[d];
  return 0;
}

#define BN_FORWARD(T)                                                                 \
  do {                                                                                \
    const T *x = (const T *)dl_tensor_data(&xc);                                      \
    T *y = (T *)dl_tensor_data(out);                                                  \
    for (int64_t ch = 0; ch < c; ch++) {                                              \
      double mean, invstd;                                                            \
      if (train) {                                                                    \
        double sum = 0, ss = 0;                                                       \
        for (int64_t i = 0; i < n; i++)                                               \
          for (int64_t k = 0; k < s; k++) sum += x[(i * c + ch) * s + k];             \
        mean = sum / m;                                                               \
        for (int64_t i = 0; i < n; i++)                                               \
          for (int64_t k = 0; k < s; k++) {                                           \
            double d = x[(i * c + ch) * s + k] - mean;                                \
            ss += d * d;                                                              \
          }                                                                           \
        invstd = 1.0 / sqrt(ss / m + eps);                                            \
        VREF(T, save_mean, ch) = (T)mean;                                             \
        VREF(T, save_invstd, ch) = (T)invstd;                                         \
        double unbiased = m > 1 ? ss / (m - 1) : ss;                                  \
        VREF(T, running_mean, ch) =                                                   \
            (T)(momentum * mean + (1 - momentum) * VREF(T, running_mean, ch));        \
        VREF(T, running_var, ch) =                                                    \
            (T)(momentum * unbiased + (1 - momentum) * VREF(T, running_var, ch));     \
      } else {                                                                        \
        mean = VREF(T, running_mean, ch);                                             \
        invstd = 1.0 / sqrt(VREF(T, running_var, ch) + eps);                          \
      }                                                                               \
      double w = VGET(T, weight, ch, 1.0), b = VGET(T, bias, ch, 0.0);                \
      for (int64_t i = 0; i < n; i++)                                                 \
        for (int64_t k = 0; k < s; k++) {                                             \
          int64_t e = (i * c + ch) * s + k;                                           \
          y[e] = (T)((x[e] - mean) * invstd * w + b);                                 \
        }                                                                             \
    }                                                                                 \
  } while (0)

int nn_batchnorm_forward(dl_tensor *out, const dl_tensor *in, const dl_tensor *weight,
                         const dl_tensor *bias, dl_tensor *running_mean,
                         dl_tensor *running_var, dl_tensor *save_mean,
                         dl_tensor *save_invstd, int train, double momentum, double eps) {
  const char *fn = "nn_batchnorm_forward";
  int64_t n, c, s;
  if (check_float(fn, "input", in) < 0 || bn_shape(fn, in, &n, &c, &s) < 0) return -1;
  dl_dtype dt = in->dtype;
  if (check_type(fn, "output", out, dt) < 0 || check_vec(fn, "weight", weight, c, dt) < 0 ||
      check_vec(fn, "bias", bias, c, dt) < 0 ||
      check_vec(fn, "running_mean", running_mean, c, dt) < 0 ||
      check_vec(fn, "running_var", running_var, c, dt) < 0)
    return -1;
  double m = (double)n * (double)s;
  if (train) {
    if (m < 1) return dl_error("%s: empty batch in training mode", fn);
    int64_t sz[1] = {c};
    if (dl_tensor_resize_contig(fn, save_mean, 1, sz) < 0 ||
        dl_tensor_resize_contig(fn, save_invstd, 1, sz) < 0)
      return -1;
  }
  dl_tensor xc;
  if (contig(&xc, in) < 0) return -1;
  int rc = dl_tensor_resize_contig(fn, out, in->ndim, in->size);
  if (rc == 0) DL_DISPATCH_FLOAT(dt, BN_FORWARD);
  dl_tensor_free(&xc);
  return rc;
}

#define BN_BACKWARD(T)                                                                \
  do {                                                                                \
    const T *x = (const T *)dl_tensor_data(&xc), *g = (const T *)dl_tensor_data(&gc); \
    T *gi = gradIn ? (T *)dl_tensor_data(gradIn) : NULL;                              \
    for (int64_t ch = 0; ch < c; ch++) {                                              \
      double mean, invstd;                                                            \
      if (train) {                                                                    \
        mean = VREF(T, save_mean, ch);                                                \
        invstd = VREF(T, save_invstd, ch);                                            \
      } else {                                                                        \
        mean = VREF(T, running_mean, ch);                                             \
        invstd = 1.0 / sqrt(VREF(T, running_var, ch) + eps);                          \
      }                                                                               \
      double w = VGET(T, weight, ch, 1.0), sum = 0, dotp = 0;                         \
      for (int64_t i = 0; i < n; i++)                                                 \
        for (int64_t k = 0; k < s; k++) {                                             \
          int64_t e = (i * c + ch) * s + k;                                           \
          sum += g[e];                                                                \
          dotp += (x[e] - mean) * g[e];                                               \
        }                                                                             \
      if (gi) {                                                                       \
        /* training: the batch statistics depend on x too, hence the two projections */ \
        double k1 = train ? dotp * invstd * invstd / m : 0, gmean = train ? sum / m : 0; \
        for (int64_t i = 0; i < n; i++)                                               \
          for (int64_t k = 0; k < s; k++) {                                           \
            int64_t e = (i * c + ch) * s + k;                                         \
            gi[e] = (T)((g[e] - (x[e] - mean) * k1 - gmean) * invstd * w);            \
          }                                                                           \
      }                                                                               \
      if (gradWeight) VREF(T, gradWeight, ch) += (T)(scale * dotp * invstd);          \
      if (gradBias) VREF(T, gradBias, ch) += (T)(scale * sum);                        \
    }                                                                                 \
  } while (0)

int nn_batchnorm_backward(dl_tensor *gradIn, dl_tensor *gradWeight, dl_tensor *gradBias,
                          const dl_tensor *in, const dl_tensor *gradOut,
                          const dl_tensor *weight, const dl_tensor *running_mean,
                          const dl_tensor *running_var, const dl_tensor *save_mean,
                          const dl_tensor *save_invstd, int train, double scale, double eps) {
  const char *fn = "nn_batchnorm_backward";
  int64_t n, c, s;
  if (check_float(fn, "input", in) < 0 || bn_shape(fn, in, &n, &c, &s) < 0) return -1;
  dl_dtype dt = in->dtype;
  if (check_type(fn, "gradOutput", gradOut, dt) < 0 ||
      check_samesize(fn, "gradOutput", gradOut, in) < 0 ||
      check_vec(fn, "weight", weight, c, dt) < 0 ||
      check_vec(fn, "gradWeight", gradWeight, c, dt) < 0 ||
      check_vec(fn, "gradBias", gradBias, c, dt) < 0)
    return -1;
  if (train ? check_vec(fn, "save_mean", save_mean, c, dt) < 0 ||
                  check_vec(fn, "save_invstd", save_invstd, c, dt) < 0
            : check_vec(fn, "running_mean", running_mean, c, dt) < 0 ||
                  check_vec(fn, "running_var", running_var, c, dt) < 0)
    return -1;
  if (gradIn && check_type(fn, "gradInput", gradIn, dt) < 0) return -1;
  double m = (double)n * (double)s;
  dl_tensor xc, gc;
  if (contig(&xc, in) < 0) return -1;
  if (contig(&gc, gradOut) < 0) {
    dl_tensor_free(&xc);
    return -1;
  }
  int rc = gradIn ? dl_tensor_resize_contig(fn, gradIn, in->ndim, in->size) : 0;
  if (rc == 0) DL_DISPATCH_FLOAT(dt, BN_BACKWARD);
  dl_tensor_free(&xc);
  dl_tensor_free(&gc);
  return rc;
}

/* ---- layer normalization ---- */

#define LN_FORWARD(T)                                                                 \
  do {                                                                                \
    const T *x = (const T *)dl_tensor_data(&xc);                                      \
    T *y = (T *)dl_tensor_data(out);                                                  \
    for (int64_t r = 0; r < rows; r++) {                                              \
      const T *xr = x + r * d;                                                        \
      double sum = 0, ss = 0;                                                         \
      for (int64_t j = 0; j < d; j++) sum += xr[j];                                   \
      double mean = sum / d;                                                          \
      for (int64_t j = 0; j < d; j++) ss += (xr[j] - mean) * (xr[j] - mean);          \
      double rstd = 1.0 / sqrt(ss / d + eps);                                         \
      VREF(T, save_mean, r) = (T)mean;                                                \
      VREF(T, save_rstd, r) = (T)rstd;                                                \
      for (int64_t j = 0; j < d; j++)                                                 \
        y[r * d + j] =                                                                \
            (T)((xr[j] - mean) * rstd * VGET(T, weight, j, 1.0) + VGET(T, bias, j, 0.0)); \
    }                                                                                 \
  } while (0)

static int ln_shape(const char *fn, const dl_tensor *in, int64_t *rows, int64_t *d) {
  if (in->ndim < 1 || dl_tensor_numel(in) == 0)
    return dl_error("%s: empty input", fn);
  *d = in->size[in->ndim - 1];
  *rows = dl_tensor_numel(in) / *d;
  return 0;
}

int nn_layernorm_forward(dl_tensor *out, const dl_tensor *in, const dl_tensor *weight,
                         const dl_tensor *bias, dl_tensor *save_mean, dl_tensor *save_rstd,
                         double eps) {
  const char *fn = "nn_layernorm_forward";
  int64_t rows = 0, d = 1;
  if (check_float(fn, "input", in) < 0 || ln_shape(fn, in, &rows, &d) < 0) return -1;
  dl_dtype dt = in->dtype;
  if (check_type(fn, "output", out, dt) < 0 || check_vec(fn, "weight", weight, d, dt) < 0 ||
      check_vec(fn, "bias", bias, d, dt) < 0 || check_type(fn, "save_mean", save_mean, dt) < 0 ||
      check_type(fn, "save_rstd", save_rstd, dt) < 0)
    return -1;
  int64_t sz[1] = {rows};
  if (dl_tensor_resize_contig(fn, save_mean, 1, sz) < 0 ||
      dl_tensor_resize_contig(fn, save_rstd, 1, sz) < 0)
    return -1;
  dl_tensor xc;
  if (contig(&xc, in) < 0) return -1;
  int rc = dl_tensor_resize_contig(fn, out, in->ndim, in->size);
  if (rc == 0) DL_DISPATCH_FLOAT(dt, LN_FORWARD);
  dl_tensor_free(&xc);
  return rc;
}

/* dx = rstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)), dxhat = g * w */
#define LN_BACKWARD(T)                                                                \
  do {                                                                                \
    const T *x = (const T *)dl_tensor_data(&xc), *g = (const T *)dl_tensor_data(&gc); \
    T *gi = gradIn ? (T *)dl_tensor_data(gradIn) : NULL;                              \
    for (int64_t r = 0; r < rows; r++) {                                              \
      const T *xr = x + r * d, *gr = g + r * d;                                       \
      double mean = VREF(T, save_mean, r), rstd = VREF(T, save_rstd, r);             \
      double s1 = 0, s2 = 0;                                                          \
      for (int64_t j = 0; j < d; j++) {                                               \
        double xhat = (xr[j] - mean) * rstd, dxhat = gr[j] * VGET(T, weight, j, 1.0); \
        s1 += dxhat;                                                                  \
        s2 += dxhat * xhat;                                                           \
        if (gradWeight) VREF(T, gradWeight, j) += (T)(scale * gr[j] * xhat);          \
        if (gradBias) VREF(T, gradBias, j) += (T)(scale * gr[j]);                     \
      }                                                                               \
      if (!gi) continue;                                                              \
      s1 /= d;                                                                        \
      s2 /= d;                                                                        \
      for (int64_t j = 0; j < d; j++) {                                               \
        double xhat = (xr[j] - mean) * rstd, dxhat = gr[j] * VGET(T, weight, j, 1.0); \
        gi[r * d + j] = (T)(rstd * (dxhat - s1 - xhat * s2));                         \
      }                                                                               \
    }                                                                                 \
  } while (0)

int nn_layernorm_backward(dl_tensor *gradIn, dl_tensor *gradWeight, dl_tensor *gradBias,
                          const dl_tensor *in, const dl_tensor *gradOut,
                          const dl_tensor *weight, const dl_tensor *save_mean,
                          const dl_tensor *save_rstd, double scale) {
  const char *fn = "nn_layernorm_backward";
  int64_t rows = 0, d = 1;
  if (check_float(fn, "input", in) < 0 || ln_shape(fn, in, &rows, &d) < 0) return -1;
  dl_dtype dt = in->dtype;
  if (check_type(fn, "gradOutput", gradOut, dt) < 0 ||
      check_samesize(fn, "gradOutput", gradOut, in) < 0 ||
      check_vec(fn, "weight", weight, d, dt) < 0 ||
      check_vec(fn, "gradWeight", gradWeight, d, dt) < 0 ||
      check_vec(fn, "gradBias", gradBias, d, dt) < 0 ||
      check_vec(fn, "save_mean", save_mean, rows, dt) < 0 ||
      check_vec(fn, "save_rstd", save_rstd, rows, dt) < 0)
    return -1;
  if (gradIn && check_type(fn, "gradInput", gradIn, dt) < 0) return -1;
  dl_tensor xc, gc;
  if (contig(&xc, in) < 0) return -1;
  if (contig(&gc, gradOut) < 0) {
    dl_tensor_free(&xc);
    return -1;
  }
  int rc = gradIn ? dl_tensor_resize_contig(fn, gradIn, in->ndim, in->size) : 0;
  if (rc == 0) DL_DISPATCH_FLOAT(dt, LN_BACKWARD);
  dl_tensor_free(&xc);
  dl_tensor_free(&gc);
  return rc;
}

/* ---- dropout ---- */

typedef struct {
  double scale;
} mask_ctx;

#define MASK_LOOP(T)                                                                   \
  static void mask_##T(char **data, const int64_t *st, int64_t n, void *vc) {          \
    double s = ((mask_ctx *)vc)->scale;                                                \
    for (int64_t i = 0; i < n; i++)                                                    \
      *(T *)(data[0] + i * st[0]) =                                                    \
          (T)(*(T *)(data[1] + i * st[1]) * *(T *)(data[2] + i * st[2]) * s);          \
  }
MASK_LOOP(float)
MASK_LOOP(double)

int nn_mask_scale(dl_tensor *out, const dl_tensor *in, const dl_tensor *mask, double scale) {
  const char *fn = "nn_mask_scale";
  if (check_float(fn, "input", in) < 0 || check_type(fn, "mask", mask, in->dtype) < 0 ||
      check_type(fn, "output", out, in->dtype) < 0 || check_samesize(fn, "mask", mask, in) < 0)
    return -1;
  if (out != in && !dl_tensor_samesize(out, in) && dl_tensor_resize(out, in->ndim, in->size) < 0)
    return -1;
  const dl_tensor *ts[3] = {out, in, mask};
  mask_ctx ctx = {scale};
  op_foreach(3, ts, in->dtype == DL_FLOAT ? mask_float : mask_double, &ctx);
  return 0;
}

/* ---- lookup table ---- */

static int lookup_check(const char *fn, const dl_tensor *weight, const dl_tensor *index,
                        int64_t base) {
  char b[96];
  if (check_float(fn, "weight", weight) < 0) return -1;
  if (weight->ndim != 2)
    return dl_error("%s: weight must be 2D (entries x features), got size %s", fn,
                    dl_sizestr(b, sizeof b, weight->ndim, weight->size));
  if (index->dtype != DL_LONG)
    return dl_error("%s: indices must be a Long tensor, got a %s tensor", fn,
                    dl_dtype_name(index->dtype));
  if (index->ndim + 1 > DL_MAXDIM) return dl_error("%s: too many index dimensions", fn);
  /* every index is checked before anything is written */
  dl_tensor ic;
  if (contig(&ic, index) < 0) return -1;
  const int64_t *ix = dl_tensor_data(&ic);
  int64_t n = dl_tensor_numel(&ic), v = weight->size[0];
  for (int64_t i = 0; i < n; i++)
    if (ix[i] < base || ix[i] >= base + v) {
      int64_t bad = ix[i];
      dl_tensor_free(&ic);
      return dl_error("%s: index %lld out of range [%lld, %lld] at position %lld", fn,
                      (long long)bad, (long long)base, (long long)(base + v - 1),
                      (long long)(i + base));
    }
  dl_tensor_free(&ic);
  return 0;
}

#define LOOKUP_FORWARD(T)                                                              \
  do {                                                                                 \
    T *o = (T *)dl_tensor_data(out);                                                   \
    const T *w = (const T *)dl_tensor_data(weight);                                    \
    for (int64_t i = 0; i < n; i++) {                                                  \
      const T *row = w + (ix[i] - base) * weight->stride[0];                           \
      for (int64_t j = 0; j < d; j++) o[i * d + j] = row[j * weight->stride[1]];       \
    }                                                                                  \
  } while (0)

int nn_lookup_forward(dl_tensor *out, const dl_tensor *weight, const dl_tensor *index,
                      int64_t base) {
  const char *fn = "nn_lookup_forward";
  if (lookup_check(fn, weight, index, base) < 0) return -1;
  if (check_type(fn, "output", out, weight->dtype) < 0) return -1;
  int64_t size[DL_MAXDIM];
  memcpy(size, index->size, sizeof(int64_t) * index->ndim);
  size[index->ndim] = weight->size[1];
  if (dl_tensor_resize_contig(fn, out, index->ndim + 1, size) < 0) return -1;
  dl_tensor ic;
  if (contig(&ic, index) < 0) return -1;
  const int64_t *ix = dl_tensor_data(&ic);
  int64_t n = dl_tensor_numel(&ic), d = weight->size[1];
  DL_DISPATCH_FLOAT(weight->dtype, LOOKUP_FORWARD);
  dl_tensor_free(&ic);
  return 0;
}

#define LOOKUP_BACKWARD(T)                                                             \
  do {                                                                                 \
    const T *g = (const T *)dl_tensor_data(&gc);                                       \
    T *w = (T *)dl_tensor_data(gradWeight);                                            \
    for (int64_t i = 0; i < n; i++) {                                                  \
      if (ix[i] == padding) continue;                                                  \
      T *row = w + (ix[i] - base) * gradWeight->stride[0];                             \
      for (int64_t j = 0; j < d; j++) row[j * gradWeight->stride[1]] += (T)(scale * g[i * d + j]); \
    }                                                                                  \
  } while (0)

int nn_lookup_backward(dl_tensor *gradWeight, const dl_tensor *index, const dl_tensor *gradOut,
                       double scale, int64_t base, int64_t padding) {
  const char *fn = "nn_lookup_backward";
  char b1[96], b2[96];
  if (lookup_check(fn, gradWeight, index, base) < 0) return -1;
  if (check_type(fn, "gradOutput", gradOut, gradWeight->dtype) < 0) return -1;
  int64_t n = dl_tensor_numel(index), d = gradWeight->size[1];
  if (dl_tensor_numel(gradOut) != n * d)
    return dl_error("%s: gradOutput of size %s, expected %lld rows of %lld (indices %s)", fn,
                    dl_sizestr(b1, sizeof b1, gradOut->ndim, gradOut->size), (long long)n,
                    (long long)d, dl_sizestr(b2, sizeof b2, index->ndim, index->size));
  dl_tensor ic, gc;
  if (contig(&ic, index) < 0) return -1;
  if (contig(&gc, gradOut) < 0) {
    dl_tensor_free(&ic);
    return -1;
  }
  const int64_t *ix = dl_tensor_data(&ic);
  DL_DISPATCH_FLOAT(gradWeight->dtype, LOOKUP_BACKWARD);
  dl_tensor_free(&ic);
  dl_tensor_free(&gc);
  return 0;
}

/* ---- pointwise layers ---- */

typedef struct {
  nn_pointwise k;
  double a, b;
} pw_ctx;

static inline double pw_f(nn_pointwise k, double x, double a, double b) {
  switch (k) {
  case NN_PW_ABS: return fabs(x);
  case NN_PW_EXP: return exp(x);
  case NN_PW_LOG: return log(x);
  case NN_PW_POW: return a == 2 ? x * x : pow(x, a);
  case NN_PW_SQUARE: return x * x;
  case NN_PW_SQRT: return sqrt(x + a);
  case NN_PW_CLAMP: return x < a ? a : x > b ? b : x;
  case NN_PW_MULC: return a * x;
  case NN_PW_ADDC: return x + a;
  default: return 0;
  }
}

/* The derivative times g, given x and y = f(x). */
static inline double pw_df(nn_pointwise k, double g, double x, double y, double a, double b) {
  switch (k) {
  case NN_PW_ABS: return x > 0 ? g : x < 0 ? -g : 0;
  case NN_PW_EXP: return g * y;
  case NN_PW_LOG: return g / x;
  case NN_PW_POW: return g * a * pow(x, a - 1);
  case NN_PW_SQUARE: return g * 2 * x;
  case NN_PW_SQRT: return y == 0 ? 0 : g / (2 * y);
  case NN_PW_CLAMP: return x > a && x < b ? g : 0;
  case NN_PW_MULC: return a * g;
  case NN_PW_ADDC: return g;
  default: return 0;
  }
}

#define PW_LOOPS(T)                                                                    \
  static void pwf_##T(char **data, const int64_t *st, int64_t n, void *vc) {           \
    pw_ctx *c = vc;                                                                    \
    for (int64_t i = 0; i < n; i++)                                                    \
      *(T *)(data[0] + i * st[0]) = (T)pw_f(c->k, *(T *)(data[1] + i * st[1]), c->a, c->b); \
  }                                                                                    \
  static void pwb_##T(char **data, const int64_t *st, int64_t n, void *vc) {           \
    pw_ctx *c = vc;                                                                    \
    for (int64_t i = 0; i < n; i++)                                                    \
      *(T *)(data[0] + i * st[0]) =                                                    \
          (T)pw_df(c->k, *(T *)(data[1] + i * st[1]), *(T *)(data[2] + i * st[2]),     \
                   *(T *)(data[3] + i * st[3]), c->a, c->b);                           \
  }
PW_LOOPS(float)
PW_LOOPS(double)

static int pw_check(const char *fn, nn_pointwise k) {
  if ((int)k < 0 || k >= NN_PW_N) return dl_error("%s: unknown pointwise kind %d", fn, (int)k);
  return 0;
}

int nn_pointwise_forward(nn_pointwise k, dl_tensor *out, const dl_tensor *in, double a,
                         double b) {
  const char *fn = "nn_pointwise_forward";
  if (pw_check(fn, k) < 0 || check_float(fn, "input", in) < 0 ||
      check_type(fn, "output", out, in->dtype) < 0)
    return -1;
  if (out != in && !dl_tensor_samesize(out, in) && dl_tensor_resize(out, in->ndim, in->size) < 0)
    return -1;
  const dl_tensor *ts[2] = {out, in};
  pw_ctx ctx = {k, a, b};
  op_foreach(2, ts, in->dtype == DL_FLOAT ? pwf_float : pwf_double, &ctx);
  return 0;
}

int nn_pointwise_backward(nn_pointwise k, dl_tensor *gradIn, const dl_tensor *gradOut,
                          const dl_tensor *in, const dl_tensor *out, double a, double b) {
  const char *fn = "nn_pointwise_backward";
  if (pw_check(fn, k) < 0 || check_float(fn, "input", in) < 0 ||
      check_type(fn, "gradOutput", gradOut, in->dtype) < 0 ||
      check_type(fn, "gradInput", gradIn, in->dtype) < 0 ||
      check_samesize(fn, "gradOutput", gradOut, in) < 0)
    return -1;
  int needs_out = k == NN_PW_EXP || k == NN_PW_SQRT;
  if (needs_out && (check_type(fn, "output", out, in->dtype) < 0 ||
                    check_samesize(fn, "output", out, in) < 0))
    return -1;
  if (!needs_out) out = in; /* unused by the rule; any operand of the right shape */
  if (gradIn != gradOut && !dl_tensor_samesize(gradIn, in) &&
      dl_tensor_resize(gradIn, in->ndim, in->size) < 0)
    return -1;
  const dl_tensor *ts[4] = {gradIn, gradOut, in, out};
  pw_ctx ctx = {k, a, b};
  op_foreach(4, ts, in->dtype == DL_FLOAT ? pwb_float : pwb_double, &ctx);
  return 0;
}

/* ---- max and min over a dimension ---- */

/* in seen as A x n x B around dimension dim. */
static void around(const dl_tensor *in, int dim, int64_t *a, int64_t *n, int64_t *b) {
  *a = *b = 1;
  for (int d = 0; d < dim; d++) *a *= in->size[d];
  *n = in->size[dim];
  for (int d = dim + 1; d < in->ndim; d++) *b *= in->size[d];
}

#define MAXMIN_FORWARD(T)                                                              \
  do {                                                                                 \
    const T *x = (const T *)dl_tensor_data(&xc);                                       \
    T *o = (T *)dl_tensor_data(out);                                                   \
    int64_t *ix = (int64_t *)dl_tensor_data(indices);                                  \
    for (int64_t i = 0; i < a; i++)                                                    \
      for (int64_t k = 0; k < b; k++) {                                                \
        const T *row = x + i * n * b + k;                                              \
        int64_t best = 0;                                                              \
        T v = row[0];                                                                  \
        for (int64_t j = 1; j < n && v == v; j++) {                                    \
          T y = row[j * b];                                                            \
          if (y != y || (ismax ? y > v : y < v)) {                                     \
            v = y;                                                                     \
            best = j;                                                                  \
          }                                                                            \
        }                                                                              \
        o[i * b + k] = v;                                                              \
        ix[i * b + k] = best + base;                                                   \
      }                                                                                \
  } while (0)

int nn_maxmin_forward(dl_tensor *out, dl_tensor *indices, const dl_tensor *in, int dim,
                      int ismax, int64_t base) {
  const char *fn = ismax ? "nn_max_forward" : "nn_min_forward";
  char buf[96];
  if (check_float(fn, "input", in) < 0 || check_type(fn, "output", out, in->dtype) < 0 ||
      check_type(fn, "indices", indices, DL_LONG) < 0)
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
  if (contig(&xc, in) < 0) return -1;
  DL_DISPATCH_FLOAT(in->dtype, MAXMIN_FORWARD);
  dl_tensor_free(&xc);
  return 0;
}

#define MAXMIN_BACKWARD(T)                                                             \
  do {                                                                                 \
    const T *g = (const T *)dl_tensor_data(&gc);                                       \
    const int64_t *ix = (const int64_t *)dl_tensor_data(&ic);                          \
    T *gi = (T *)dl_tensor_data(gradIn);                                               \
    for (int64_t i = 0; i < a; i++)                                                    \
      for (int64_t k = 0; k < b; k++) {                                                \
        int64_t j = ix[i * b + k] - base;                                              \
        if (j >= 0 && j < n) gi[(i * n + j) * b + k] = g[i * b + k];                   \
      }                                                                                \
  } while (0)

int nn_maxmin_backward(dl_tensor *gradIn, const dl_tensor *in, const dl_tensor *gradOut,
                       const dl_tensor *indices, int dim, int64_t base) {
  const char *fn = "nn_maxmin_backward";
  char b1[96], b2[96];
  if (check_float(fn, "input", in) < 0 || check_type(fn, "gradOutput", gradOut, in->dtype) < 0 ||
      check_type(fn, "gradInput", gradIn, in->dtype) < 0 ||
      check_type(fn, "indices", indices, DL_LONG) < 0)
    return -1;
  if (dim < 0 || dim >= in->ndim) return dl_error("%s: dimension %d out of range", fn, dim + 1);
  int64_t a, n, b;
  around(in, dim, &a, &n, &b);
  if (dl_tensor_numel(gradOut) != a * b || dl_tensor_numel(indices) != a * b)
    return dl_error("%s: gradOutput of size %s does not match the input %s reduced over dimension %d",
                    fn, dl_sizestr(b1, sizeof b1, gradOut->ndim, gradOut->size),
                    dl_sizestr(b2, sizeof b2, in->ndim, in->size), dim + 1);
  if (dl_tensor_resize_contig(fn, gradIn, in->ndim, in->size) < 0) return -1;
  op_fill(gradIn, 0);
  dl_tensor gc, ic;
  if (contig(&gc, gradOut) < 0) return -1;
  if (contig(&ic, indices) < 0) {
    dl_tensor_free(&gc);
    return -1;
  }
  DL_DISPATCH_FLOAT(in->dtype, MAXMIN_BACKWARD);
  dl_tensor_free(&gc);
  dl_tensor_free(&ic);
  return 0;
}

/* ---- normalize ---- */

static int normalize_check(const char *fn, const dl_tensor *in, double p) {
  char b[96];
  if (check_float(fn, "input", in) < 0) return -1;
  if (in->ndim != 2)
    return dl_error("%s: input of size %s, expected 2D (batch x features)", fn,
                    dl_sizestr(b, sizeof b, in->ndim, in->size));
  if (!(p >= 1) || isinf(p)) return dl_error("%s: p = %g, expected a finite p >= 1", fn, p);
  return 0;
}

#define NORMALIZE_FORWARD(T)                                                           \
  do {                                                                                 \
    const T *x = (const T *)dl_tensor_data(&xc);                                       \
    T *y = (T *)dl_tensor_data(out), *nm = (T *)dl_tensor_data(norm);                  \
    for (int64_t r = 0; r < rows; r++) {                                               \
      double s = 0;                                                                    \
      for (int64_t j = 0; j < d; j++)                                                  \
        s += p == 2 ? (double)x[r * d + j] * x[r * d + j] : pow(fabs((double)x[r * d + j]), p); \
      double nr = pow(s + eps, 1.0 / p);                                               \
      nm[r] = (T)nr;                                                                   \
      for (int64_t j = 0; j < d; j++) y[r * d + j] = (T)(x[r * d + j] / nr);           \
    }                                                                                  \
  } while (0)

int nn_normalize_forward(dl_tensor *out, dl_tensor *norm, const dl_tensor *in, double p,
                         double eps) {
  const char *fn = "nn_normalize_forward";
  if (normalize_check(fn, in, p) < 0 || check_type(fn, "output", out, in->dtype) < 0 ||
      check_type(fn, "norm", norm, in->dtype) < 0)
    return -1;
  int64_t rows = in->size[0], d = in->size[1];
  if (dl_tensor_resize_contig(fn, out, 2, in->size) < 0 ||
      dl_tensor_resize_contig(fn, norm, 1, in->size) < 0)
    return -1;
  dl_tensor xc;
  if (contig(&xc, in) < 0) return -1;
  DL_DISPATCH_FLOAT(in->dtype, NORMALIZE_FORWARD);
  dl_tensor_free(&xc);
  return 0;
}

#define NORMALIZE_BACKWARD(T)                                                          \
  do {                                                                                 \
    const T *x = (const T *)dl_tensor_data(&xc), *g = (const T *)dl_tensor_data(&gc);  \
    const T *nm = (const T *)dl_tensor_data(norm);                                     \
    T *gi = (T *)dl_tensor_data(gradIn);                                               \
    for (int64_t r = 0; r < rows; r++) {                                               \
      double nr = nm[r * norm->stride[0]], dot = 0;                                    \
      for (int64_t j = 0; j < d; j++) dot += (double)g[r * d + j] * x[r * d + j];      \
      double k = dot / pow(nr, p + 1);                                                 \
      for (int64_t j = 0; j < d; j++) {                                                \
        double xj = x[r * d + j];                                                      \
        double dn = p == 2 ? xj : (xj > 0 ? 1 : xj < 0 ? -1 : 0) * pow(fabs(xj), p - 1); \
        gi[r * d + j] = (T)(g[r * d + j] / nr - k * dn);                               \
      }                                                                                \
    }                                                                                  \
  } while (0)

int nn_normalize_backward(dl_tensor *gradIn, const dl_tensor *in, const dl_tensor *gradOut,
                          const dl_tensor *norm, double p) {
  const char *fn = "nn_normalize_backward";
  if (normalize_check(fn, in, p) < 0 || check_type(fn, "gradOutput", gradOut, in->dtype) < 0 ||
      check_samesize(fn, "gradOutput", gradOut, in) < 0 ||
      check_vec(fn, "norm", norm, in->size[0], in->dtype) < 0 ||
      check_type(fn, "gradInput", gradIn, in->dtype) < 0)
    return -1;
  int64_t rows = in->size[0], d = in->size[1];
  if (dl_tensor_resize_contig(fn, gradIn, 2, in->size) < 0) return -1;
  dl_tensor xc, gc;
  if (contig(&xc, in) < 0) return -1;
  if (contig(&gc, gradOut) < 0) {
    dl_tensor_free(&xc);
    return -1;
  }
  DL_DISPATCH_FLOAT(in->dtype, NORMALIZE_BACKWARD);
  dl_tensor_free(&xc);
  dl_tensor_free(&gc);
  return 0;
}
