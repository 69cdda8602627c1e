/* Criteria. Every kernel first takes contiguous versions of its operands (views when they
   already are, converted copies for targets of another type), then runs plain loops over
   flat arrays; the pointwise losses are one expression each for the loss and its
   gradient, expanded for float and double. */
#include <stdio.h>
#include <string.h>
#include <tgmath.h> /* log, exp... pick the float or double function by argument */

#include "../ops/copy.h"
#include "loss.h"

#define NN_GRAIN 16384 /* elements per thread before a loop is worth parallelising */

/* dst (uninitialised) becomes a contiguous version of src of type dt. */
static int as_contig(dl_tensor *dst, const dl_tensor *src, dl_dtype dt) {
  dl_tensor_init(dst, dt);
  if (src->dtype == dt) return op_contiguous(dst, src);
  return op_clone(dst, src, dt);
}

static int check_input(const char *fn, const char *arg, const dl_tensor *in) {
  if (in->dtype != DL_FLOAT && in->dtype != DL_DOUBLE)
    return dl_error("%s: %s must be a Float or Double tensor, not %s", fn, arg,
                    dl_dtype_name(in->dtype));
  return 0;
}

static int check_numel(const char *fn, const char *aname, const dl_tensor *a, const char *bname,
                       const dl_tensor *b) {
  char b1[256], b2[256];
  if (dl_tensor_numel(a) == dl_tensor_numel(b)) return 0;
  return dl_error("%s: %s size %s and %s size %s differ in number of elements (%lld vs %lld)",
                  fn, aname, dl_sizestr(b1, sizeof b1, a->ndim, a->size), bname,
                  dl_sizestr(b2, sizeof b2, b->ndim, b->size), (long long)dl_tensor_numel(a),
                  (long long)dl_tensor_numel(b));
}

/* ---- pointwise criteria ---- */

typedef double (*pw_fwd_fn)(const void *x, const void *t, const void *w, const void *pw,
                            int64_t wn, int64_t n, double m);
typedef void (*pw_bwd_fn)(void *gi, const void *x, const void *t, const void *w,
                          const void *pw, int64_t wn, int64_t n, double m, double norm);

/* LOSS and GRAD are expressions in x, t (the target), m (the margin) and p (the
   positive weight); both are multiplied by the element's weight. */
#define PW_T(NAME, T, LOSS, GRAD)                                                      \
  static double NAME##_fwd_##T(const void *xv, const void *tv, const void *wv,         \
                               const void *pv, int64_t wn, int64_t n, double md) {     \
    typedef T real; (void)sizeof(real); /* for the expressions */                     \
    const T *X = xv, *TG = tv, *W = wv, *P = pv;                                       \
    const T m = (T)md;                                                                 \
    double sum = 0;                                                                    \
    (void)m, (void)P;                                                                  \
    _Pragma("omp parallel for reduction(+ : sum) if (n > NN_GRAIN)")                   \
    for (int64_t i = 0; i < n; i++) {                                                  \
      T x = X[i], t = TG[i], p = P ? P[i % wn] : 1;                                    \
      (void)p, (void)x;                                                                \
      T l = (LOSS);                                                                    \
      sum += W ? (double)W[i % wn] * l : (double)l;                                    \
    }                                                                                  \
    return sum;                                                                        \
  }                                                                                    \
  static void NAME##_bwd_##T(void *gv, const void *xv, const void *tv, const void *wv, \
                             const void *pv, int64_t wn, int64_t n, double md,         \
                             double normd) {                                           \
    typedef T real;                                                (void)sizeof(real); \
    T *G = gv;                                                                         \
    const T *X = xv, *TG = tv, *W = wv, *P = pv;                                       \
    const T m = (T)md, norm = (T)normd;                                                \
    (void)m, (void)P;                                                                  \
    _Pragma("omp parallel for if (n > NN_GRAIN)")                                      \
    for (int64_t i = 0; i < n; i++) {                                                  \
      T x = X[i], t = TG[i], p = P ? P[i % wn] : 1;                                    \
      (void)p, (void)x;                                                                \
      T gr = (GRAD) * norm;                                                            \
      G[i] = W ? W[i % wn] * gr : gr;                                                  \
    }                                                                                  \
  }

