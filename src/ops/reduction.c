/* Reductions and scans: along one dimension of a strided view, or over every element.
   One kernel source per operation serves the types through DL_DISPATCH; Half has no
   math (as in Torch7), and along and over_all refuse it. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "copy.h"
#include "iter.h"
#include "reduction.h"

/* The accumulator type of T: double for floating types, int64 for integers. */
#define ACC(T) __typeof__(_Generic((T)0, float: 0.0, double: 0.0, default: (int64_t)0))
#define ISNAN(v) isnan((double)(v))

static int in_parallel(void) {
#ifdef _OPENMP
  return omp_in_parallel();
#else
  return 0;
#endif
}

/* ---- plans and outputs ------------------------------------------------------------ */

int op_red_makeplan(const char *fn, const dl_tensor *x, int dim, op_red_plan *p) {
  if (dim < 0 || dim >= x->ndim)
    return dl_error("%s: dimension %d out of range for a %dD tensor", fn, dim + 1, x->ndim);
  p->nd = 0;
  p->npos = 1;
  p->inner = 1;
  for (int d = 0; d < x->ndim; d++) {
    if (d == dim) continue;
    p->size[p->nd] = x->size[d];
    p->stride[p->nd] = x->stride[d];
    p->nd++;
    p->npos *= x->size[d];
    if (d > dim) p->inner *= x->size[d];
  }
  p->n = x->size[dim];
  p->xs = x->stride[dim];
  return 0;
}

int64_t op_red_xoffset(const op_red_plan *p, int64_t pos) {
  int64_t off = 0;
  for (int d = p->nd - 1; d >= 0 && pos > 0; d--) {
    off += (pos % p->size[d]) * p->stride[d];
    pos /= p->size[d];
  }
  return off;
}

int op_red_prepare(const char *fn, dl_tensor *out, const dl_tensor *x, int dim, int64_t len,
                   dl_dtype dt, dl_tensor *tmp, dl_tensor **use) {
  if (out->dtype != dt)
    return dl_error("%s: result must be a %sTensor, got a %sTensor", fn, dl_dtype_name(dt),
                    dl_dtype_name(out->dtype));
  int64_t size[DL_MAXDIM];
  memcpy(size, x->size, sizeof(int64_t) * x->ndim);
  size[dim] = len;
  if (out->storage && out->storage == x->storage) {
    *use = tmp; /* writing into x while reading it would corrupt the input */
    return dl_tensor_new(tmp, dt, x->ndim, size);
  }
  if (dl_tensor_resize(out, x->ndim, size) < 0) return -1;
  *use = out;
  if (dl_tensor_iscontiguous(out)) return 0;
  /* a view with these sizes (kept by resize): the kernels write contiguous outputs */
  *use = tmp;
  return dl_tensor_new(tmp, dt, x->ndim, size);
}

int op_red_finish(dl_tensor *out, dl_tensor *use) {
  if (use == out) return 0;
  int rc = dl_tensor_resize(out, use->ndim, use->size);
  if (!rc) rc = op_copy(out, use);
  dl_tensor_free(use);
  return rc;
}

/* ---- the dimension engine ---------------------------------------------------------- */

typedef struct job job;
/* Reduces (or scans) the n elements of one position: x is its first element, o and oi
   its first output value and index, os the element stride of the outputs along dim. */
typedef void (*pos_fn)(const job *j, const char *x, char *o, int64_t *oi, int64_t os);

struct job {
  op_red_plan p;
  dl_dtype dt;   /* x's type */
  double arg;    /* norm's p */
  int flag;      /* var's biased; max (1) or min (0) */
  pos_fn fn;
  const char *x;
  char *o;
  int64_t *oi;
  int64_t m;     /* output length along dim */
  size_t xsz, osz;
};

static void run(const job *j) {
  int64_t npos = j->p.npos, work = npos * j->p.n;
  (void)work;
#pragma omp parallel for schedule(static) if (work >= 2 * OP_GRAIN && npos > 1 && !in_parallel())
  for (int64_t pos = 0; pos < npos; pos++) {
    const char *x = j->x + op_red_xoffset(&j->p, pos) * (int64_t)j->xsz;
    int64_t oo = op_red_ooffset(&j->p, pos, j->m);
    j->fn(j, x, j->o + oo * (int64_t)j->osz, j->oi ? j->oi + oo : NULL, j->p.inner);
  }
}

