/* Optimizer update kernels. Each is one pass over the elements in which every
   operand is read and written once: what Torch7 did in five or six tensor calls
   (each a pass over memory) is done here in one, with no temporary. */
#include <string.h>
#include <tgmath.h> /* sqrt and fabs pick the float or double version from T */

#include "../ops/iter.h"
#include "optim.h"

/* Checks the operands of optimizer fn: names[i] labels ts[i] in messages; NULL tensors
   (absent optional buffers) are skipped. ts[0] (x) sets the type and the length. */
static int check_operands(const char *fn, int n, const dl_tensor *const *ts,
                          const char *const *names) {
  const dl_tensor *x = ts[0];
  if (!dl_dtype_isfloat(x->dtype))
    return dl_error("%s: %s must be a Float or Double tensor, got %s", fn, names[0],
                    dl_dtype_name(x->dtype));
  int64_t len = dl_tensor_numel(x);
  char b1[128], b2[128];
  for (int i = 0; i < n; i++) {
    const dl_tensor *t = ts[i];
    if (!t) continue;
    if (t->dtype != x->dtype)
      return dl_error("%s: %s is a %s tensor but %s is a %s tensor", fn, names[i],
                      dl_dtype_name(t->dtype), names[0], dl_dtype_name(x->dtype));
    if (dl_tensor_numel(t) != len)
      return dl_error("%s: %s has %lld elements (size %s) but %s has %lld (size %s)", fn,
                      names[i], (long long)dl_tensor_numel(t),
                      dl_sizestr(b1, sizeof b1, t->ndim, t->size), names[0],
                      (long long)len, dl_sizestr(b2, sizeof b2, x->ndim, x->size));
    if (!dl_tensor_iscontiguous(t))
      return dl_error("%s: %s must be contiguous (size %s, stride %s); call :contiguous() "
                      "or use getParameters()", fn, names[i],
                      dl_sizestr(b1, sizeof b1, t->ndim, t->size),
                      dl_sizestr(b2, sizeof b2, t->ndim, t->stride));
  }
  return 0;
}

#define CHECK_OPS(fn, ...)                                                   \
  do {                                                                       \
    const dl_tensor *ts_[] = {__VA_ARGS__};                                  \
    static const char *const nm_[] = {OPTIM_NAMES};                          \
    if (check_operands(fn, (int)(sizeof ts_ / sizeof ts_[0]), ts_, nm_) < 0) \
      return -1;                                                             \
  } while (0)

/* Typed data pointer of an operand, or NULL when the operand is absent. */
#define DATA(T, t) ((t) ? (T *)dl_tensor_data(t) : (T *)NULL)

/* Every loop below runs over n elements, in parallel once n is worth the threads. */
/* simd: GCC 12 at -O2 vectorises loops of unknown trip count only when told to */
#define PARALLEL_FOR _Pragma("omp parallel for simd schedule(static) if (n >= OP_GRAIN)")

/* ---- SGD -------------------------------------------------------------------------- */

#define SGD_LOOP(T)                                                              \
  {                                                                              \
    T *xp = DATA(T, x), *bp = DATA(T, buf);                                      \
    const T *gp = DATA(T, dx), *lp = DATA(T, lrs), *wp = DATA(T, wds);           \
    const T lr = (T)c->lr, wd = (T)c->wd, mom = (T)c->mom, damp1 = (T)(1 - c->damp); \
    const int nesterov = c->nesterov, init = c->init;                           \
    PARALLEL_FOR                                                                 \
    for (int64_t i = 0; i < n; i++) {                                            \
      T g = gp[i];                                                               \
      if (wd != 0) g += wd * xp[i];                                              \
      else if (wp) g += wp[i] * xp[i];                                           \
      if (bp) {                                                                  \
        T b = init ? g : mom * bp[i] + damp1 * g;                                \
        bp[i] = b;                                                               \
        g = nesterov ? g + mom * b : b;                                          \
      }                                                                          \
      if (lp) g *= lp[i];                                                        \
      xp[i] -= lr * g;                                                           \
    }                                                                            \
  }

