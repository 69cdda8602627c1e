/* Transfer functions. The elementwise kinds are one forward and one backward expression
   each, expanded into a float and a double loop and run by op_foreach (strided operands,
   OpenMP over large tensors). PReLU and the softmax family work on contiguous copies
   (views when the input already is contiguous). */
#include <stdio.h>
#include <string.h>
#include <tgmath.h> /* exp, tanh, erf... pick the float or double function by argument */
#ifdef _OPENMP
#include <omp.h>
#endif

#include "../ops/copy.h"
#include "../ops/iter.h"
#include "activation.h"

#define NN_GRAIN 16384 /* elements per thread before a loop is worth parallelising */

typedef struct {
  double a, b;
} act_par;

/* y = FWD(x): operands out, in. */
#define ACT_FWD(NAME, T, FWD)                                                       \
  static void NAME##_fwd_##T(char **d, const int64_t *s, int64_t n, void *ctx) {    \
    typedef T real; (void)sizeof(real); /* for the expressions */                   \
    const act_par *p = ctx;                                                         \
    const T a = (T)p->a, b = (T)p->b;                                               \
    (void)a, (void)b;                                                               \
    if (s[0] == sizeof(T) && s[1] == sizeof(T)) {                                   \
      T *yp = (T *)d[0];                                                            \
      const T *xp = (const T *)d[1];                                                \
      for (int64_t i = 0; i < n; i++) {                                             \
        T x = xp[i];                                                                \
        yp[i] = (FWD);                                                              \
      }                                                                             \
      return;                                                                       \
    }                                                                               \
    for (int64_t i = 0; i < n; i++) {                                               \
      T x = *(const T *)(d[1] + i * s[1]);                                          \
      *(T *)(d[0] + i * s[0]) = (FWD);                                              \
    }                                                                               \
  }

/* gin = BWD(g, x, y): operands gin, gout, in, out. */
#define ACT_BWD(NAME, T, BWD)                                                       \
  static void NAME##_bwd_##T(char **d, const int64_t *s, int64_t n, void *ctx) {    \
    typedef T real; (void)sizeof(real); /* for the expressions */                   \
    const act_par *p = ctx;                                                         \
    const T a = (T)p->a, b = (T)p->b;                                               \
    (void)a, (void)b;                                                               \
    if (s[0] == sizeof(T) && s[1] == sizeof(T) && s[2] == sizeof(T) &&              \
        s[3] == sizeof(T)) {                                                        \
      T *gip = (T *)d[0];                                                           \
      const T *gp = (const T *)d[1], *xp = (const T *)d[2], *yp = (const T *)d[3];  \
      for (int64_t i = 0; i < n; i++) {                                             \
        T g = gp[i], x = xp[i], y = yp[i];                                          \
        (void)x, (void)y;                                                           \
        gip[i] = (BWD);                                                             \
      }                                                                             \
      return;                                                                       \
    }                                                                               \
    for (int64_t i = 0; i < n; i++) {                                               \
      T g = *(const T *)(d[1] + i * s[1]);                                          \
      T x = *(const T *)(d[2] + i * s[2]);                                          \
      T y = *(const T *)(d[3] + i * s[3]);                                          \
      (void)x, (void)y;                                                             \
      *(T *)(d[0] + i * s[0]) = (BWD);                                              \
    }                                                                               \
  }

#define ACT(NAME, FWD, BWD)                                                          \
  ACT_FWD(NAME, float, FWD) ACT_FWD(NAME, double, FWD) ACT_BWD(NAME, float, BWD)     \
      ACT_BWD(NAME, double, BWD)

#define SQRT1_2 0.70710678118654752440  /* 1/sqrt(2) */
#define INV_SQRT_2PI 0.39894228040143267794