/* Runs fn along dim of x into res (type odt, length m along dim) and ind (may be NULL). */
static int along(const char *fn, dl_tensor *res, dl_tensor *ind, const dl_tensor *x, int dim,
                 int64_t m, dl_dtype odt, pos_fn f, double arg, int flag) {
  job j;
  if (!dl_dtype_ismath(x->dtype))
    return dl_error("%s: not supported for torch.%sTensor", fn, dl_dtype_name(x->dtype));
  if (op_red_makeplan(fn, x, dim, &j.p) < 0) return -1;
  dl_tensor tmp, tmpi, *use, *usei = NULL;
  dl_tensor_init(&tmp, odt);
  dl_tensor_init(&tmpi, DL_LONG);
  if (op_red_prepare(fn, res, x, dim, m, odt, &tmp, &use) < 0) return -1;
  if (ind && op_red_prepare(fn, ind, x, dim, m, DL_LONG, &tmpi, &usei) < 0) {
    dl_tensor_free(&tmp);
    return -1;
  }
  j.dt = x->dtype;
  j.arg = arg;
  j.flag = flag;
  j.fn = f;
  j.x = dl_tensor_data(x);
  j.o = dl_tensor_data(use);
  j.oi = usei ? dl_tensor_data(usei) : NULL;
  j.m = m;
  j.xsz = dl_dtype_size(x->dtype);
  j.osz = dl_dtype_size(odt);
  if (j.p.npos > 0 && m > 0) run(&j);
  int rc = op_red_finish(res, use);
  if (usei && op_red_finish(ind, usei) < 0) rc = -1;
  return rc;
}

static int need_float(const char *fn, const dl_tensor *x) {
  if (dl_dtype_isfloat(x->dtype)) return 0;
  return dl_error("%s: expected a FloatTensor or DoubleTensor, got a %sTensor", fn,
                  dl_dtype_name(x->dtype));
}

/* ---- kernels along a dimension ------------------------------------------------------ */

#define KSUM(T)                                                  \
  {                                                              \
    const T *x = (const T *)xv;                                  \
    ACC(T) s = 0;                                                \
    for (int64_t k = 0; k < n; k++) s += x[k * xs];              \
    *(T *)o = (T)s;                                              \
  }
static void k_sum(const job *j, const char *xv, char *o, int64_t *oi, int64_t os) {
  int64_t n = j->p.n, xs = j->p.xs;
  DL_DISPATCH(j->dt, KSUM)
}

#define KPROD(T)                                                 \
  {                                                              \
    const T *x = (const T *)xv;                                  \
    ACC(T) s = 1;                                                \
    for (int64_t k = 0; k < n; k++) s *= x[k * xs];              \
    *(T *)o = (T)s;                                              \
  }
static void k_prod(const job *j, const char *xv, char *o, int64_t *oi, int64_t os) {
  int64_t n = j->p.n, xs = j->p.xs;
  DL_DISPATCH(j->dt, KPROD)
}

#define KMEAN(T)                                                 \
  {                                                              \
    const T *x = (const T *)xv;                                  \
    double s = 0;                                                \
    for (int64_t k = 0; k < n; k++) s += x[k * xs];              \
    *(T *)o = (T)(s / (double)n);                                \
  }
static void k_mean(const job *j, const char *xv, char *o, int64_t *oi, int64_t os) {
  int64_t n = j->p.n, xs = j->p.xs;
  DL_DISPATCH_FLOAT(j->dt, KMEAN)
}

/* Two passes (mean, then squared deviations) in double: stable enough and simple. */
#define KVAR(T)                                                  \
  {                                                              \
    const T *x = (const T *)xv;                                  \
    double s = 0, q = 0;                                         \
    for (int64_t k = 0; k < n; k++) s += x[k * xs];              \
    double mu = s / (double)n;                                   \
    for (int64_t k = 0; k < n; k++) {                            \
      double d = x[k * xs] - mu;                                 \
      q += d * d;                                                \
    }                                                            \
    double v = q / (double)(j->flag ? n : n - 1);                \
    *(T *)o = (T)(j->arg ? sqrt(v) : v);                         \
  }