int optim_sgd(dl_tensor *x, const dl_tensor *dx, dl_tensor *buf, const dl_tensor *lrs,
              const dl_tensor *wds, const optim_sgd_cfg *c) {
#define OPTIM_NAMES "x", "dx", "state.dfdx", "config.learningRates", "config.weightDecays"
  CHECK_OPS("optim.sgd", x, dx, buf, lrs, wds);
#undef OPTIM_NAMES
  int64_t n = dl_tensor_numel(x);
  DL_DISPATCH_FLOAT(x->dtype, SGD_LOOP);
  return 0;
}

/* ---- NAG -------------------------------------------------------------------------- */

#define NAG_AHEAD_LOOP(T)                                         \
  {                                                               \
    T *xp = DATA(T, x), *cp = DATA(T, xcopy);                     \
    const T *vp = DATA(T, v), m = (T)mom;                         \
    PARALLEL_FOR                                                  \
    for (int64_t i = 0; i < n; i++) {                             \
      cp[i] = xp[i];                                              \
      xp[i] += m * vp[i];                                         \
    }                                                             \
  }

int optim_nag_lookahead(dl_tensor *x, dl_tensor *xcopy, const dl_tensor *v, double mom) {
#define OPTIM_NAMES "x", "state.x_copy", "state.dfdx"
  CHECK_OPS("optim.nag", x, xcopy, v);
#undef OPTIM_NAMES
  int64_t n = dl_tensor_numel(x);
  DL_DISPATCH_FLOAT(x->dtype, NAG_AHEAD_LOOP);
  return 0;
}

#define NAG_LOOP(T)                                                   \
  {                                                                   \
    T *xp = DATA(T, x), *cp = DATA(T, xcopy), *vp = DATA(T, v);       \
    const T *gp = DATA(T, dx), *lp = DATA(T, lrs);                    \
    const T r = (T)lr, w = (T)wd, m = (T)mom;                         \
    PARALLEL_FOR                                                      \
    for (int64_t i = 0; i < n; i++) {                                 \
      T g = gp[i] + w * xp[i]; /* no branch: vectorises */            \
      if (lp) g *= lp[i];                                             \
      T vi = m * vp[i] - r * g;                                       \
      vp[i] = vi;                                                     \
      cp[i] += vi;                                                    \
      xp[i] = cp[i];                                                  \
    }                                                                 \
  }

int optim_nag(dl_tensor *x, const dl_tensor *dx, dl_tensor *xcopy, dl_tensor *v,
              const dl_tensor *lrs, double lr, double wd, double mom) {
#define OPTIM_NAMES "x", "dx", "state.x_copy", "state.dfdx", "config.learningRates"
  CHECK_OPS("optim.nag", x, dx, xcopy, v, lrs);
#undef OPTIM_NAMES
  int64_t n = dl_tensor_numel(x);
  DL_DISPATCH_FLOAT(x->dtype, NAG_LOOP);
  return 0;
}

/* ---- Adam, AdamW, AdaMax ---------------------------------------------------------- */

#define ADAM_LOOP(T)                                                  \
  {                                                                   \
    T *xp = DATA(T, x), *mp = DATA(T, m), *vp = DATA(T, v);           \
    const T *gp = DATA(T, dx);                                        \
    const T s = (T)step, a1 = (T)b1, a2 = (T)b2, e = (T)eps, w = (T)wd; \
    PARALLEL_FOR                                                      \
    for (int64_t i = 0; i < n; i++) {                                 \
      T g = gp[i] + w * xp[i]; /* no branch: vectorises */            \
      T mi = a1 * mp[i] + (1 - a1) * g;                               \
      T vi = a2 * vp[i] + (1 - a2) * g * g;                           \
      mp[i] = mi;                                                     \
      vp[i] = vi;                                                     \
      xp[i] -= s * mi / (sqrt(vi) + e);                               \
    }                                                                 \
  }