ACT(tanh, tanh(x), g * (1 - y * y))
ACT(sigmoid, 1 / (1 + exp(-x)), g * y * (1 - y))
ACT(hardtanh, x < a ? a : (x > b ? b : x), (x <= a || x >= b) ? 0 : g)
ACT(threshold, x > a ? x : b, x > a ? g : 0)
ACT(leakyrelu, x > 0 ? x : a * x, x > 0 ? g : a * g)
ACT(elu, x > 0 ? x : a * expm1(x), y > 0 ? g : g * (y + a))
/* log sigmoid(x) = min(x, 0) - log(1 + exp(-|x|)): exp never overflows */
ACT(logsigmoid, (x < 0 ? x : 0) - log1p(exp(-fabs(x))), g / (1 + exp(x)))
ACT(softplus, a * x > b ? x : log1p(exp(a * x)) / a, a * x > b ? g : g / (1 + exp(-a * x)))
ACT(softsign, x / (1 + fabs(x)), g / ((1 + fabs(x)) * (1 + fabs(x))))
ACT(softshrink, x > a ? x - a : (x < -a ? x + a : 0), (x > a || x < -a) ? g : 0)
ACT(hardshrink, (x > a || x < -a) ? x : 0, (x > a || x < -a) ? g : 0)
ACT(tanhshrink, x - tanh(x), g * tanh(x) * tanh(x))
ACT(gelu, x * (real)0.5 * (1 + erf(x * (real)SQRT1_2)),
    g * ((real)0.5 * (1 + erf(x * (real)SQRT1_2)) + x * (real)INV_SQRT_2PI * exp((real)-0.5 * x * x)))

typedef struct {
  const char *name;
  op_loop_fn fwd[2], bwd[2]; /* [0] float, [1] double */
} act_kind;

#define KIND(NAME, fn) {NAME, {fn##_fwd_float, fn##_fwd_double}, {fn##_bwd_float, fn##_bwd_double}}
static const act_kind kinds[NN_NACT] = {
    [NN_TANH] = KIND("Tanh", tanh),
    [NN_SIGMOID] = KIND("Sigmoid", sigmoid),
    [NN_HARDTANH] = KIND("HardTanh", hardtanh),
    [NN_RELU6] = KIND("ReLU6", hardtanh),
    [NN_THRESHOLD] = KIND("Threshold", threshold),
    [NN_RELU] = KIND("ReLU", threshold),
    [NN_LEAKYRELU] = KIND("LeakyReLU", leakyrelu),
    [NN_ELU] = KIND("ELU", elu),
    [NN_LOGSIGMOID] = KIND("LogSigmoid", logsigmoid),
    [NN_SOFTPLUS] = KIND("SoftPlus", softplus),
    [NN_SOFTSIGN] = KIND("SoftSign", softsign),
    [NN_SOFTSHRINK] = KIND("SoftShrink", softshrink),
    [NN_HARDSHRINK] = KIND("HardShrink", hardshrink),
    [NN_TANHSHRINK] = KIND("TanhShrink", tanhshrink),
    [NN_GELU] = KIND("GELU", gelu),
};

const char *nn_act_name(nn_act k) { return k < NN_NACT ? kinds[k].name : "?"; }

int nn_act_lookup(const char *name) {
  for (int k = 0; k < NN_NACT; k++)
    if (strcmp(kinds[k].name, name) == 0) return k;
  return -1;
}

/* The same view of the same memory: writing one in place of the other is safe. */
static int same_view(const dl_tensor *x, const dl_tensor *y) {
  if (x == y) return 1;
  if (x->storage != y->storage || x->offset != y->offset || x->ndim != y->ndim) return 0;
  for (int d = 0; d < x->ndim; d++)
    if (x->size[d] != y->size[d] || (x->size[d] > 1 && x->stride[d] != y->stride[d])) return 0;
  return 1;
}

static int check_float(const char *fn, const char *arg, const dl_tensor *t, dl_dtype dt) {
  if (t->dtype != DL_FLOAT && t->dtype != DL_DOUBLE)
    return dl_error("%s: %s must be a Float or Double tensor, not %s", fn, arg,
                    dl_dtype_name(t->dtype));
  if (t->dtype != dt)
    return dl_error("%s: %s is a %s tensor but input is %s", fn, arg, dl_dtype_name(t->dtype),
                    dl_dtype_name(dt));
  return 0;
}