static void k_var(const job *j, const char *xv, char *o, int64_t *oi, int64_t os) {
  int64_t n = j->p.n, xs = j->p.xs;
  DL_DISPATCH_FLOAT(j->dt, KVAR)
}

/* The p-norm of n values read through get(k). */
#define NORM_OF(get, p, out)                                     \
  {                                                              \
    double s = 0;                                                \
    if (p == 0) {                                                \
      for (int64_t k = 0; k < n; k++) s += (get) != 0;           \
    } else if (p == 1) {                                         \
      for (int64_t k = 0; k < n; k++) s += fabs((double)(get));  \
    } else if (p == 2) {                                         \
      for (int64_t k = 0; k < n; k++) {                          \
        double a = (get);                                        \
        s += a * a;                                              \
      }                                                          \
      s = sqrt(s);                                               \
    } else if (isinf(p)) {                                       \
      for (int64_t k = 0; k < n; k++) {                          \
        double a = fabs((double)(get));                          \
        if (a > s || isnan(a)) s = a;                            \
      }                                                          \
    } else {                                                     \
      for (int64_t k = 0; k < n; k++) s += pow(fabs((double)(get)), p); \
      s = pow(s, 1.0 / p);                                       \
    }                                                            \
    out = s;                                                     \
  }
#define KNORM(T)                                                 \
  {                                                              \
    const T *x = (const T *)xv;                                  \
    double r;                                                    \
    NORM_OF(x[k * xs], j->arg, r);                               \
    *(T *)o = (T)r;                                              \
  }
static void k_norm(const job *j, const char *xv, char *o, int64_t *oi, int64_t os) {
  int64_t n = j->p.n, xs = j->p.xs;
  DL_DISPATCH_FLOAT(j->dt, KNORM)
}

/* First largest (flag 1) or smallest (flag 0) element; the first NaN wins outright. */
#define KMAX(T)                                                  \
  {                                                              \
    const T *x = (const T *)xv;                                  \
    T best = x[0];                                               \
    int64_t bi = 0;                                              \
    for (int64_t k = 1; k < n && !ISNAN(best); k++) {            \
      T v = x[k * xs];                                           \
      if ((j->flag ? v > best : v < best) || ISNAN(v)) {         \
        best = v;                                                \
        bi = k;                                                  \
      }                                                          \
    }                                                            \
    *(T *)o = best;                                              \
    if (oi) *oi = bi + OP_INDEX_BASE;                            \
  }
static void k_max(const job *j, const char *xv, char *o, int64_t *oi, int64_t os) {
  int64_t n = j->p.n, xs = j->p.xs;
  DL_DISPATCH(j->dt, KMAX)
}

#define KCUM(T)                                                  \
  {                                                              \
    const T *x = (const T *)xv;                                  \
    T *y = (T *)o;                                               \
    ACC(T) s = j->flag ? 1 : 0;                                  \
    for (int64_t k = 0; k < n; k++) {                            \
      if (j->flag) s *= x[k * xs];                               \
      else s += x[k * xs];                                       \
      y[k * os] = (T)s;                                          \
    }                                                            \
  }
static void k_cum(const job *j, const char *xv, char *o, int64_t *oi, int64_t os) {
  int64_t n = j->p.n, xs = j->p.xs;
  DL_DISPATCH(j->dt, KCUM)
}

/* ---- along a dimension: the entry points -------------------------------------------- */

int op_red_sum(dl_tensor *res, const dl_tensor *x, int dim) {
  return along("sum", res, NULL, x, dim, 1, x->dtype, k_sum, 0, 0);
}

int op_red_prod(dl_tensor *res, const dl_tensor *x, int dim) {
  return along("prod", res, NULL, x, dim, 1, x->dtype, k_prod, 0, 0);
}

int op_red_mean(dl_tensor *res, const dl_tensor *x, int dim) {
  if (need_float("mean", x) < 0) return -1;
  return along("mean", res, NULL, x, dim, 1, x->dtype, k_mean, 0, 0);
}