int optim_adam(dl_tensor *x, const dl_tensor *dx, dl_tensor *m, dl_tensor *v, double step,
               double b1, double b2, double eps, double wd) {
#define OPTIM_NAMES "x", "dx", "state.m", "state.v"
  CHECK_OPS("optim.adam", x, dx, m, v);
#undef OPTIM_NAMES
  int64_t n = dl_tensor_numel(x);
  DL_DISPATCH_FLOAT(x->dtype, ADAM_LOOP);
  return 0;
}

/* The decay multiplies x before the gradient step, and the gradient was taken at the
   undecayed x: the order PyTorch's AdamW uses. */
#define ADAMW_LOOP(T)                                                 \
  {                                                                   \
    T *xp = DATA(T, x), *mp = DATA(T, m), *vp = DATA(T, v);           \
    const T *gp = DATA(T, dx);                                        \
    const T decay = (T)(1 - lr * wd), s = (T)(lr / bc1);              \
    const T rbc2 = (T)sqrt(bc2), a1 = (T)b1, a2 = (T)b2, e = (T)eps;  \
    PARALLEL_FOR                                                      \
    for (int64_t i = 0; i < n; i++) {                                 \
      T g = gp[i];                                                    \
      T mi = a1 * mp[i] + (1 - a1) * g;                               \
      T vi = a2 * vp[i] + (1 - a2) * g * g;                           \
      mp[i] = mi;                                                     \
      vp[i] = vi;                                                     \
      xp[i] = xp[i] * decay - s * mi / (sqrt(vi) / rbc2 + e);         \
    }                                                                 \
  }

int optim_adamw(dl_tensor *x, const dl_tensor *dx, dl_tensor *m, dl_tensor *v, double lr,
                double b1, double b2, double eps, double wd, double bc1, double bc2) {
#define OPTIM_NAMES "x", "dx", "state.m", "state.v"
  CHECK_OPS("optim.adamw", x, dx, m, v);
#undef OPTIM_NAMES
  int64_t n = dl_tensor_numel(x);
  DL_DISPATCH_FLOAT(x->dtype, ADAMW_LOOP);
  return 0;
}

#define ADAMAX_LOOP(T)                                                \
  {                                                                   \
    T *xp = DATA(T, x), *mp = DATA(T, m), *up = DATA(T, u);           \
    const T *gp = DATA(T, dx);                                        \
    const T s = (T)step, a1 = (T)b1, a2 = (T)b2, e = (T)eps;          \
    PARALLEL_FOR                                                      \
    for (int64_t i = 0; i < n; i++) {                                 \
      T g = gp[i];                                                    \
      T mi = a1 * mp[i] + (1 - a1) * g;                               \
      T ui = a2 * up[i], ag = fabs(g) + e;                            \
      if (ag > ui) ui = ag;                                           \
      mp[i] = mi;                                                     \
      up[i] = ui;                                                     \
      xp[i] -= s * mi / ui;                                           \
    }                                                                 \
  }

int optim_adamax(dl_tensor *x, const dl_tensor *dx, dl_tensor *m, dl_tensor *u, double step,
                 double b1, double b2, double eps) {
#define OPTIM_NAMES "x", "dx", "state.m", "state.u"
  CHECK_OPS("optim.adamax", x, dx, m, u);
#undef OPTIM_NAMES
  int64_t n = dl_tensor_numel(x);
  DL_DISPATCH_FLOAT(x->dtype, ADAMAX_LOOP);
  return 0;
}

/* ---- Adagrad, Adadelta, RMSprop --------------------------------------------------- */

#define ADAGRAD_LOOP(T)                                               \
  {                                                                   \
    T *xp = DATA(T, x), *vp = DATA(T, var);                           \
    const T *gp = DATA(T, dx);                                        \
    const T r = (T)lr, w = (T)wd;                                     \
    PARALLEL_FOR                                                      \
    for (int64_t i = 0; i < n; i++) {                                 \
      T g = gp[i] + w * xp[i]; /* no branch: vectorises */            \
      T vi = vp[i] + g * g;                                           \
      vp[i] = vi;                                                     \
      xp[i] -= r * g / (sqrt(vi) + (T)1e-10);                         \
    }                                                                 \
  }

