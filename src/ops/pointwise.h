/* Elementwise math with NumPy-style broadcasting: res = f(x), f(a, b), f(a, b, c).
   Every op is one entry of the lists below (an X-macro: X(name, expression)); the loops
   for each type and the Lua bindings are generated from these lists, never written by
   hand per op or type.

   In the expressions, x (unary) or a, b, c (binary, ternary) are elements of type T;
   p0, p1 are the op's scalar parameters converted to T; d0 is p0 as a double (the
   comparisons use it, so that a LongTensor compared with 2.5 is not compared with 2).
   OP_DIV, OP_POW, OP_FMOD, OP_REM and OP_ABS pick the right C for floats and integers. */
#ifndef OP_POINTWISE_H
#define OP_POINTWISE_H

#include "../core/tensor.h"

/* Unary ops defined for every type. The s-suffixed ones take a scalar (Torch7's
   x:add(v), x:mul(v), ...); rsubs and rdivs are v - x and v / x (number - tensor). */
#define OP_UNARY_ALL(X)                          \
  X(neg, -x)                                     \
  X(abs, OP_ABS(x))                              \
  X(sign, (x > 0) - (x < 0))                     \
  X(clamp, x < p0 ? p0 : (x > p1 ? p1 : x))      \
  X(adds, x + p0)                                \
  X(muls, x * p0)                                \
  X(divs, OP_DIV(x, p0))                         \
  X(rsubs, p0 - x)                               \
  X(rdivs, OP_DIV(p0, x))                        \
  X(fmods, OP_FMOD(x, p0))                       \
  X(remainders, OP_REM(x, p0))                   \
  X(pows, OP_POW(x, p0))                         \
  X(tpow, OP_POW(p0, x))                         \
  X(cmaxs, (x != x || x > p0) ? x : p0)         \
  X(cmins, (x != x || x < p0) ? x : p0)

/* Unary ops that only have a meaning on Float and Double tensors. */
#define OP_UNARY_FLOAT(X)                        \
  X(sqrt, sqrt(x))                               \
  X(rsqrt, 1 / sqrt(x))                          \
  X(exp, exp(x))                                 \
  X(log, log(x))                                 \
  X(log1p, log1p(x))                             \
  X(sin, sin(x))                                 \
  X(cos, cos(x))                                 \
  X(tan, tan(x))                                 \
  X(asin, asin(x))                               \
  X(acos, acos(x))                               \
  X(atan, atan(x))                               \
  X(sinh, sinh(x))                               \
  X(cosh, cosh(x))                               \
  X(tanh, tanh(x))                               \
  X(sigmoid, 1 / (1 + exp(-x)))                  \
  X(floor, floor(x))                             \
  X(ceil, ceil(x))                               \
  X(round, round(x))                             \
  X(trunc, trunc(x))                             \
  X(frac, x - trunc(x))                          \
  X(cinv, 1 / x)

/* Comparisons with a scalar; the result is a ByteTensor of 0 and 1. */
#define OP_UNARY_CMP(X)                          \
  X(lt, x < d0)                                  \
  X(le, x <= d0)                                 \
  X(gt, x > d0)                                  \
  X(ge, x >= d0)                                 \
  X(eq, x == d0)                                 \
  X(ne, x != d0)

/* Binary ops on every type; p0 is Torch7's value in x:add(value, y). */
#define OP_BINARY_ALL(X)                         \
  X(add, a + p0 * b)                             \
  X(csub, a - p0 * b)                            \
  X(cmul, a * b)                                 \
  X(cdiv, OP_DIV(a, b))                          \
  X(cpow, OP_POW(a, b))                          \
  X(cfmod, OP_FMOD(a, b))                        \
  X(cremainder, OP_REM(a, b))                    \
  X(cmax, (a != a || a > b) ? a : b)             \
  X(cmin, (a != a || a < b) ? a : b)

#define OP_BINARY_FLOAT(X)                       \
  X(atan2, atan2(a, b))

/* Comparisons between tensors (broadcast); the result is a ByteTensor. */
#define OP_BINARY_CMP(X)                         \
  X(lt, a < b)                                   \
  X(le, a <= b)                                  \
  X(gt, a > b)                                   \
  X(ge, a >= b)                                  \
  X(eq, a == b)                                  \
  X(ne, a != b)