#define PW(NAME, LOSS, GRAD) PW_T(NAME, float, LOSS, GRAD) PW_T(NAME, double, LOSS, GRAD)

#define BCE_EPS ((real)1e-12)
#define SIGN(v) ((v) >= 0 ? 1 : -1)
#define POS(v) ((v) > 0 ? (v) : 0)

PW(mse, (x - t) * (x - t), 2 * (x - t))
PW(abs, fabs(x - t), SIGN(x - t))
PW(smoothl1, fabs(x - t) < 1 ? (x - t) * (x - t) / 2 : fabs(x - t) - (real)0.5,
   (x - t) < -1 ? -1 : ((x - t) > 1 ? 1 : (x - t)))
PW(bce, -(log(x + BCE_EPS) * t + log(1 - x + BCE_EPS) * (1 - t)),
   (x - t) / ((1 - x + BCE_EPS) * (x + BCE_EPS)))
/* log(1 + exp(-x)) = max(-x, 0) + log(1 + exp(-|x|)): exp never overflows */
PW(bcelogits, (1 - t) * x + (1 + (p - 1) * t) * (log1p(exp(-fabs(x))) + POS(-x)),
   (1 - t) - (1 + (p - 1) * t) / (1 + exp(x)))
PW(distkldiv, t > 0 ? t * (log(t) - x) : 0, t > 0 ? -t : 0)
PW(margin, POS(m - t * x), t * x < m ? -t : 0)
PW(softmargin, POS(-t * x) + log1p(exp(-fabs(t * x))), -t / (1 + exp(t * x)))
PW(hinge, t == 1 ? x : (t == -1 ? POS(m - x) : 0),
   t == 1 ? 1 : ((t == -1 && m - x > 0) ? -1 : 0))

typedef struct {
  const char *name;
  pw_fwd_fn fwd[2]; /* [0] float, [1] double */
  pw_bwd_fn bwd[2];
  int weights, posweight; /* which options apply */
} pw_kind;