int op_red_var(dl_tensor *res, const dl_tensor *x, int dim, int biased) {
  if (need_float("var", x) < 0) return -1;
  return along("var", res, NULL, x, dim, 1, x->dtype, k_var, 0, biased);
}

int op_red_std(dl_tensor *res, const dl_tensor *x, int dim, int biased) {
  if (need_float("std", x) < 0) return -1;
  return along("std", res, NULL, x, dim, 1, x->dtype, k_var, 1, biased);
}

int op_red_norm(dl_tensor *res, const dl_tensor *x, double p, int dim) {
  if (need_float("norm", x) < 0) return -1;
  if (p < 0 || isnan(p)) return dl_error("norm: p must be non-negative, got %g", p);
  return along("norm", res, NULL, x, dim, 1, x->dtype, k_norm, p, 0);
}

static int maxmin(const char *fn, dl_tensor *vals, dl_tensor *ind, const dl_tensor *x, int dim,
                  int flag) {
  if (dim >= 0 && dim < x->ndim && x->size[dim] == 0)
    return dl_error("%s: dimension %d is empty", fn, dim + 1);
  return along(fn, vals, ind, x, dim, 1, x->dtype, k_max, 0, flag);
}

int op_red_max(dl_tensor *vals, dl_tensor *ind, const dl_tensor *x, int dim) {
  return maxmin("max", vals, ind, x, dim, 1);
}

int op_red_min(dl_tensor *vals, dl_tensor *ind, const dl_tensor *x, int dim) {
  return maxmin("min", vals, ind, x, dim, 0);
}

int op_red_cumsum(dl_tensor *res, const dl_tensor *x, int dim) {
  int64_t n = dim >= 0 && dim < x->ndim ? x->size[dim] : 0;
  return along("cumsum", res, NULL, x, dim, n, x->dtype, k_cum, 0, 0);
}

int op_red_cumprod(dl_tensor *res, const dl_tensor *x, int dim) {
  int64_t n = dim >= 0 && dim < x->ndim ? x->size[dim] : 0;
  return along("cumprod", res, NULL, x, dim, n, x->dtype, k_cum, 0, 1);
}

/* ---- over every element ------------------------------------------------------------
   op_foreach hands runs of elements to the threads; each thread accumulates in a slot of
   its own, and the slots are combined at the end in thread order. */

enum { A_SUM, A_PROD, A_MAX, A_MIN, A_SQDEV, A_NORM, A_ALL, A_ANY, A_DIST };

typedef struct {
  double f;
  int64_t i;
  int has;       /* whether the slot saw any element (max/min) */
  char pad[40];  /* keeps two threads off one cache line */
} slot;

typedef struct {
  int op;
  dl_dtype dt;
  double arg; /* the mean for A_SQDEV, p for A_NORM and A_DIST */
  slot *slots;
} allctx;

static int thread_id(void) {
#ifdef _OPENMP
  return omp_get_thread_num();
#else
  return 0;
#endif
}

static int max_threads(void) {
#ifdef _OPENMP
  return omp_get_max_threads();
#else
  return 1;
#endif
}