static int check_same_size(const char *fn, const char *arg, const dl_tensor *t,
                           const dl_tensor *in) {
  char b1[256], b2[256];
  if (dl_tensor_samesize(t, in)) return 0;
  return dl_error("%s: %s size %s does not match input size %s", fn, arg,
                  dl_sizestr(b1, sizeof b1, t->ndim, t->size),
                  dl_sizestr(b2, sizeof b2, in->ndim, in->size));
}

/* Resizes out as like, unless it already is like's memory (in place). */
static int prepare_out(dl_tensor *out, const dl_tensor *like) {
  if (same_view(out, like)) return 0;
  return dl_tensor_resize_as(out, like);
}

int nn_act_forward(nn_act k, dl_tensor *out, const dl_tensor *in, double a, double b) {
  char fn[64];
  if (k >= NN_NACT) return dl_error("nn_act_forward: unknown activation %d", (int)k);
  snprintf(fn, sizeof fn, "nn.%s", kinds[k].name);
  if (check_float(fn, "input", in, in->dtype) || check_float(fn, "output", out, in->dtype))
    return -1;
  if (prepare_out(out, in)) return -1;
  if (k == NN_RELU) a = b = 0;
  if (k == NN_RELU6) a = 0, b = 6;
  act_par p = {a, b};
  const dl_tensor *ts[2] = {out, in};
  op_foreach(2, ts, kinds[k].fwd[in->dtype == DL_DOUBLE], &p);
  return 0;
}

int nn_act_backward(nn_act k, dl_tensor *gin, const dl_tensor *gout, const dl_tensor *in,
                    const dl_tensor *out, double a, double b) {
  char fn[64];
  if (k >= NN_NACT) return dl_error("nn_act_backward: unknown activation %d", (int)k);
  snprintf(fn, sizeof fn, "nn.%s", kinds[k].name);
  dl_dtype dt = in->dtype;
  if (check_float(fn, "input", in, dt) || check_float(fn, "gradOutput", gout, dt) ||
      check_float(fn, "output", out, dt) || check_float(fn, "gradInput", gin, dt))
    return -1;
  if (check_same_size(fn, "gradOutput", gout, in) || check_same_size(fn, "output", out, in))
    return -1;
  if (prepare_out(gin, gout)) return -1;
  if (k == NN_RELU) a = b = 0;
  if (k == NN_RELU6) a = 0, b = 6;
  act_par p = {a, b};
  const dl_tensor *ts[4] = {gin, gout, in, out};
  op_foreach(4, ts, kinds[k].bwd[dt == DL_DOUBLE], &p);
  return 0;
}

/* ---- PReLU ---- */

/* Splits a PReLU input into batch x nplane x plane-size, as Torch7 lays it out. */
static int prelu_shape(const char *fn, const dl_tensor *in, int64_t nplane, int64_t *bs,
                       int64_t *ks) {
  char buf[256];
  int nd = in->ndim;
  if (nplane == 0) {
    *bs = 1, *ks = dl_tensor_numel(in);
    return 0;
  }
  if (nd < 1 || nd > 4)
    return dl_error("%s: expected a 1D to 4D input, got size %s", fn,
                    dl_sizestr(buf, sizeof buf, nd, in->size));
  int cdim = (nd == 2 || nd == 4) ? 1 : 0;
  if (in->size[cdim] != nplane)
    return dl_error("%s: input size %s has %lld planes in dimension %d, expected %lld", fn,
                    dl_sizestr(buf, sizeof buf, nd, in->size), (long long)in->size[cdim],
                    cdim + 1, (long long)nplane);
  *bs = cdim == 1 ? in->size[0] : 1;
  *ks = dl_tensor_numel(in) / (*bs * nplane);
  return 0;
}

static int prelu_check_weight(const char *fn, const dl_tensor *w, int64_t nplane, dl_dtype dt) {
  int64_t want = nplane > 0 ? nplane : 1;
  if (check_float(fn, "weight", w, dt)) return -1;
  if (dl_tensor_numel(w) != want || !dl_tensor_iscontiguous(w))
    return dl_error("%s: weight has %lld elements, expected %lld contiguous ones", fn,
                    (long long)dl_tensor_numel(w), (long long)want);
  return 0;
}