#define KIND(NAME, fn, w, pw) \
  {NAME, {fn##_fwd_float, fn##_fwd_double}, {fn##_bwd_float, fn##_bwd_double}, w, pw}
static const pw_kind kinds[NN_NLOSS] = {
    [NN_LOSS_MSE] = KIND("MSECriterion", mse, 0, 0),
    [NN_LOSS_ABS] = KIND("AbsCriterion", abs, 0, 0),
    [NN_LOSS_SMOOTHL1] = KIND("SmoothL1Criterion", smoothl1, 0, 0),
    [NN_LOSS_BCE] = KIND("BCECriterion", bce, 1, 0),
    [NN_LOSS_BCELOGITS] = KIND("BCEWithLogitsCriterion", bcelogits, 1, 1),
    [NN_LOSS_MULTILABELSOFTMARGIN] = KIND("MultiLabelSoftMarginCriterion", bcelogits, 1, 0),
    [NN_LOSS_DISTKLDIV] = KIND("DistKLDivCriterion", distkldiv, 0, 0),
    [NN_LOSS_MARGIN] = KIND("MarginCriterion", margin, 0, 0),
    [NN_LOSS_SOFTMARGIN] = KIND("SoftMarginCriterion", softmargin, 0, 0),
    [NN_LOSS_HINGE] = KIND("HingeEmbeddingCriterion", hinge, 0, 0),
};

const char *nn_loss_name(nn_loss k) { return k < NN_NLOSS ? kinds[k].name : "?"; }

int nn_loss_lookup(const char *name) {
  for (int k = 0; k < NN_NLOSS; k++)
    if (strcmp(kinds[k].name, name) == 0) return k;
  return -1;
}

/* The operands of a pointwise criterion, contiguous and of the input's type. */
typedef struct {
  dl_tensor x, t, w, pw;
  int64_t n, wn;
  int has_w, has_pw;
} pw_args;

/* A weight vector must have as many elements as the last dimension of the input. */
static int open_weight(const char *fn, const char *arg, dl_tensor *dst, const dl_tensor *w,
                       const dl_tensor *in) {
  char buf[256];
  int64_t last = in->ndim > 0 ? in->size[in->ndim - 1] : 0;
  if (check_input(fn, arg, w)) return -1;
  if (dl_tensor_numel(w) != last)
    return dl_error("%s: %s has %lld elements, expected %lld (the last dimension of input size "
                    "%s)", fn, arg, (long long)dl_tensor_numel(w), (long long)last,
                    dl_sizestr(buf, sizeof buf, in->ndim, in->size));
  return as_contig(dst, w, in->dtype);
}

static int pw_open(pw_args *a, nn_loss k, const dl_tensor *in, const dl_tensor *tgt,
                   const nn_loss_opts *o) {
  char fn[64];
  snprintf(fn, sizeof fn, "nn.%s", kinds[k].name);
  dl_tensor_init(&a->x, in->dtype);
  dl_tensor_init(&a->t, in->dtype);
  dl_tensor_init(&a->w, in->dtype);
  dl_tensor_init(&a->pw, in->dtype);
  a->n = dl_tensor_numel(in);
  a->wn = in->ndim > 0 ? in->size[in->ndim - 1] : 1;
  a->has_w = kinds[k].weights && o->weights;
  a->has_pw = kinds[k].posweight && o->posweight;
  if (check_input(fn, "input", in) || check_numel(fn, "input", in, "target", tgt)) return -1;
  if (tgt->dtype == DL_BYTE && k != NN_LOSS_BCE && k != NN_LOSS_BCELOGITS &&
      k != NN_LOSS_MULTILABELSOFTMARGIN)
    return dl_error("%s: target must be a Float, Double or Long tensor, not Byte", fn);
  if (as_contig(&a->x, in, in->dtype) || as_contig(&a->t, tgt, in->dtype)) return -1;
  if (a->has_w && open_weight(fn, "weights", &a->w, o->weights, in)) return -1;
  if (a->has_pw && open_weight(fn, "posWeight", &a->pw, o->posweight, in)) return -1;
  return 0;
}

static void pw_close(pw_args *a) {
  dl_tensor_free(&a->x);
  dl_tensor_free(&a->t);
  dl_tensor_free(&a->w);
  dl_tensor_free(&a->pw);
}

int nn_loss_forward(nn_loss k, double *loss, const dl_tensor *in, const dl_tensor *tgt,
                    const nn_loss_opts *o) {
  pw_args a;
  if (k >= NN_NLOSS) return dl_error("nn_loss_forward: unknown criterion %d", (int)k);
  int rc = pw_open(&a, k, in, tgt, o);
  if (!rc) {
    double s = kinds[k].fwd[in->dtype == DL_DOUBLE](
        dl_tensor_data(&a.x), dl_tensor_data(&a.t), a.has_w ? dl_tensor_data(&a.w) : NULL,
        a.has_pw ? dl_tensor_data(&a.pw) : NULL, a.wn, a.n, o->margin);
    *loss = o->size_average && a.n > 0 ? s / (double)a.n : s;
  }
  pw_close(&a);
  return rc;
}

int nn_loss_backward(nn_loss k, dl_tensor *gin, const dl_tensor *in, const dl_tensor *tgt,
                     const nn_loss_opts *o) {
  pw_args a;
  if (k >= NN_NLOSS) return dl_error("nn_loss_backward: unknown criterion %d", (int)k);
  int rc = pw_open(&a, k, in, tgt, o);
  if (!rc && gin->dtype != in->dtype)
    rc = dl_error("nn.%s: gradInput is a %s tensor but input is %s", kinds[k].name,
                  dl_dtype_name(gin->dtype), dl_dtype_name(in->dtype));
  if (!rc) {
    char fn[64];
    snprintf(fn, sizeof fn, "nn.%s", kinds[k].name);
    rc = dl_tensor_resize_contig(fn, gin, in->ndim, in->size);
  }
  if (!rc) {
    double norm = o->size_average && a.n > 0 ? 1.0 / (double)a.n : 1.0;
    kinds[k].bwd[in->dtype == DL_DOUBLE](
        dl_tensor_data(gin), dl_tensor_data(&a.x), dl_tensor_data(&a.t),
        a.has_w ? dl_tensor_data(&a.w) : NULL, a.has_pw ? dl_tensor_data(&a.pw) : NULL, a.wn,
        a.n, o->margin, norm);
  }
  pw_close(&a);
  return rc;
}

/* ---- class targets: ClassNLLCriterion and MultiMarginCriterion ---- */

/* The operands of a classification criterion: input batch x nclass, 1-based targets
   checked and converted to 0-based, and the optional per-class weights. */
typedef struct {
  dl_tensor x, t, w;
  int64_t batch, ncls;
  int has_w;
} cls_args;

static int cls_open(cls_args *a, const char *fn, const dl_tensor *in, const dl_tensor *target,
                    const dl_tensor *weights, int check_ignore, int64_t ignore_index) {
  char b1[256], b2[256];
  dl_tensor_init(&a->x, in->dtype);
  dl_tensor_init(&a->t, DL_LONG);
  dl_tensor_init(&a->w, in->dtype);
  a->has_w = weights != NULL;
  if (check_input(fn, "input", in)) return -1;
  if (in->ndim != 1 && in->ndim != 2)
    return dl_error("%s: expected a 1D or 2D (batch x classes) input, got size %s", fn,
                    dl_sizestr(b1, sizeof b1, in->ndim, in->size));
  a->batch = in->ndim == 2 ? in->size[0] : 1;
  a->ncls = in->size[in->ndim - 1];
  if (dl_tensor_numel(target) != a->batch)
    return dl_error("%s: target size %s does not match input size %s (expected %lld targets)",
                    fn, dl_sizestr(b1, sizeof b1, target->ndim, target->size),
                    dl_sizestr(b2, sizeof b2, in->ndim, in->size), (long long)a->batch);
  if (a->has_w) {
    if (check_input(fn, "weights", weights)) return -1;
    if (dl_tensor_numel(weights) != a->ncls)
      return dl_error("%s: weights has %lld elements for %lld classes", fn,
                      (long long)dl_tensor_numel(weights), (long long)a->ncls);
    if (as_contig(&a->w, weights, in->dtype)) return -1;
  }
  if (as_contig(&a->x, in, in->dtype) || op_clone(&a->t, target, DL_LONG)) return -1;
  int64_t *t = dl_tensor_data(&a->t);
  for (int64_t i = 0; i < a->batch; i++) {
    if (check_ignore && t[i] == ignore_index) {
      t[i] = -1; /* ignored */
      continue;
    }
    if (t[i] < 1 || t[i] > a->ncls)
      return dl_error("%s: target %lld out of range for %lld classes", fn, (long long)t[i],
                      (long long)a->ncls);
    t[i]--;
  }
  return 0;
}

static void cls_close(cls_args *a) {
  dl_tensor_free(&a->x);
  dl_tensor_free(&a->t);
  dl_tensor_free(&a->w);
}

#define NLL_FWD(T)                                                                     \
  do {                                                                                 \
    const T *x = dl_tensor_data(&a.x), *w = a.has_w ? dl_tensor_data(&a.w) : NULL;     \
    for (int64_t i = 0; i < a.batch; i++) {                                            \
      if (t[i] < 0) continue;                                                          \
      double wi = w ? (double)w[t[i]] : 1.0;                                           \
      sum -= wi * (double)x[i * a.ncls + t[i]];                                        \
      total += wi;                                                                     \
    }                                                                                  \
  } while (0)

int nn_classnll_forward(double *loss, double *total_weight, const dl_tensor *in,
                        const dl_tensor *target, const dl_tensor *weights, int size_average,
                        int64_t ignore_index) {
  cls_args a;
  double sum = 0, total = 0;
  int rc = cls_open(&a, "nn.ClassNLLCriterion", in, target, weights, 1, ignore_index);
  if (!rc) {
    const int64_t *t = dl_tensor_data(&a.t);
    DL_DISPATCH_FLOAT(in->dtype, NLL_FWD);
    /* Torch7: a zero total weight (every target ignored) leaves the sum, which is 0 */
    *loss = size_average && total > 0 ? sum / total : sum;
    if (total_weight) *total_weight = total;
  }
  cls_close(&a);
  return rc;
}

#define NLL_BWD(T)                                                                     \
  do {                                                                                 \
    const T *w = a.has_w ? dl_tensor_data(&a.w) : NULL;                                \
    T *g = dl_tensor_data(gin);                                                        \
    memset(g, 0, sizeof(T) * (size_t)(a.batch * a.ncls));                             \
    double total = 0;                                                                  \
    for (int64_t i = 0; i < a.batch; i++)                                              \
      if (t[i] >= 0) total += w ? (double)w[t[i]] : 1.0;                               \
    if (total <= 0) break;                                                             \
    double norm = size_average ? 1.0 / total : 1.0;                                    \
    for (int64_t i = 0; i < a.batch; i++)                                              \
      if (t[i] >= 0) g[i * a.ncls + t[i]] = (T)(-(w ? (double)w[t[i]] : 1.0) * norm);  \
  } while (0)

int nn_classnll_backward(dl_tensor *gin, const dl_tensor *in, const dl_tensor *target,
                         const dl_tensor *weights, int size_average, int64_t ignore_index) {
  cls_args a;
  int rc = cls_open(&a, "nn.ClassNLLCriterion", in, target, weights, 1, ignore_index);
  if (!rc && gin->dtype != in->dtype)
    rc = dl_error("nn.ClassNLLCriterion: gradInput is a %s tensor but input is %s",
                  dl_dtype_name(gin->dtype), dl_dtype_name(in->dtype));
  if (!rc) rc = dl_tensor_resize_contig("nn.ClassNLLCriterion", gin, in->ndim, in->size);
  if (!rc) {
    const int64_t *t = dl_tensor_data(&a.t);
    DL_DISPATCH_FLOAT(in->dtype, NLL_BWD);
  }
  cls_close(&a);
  return rc;
}

static int check_p(int p) {
  if (p != 1 && p != 2)
    return dl_error("nn.MultiMarginCriterion: p must be 1 or 2, got %d", p);
  return 0;
}

#define MM_FWD(T)                                                                      \
  do {                                                                                 \
    const T *w = a.has_w ? dl_tensor_data(&a.w) : NULL;                                \
    for (int64_t i = 0; i < a.batch; i++) {                                            \
      const T *x = (const T *)dl_tensor_data(&a.x) + i * a.ncls;                       \
      T xy = x[t[i]];                                                                  \
      for (int64_t d = 0; d < a.ncls; d++) {                                           \
        T z = (T)margin - xy + x[d];                                                   \
        if (d == t[i] || z <= 0) continue;                                             \
        double h = p == 1 ? (double)z : (double)z * z;                                 \
        sum += w ? h * (double)w[t[i]] : h;                                            \
      }                                                                                \
    }                                                                                  \
  } while (0)

int nn_multimargin_forward(double *loss, const dl_tensor *in, const dl_tensor *target, int p,
                           const dl_tensor *weights, double margin, int size_average) {
  cls_args a;
  double sum = 0;
  if (check_p(p)) return -1;
  int rc = cls_open(&a, "nn.MultiMarginCriterion", in, target, weights, 0, 0);
  if (!rc) {
    const int64_t *t = dl_tensor_data(&a.t);
    DL_DISPATCH_FLOAT(in->dtype, MM_FWD);
    sum /= (double)a.ncls;
    *loss = size_average ? sum / (double)a.batch : sum;
  }
  cls_close(&a);
  return rc;
}

#define MM_BWD(T)                                                                      \
  do {                                                                                 \
    const T *w = a.has_w ? dl_tensor_data(&a.w) : NULL;                                \
    for (int64_t i = 0; i < a.batch; i++) {                                            \
      const T *x = (const T *)dl_tensor_data(&a.x) + i * a.ncls;                       \
      T *g = (T *)dl_tensor_data(gin) + i * a.ncls;                                    \
      T xy = x[t[i]];                                                                  \
      double gy = 0;                                                                   \
      for (int64_t d = 0; d < a.ncls; d++) {                                           \
        T z = (T)margin - xy + x[d];                                                   \
        if (d == t[i]) continue;                                                       \
        double h = z <= 0 ? 0 : (p == 1 ? norm : 2 * norm * (double)z);                \
        if (w) h *= (double)w[t[i]];                                                   \
        g[d] = (T)h;                                                                   \
        gy -= h;                                                                       \
      }                                                                                \
      g[t[i]] = (T)gy;                                                                 \
    }                                                                                  \
  } while (0)

int nn_multimargin_backward(dl_tensor *gin, const dl_tensor *in, const dl_tensor *target,
                            int p, const dl_tensor *weights, double margin, int size_average) {
  cls_args a;
  if (check_p(p)) return -1;
  int rc = cls_open(&a, "nn.MultiMarginCriterion", in, target, weights, 0, 0);
  if (!rc && gin->dtype != in->dtype)
    rc = dl_error("nn.MultiMarginCriterion: gradInput is a %s tensor but input is %s",
                  dl_dtype_name(gin->dtype), dl_dtype_name(in->dtype));
  if (!rc) rc = dl_tensor_resize_contig("nn.MultiMarginCriterion", gin, in->ndim, in->size);
  if (!rc) {
    const int64_t *t = dl_tensor_data(&a.t);
    double norm = 1.0 / (double)a.ncls / (size_average ? (double)a.batch : 1.0);
    DL_DISPATCH_FLOAT(in->dtype, MM_BWD);
  }
  cls_close(&a);
  return rc;
}

/* ---- pairs: MarginRankingCriterion and CosineEmbeddingCriterion ---- */

typedef struct {
  dl_tensor x1, x2, y;
} pair_args;

static void pair_close(pair_args *a) {
  dl_tensor_free(&a->x1);
  dl_tensor_free(&a->x2);
  dl_tensor_free(&a->y);
}

/* x1 and x2 of one type and size; y of npairs elements. */
static int pair_open(pair_args *a, const char *fn, const dl_tensor *x1, const dl_tensor *x2,
                     const dl_tensor *y, int64_t npairs) {
  char b1[256], b2[256];
  dl_tensor_init(&a->x1, x1->dtype);
  dl_tensor_init(&a->x2, x1->dtype);
  dl_tensor_init(&a->y, x1->dtype);
  if (check_input(fn, "input[1]", x1) || check_input(fn, "input[2]", x2)) return -1;
  if (x1->dtype != x2->dtype)
    return dl_error("%s: input[1] is %s but input[2] is %s", fn, dl_dtype_name(x1->dtype),
                    dl_dtype_name(x2->dtype));
  if (!dl_tensor_samesize(x1, x2))
    return dl_error("%s: input[1] size %s and input[2] size %s differ", fn,
                    dl_sizestr(b1, sizeof b1, x1->ndim, x1->size),
                    dl_sizestr(b2, sizeof b2, x2->ndim, x2->size));
  if (dl_tensor_numel(y) != npairs)
    return dl_error("%s: target size %s does not match input size %s (expected %lld targets)",
                    fn, dl_sizestr(b1, sizeof b1, y->ndim, y->size),
                    dl_sizestr(b2, sizeof b2, x1->ndim, x1->size), (long long)npairs);
  if (as_contig(&a->x1, x1, x1->dtype) || as_contig(&a->x2, x2, x1->dtype) ||
      as_contig(&a->y, y, x1->dtype))
    return -1;
  return 0;
}

static int grads_like(const char *fn, dl_tensor *g1, dl_tensor *g2, const dl_tensor *x1) {
  if (g1->dtype != x1->dtype || g2->dtype != x1->dtype)
    return dl_error("%s: gradInput tensors must be %s like the input", fn,
                    dl_dtype_name(x1->dtype));
  if (dl_tensor_resize_contig(fn, g1, x1->ndim, x1->size) ||
      dl_tensor_resize_contig(fn, g2, x1->ndim, x1->size))
    return -1;
  return 0;
}

#define MR_FWD(T)                                                                      \
  do {                                                                                 \
    const T *x1 = dl_tensor_data(&a.x1), *x2 = dl_tensor_data(&a.x2),                  \
            *y = dl_tensor_data(&a.y);                                                 \
    for (int64_t i = 0; i < n; i++) {                                                  \
      double z = -(double)y[i] * ((double)x1[i] - x2[i]) + margin;                     \
      if (z > 0) sum += z;                                                             \
    }                                                                                  \
  } while (0)

int nn_marginranking_forward(double *loss, const dl_tensor *x1, const dl_tensor *x2,
                             const dl_tensor *y, double margin, int size_average) {
  pair_args a;
  double sum = 0;
  int64_t n = dl_tensor_numel(x1);
  int rc = pair_open(&a, "nn.MarginRankingCriterion", x1, x2, y, n);
  if (!rc) {
    DL_DISPATCH_FLOAT(x1->dtype, MR_FWD);
    *loss = size_average && n > 0 ? sum / (double)n : sum;
  }
  pair_close(&a);
  return rc;
}

#define MR_BWD(T)                                                                      \
  do {                                                                                 \
    const T *x1 = dl_tensor_data(&a.x1), *x2 = dl_tensor_data(&a.x2),                  \
            *y = dl_tensor_data(&a.y);                                                 \
    T *d1 = dl_tensor_data(g1), *d2 = dl_tensor_data(g2);                              \
    for (int64_t i = 0; i < n; i++) {                                                  \
      double z = -(double)y[i] * ((double)x1[i] - x2[i]) + margin;                     \
      d1[i] = z > 0 ? (T)(-y[i] * norm) : 0;                                           \
      d2[i] = z > 0 ? (T)(y[i] * norm) : 0;                                            \
    }                                                                                  \
  } while (0)

int nn_marginranking_backward(dl_tensor *g1, dl_tensor *g2, const dl_tensor *x1,
                              const dl_tensor *x2, const dl_tensor *y, double margin,
                              int size_average) {
  pair_args a;
  const char *fn = "nn.MarginRankingCriterion";
  int64_t n = dl_tensor_numel(x1);
  int rc = pair_open(&a, fn, x1, x2, y, n);
  if (!rc) rc = grads_like(fn, g1, g2, x1);
  if (!rc) {
    double norm = size_average && n > 0 ? 1.0 / (double)n : 1.0;
    DL_DISPATCH_FLOAT(x1->dtype, MR_BWD);
  }
  pair_close(&a);
  return rc;
}

#define COS_EPS 1e-12

static int cos_shape(const char *fn, const dl_tensor *x1, int64_t *n, int64_t *d) {
  char buf[256];
  if (x1->ndim != 1 && x1->ndim != 2)
    return dl_error("%s: expected 1D or 2D (batch x features) inputs, got size %s", fn,
                    dl_sizestr(buf, sizeof buf, x1->ndim, x1->size));
  *n = x1->ndim == 2 ? x1->size[0] : 1;
  *d = x1->size[x1->ndim - 1];
  return 0;
}

/* Per pair: dot product and squared norms (plus eps), accumulated in double. */
#define COS_ROW(T)                                                                     \
  const T *a1 = (const T *)dl_tensor_data(&a.x1) + i * d;                              \
  const T *a2 = (const T *)dl_tensor_data(&a.x2) + i * d;                              \
  double dot = 0, n1 = COS_EPS, n2 = COS_EPS;                                          \
  for (int64_t j = 0; j < d; j++) {                                                    \
    dot += (double)a1[j] * a2[j];                                                      \
    n1 += (double)a1[j] * a1[j];                                                       \
    n2 += (double)a2[j] * a2[j];                                                       \
  }                                                                                    \
  double c = dot / sqrt(n1 * n2);                                                      \
  double yi = (double)((const T *)dl_tensor_data(&a.y))[i];

#define COS_FWD(T)                                                                     \
  do {                                                                                 \
    for (int64_t i = 0; i < n; i++) {                                                  \
      COS_ROW(T)                                                                       \
      if (yi == 1) sum += 1 - c;                                                       \
      else if (yi == -1 && c > margin) sum += c - margin;                              \
    }                                                                                  \
  } while (0)

int nn_cosineembedding_forward(double *loss, const dl_tensor *x1, const dl_tensor *x2,
                               const dl_tensor *y, double margin, int size_average) {
  pair_args a;
  const char *fn = "nn.CosineEmbeddingCriterion";
  double sum = 0;
  int64_t n, d;
  if (cos_shape(fn, x1, &n, &d)) return -1;
  int rc = pair_open(&a, fn, x1, x2, y, n);
  if (!rc) {
    DL_DISPATCH_FLOAT(x1->dtype, COS_FWD);
    *loss = size_average ? sum / (double)n : sum;
  }
  pair_close(&a);
  return rc;
}

/* dc/dx1 = x2 / sqrt(n1 n2) - c x1 / n1, and symmetrically for x2. */
#define COS_BWD(T)                                                                     \
  do {                                                                                 \
    for (int64_t i = 0; i < n; i++) {                                                  \
      COS_ROW(T)                                                                       \
      T *d1 = (T *)dl_tensor_data(g1) + i * d, *d2 = (T *)dl_tensor_data(g2) + i * d;  \
      double s = yi == 1 ? -norm : ((yi == -1 && c > margin) ? norm : 0);              \
      double inv = 1 / sqrt(n1 * n2);                                                  \
      for (int64_t j = 0; j < d; j++) {                                                \
        d1[j] = (T)(s * (a2[j] * inv - c * a1[j] / n1));                               \
        d2[j] = (T)(s * (a1[j] * inv - c * a2[j] / n2));                               \
      }                                                                                \
    }                                                                                  \
  } while (0)

int nn_cosineembedding_backward(dl_tensor *g1, dl_tensor *g2, const dl_tensor *x1,
                                const dl_tensor *x2, const dl_tensor *y, double margin,
                                int size_average) {
  pair_args a;
  const char *fn = "nn.CosineEmbeddingCriterion";
  int64_t n, d;
  if (cos_shape(fn, x1, &n, &d)) return -1;
  int rc = pair_open(&a, fn, x1, x2, y, n);
  if (!rc) rc = grads_like(fn, g1, g2, x1);
  if (!rc) {
    double norm = size_average ? 1.0 / (double)n : 1.0;
    DL_DISPATCH_FLOAT(x1->dtype, COS_BWD);
  }
  pair_close(&a);
  return rc;
}