#define AT(T, k) (*(const T *)(p + (k) * st))
#define ALL_LOOP(T)                                                          \
  {                                                                          \
    switch (c->op) {                                                         \
    case A_SUM: {                                                            \
      ACC(T) s = 0;                                                          \
      for (int64_t k = 0; k < n; k++) s += AT(T, k);                         \
      if (isf) sl->f += (double)s;                                           \
      else sl->i += (int64_t)s;                                              \
    } break;                                                                 \
    case A_PROD: {                                                           \
      ACC(T) s = 1;                                                          \
      for (int64_t k = 0; k < n; k++) s *= AT(T, k);                         \
      if (isf) sl->f *= (double)s;                                           \
      else sl->i *= (int64_t)s;                                              \
    } break;                                                                 \
    case A_MAX:                                                              \
    case A_MIN: {                                                            \
      T best = AT(T, 0);                                                     \
      for (int64_t k = 1; k < n && !ISNAN(best); k++) {                      \
        T v = AT(T, k);                                                      \
        if ((c->op == A_MAX ? v > best : v < best) || ISNAN(v)) best = v;    \
      }                                                                      \
      fold_best(sl, (double)best, isf ? 0 : (int64_t)best, c->op == A_MAX, isf); \
    } break;                                                                 \
    case A_SQDEV: {                                                          \
      double s = 0;                                                          \
      for (int64_t k = 0; k < n; k++) {                                      \
        double d = AT(T, k) - c->arg;                                        \
        s += d * d;                                                          \
      }                                                                      \
      sl->f += s;                                                            \
    } break;                                                                 \
    case A_NORM: {                                                           \
      double r, pw = c->arg;                                                 \
      if (pw == 0 || pw == 1 || isinf(pw)) {                                 \
        NORM_OF(AT(T, k), pw, r);                                            \
        if (isinf(pw)) {                                                     \
          if (r > sl->f || isnan(r)) sl->f = r;                              \
        } else {                                                             \
          sl->f += r;                                                        \
        }                                                                    \
      } else {                                                               \
        r = 0;                                                               \
        for (int64_t k = 0; k < n; k++) {                                    \
          double a = fabs((double)AT(T, k));                                 \
          r += pw == 2 ? a * a : pow(a, pw);                                 \
        }                                                                    \
        sl->f += r;                                                          \
      }                                                                      \
    } break;                                                                 \
    case A_ALL:                                                              \
      for (int64_t k = 0; k < n; k++)                                        \
        if (AT(T, k) == 0) sl->i = 0;                                        \
      break;                                                                 \
    case A_ANY:                                                              \
      for (int64_t k = 0; k < n; k++)                                        \
        if (AT(T, k) != 0) sl->i = 1;                                        \
      break;                                                                 \
    }                                                                        \
  }

/* Folds a run's best value into the slot; NaN sticks. */
static void fold_best(slot *sl, double f, int64_t i, int ismax, int isfloat) {
  int better;
  if (!sl->has) better = 1;
  else if (isfloat) better = !isnan(sl->f) && (isnan(f) || (ismax ? f > sl->f : f < sl->f));
  else better = ismax ? i > sl->i : i < sl->i;
  if (better) {
    sl->f = f;
    sl->i = i;
  }
  sl->has = 1;
}

static void all_loop(char **data, const int64_t *strides, int64_t n, void *ctx) {
  allctx *c = ctx;
  slot *sl = &c->slots[thread_id()];
  const char *p = data[0];
  int64_t st = strides[0];
  int isf = dl_dtype_isfloat(c->dt);
  DL_DISPATCH(c->dt, ALL_LOOP)
}

/* |a - b|^p summed (or maxed, p = inf) over a pair of runs. */
#define DIST_LOOP(T)                                                         \
  {                                                                          \
    const char *pa = data[0], *pb = data[1];                                 \
    double s = 0;                                                            \
    for (int64_t k = 0; k < n; k++) {                                        \
      double d = fabs((double)*(const T *)(pa + k * strides[0]) -            \
                      (double)*(const T *)(pb + k * strides[1]));            \
      if (isinf(pw)) {                                                       \
        if (d > s || isnan(d)) s = d;                                        \
      } else {                                                               \
        s += pw == 0 ? (d != 0) : pw == 1 ? d : pw == 2 ? d * d : pow(d, pw); \
      }                                                                      \
    }                                                                        \
    if (isinf(pw)) {                                                         \
      if (s > sl->f || isnan(s)) sl->f = s;                                  \
    } else {                                                                 \
      sl->f += s;                                                            \
    }                                                                        \
  }
static void dist_loop(char **data, const int64_t *strides, int64_t n, void *ctx) {
  allctx *c = ctx;
  slot *sl = &c->slots[thread_id()];
  double pw = c->arg;
  DL_DISPATCH(c->dt, DIST_LOOP)
}