#define PRELU_FWD(T)                                                                   \
  do {                                                                                 \
    const T *x = dl_tensor_data(&cin), *wd = dl_tensor_data(w);                        \
    T *y = dl_tensor_data(out);                                                        \
    _Pragma("omp parallel for if (n > NN_GRAIN)")                                      \
    for (int64_t r = 0; r < bs * np; r++) {                                            \
      T wc = wd[r % np];                                                               \
      const T *xr = x + r * ks;                                                        \
      T *yr = y + r * ks;                                                              \
      for (int64_t k = 0; k < ks; k++) yr[k] = xr[k] > 0 ? xr[k] : wc * xr[k];         \
    }                                                                                  \
  } while (0)

int nn_prelu_forward(dl_tensor *out, const dl_tensor *in, const dl_tensor *w, int64_t nplane) {
  const char *fn = "nn.PReLU";
  int64_t bs, ks, np = nplane > 0 ? nplane : 1, n = dl_tensor_numel(in);
  if (check_float(fn, "input", in, in->dtype) || check_float(fn, "output", out, in->dtype) ||
      prelu_check_weight(fn, w, nplane, in->dtype) || prelu_shape(fn, in, nplane, &bs, &ks))
    return -1;
  dl_tensor cin;
  dl_tensor_init(&cin, in->dtype);
  if (op_contiguous(&cin, in) || dl_tensor_resize_contig(fn, out, in->ndim, in->size)) {
    dl_tensor_free(&cin);
    return -1;
  }
  DL_DISPATCH_FLOAT(in->dtype, PRELU_FWD);
  dl_tensor_free(&cin);
  return 0;
}

#define PRELU_BWD(T)                                                                   \
  do {                                                                                 \
    const T *x = dl_tensor_data(&cin), *g = dl_tensor_data(&cg), *wd = dl_tensor_data(w); \
    T *gi = dl_tensor_data(gin);                                                       \
    _Pragma("omp parallel for if (n > NN_GRAIN)")                                      \
    for (int64_t r = 0; r < bs * np; r++) {                                            \
      T wc = wd[r % np];                                                               \
      const T *xr = x + r * ks, *gr = g + r * ks;                                      \
      T *gir = gi + r * ks;                                                            \
      for (int64_t k = 0; k < ks; k++) gir[k] = xr[k] > 0 ? gr[k] : wc * gr[k];        \
    }                                                                                  \
  } while (0)

int nn_prelu_backward(dl_tensor *gin, const dl_tensor *gout, const dl_tensor *in,
                      const dl_tensor *w, int64_t nplane) {
  const char *fn = "nn.PReLU";
  int64_t bs, ks, np = nplane > 0 ? nplane : 1, n = dl_tensor_numel(in);
  dl_dtype dt = in->dtype;
  if (check_float(fn, "input", in, dt) || check_float(fn, "gradOutput", gout, dt) ||
      check_float(fn, "gradInput", gin, dt) || prelu_check_weight(fn, w, nplane, dt) ||
      check_same_size(fn, "gradOutput", gout, in) || prelu_shape(fn, in, nplane, &bs, &ks))
    return -1;
  dl_tensor cin, cg;
  dl_tensor_init(&cin, dt);
  dl_tensor_init(&cg, dt);
  /* gin may alias gout's memory only if it is contiguous already, so copy gout first */
  int rc = op_contiguous(&cg, gout);
  if (!rc) rc = op_contiguous(&cin, in);
  if (!rc && !same_view(gin, &cg)) rc = dl_tensor_resize_contig(fn, gin, in->ndim, in->size);
  if (!rc) DL_DISPATCH_FLOAT(dt, PRELU_BWD);
  dl_tensor_free(&cin);
  dl_tensor_free(&cg);
  return rc;
}