int optim_adagrad(dl_tensor *x, const dl_tensor *dx, dl_tensor *var, double lr, double wd) {
#define OPTIM_NAMES "x", "dx", "state.paramVariance"
  CHECK_OPS("optim.adagrad", x, dx, var);
#undef OPTIM_NAMES
  int64_t n = dl_tensor_numel(x);
  DL_DISPATCH_FLOAT(x->dtype, ADAGRAD_LOOP);
  return 0;
}

#define ADADELTA_LOOP(T)                                              \
  {                                                                   \
    T *xp = DATA(T, x), *vp = DATA(T, var), *ap = DATA(T, acc);       \
    const T *gp = DATA(T, dx);                                        \
    const T r = (T)rho, e = (T)eps, w = (T)wd;                        \
    PARALLEL_FOR                                                      \
    for (int64_t i = 0; i < n; i++) {                                 \
      T g = gp[i] + w * xp[i]; /* no branch: vectorises */            \
      T vi = r * vp[i] + (1 - r) * g * g;                             \
      T delta = sqrt(ap[i] + e) / sqrt(vi + e) * g;                   \
      vp[i] = vi;                                                     \
      xp[i] -= delta;                                                 \
      ap[i] = r * ap[i] + (1 - r) * delta * delta;                    \
    }                                                                 \
  }

int optim_adadelta(dl_tensor *x, const dl_tensor *dx, dl_tensor *var, dl_tensor *acc,
                   double rho, double eps, double wd) {
#define OPTIM_NAMES "x", "dx", "state.paramVariance", "state.accDelta"
  CHECK_OPS("optim.adadelta", x, dx, var, acc);
#undef OPTIM_NAMES
  int64_t n = dl_tensor_numel(x);
  DL_DISPATCH_FLOAT(x->dtype, ADADELTA_LOOP);
  return 0;
}

#define RMSPROP_LOOP(T)                                               \
  {                                                                   \
    T *xp = DATA(T, x), *mp = DATA(T, m);                             \
    const T *gp = DATA(T, dx);                                        \
    const T r = (T)lr, a = (T)alpha, e = (T)eps, w = (T)wd;           \
    PARALLEL_FOR                                                      \
    for (int64_t i = 0; i < n; i++) {                                 \
      T g = gp[i] + w * xp[i]; /* no branch: vectorises */            \
      T mi = a * mp[i] + (1 - a) * g * g;                             \
      mp[i] = mi;                                                     \
      xp[i] -= r * g / (sqrt(mi) + e);                                \
    }                                                                 \
  }

int optim_rmsprop(dl_tensor *x, const dl_tensor *dx, dl_tensor *m, double lr, double alpha,
                  double eps, double wd) {
#define OPTIM_NAMES "x", "dx", "state.m"
  CHECK_OPS("optim.rmsprop", x, dx, m);
#undef OPTIM_NAMES
  int64_t n = dl_tensor_numel(x);
  DL_DISPATCH_FLOAT(x->dtype, RMSPROP_LOOP);
  return 0;
}

/* ---- ASGD, Rprop ------------------------------------------------------------------ */

#define ASGD_LOOP(T)                                                  \
  {                                                                   \
    T *xp = DATA(T, x), *ap = DATA(T, ax);                            \
    const T *gp = DATA(T, dx);                                        \
    const T decay = (T)(1 - lambda * eta), e = (T)eta, u = (T)mu;     \
    const int average = mu != 1;                                      \
    PARALLEL_FOR                                                      \
    for (int64_t i = 0; i < n; i++) {                                 \
      T xi = xp[i] * decay - e * gp[i];                               \
      xp[i] = xi;                                                     \
      ap[i] = average ? ap[i] + u * (xi - ap[i]) : xi;                \
    }                                                                 \
  }