/* Runs op over x (and b for A_DIST) and combines the slots into *out. */
static int over_all(int op, const dl_tensor *x, const dl_tensor *b, double arg, slot *out) {
  if (!dl_dtype_ismath(x->dtype))
    return dl_error("reduction: not supported for torch.%sTensor", dl_dtype_name(x->dtype));
  int nt = max_threads();
  slot *slots = calloc((size_t)nt, sizeof(slot));
  if (!slots) return dl_error("reduction: out of memory for %d thread slots", nt);
  double f0 = op == A_PROD ? 1 : 0;
  int64_t i0 = op == A_PROD || op == A_ALL ? 1 : 0;
  for (int t = 0; t < nt; t++) {
    slots[t].f = f0;
    slots[t].i = i0;
  }
  allctx c = {op, x->dtype, arg, slots};
  if (op == A_DIST) {
    const dl_tensor *ts[2] = {x, b};
    op_foreach(2, ts, dist_loop, &c);
  } else {
    const dl_tensor *ts[1] = {x};
    op_foreach(1, ts, all_loop, &c);
  }
  *out = slots[0];
  for (int t = 1; t < nt; t++) {
    slot *s = &slots[t];
    switch (op) {
    case A_SUM: case A_SQDEV: out->f += s->f; out->i += s->i; break;
    case A_PROD: out->f *= s->f; out->i *= s->i; break;
    case A_MAX: case A_MIN:
      if (s->has) fold_best(out, s->f, s->i, op == A_MAX, dl_dtype_isfloat(x->dtype));
      break;
    case A_ALL: out->i &= s->i; break;
    case A_ANY: out->i |= s->i; break;
    case A_NORM: case A_DIST:
      if (isinf(arg)) {
        if (s->f > out->f || isnan(s->f)) out->f = s->f;
      } else {
        out->f += s->f;
      }
      break;
    }
  }
  free(slots);
  return 0;
}

static void to_num(const dl_tensor *x, const slot *s, op_red_num *r) {
  r->isint = !dl_dtype_isfloat(x->dtype);
  r->i = s->i;
  r->f = r->isint ? (double)s->i : s->f;
}

int op_red_sumall(const dl_tensor *x, op_red_num *r) {
  slot s;
  if (over_all(A_SUM, x, NULL, 0, &s) < 0) return -1;
  to_num(x, &s, r);
  return 0;
}

int op_red_prodall(const dl_tensor *x, op_red_num *r) {
  slot s;
  if (over_all(A_PROD, x, NULL, 0, &s) < 0) return -1;
  to_num(x, &s, r);
  return 0;
}

static int maxminall(const char *fn, int op, const dl_tensor *x, op_red_num *r) {
  if (dl_tensor_numel(x) == 0) return dl_error("%s: tensor is empty", fn);
  slot s;
  if (over_all(op, x, NULL, 0, &s) < 0) return -1;
  to_num(x, &s, r);
  return 0;
}

int op_red_maxall(const dl_tensor *x, op_red_num *r) { return maxminall("max", A_MAX, x, r); }
int op_red_minall(const dl_tensor *x, op_red_num *r) { return maxminall("min", A_MIN, x, r); }

int op_red_meanall(const dl_tensor *x, double *r) {
  op_red_num s;
  if (op_red_sumall(x, &s) < 0) return -1;
  *r = s.f / (double)dl_tensor_numel(x);
  return 0;
}

int op_red_varall(const dl_tensor *x, int biased, double *r) {
  double mu;
  slot s;
  int64_t n = dl_tensor_numel(x);
  if (op_red_meanall(x, &mu) < 0 || over_all(A_SQDEV, x, NULL, mu, &s) < 0) return -1;
  *r = s.f / (double)(biased ? n : n - 1);
  return 0;
}

int op_red_stdall(const dl_tensor *x, int biased, double *r) {
  if (op_red_varall(x, biased, r) < 0) return -1;
  *r = sqrt(*r);
  return 0;
}

static double norm_finish(double s, double p) {
  if (p == 2) return sqrt(s);
  if (p == 0 || p == 1 || isinf(p)) return s;
  return pow(s, 1.0 / p);
}

int op_red_normall(const dl_tensor *x, double p, double *r) {
  if (p < 0 || isnan(p)) return dl_error("norm: p must be non-negative, got %g", p);
  slot s;
  if (over_all(A_NORM, x, NULL, p, &s) < 0) return -1;
  *r = norm_finish(s.f, p);
  return 0;
}