/* Channels sum over batch and plane: plain serial loops, deterministic sums. */
#define PRELU_ACC(T)                                                                   \
  do {                                                                                 \
    const T *x = dl_tensor_data(&cin), *g = dl_tensor_data(&cg);                       \
    T *gw = dl_tensor_data(gwt);                                                       \
    for (int64_t c = 0; c < np; c++) {                                                 \
      double sum = 0;                                                                  \
      for (int64_t bi = 0; bi < bs; bi++) {                                            \
        const T *xr = x + (bi * np + c) * ks, *gr = g + (bi * np + c) * ks;            \
        for (int64_t k = 0; k < ks; k++)                                               \
          if (xr[k] <= 0) sum += (double)gr[k] * xr[k];                                \
      }                                                                                \
      gw[c] += (T)(scale * sum);                                                       \
    }                                                                                  \
  } while (0)

int nn_prelu_accgrad(dl_tensor *gwt, const dl_tensor *gout, const dl_tensor *in,
                     int64_t nplane, double scale) {
  const char *fn = "nn.PReLU";
  int64_t bs, ks, np = nplane > 0 ? nplane : 1;
  dl_dtype dt = in->dtype;
  if (check_float(fn, "input", in, dt) || check_float(fn, "gradOutput", gout, dt) ||
      prelu_check_weight(fn, gwt, nplane, dt) || check_same_size(fn, "gradOutput", gout, in) ||
      prelu_shape(fn, in, nplane, &bs, &ks))
    return -1;
  dl_tensor cin, cg;
  dl_tensor_init(&cin, dt);
  dl_tensor_init(&cg, dt);
  int rc = op_contiguous(&cg, gout);
  if (!rc) rc = op_contiguous(&cin, in);
  if (!rc) DL_DISPATCH_FLOAT(dt, PRELU_ACC);
  dl_tensor_free(&cin);
  dl_tensor_free(&cg);
  return rc;
}

/* ---- SoftMax, LogSoftMax, SoftMin ---- */

static const char *softmax_names[] = {"nn.SoftMax", "nn.LogSoftMax", "nn.SoftMin"};

/* The input as outer x dim x inner: softmax runs along dim, inner apart. */
static int softmax_shape(const char *fn, const dl_tensor *in, int64_t *outer, int64_t *dim,
                         int64_t *inner) {
  char buf[256];
  int nd = in->ndim;
  if (nd < 1 || nd > 4 || dl_tensor_numel(in) == 0)
    return dl_error("%s: expected a non-empty 1D, 2D, 3D or 4D input, got size %s", fn,
                    dl_sizestr(buf, sizeof buf, nd, in->size));
  int fd = (nd == 2 || nd == 4) ? 1 : 0; /* the feature dimension */
  *outer = fd == 1 ? in->size[0] : 1;
  *dim = in->size[fd];
  *inner = dl_tensor_numel(in) / (*outer * *dim);
  return 0;
}

/* One row: max first, so that exp never overflows. */
#define SOFTMAX_FWD(T)                                                                 \
  do {                                                                                 \
    const T *xd = dl_tensor_data(&cin);                                                \
    T *yd = dl_tensor_data(out);                                                       \
    T sign = k == NN_SOFTMIN ? -1 : 1;                                                 \
    _Pragma("omp parallel for if (n > NN_GRAIN)")                                      \
    for (int64_t r = 0; r < outer * inner; r++) {                                      \
      int64_t base = (r / inner) * dim * inner + r % inner;                            \
      const T *x = xd + base;                                                          \
      T *y = yd + base;                                                                \
      T max = sign * x[0];                                                             \
      for (int64_t i = 1; i < dim; i++)                                                \
        if (sign * x[i * inner] > max) max = sign * x[i * inner];                      \
      double sum = 0;                                                                  \
      for (int64_t i = 0; i < dim; i++) {                                              \
        T e = exp(sign * x[i * inner] - max);                                          \
        sum += e;                                                                      \
        if (k != NN_LOGSOFTMAX) y[i * inner] = e;                                      \
      }                                                                                \
      if (k == NN_LOGSOFTMAX) {                                                        \
        T lse = max + (T)log(sum);                                                     \
        for (int64_t i = 0; i < dim; i++) y[i * inner] = x[i * inner] - lse;           \
      } else {                                                                         \
        T inv = (T)(1 / sum);                                                          \
        for (int64_t i = 0; i < dim; i++) y[i * inner] *= inv;                         \
      }                                                                                \
    }                                                                                  \
  } while (0)