int optim_asgd(dl_tensor *x, const dl_tensor *dx, dl_tensor *ax, double eta, double lambda,
               double mu) {
#define OPTIM_NAMES "x", "dx", "state.ax"
  CHECK_OPS("optim.asgd", x, dx, ax);
#undef OPTIM_NAMES
  int64_t n = dl_tensor_numel(x);
  DL_DISPATCH_FLOAT(x->dtype, ASGD_LOOP);
  return 0;
}

#define RPROP_LOOP(T)                                                 \
  {                                                                   \
    T *xp = DATA(T, x), *pp = DATA(T, prev), *sp = DATA(T, step);     \
    const T *gp = DATA(T, dx);                                        \
    const T up = (T)etaplus, down = (T)etaminus;                      \
    const T lo = (T)stepmin, hi = (T)stepmax;                         \
    PARALLEL_FOR                                                      \
    for (int64_t i = 0; i < n; i++) {                                 \
      T g = gp[i], p = g * pp[i], s = sp[i];                          \
      if (p > 0) s *= up;                                             \
      else if (p < 0) s *= down;                                      \
      if (s > hi) s = hi;                                             \
      if (s < lo) s = lo;                                             \
      if (p < 0) g = 0; /* sign flipped: step back off, no move */    \
      sp[i] = s;                                                      \
      pp[i] = g;                                                      \
      xp[i] -= (g > 0) ? s : (g < 0) ? -s : 0;                        \
    }                                                                 \
  }

int optim_rprop(dl_tensor *x, const dl_tensor *dx, dl_tensor *prev, dl_tensor *step,
                double etaplus, double etaminus, double stepmin, double stepmax) {
#define OPTIM_NAMES "x", "dx", "state.delta", "state.stepsize"
  CHECK_OPS("optim.rprop", x, dx, prev, step);
#undef OPTIM_NAMES
  int64_t n = dl_tensor_numel(x);
  DL_DISPATCH_FLOAT(x->dtype, RPROP_LOOP);
  return 0;
}

/* ---- vector helpers --------------------------------------------------------------- */

/* Reductions accumulate in double whatever T is, so a float dot over a million
   elements keeps its digits; the sum order within a thread is fixed, so results are
   reproducible for one thread count. */
#define DOT_LOOP(T)                                                   \
  {                                                                   \
    const T *ap = DATA(T, a), *bp = DATA(T, b);                       \
    _Pragma("omp parallel for schedule(static) reduction(+:s) if (n >= OP_GRAIN)") \
    for (int64_t i = 0; i < n; i++) s += (double)ap[i] * (double)bp[i]; \
  }

int optim_dot(const dl_tensor *a, const dl_tensor *b, double *out) {
#define OPTIM_NAMES "a", "b"
  CHECK_OPS("optim.dot", a, b);
#undef OPTIM_NAMES
  int64_t n = dl_tensor_numel(a);
  double s = 0;
  DL_DISPATCH_FLOAT(a->dtype, DOT_LOOP);
  *out = s;
  return 0;
}

#define ASUM_LOOP(T)                                                  \
  {                                                                   \
    const T *ap = DATA(T, x);                                         \
    _Pragma("omp parallel for schedule(static) reduction(+:s) if (n >= OP_GRAIN)") \
    for (int64_t i = 0; i < n; i++) s += fabs((double)ap[i]);         \
  }

int optim_asum(const dl_tensor *x, double *out) {
#define OPTIM_NAMES "x"
  CHECK_OPS("optim.asum", x);
#undef OPTIM_NAMES
  int64_t n = dl_tensor_numel(x);
  double s = 0;
  DL_DISPATCH_FLOAT(x->dtype, ASUM_LOOP);
  *out = s;
  return 0;
}