/* Ternary ops: addcmul and addcdiv are Torch7's a + value * b * c and a + value * b / c;
   lerp is a + weight * (b - a), with c unused (lerp's weight is a scalar). */
#define OP_TERNARY_ALL(X)                        \
  X(addcmul, a + p0 * b * c)                     \
  X(addcdiv, a + p0 * OP_DIV(b, c))

#define OP_TERNARY_FLOAT(X)                      \
  X(lerp, a + p0 * (b - a))

#define OP_ENUM_U(name, e) OP_U_##name,
#define OP_ENUM_B(name, e) OP_B_##name,
#define OP_ENUM_T(name, e) OP_T_##name,
typedef enum {
  OP_UNARY_ALL(OP_ENUM_U) OP_UNARY_FLOAT(OP_ENUM_U) OP_UNARY_CMP(OP_ENUM_U) OP_NUNARY
} op_pw_unop;
typedef enum {
  OP_BINARY_ALL(OP_ENUM_B) OP_BINARY_FLOAT(OP_ENUM_B) OP_BINARY_CMP(OP_ENUM_B) OP_NBINARY
} op_pw_binop;
typedef enum { OP_TERNARY_ALL(OP_ENUM_T) OP_TERNARY_FLOAT(OP_ENUM_T) OP_NTERNARY } op_pw_terop;
#undef OP_ENUM_U
#undef OP_ENUM_B
#undef OP_ENUM_T

/* The results: res keeps its view when it already has the broadcast shape of the
   operands (so in-place ops on non-contiguous views write the right elements);
   otherwise it is resized, unless it shares storage with an operand (an in-place op
   cannot change its shape): then it is an error. res must have the operands' type; for
   comparisons, be a ByteTensor or of the operands' type (0 and 1, as Torch7). Operands
   that do not broadcast (or, in place, broadcast to a shape res cannot take) but all have
   the first one's element count are paired in row-major order (Torch7's rule) with a
   dl_warn; the result takes the first operand's shape. Operands of different types are
   an error naming both; so is a float-only op on a Long or Byte tensor, and integer
   division by zero.
   res may be an operand itself (x:add(y) is op_pw_binary(x, x, y, ...)). fn names the
   Lua-level function in error messages; NULL uses the op's name. */
int op_pw_unary(const char *fn, dl_tensor *res, const dl_tensor *x, op_pw_unop op, double p0,
             double p1);
int op_pw_binary(const char *fn, dl_tensor *res, const dl_tensor *a, const dl_tensor *b,
              op_pw_binop op, double p0);
/* c is ignored (may be NULL) for lerp. */
int op_pw_ternary(const char *fn, dl_tensor *res, const dl_tensor *a, const dl_tensor *b,
               const dl_tensor *c, op_pw_terop op, double p0);

const char *op_pw_unop_name(op_pw_unop op);
const char *op_pw_binop_name(op_pw_binop op);
const char *op_pw_terop_name(op_pw_terop op);
/* 1 for the comparisons, whose result is a ByteTensor. */
int op_pw_unop_iscmp(op_pw_unop op);
int op_pw_binop_iscmp(op_pw_binop op);

/* ---- the loop generators --------------------------------------------------------------
   What the op lists above expand into, and what kernels built on this engine elsewhere
   (nn's activations and pointwise layers, src/nn/activation.c) expand their own lists
   into. Each defines one loop for op_foreach (ops/iter.h),
   `static void NAME(char **data, const int64_t *st, int64_t n, void *ctx)`, over a result
   of element type TO and inputs of type T: a contiguous branch the compiler vectorises
   and a strided one. The inputs are read into locals the caller names (X; A, B; A, B, C)
   for EXPR, which may also use p0 and p1 (the op_pw_ctx parameters converted to T), d0
   (p0 as a double) and ctx_ (the op_pw_ctx itself). */
typedef struct {
  double p0, p1;
  int zero; /* set when an integer op divides by zero */
} op_pw_ctx;