int op_red_dist(const dl_tensor *a, const dl_tensor *b, double p, double *r) {
  if (a->dtype != b->dtype)
    return dl_error("dist: tensors must have the same type, got %sTensor and %sTensor",
                    dl_dtype_name(a->dtype), dl_dtype_name(b->dtype));
  if (p < 0 || isnan(p)) return dl_error("dist: p must be non-negative, got %g", p);
  int64_t size[DL_MAXDIM];
  int nd = dl_broadcast_shape("dist", a, b, size);
  if (nd < 0) return -1;
  dl_tensor ea, eb;
  dl_tensor_init(&ea, a->dtype);
  dl_tensor_init(&eb, b->dtype);
  dl_tensor_set(&ea, a);
  dl_tensor_set(&eb, b);
  int rc = dl_tensor_expand(&ea, nd, size);
  if (!rc) rc = dl_tensor_expand(&eb, nd, size);
  slot s;
  if (!rc) rc = over_all(A_DIST, &ea, &eb, p, &s);
  if (!rc) *r = norm_finish(s.f, p);
  dl_tensor_free(&ea);
  dl_tensor_free(&eb);
  return rc;
}

int op_red_trace(const dl_tensor *x, op_red_num *r) {
  if (x->ndim != 2) return dl_error("trace: expected a 2D tensor, got %dD", x->ndim);
  dl_tensor d;
  dl_tensor_init(&d, x->dtype);
  dl_tensor_set(&d, x);
  /* the diagonal is a 1D view whose stride steps a row and a column at once */
  int64_t n = x->size[0] < x->size[1] ? x->size[0] : x->size[1];
  int64_t st = x->stride[0] + x->stride[1];
  int rc = dl_tensor_set_storage(&d, x->storage, x->offset, 1, &n, &st);
  if (!rc) rc = op_red_sumall(&d, r);
  dl_tensor_free(&d);
  return rc;
}

static int bool_all(const char *fn, int op, const dl_tensor *x, int *r) {
  if (x->dtype != DL_BYTE)
    return dl_error("%s: expected a ByteTensor, got a %sTensor", fn, dl_dtype_name(x->dtype));
  slot s;
  if (over_all(op, x, NULL, 0, &s) < 0) return -1;
  *r = (int)s.i;
  return 0;
}

int op_red_all(const dl_tensor *x, int *r) { return bool_all("all", A_ALL, x, r); }
int op_red_any(const dl_tensor *x, int *r) { return bool_all("any", A_ANY, x, r); }

/* Counts unequal pairs as A_SUM would count ones. */
#define NEQ_LOOP(T)                                                          \
  {                                                                          \
    for (int64_t k = 0; k < n; k++)                                          \
      if (!(*(const T *)(data[0] + k * strides[0]) ==                        \
            *(const T *)(data[1] + k * strides[1])))                         \
        sl->i++;                                                             \
  }
static void neq_loop(char **data, const int64_t *strides, int64_t n, void *ctx) {
  allctx *c = ctx;
  slot *sl = &c->slots[thread_id()];
  DL_DISPATCH(c->dt, NEQ_LOOP)
}

int op_red_equal(const dl_tensor *a, const dl_tensor *b) {
  if (a->dtype != b->dtype || !dl_tensor_samesize(a, b)) return 0;
  if (a->dtype == DL_HALF) { /* bit patterns, with +0 == -0 and NaN unequal, as floats */
    dl_tensor fa, fb;
    dl_tensor_init(&fa, DL_FLOAT);
    dl_tensor_init(&fb, DL_FLOAT);
    int rc = op_clone(&fa, a, DL_FLOAT);
    if (rc == 0) rc = op_clone(&fb, b, DL_FLOAT);
    if (rc == 0) rc = op_red_equal(&fa, &fb);
    dl_tensor_free(&fa);
    dl_tensor_free(&fb);
    return rc;
  }
  int nt = max_threads();
  slot *slots = calloc((size_t)nt, sizeof(slot));
  if (!slots) return dl_error("equal: out of memory");
  allctx c = {A_SUM, a->dtype, 0, slots};
  const dl_tensor *ts[2] = {a, b};
  op_foreach(2, ts, neq_loop, &c);
  int64_t diff = 0;
  for (int t = 0; t < nt; t++) diff += slots[t].i;
  free(slots);
  return diff == 0;
}

