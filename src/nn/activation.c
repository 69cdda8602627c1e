/* Elementwise layers (see activation.h). The elementwise kinds are rows of one table,
   expanded by the elementwise engine's loop generators (ops/pointwise.h); PReLU works on
   contiguous copies (views when the input already is contiguous) with the typed loops of
   activation_loops.h. */
/* GELU's float rows vectorise only when GCC may if-convert fastmath.h's clamps (see
   there); nothing here reads the floating-point flags. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("no-trapping-math")
#endif
#include "activation.h"

#include <string.h>
#include <tgmath.h> /* exp, tanh, erf... pick the float or double function by argument */

#include "../ops/iter.h"
#include "../ops/pointwise.h"
#include "fastmath.h"
#include "prelude.h"

/* c as a constant of x's type, so that float rows compute in float. */
#define LIKE(x, c) _Generic((x), float: (float)(c), default: (double)(c))
#define SQRT1_2 0.70710678118654752440 /* 1/sqrt(2) */
#define INV_SQRT_2PI 0.39894228040143267794

/* The normal CDF, exp and tanh of GELU, Sigmoid and Tanh: fastmath.h's in float (the
   loops vectorise; within a few float ulps), libm's in double. */
static inline double phi_double(double x) { return 0.5 * erfc(-x * SQRT1_2); }
static inline double exp_double(double x) { return exp(x); }
static inline double tanh_double(double x) { return tanh(x); }
#define PHI(x) _Generic((x), float: nn_fast_phif, default: phi_double)(x)
#define EXPF(x) _Generic((x), float: nn_fast_expf, default: exp_double)(x)
#define TANHF(x) _Generic((x), float: nn_fast_tanhf_exact, default: tanh_double)(x)

/* The elementwise kinds: X(kind, name, forward, backward). The forward reads x, the
   backward g (gradOutput), x (input) and y (output); both read the parameters a and b as
   p0 and p1. */
#define NN_ELEMENTWISE(X)                                                                 \
  X(NN_TANH, Tanh, TANHF(x), g * (1 - y * y))                                             \
  X(NN_SIGMOID, Sigmoid, 1 / (1 + EXPF(-x)), g * y * (1 - y))                             \
  X(NN_HARDTANH, HardTanh, x < p0 ? p0 : (x > p1 ? p1 : x), (x <= p0 || x >= p1) ? 0 : g) \
  X(NN_RELU6, ReLU6, x < 0 ? 0 : (x > 6 ? 6 : x), (x <= 0 || x >= 6) ? 0 : g)             \
  X(NN_THRESHOLD, Threshold, x > p0 ? x : p1, x > p0 ? g : 0)                             \
  X(NN_RELU, ReLU, x > 0 ? x : 0, x > 0 ? g : 0)                                          \
  X(NN_LEAKYRELU, LeakyReLU, x > 0 ? x : p0 * x, x > 0 ? g : p0 * g)                      \
  X(NN_ELU, ELU, x > 0 ? x : p0 * expm1(x), y > 0 ? g : g * (y + p0))                     \
  /* log sigmoid(x) = min(x, 0) - log(1 + exp(-|x|)): exp never overflows */              \
  X(NN_LOGSIGMOID, LogSigmoid, (x < 0 ? x : 0) - log1p(exp(-fabs(x))), g / (1 + exp(x)))  \
  X(NN_SOFTPLUS, SoftPlus, p0 * x > p1 ? x : log1p(exp(p0 * x)) / p0,                     \
    p0 * x > p1 ? g : g / (1 + exp(-p0 * x)))                                             \
  X(NN_SOFTSIGN, SoftSign, x / (1 + fabs(x)), g / ((1 + fabs(x)) * (1 + fabs(x))))        \
  X(NN_SOFTSHRINK, SoftShrink, x > p0 ? x - p0 : (x < -p0 ? x + p0 : 0),                  \
    (x > p0 || x < -p0) ? g : 0)                                                          \
  X(NN_HARDSHRINK, HardShrink, (x > p0 || x < -p0) ? x : 0, (x > p0 || x < -p0) ? g : 0)  \
  X(NN_TANHSHRINK, TanhShrink, x - tanh(x), g * tanh(x) * tanh(x))                        \
  X(NN_GELU, GELU, x * PHI(x),                                                            \
    g * (PHI(x) + x * LIKE(x, INV_SQRT_2PI) * EXPF(LIKE(x, -0.5) * x * x)))               \
  X(NN_ABS, Abs, fabs(x), x > 0 ? g : (x < 0 ? -g : 0))                                   \
  X(NN_EXP, Exp, exp(x), g * y)                                                           \
  X(NN_LOG, Log, log(x), g / x)                                                           \
  X(NN_POWER, Power, p0 == 2 ? x * x : pow(x, p0), g * p0 * pow(x, p0 - 1))               \
  X(NN_SQUARE, Square, x * x, g * 2 * x)                                                  \
  X(NN_SQRT, Sqrt, sqrt(x + p0), y == 0 ? 0 : g / (2 * y))                                \
  X(NN_MULCONSTANT, MulConstant, p0 * x, p0 * g)                                          \
  X(NN_ADDCONSTANT, AddConstant, x + p0, g)