/* Integers go through int64_t so that -1 becomes 255 for bytes (double to uint8_t
   directly is undefined). */
#define OP_CONV(T, v) _Generic((T)0, float: (T)(v), double: (T)(v), default: (T)(int64_t)(v))
#define OP_PARAMS(T)                                   \
  op_pw_ctx *ctx_ = vc;                                \
  const T p0 = OP_CONV(T, ctx_->p0);                   \
  const T p1 = OP_CONV(T, ctx_->p1);                   \
  const double d0 = ctx_->p0;                          \
  (void)p0;                                            \
  (void)p1;                                            \
  (void)d0;                                            \
  (void)ctx_

#define OP_LOOP1(NAME, TO, T, X, EXPR)                                              \
  static void NAME(char **data, const int64_t *st, int64_t n, void *vc) {           \
    OP_PARAMS(T);                                                                   \
    if (st[0] == sizeof(TO) && st[1] == sizeof(T)) {                                \
      TO *restrict r = (TO *)data[0];                                               \
      const T *restrict xs = (const T *)data[1];                                    \
      _Pragma("omp simd") for (int64_t i = 0; i < n; i++) {                         \
        T X = xs[i];                                                                \
        r[i] = (TO)(EXPR);                                                          \
      }                                                                             \
      return;                                                                       \
    }                                                                               \
    char *rp = data[0], *xp = data[1];                                              \
    for (int64_t i = 0; i < n; i++, rp += st[0], xp += st[1]) {                     \
      T X = *(const T *)xp;                                                         \
      *(TO *)rp = (TO)(EXPR);                                                       \
    }                                                                               \
  }

#define OP_LOOP2(NAME, TO, T, A, B, EXPR)                                           \
  static void NAME(char **data, const int64_t *st, int64_t n, void *vc) {           \
    OP_PARAMS(T);                                                                   \
    if (st[0] == sizeof(TO) && st[1] == sizeof(T) && st[2] == sizeof(T)) {          \
      TO *restrict r = (TO *)data[0];                                               \
      const T *restrict as = (const T *)data[1], *restrict bs = (const T *)data[2]; \
      _Pragma("omp simd") for (int64_t i = 0; i < n; i++) {                         \
        T A = as[i], B = bs[i];                                                     \
        r[i] = (TO)(EXPR);                                                          \
      }                                                                             \
      return;                                                                       \
    }                                                                               \
    char *rp = data[0], *ap = data[1], *bp = data[2];                               \
    for (int64_t i = 0; i < n; i++, rp += st[0], ap += st[1], bp += st[2]) {        \
      T A = *(const T *)ap, B = *(const T *)bp;                                     \
      *(TO *)rp = (TO)(EXPR);                                                       \
    }                                                                               \
  }

#define OP_LOOP3(NAME, TO, T, A, B, C, EXPR)                                        \
  static void NAME(char **data, const int64_t *st, int64_t n, void *vc) {           \
    OP_PARAMS(T);                                                                   \
    if (st[0] == sizeof(TO) && st[1] == sizeof(T) && st[2] == sizeof(T) &&          \
        st[3] == sizeof(T)) {                                                       \
      TO *restrict r = (TO *)data[0];                                               \
      const T *restrict as = (const T *)data[1], *restrict bs = (const T *)data[2]; \
      const T *restrict cs = (const T *)data[3];                                    \
      _Pragma("omp simd") for (int64_t i = 0; i < n; i++) {                         \
        T A = as[i], B = bs[i], C = cs[i];                                          \
        (void)A, (void)B, (void)C;                                                  \
        r[i] = (TO)(EXPR);                                                          \
      }                                                                             \
      return;                                                                       \
    }                                                                               \
    char *rp = data[0], *ap = data[1], *bp = data[2], *cp = data[3];                \
    for (int64_t i = 0; i < n; i++, rp += st[0], ap += st[1], bp += st[2], cp += st[3]) { \
      T A = *(const T *)ap, B = *(const T *)bp, C = *(const T *)cp;                 \
      (void)A, (void)B, (void)C;                                                    \
      *(TO *)rp = (TO)(EXPR);                                                       \
    }                                                                               \
  }

#endif