#define AXPBY_LOOP(T)                                                 \
  {                                                                   \
    T *yp = DATA(T, y);                                               \
    const T *xp = DATA(T, x), a = (T)alpha, b = (T)beta;              \
    if (beta == 0) {                                                  \
      PARALLEL_FOR                                                    \
      for (int64_t i = 0; i < n; i++) yp[i] = a * xp[i];              \
    } else {                                                          \
      PARALLEL_FOR                                                    \
      for (int64_t i = 0; i < n; i++) yp[i] = b * yp[i] + a * xp[i];  \
    }                                                                 \
  }

int optim_axpby(dl_tensor *y, double alpha, const dl_tensor *x, double beta) {
#define OPTIM_NAMES "y", "x"
  CHECK_OPS("optim.axpby", y, x);
#undef OPTIM_NAMES
  int64_t n = dl_tensor_numel(y);
  DL_DISPATCH_FLOAT(y->dtype, AXPBY_LOOP);
  return 0;
}

/* ---- confusion counts ------------------------------------------------------------- */

/* Element i (0-based) of a 1-D tensor, or the arg-max (1-based) of row i of a 2-D one,
   as a class index. Reads any dtype and any strides. */
#define ROW_CLASS(T)                                                          \
  {                                                                           \
    const T *p = (const T *)dl_tensor_data(t) + i * t->stride[0];             \
    if (t->ndim == 1 || t->size[1] == 1) {                                    \
      c = (double)p[0];                                                       \
    } else {                                                                  \
      int64_t best = 0;                                                       \
      for (int64_t j = 1; j < t->size[1]; j++)                                \
        if (p[j * t->stride[1]] > p[best * t->stride[1]]) best = j;           \
      c = (double)(best + 1);                                                 \
    }                                                                         \
  }

static double row_class(const dl_tensor *t, int64_t i) {
  double c = 0;
  DL_DISPATCH(t->dtype, ROW_CLASS);
  return c;
}

int optim_confusion_add(dl_tensor *mat, const dl_tensor *pred, const dl_tensor *target) {
  const char *fn = "ConfusionMatrix.batchAdd";
  if (mat->dtype != DL_LONG || mat->ndim != 2 || mat->size[0] != mat->size[1] ||
      !dl_tensor_iscontiguous(mat))
    return dl_error("%s: the matrix must be a contiguous square LongTensor", fn);
  if (pred->ndim < 1 || pred->ndim > 2)
    return dl_error("%s: predictions must be 1-D or 2-D, got %d dimensions", fn, pred->ndim);
  if (target->ndim < 1 || target->ndim > 2)
    return dl_error("%s: targets must be 1-D or 2-D, got %d dimensions", fn, target->ndim);
  int64_t k = mat->size[0], n = pred->size[0];
  if (target->size[0] != n)
    return dl_error("%s: %lld predictions but %lld targets", fn, (long long)n,
                    (long long)target->size[0]);
  if (pred->ndim == 2 && pred->size[1] != 1 && pred->size[1] != k)
    return dl_error("%s: predictions have %lld scores per row, expected %lld classes", fn,
                    (long long)pred->size[1], (long long)k);
  if (target->ndim == 2 && target->size[1] != 1 && target->size[1] != k)
    return dl_error("%s: targets have %lld columns per row, expected %lld classes", fn,
                    (long long)target->size[1], (long long)k);
  /* Check every index before counting any, so that a bad batch leaves mat unchanged. */
  for (int pass = 0; pass < 2; pass++) {
    int64_t *m = dl_tensor_data(mat);
    for (int64_t i = 0; i < n; i++) {
      double t = row_class(target, i), p = row_class(pred, i);
      if (t <= 0) continue; /* missing label */
      if (t > (double)k || t != t)
        return dl_error("%s: target %g of sample %lld out of range 1..%lld", fn, t,
                        (long long)(i + 1), (long long)k);
      if (p < 1 || p > (double)k || p != p)
        return dl_error("%s: prediction %g of sample %lld out of range 1..%lld", fn, p,
                        (long long)(i + 1), (long long)k);
      if (pass == 1) m[((int64_t)t - 1) * k + ((int64_t)p - 1)]++;
    }
  }
  return 0;
}