#define LOOPS(kind, name, fwd, bwd)                          \
  OP_LOOP1(name##_fwd_float, float, float, x, fwd)           \
  OP_LOOP1(name##_fwd_double, double, double, x, fwd)        \
  OP_LOOP3(name##_bwd_float, float, float, g, x, y, bwd)     \
  OP_LOOP3(name##_bwd_double, double, double, g, x, y, bwd)
NN_ELEMENTWISE(LOOPS)

typedef struct {
  const char *name;
  op_loop_fn fwd[2], bwd[2]; /* [0] float, [1] double */
} act_row;

#define ROW(kind, name, fwd, bwd) \
  [kind] = {#name, {name##_fwd_float, name##_fwd_double}, {name##_bwd_float, name##_bwd_double}},
static const act_row rows[NN_NACT] = {NN_ELEMENTWISE(ROW)};

const char *nn_act_name(nn_act k) { return k < NN_NACT ? rows[k].name : "?"; }

int nn_act_lookup(const char *name) {
  for (int k = 0; k < NN_NACT; k++)
    if (strcmp(rows[k].name, name) == 0) return k;
  return -1;
}

static int check_kind(const char *fn, nn_act k) {
  if ((unsigned)k >= NN_NACT) return dl_error("%s: unknown elementwise kind %d", fn, (int)k);
  return 0;
}

int nn_act_forward(const char *fn, dl_tensor *out, const dl_tensor *in, nn_act k, double a,
                   double b) {
  if (check_kind(fn, k) < 0 || nn_check_float(fn, "input", in) < 0 ||
      nn_check_type(fn, "output", out, in->dtype) < 0 || nn_resize_out(out, in) < 0)
    return -1;
  op_pw_ctx p = {a, b, 0};
  const dl_tensor *ts[2] = {out, in};
  op_foreach(2, ts, rows[k].fwd[in->dtype == DL_DOUBLE], &p);
  return 0;
}

/* The kinds whose backward expression reads y: the others may be called before any
   forward (as Torch7 allows), so their output is not checked. */
static int reads_output(nn_act k) {
  return k == NN_TANH || k == NN_SIGMOID || k == NN_ELU || k == NN_EXP || k == NN_SQRT;
}

int nn_act_backward(const char *fn, dl_tensor *gin, const dl_tensor *gout, const dl_tensor *in,
                    const dl_tensor *out, nn_act k, double a, double b) {
  dl_dtype dt = in->dtype;
  if (!reads_output(k)) out = in; /* an operand of the right shape the loop ignores */
  if (check_kind(fn, k) < 0 || nn_check_float(fn, "input", in) < 0 ||
      nn_check_type(fn, "gradOutput", gout, dt) < 0 || nn_check_type(fn, "output", out, dt) < 0 ||
      nn_check_type(fn, "gradInput", gin, dt) < 0 ||
      nn_check_samesize(fn, "gradOutput", gout, in) < 0 ||
      nn_check_samesize(fn, "output", out, in) < 0 || nn_resize_out(gin, gout) < 0)
    return -1;
  op_pw_ctx p = {a, b, 0};
  const dl_tensor *ts[4] = {gin, gout, in, out};
  op_foreach(4, ts, rows[k].bwd[dt == DL_DOUBLE], &p);
  return 0;
}

/* ---- dropout's masked scale ---- */

OP_LOOP2(mask_scale_float, float, float, x, m, x * m * p0)
OP_LOOP2(mask_scale_double, double, double, x, m, x * m * p0)

int nn_mask_scale(const char *fn, dl_tensor *out, const dl_tensor *in, const dl_tensor *mask,
                  double scale) {
  if (nn_check_float(fn, "input", in) < 0 || nn_check_type(fn, "mask", mask, in->dtype) < 0 ||
      nn_check_type(fn, "output", out, in->dtype) < 0 ||
      nn_check_samesize(fn, "mask", mask, in) < 0 || nn_resize_out(out, in) < 0)
    return -1;
  op_pw_ctx p = {scale, 0, 0};
  const dl_tensor *ts[3] = {out, in, mask};
  op_foreach(3, ts, in->dtype == DL_FLOAT ? mask_scale_float : mask_scale_double, &p);
  return 0;
}

/* ---- PReLU ---- */

#define NN_LOOPS "activation_loops.h"
#include "float_loops.h"

/* Splits a PReLU input into batch x nplane x plane-size, as Torch7 lays it out. */
static int prelu_shape(const char *fn, const dl_tensor *in, int64_t nplane, int64_t *bs,
                       int64_t *ks) {
  char buf[96];
  int nd = in->ndim;
  if (nplane == 0) {
    *bs = 1, *ks = dl_tensor_numel(in);
    return 0;
  }
  if (nd < 1 || nd > 4)
    return dl_error("%s: input of size %s, expected 1D to 4D", fn,
                    dl_sizestr(buf, sizeof buf, nd, in->size));
  int cdim = (nd == 2 || nd == 4) ? 1 : 0;
  if (in->size[cdim] != nplane)
    return dl_error("%s: input of size %s has %lld planes in dimension %d, expected %lld", fn,
                    dl_sizestr(buf, sizeof buf, nd, in->size), (long long)in->size[cdim],
                    cdim + 1, (long long)nplane);
  *bs = cdim == 1 ? in->size[0] : 1;
  *ks = dl_tensor_numel(in) / (*bs * nplane);
  return 0;
}

/* The input's checks, shared by the three PReLU kernels: w is the weight or its gradient. */
static int prelu_check(const char *fn, const char *wname, const dl_tensor *in,
                       const dl_tensor *gout, const dl_tensor *w, int64_t nplane, int64_t *bs,
                       int64_t *ks) {
  if (nn_check_float(fn, "input", in) < 0 || nn_check_type(fn, wname, w, in->dtype) < 0 ||
      (gout && (nn_check_type(fn, "gradOutput", gout, in->dtype) < 0 ||
                nn_check_samesize(fn, "gradOutput", gout, in) < 0)))
    return -1;
  int64_t want = nplane > 0 ? nplane : 1;
  if (dl_tensor_numel(w) != want || !dl_tensor_iscontiguous(w))
    return dl_error("%s: %s has %lld elements, expected %lld contiguous ones", fn, wname,
                    (long long)dl_tensor_numel(w), (long long)want);
  return prelu_shape(fn, in, nplane, bs, ks);
}

int nn_prelu_forward(const char *fn, dl_tensor *out, const dl_tensor *in, const dl_tensor *w,
                     int64_t nplane) {
  int64_t bs, ks, np = nplane > 0 ? nplane : 1;
  if (prelu_check(fn, "weight", in, NULL, w, nplane, &bs, &ks) < 0 ||
      nn_check_type(fn, "output", out, in->dtype) < 0)
    return -1;
  dl_tensor cin;
  if (nn_contiguous(&cin, in) < 0) return -1;
  int rc = dl_tensor_resize_contig(fn, out, in->ndim, in->size);
  if (rc == 0) {
    if (in->dtype == DL_FLOAT)
      prelu_forward_float(dl_tensor_data(out), dl_tensor_data(&cin), dl_tensor_data(w), bs, np, ks);
    else
      prelu_forward_double(dl_tensor_data(out), dl_tensor_data(&cin), dl_tensor_data(w), bs, np, ks);
  }
  dl_tensor_free(&cin);
  return rc;
}

int nn_prelu_backward(const char *fn, dl_tensor *gin, const dl_tensor *gout,
                      const dl_tensor *in, const dl_tensor *w, int64_t nplane) {
  int64_t bs, ks, np = nplane > 0 ? nplane : 1;
  if (prelu_check(fn, "weight", in, gout, w, nplane, &bs, &ks) < 0 ||
      nn_check_type(fn, "gradInput", gin, in->dtype) < 0)
    return -1;
  dl_tensor cin, cg;
  /* gin may alias gout's memory only if it is contiguous already, so copy gout first */
  if (nn_contiguous(&cg, gout) < 0) return -1;
  int rc = nn_contiguous(&cin, in);
  if (rc < 0) {
    dl_tensor_free(&cg);
    return -1;
  }
  if (!dl_tensor_sameview(gin, &cg)) rc = dl_tensor_resize_contig(fn, gin, in->ndim, in->size);
  if (rc == 0) {
    void *gi = dl_tensor_data(gin), *g = dl_tensor_data(&cg), *x = dl_tensor_data(&cin);
    if (in->dtype == DL_FLOAT) prelu_backward_float(gi, g, x, dl_tensor_data(w), bs, np, ks);
    else prelu_backward_double(gi, g, x, dl_tensor_data(w), bs, np, ks);
  }
  dl_tensor_free(&cin);
  dl_tensor_free(&cg);
  return rc;
}

int nn_prelu_accgrad(const char *fn, dl_tensor *gw, const dl_tensor *gout, const dl_tensor *in,
                     int64_t nplane, double scale) {
  int64_t bs, ks, np = nplane > 0 ? nplane : 1;
  if (prelu_check(fn, "gradWeight", in, gout, gw, nplane, &bs, &ks) < 0) return -1;
  dl_tensor cin, cg;
  if (nn_contiguous(&cg, gout) < 0) return -1;
  if (nn_contiguous(&cin, in) < 0) {
    dl_tensor_free(&cg);
    return -1;
  }
  void *w = dl_tensor_data(gw), *g = dl_tensor_data(&cg), *x = dl_tensor_data(&cin);
  if (in->dtype == DL_FLOAT) prelu_accgrad_float(w, g, x, bs, np, ks, scale);
  else prelu_accgrad_double(w, g, x, bs, np, ks, scale);
  dl_tensor_free(&cin);
  dl_tensor_free(&cg);
  return 0;
}