int nn_softmax_forward(nn_softmax_kind k, dl_tensor *out, const dl_tensor *in) {
  const char *fn = softmax_names[k];
  int64_t outer, dim, inner, n = dl_tensor_numel(in);
  if (check_float(fn, "input", in, in->dtype) || check_float(fn, "output", out, in->dtype) ||
      softmax_shape(fn, in, &outer, &dim, &inner))
    return -1;
  dl_tensor cin;
  dl_tensor_init(&cin, in->dtype);
  int rc = op_contiguous(&cin, in);
  /* out may be in itself: the row loop reads each x before writing its y */
  if (!rc && !same_view(out, &cin)) rc = dl_tensor_resize_contig(fn, out, in->ndim, in->size);
  if (!rc) DL_DISPATCH_FLOAT(in->dtype, SOFTMAX_FWD);
  dl_tensor_free(&cin);
  return rc;
}

#define SOFTMAX_BWD(T)                                                                 \
  do {                                                                                 \
    const T *yd = dl_tensor_data(&cy), *gd = dl_tensor_data(&cg);                      \
    T *gid = dl_tensor_data(gin);                                                      \
    _Pragma("omp parallel for if (n > NN_GRAIN)")                                      \
    for (int64_t r = 0; r < outer * inner; r++) {                                      \
      int64_t base = (r / inner) * dim * inner + r % inner;                            \
      const T *y = yd + base, *g = gd + base;                                          \
      T *gi = gid + base;                                                              \
      double sum = 0;                                                                  \
      if (k == NN_LOGSOFTMAX) {                                                        \
        for (int64_t i = 0; i < dim; i++) sum += g[i * inner];                         \
        for (int64_t i = 0; i < dim; i++)                                              \
          gi[i * inner] = g[i * inner] - exp(y[i * inner]) * (T)sum;                   \
      } else {                                                                         \
        T sign = k == NN_SOFTMIN ? -1 : 1;                                             \
        for (int64_t i = 0; i < dim; i++) sum += (double)g[i * inner] * y[i * inner];  \
        for (int64_t i = 0; i < dim; i++)                                              \
          gi[i * inner] = sign * y[i * inner] * (g[i * inner] - (T)sum);               \
      }                                                                                \
    }                                                                                  \
  } while (0)

int nn_softmax_backward(nn_softmax_kind k, dl_tensor *gin, const dl_tensor *gout,
                        const dl_tensor *out) {
  const char *fn = softmax_names[k];
  int64_t outer, dim, inner, n = dl_tensor_numel(out);
  dl_dtype dt = out->dtype;
  if (check_float(fn, "output", out, dt) || check_float(fn, "gradOutput", gout, dt) ||
      check_float(fn, "gradInput", gin, dt) || softmax_shape(fn, out, &outer, &dim, &inner))
    return -1;
  {
    char b1[256], b2[256];
    if (!dl_tensor_samesize(gout, out))
      return dl_error("%s: gradOutput size %s does not match output size %s", fn,
                      dl_sizestr(b1, sizeof b1, gout->ndim, gout->size),
                      dl_sizestr(b2, sizeof b2, out->ndim, out->size));
  }
  dl_tensor cy, cg;
  dl_tensor_init(&cy, dt);
  dl_tensor_init(&cg, dt);
  int rc = op_contiguous(&cy, out);
  if (!rc) rc = op_contiguous(&cg, gout);
  if (!rc && !same_view(gin, &cg)) rc = dl_tensor_resize_contig(fn, gin, out->ndim, out->size);
  if (!rc) DL_DISPATCH_FLOAT(dt, SOFTMAX_BWD);
  dl_tensor_free(&cy);
  dl_tensor_free(&cg);
  return rc;
}
