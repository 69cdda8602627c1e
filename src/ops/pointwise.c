/* Elementwise math: the loops come from the op lists in pointwise.h, one per op and
   type, each with a contiguous branch the compiler vectorises and a strided one;
   op_foreach runs them (in parallel over large tensors). */
#include <stdint.h>
#include <string.h>
#include <tgmath.h>

#include "copy.h"
#include "iter.h"
#include "pointwise.h"

/* abs and sign compare unsigned bytes with 0: true for every type but uint8_t */
#pragma GCC diagnostic ignored "-Wtype-limits"
#pragma GCC diagnostic ignored "-Wbool-operation"

/* Integer division and modulo by zero are undefined in C: flag them and give 0. Every
   thread stores the same value, so the relaxed atomic is only there to be well defined. */
static inline int64_t op_idiv(int64_t a, int64_t b, op_pw_ctx *c) {
  if (b == 0) {
    __atomic_store_n(&c->zero, 1, __ATOMIC_RELAXED);
    return 0;
  }
  /* INT64_MIN / -1 overflows, and traps on x86 even with -fwrapv: negate (wrapping) */
  if (b == -1) return (int64_t)(0 - (uint64_t)a);
  return a / b;
}

static inline int64_t op_imod(int64_t a, int64_t b, op_pw_ctx *c) {
  if (b == 0) {
    __atomic_store_n(&c->zero, 1, __ATOMIC_RELAXED);
    return 0;
  }
  if (b == -1) return 0; /* INT64_MIN % -1 traps too */
  return a % b;
}

/* The remainder takes the sign of the divisor (Python's %), fmod that of the dividend. */
static inline int64_t op_irem(int64_t a, int64_t b, op_pw_ctx *c) {
  int64_t r = op_imod(a, b, c);
  return (r != 0 && (r < 0) != (b < 0)) ? r + b : r;
}

/* Exact integer powers; a negative exponent gives what 1 / a^-b truncates to. */
static inline int64_t op_ipow(int64_t a, int64_t b) {
  if (b < 0) return a == 1 ? 1 : a == -1 ? (b % 2 ? -1 : 1) : 0;
  int64_t r = 1;
  for (; b; b >>= 1, a *= a)
    if (b & 1) r *= a;
  return r;
}

/* Floats take C's operators and <tgmath.h>; integers (and bytes, promoted to int) the
   helpers above. Only the selected branch is evaluated. */
#define OP_ISFLOAT(v) _Generic((v), float: 1, double: 1, default: 0)
#define OP_DIV(a, b) (OP_ISFLOAT((a) + (b)) ? (a) / (b) : op_idiv((a), (b), ctx_))
#define OP_FMOD(a, b)                                                          \
  _Generic((a) + (b), float: op_fmod_f, double: op_fmod_d, default: op_fmod_int)((a), (b), ctx_)
#define OP_REM(a, b)                                                           \
  _Generic((a) + (b), float: op_frem_f, double: op_frem_d, default: op_irem)((a), (b), ctx_)
#define OP_POW(a, b)                                                           \
  _Generic((a) + (b), float: op_pow_f, double: op_pow_d, default: op_pow_i)((a), (b), ctx_)
#define OP_ABS(x) ((x) < 0 ? -(x) : (x))

/* Adapters giving every branch of the _Generic the same (a, b, ctx) signature. */
static inline float op_fmod_f(float a, float b, op_pw_ctx *c) { return fmodf(a, b); }
static inline double op_fmod_d(double a, double b, op_pw_ctx *c) { return fmod(a, b); }
static inline int64_t op_fmod_int(int64_t a, int64_t b, op_pw_ctx *c) { return op_imod(a, b, c); }
static inline float op_frem_f(float a, float b, op_pw_ctx *c) { return a - b * floorf(a / b); }
static inline double op_frem_d(double a, double b, op_pw_ctx *c) { return a - b * floor(a / b); }
static inline float op_pow_f(float a, float b, op_pw_ctx *c) { return powf(a, b); }
static inline double op_pow_d(double a, double b, op_pw_ctx *c) { return pow(a, b); }
static inline int64_t op_pow_i(int64_t a, int64_t b, op_pw_ctx *c) { return op_ipow(a, b); }

/* One loop per op and type, and a table row per op (NULL: the type is not supported).
   Char, Short and Int compute in int (C's promotions) or int64_t (the helpers above) and
   wrap when stored back (-fwrapv, and conversions to a narrower signed type wrap on every
   compiler dlua builds with), as Torch7's char, short and int arithmetic did. Half has no
   loops (a row's last entry, NULL). */
#define GEN_ALL(L, P, TO_SAME, name, e)                                                  \
  L(P##name##_f32, TO_SAME(f32), f32, e) L(P##name##_f64, TO_SAME(f64), f64, e)          \
  L(P##name##_i64, TO_SAME(i64), i64, e) L(P##name##_u8, TO_SAME(u8), u8, e)          \
  L(P##name##_i8, TO_SAME(i8), i8, e) L(P##name##_i16, TO_SAME(i16), i16, e)             \
  L(P##name##_i32, TO_SAME(i32), i32, e)
#define GEN_FLOAT(L, P, TO_SAME, name, e)                                                \
  L(P##name##_f32, TO_SAME(f32), f32, e) L(P##name##_f64, TO_SAME(f64), f64, e)
/* The list expressions name their operands x (unary) and a, b, c. */
#define LOOP1(NAME, TO, T, e) OP_LOOP1(NAME, TO, T, x, e)
#define LOOP2(NAME, TO, T, e) OP_LOOP2(NAME, TO, T, a, b, e)
#define LOOP3(NAME, TO, T, e) OP_LOOP3(NAME, TO, T, a, b, c, e)
#define SAME(T) T
#define BYTE(T) u8

#define U_ALL(name, e) GEN_ALL(LOOP1, u_, SAME, name, e)
#define U_FLOAT(name, e) GEN_FLOAT(LOOP1, u_, SAME, name, e)
#define U_CMP(name, e) GEN_ALL(LOOP1, u_, BYTE, name, e)
OP_UNARY_ALL(U_ALL)
OP_UNARY_FLOAT(U_FLOAT)
OP_UNARY_CMP(U_CMP)

#define B_ALL(name, e) GEN_ALL(LOOP2, b_, SAME, name, e)
#define B_FLOAT(name, e) GEN_FLOAT(LOOP2, b_, SAME, name, e)
#define B_CMP(name, e) GEN_ALL(LOOP2, b_, BYTE, name, e)
OP_BINARY_ALL(B_ALL)
OP_BINARY_FLOAT(B_FLOAT)
OP_BINARY_CMP(B_CMP)

#define T_ALL(name, e) GEN_ALL(LOOP3, t_, SAME, name, e)
#define T_FLOAT(name, e) GEN_FLOAT(LOOP3, t_, SAME, name, e)
OP_TERNARY_ALL(T_ALL)
OP_TERNARY_FLOAT(T_FLOAT)

#define ROW_ALL(P, name)                                                                  \
  {P##name##_f32, P##name##_f64, P##name##_i64, P##name##_u8,                           \
   P##name##_i8,  P##name##_i16, P##name##_i32, NULL},
#define ROW_FLOAT(P, name) {P##name##_f32, P##name##_f64, NULL, NULL, NULL, NULL, NULL, NULL},
#define UR_ALL(name, e) ROW_ALL(u_, name)
#define UR_FLOAT(name, e) ROW_FLOAT(u_, name)
#define BR_ALL(name, e) ROW_ALL(b_, name)
#define BR_FLOAT(name, e) ROW_FLOAT(b_, name)
#define TR_ALL(name, e) ROW_ALL(t_, name)
#define TR_FLOAT(name, e) ROW_FLOAT(t_, name)
static const op_loop_fn unary_loops[OP_NUNARY][DL_NTYPES] = {
    OP_UNARY_ALL(UR_ALL) OP_UNARY_FLOAT(UR_FLOAT) OP_UNARY_CMP(UR_ALL)};
static const op_loop_fn binary_loops[OP_NBINARY][DL_NTYPES] = {
    OP_BINARY_ALL(BR_ALL) OP_BINARY_FLOAT(BR_FLOAT) OP_BINARY_CMP(BR_ALL)};
static const op_loop_fn ternary_loops[OP_NTERNARY][DL_NTYPES] = {
    OP_TERNARY_ALL(TR_ALL) OP_TERNARY_FLOAT(TR_FLOAT)};

#define NAME(name, e) #name,
static const char *unary_names[] = {OP_UNARY_ALL(NAME) OP_UNARY_FLOAT(NAME) OP_UNARY_CMP(NAME)};
static const char *binary_names[] = {OP_BINARY_ALL(NAME) OP_BINARY_FLOAT(NAME) OP_BINARY_CMP(NAME)};
static const char *ternary_names[] = {OP_TERNARY_ALL(NAME) OP_TERNARY_FLOAT(NAME)};
#define COUNT(name, e) +1
enum { FIRST_UCMP = 0 OP_UNARY_ALL(COUNT) OP_UNARY_FLOAT(COUNT),
       FIRST_BCMP = 0 OP_BINARY_ALL(COUNT) OP_BINARY_FLOAT(COUNT) };

const char *op_pw_unop_name(op_pw_unop op) { return unary_names[op]; }
const char *op_pw_binop_name(op_pw_binop op) { return binary_names[op]; }
const char *op_pw_terop_name(op_pw_terop op) { return ternary_names[op]; }
int op_pw_unop_iscmp(op_pw_unop op) { return (int)op >= FIRST_UCMP; }
int op_pw_binop_iscmp(op_pw_binop op) { return (int)op >= FIRST_BCMP; }

/* ---- the driver: types, shapes, the result, then op_foreach ------------------------ */

static int same_sizes(int ndim, const int64_t *size, const dl_tensor *t) {
  return t->ndim == ndim && memcmp(t->size, size, sizeof(int64_t) * ndim) == 0;
}

static int check_types(const char *fn, const dl_tensor *res, int nin, const dl_tensor **in,
                       const op_loop_fn *row, int cmp) {
  dl_dtype dt = in[0]->dtype;
  for (int k = 1; k < nin; k++)
    if (in[k]->dtype != dt)
      return dl_error("%s: tensor types differ: torch.%sTensor and torch.%sTensor", fn,
                      dl_dtype_name(dt), dl_dtype_name(in[k]->dtype));
  if (!row[dt]) return dl_error("%s: not supported for torch.%sTensor", fn, dl_dtype_name(dt));
  dl_dtype want = cmp ? DL_BYTE : dt;
  if (res->dtype != want && !(cmp && res->dtype == dt))
    return dl_error("%s: the result is a torch.%sTensor, expected a torch.%sTensor", fn,
                    dl_dtype_name(res->dtype), dl_dtype_name(want));
  return 0;
}

/* The broadcast shape of the operands into size; its ndim, or -1. */
static int broadcast_all(const char *fn, int nin, const dl_tensor **in, int64_t *size) {
  dl_tensor acc = *in[0];
  for (int k = 1; k < nin; k++) {
    int n = dl_broadcast_shape(fn, &acc, in[k], size);
    if (n < 0) return -1;
    acc.ndim = n;
    memcpy(acc.size, size, sizeof(int64_t) * n);
  }
  memcpy(size, acc.size, sizeof(int64_t) * acc.ndim);
  for (int k = 0; k < nin; k++) /* Torch7's empty tensors do not broadcast */
    if (in[k]->ndim == 0 && acc.ndim > 0)
      return dl_error("%s: an operand is empty and the other has size %s", fn,
                      dl_sizestr((char[256]){0}, 256, acc.ndim, acc.size));
  return acc.ndim;
}

/* Torch7 paired the elements of operands in row-major order whatever their shapes, when
   their element counts agreed (2x3 + 6 worked); NumPy broadcasting replaced that. Operands
   that do not broadcast but all have the first one's (non-zero) element count keep
   Torch7's meaning, with a warning, as PyTorch 0.4 did: the result takes the first
   operand's shape. True when that applies. */
static int same_count(int nin, const dl_tensor **in) {
  int64_t n = dl_tensor_numel(in[0]);
  if (in[0]->ndim == 0 || n == 0) return 0;
  for (int k = 1; k < nin; k++)
    if (in[k]->ndim == 0 || dl_tensor_numel(in[k]) != n) return 0;
  return 1;
}

static void warn_paired(const char *fn, int nin, const dl_tensor **in, int inplace) {
  char sizes[3][128];
  for (int k = 0; k < nin; k++) dl_sizestr(sizes[k], sizeof sizes[k], in[k]->ndim, in[k]->size);
  dl_warn("%s: sizes %s%s%s%s%s %s but have the same number of elements (%lld): paired in "
          "row-major order, as Torch7 did (deprecated: view one operand as the other's shape)",
          fn, sizes[0], nin > 2 ? ", " : " and ", sizes[1], nin > 2 ? " and " : "",
          nin > 2 ? sizes[2] : "",
          inplace ? "broadcast to a size the in-place result cannot take" : "do not broadcast",
          (long long)dl_tensor_numel(in[0]));
}

/* Gives res the broadcast shape, keeping its view when it has that shape already. */
static int prepare_result(const char *fn, dl_tensor *res, int nin, const dl_tensor **in,
                          int ndim, const int64_t *size) {
  char b1[256], b2[256];
  if (same_sizes(ndim, size, res)) return 0;
  for (int k = 0; k < nin; k++)
    if (res->storage && res->storage == in[k]->storage)
      return dl_error("%s: the result (size %s) cannot hold the broadcast size %s of the "
                      "operands in place",
                      fn, dl_sizestr(b1, sizeof b1, res->ndim, res->size),
                      dl_sizestr(b2, sizeof b2, ndim, size));
  return dl_tensor_resize(res, ndim, size);
}

static int run(const char *fn, dl_tensor *res, int nin, const dl_tensor **in,
               const op_loop_fn *row, int cmp, op_pw_ctx *c) {
  int64_t size[DL_MAXDIM];
  if (check_types(fn, res, nin, in, row, cmp) < 0) return -1;
  if (cmp && res->dtype != DL_BYTE) {
    /* a comparison into a tensor of the operands' type (Torch7's torch.gt(res, a, b) with
       a DoubleTensor res): 0s and 1s, through a ByteTensor */
    dl_tensor b;
    dl_tensor_init(&b, DL_BYTE);
    int rc = run(fn, &b, nin, in, row, cmp, c);
    if (rc == 0) rc = prepare_result(fn, res, nin, in, b.ndim, b.size);
    if (rc == 0) rc = op_copy(res, &b);
    dl_tensor_free(&b);
    return rc;
  }
  int ndim = broadcast_all(fn, nin, in, size), paired = 0;
  /* in place (res is an operand) with a broadcast shape res cannot take, as
     x:cdiv(y) of 5 by 5x1: paired as well when the counts agree (PyTorch 0.4 did too) */
  int inplace_misfit = 0;
  if (ndim >= 0 && !same_sizes(ndim, size, res))
    for (int k = 0; k < nin; k++)
      inplace_misfit |= res->storage && res->storage == in[k]->storage;
  if ((ndim < 0 || (inplace_misfit && dl_tensor_numel(res) == dl_tensor_numel(in[0]))) &&
      same_count(nin, in)) {
    paired = 1;
    ndim = in[0]->ndim;
    memcpy(size, in[0]->size, sizeof(int64_t) * ndim);
  }
  if (ndim < 0 || prepare_result(fn, res, nin, in, ndim, size) < 0) return -1;
  /* expanded copies of the operands' headers: expand only changes sizes and strides,
     so they need no reference of their own to the storage. A paired operand is viewed
     with the first one's shape, through a contiguous copy (own) when its strides do
     not allow the view. */
  dl_tensor ex[OP_MAXARGS], own[OP_MAXARGS];
  const dl_tensor *ts[OP_MAXARGS] = {res};
  int rc = 0;
  for (int k = 0; k < nin; k++) dl_tensor_init(&own[k], in[k]->dtype);
  for (int k = 0; k < nin && rc == 0; k++) {
    ex[k] = *in[k];
    ts[k + 1] = &ex[k];
    if (same_sizes(ndim, size, &ex[k])) continue;
    if (!paired) {
      rc = dl_tensor_expand(&ex[k], ndim, size);
    } else if (dl_tensor_view(&ex[k], ndim, size) < 0) {
      rc = op_clone(&own[k], in[k], in[k]->dtype);
      ex[k] = own[k];
      if (rc == 0) rc = dl_tensor_view(&ex[k], ndim, size);
    }
  }
  /* An operand that overlaps the result without being the same view (x:t() into x)
     would be read after some of its elements were written: compute into a temporary. */
  dl_tensor tmp;
  dl_tensor_init(&tmp, res->dtype);
  for (int k = 0; k < nin && rc == 0; k++)
    if (dl_tensor_overlaps(res, &ex[k]) && !dl_tensor_sameview(res, &ex[k])) {
      rc = dl_tensor_new(&tmp, res->dtype, ndim, size);
      ts[0] = &tmp;
      break;
    }
  if (rc == 0) {
    op_foreach(nin + 1, ts, row[in[0]->dtype], c);
    rc = c->zero ? dl_error("%s: integer division by zero", fn) : 0;
    if (ts[0] == &tmp && rc == 0) rc = op_copy(res, &tmp);
    if (rc == 0 && paired) warn_paired(fn, nin, in, inplace_misfit);
  }
  dl_tensor_free(&tmp);
  for (int k = 0; k < nin; k++) dl_tensor_free(&own[k]);
  return rc;
}

int op_pw_unary(const char *fn, dl_tensor *res, const dl_tensor *x, op_pw_unop op, double p0,
             double p1) {
  op_pw_ctx c = {p0, p1, 0};
  const dl_tensor *in[1] = {x};
  return run(fn ? fn : unary_names[op], res, 1, in, unary_loops[op], op_pw_unop_iscmp(op), &c);
}

int op_pw_binary(const char *fn, dl_tensor *res, const dl_tensor *a, const dl_tensor *b,
              op_pw_binop op, double p0) {
  op_pw_ctx c = {p0, 0, 0};
  const dl_tensor *in[2] = {a, b};
  return run(fn ? fn : binary_names[op], res, 2, in, binary_loops[op], op_pw_binop_iscmp(op), &c);
}

int op_pw_ternary(const char *fn, dl_tensor *res, const dl_tensor *a, const dl_tensor *b,
               const dl_tensor *c3, op_pw_terop op, double p0) {
  op_pw_ctx c = {p0, 0, 0};
  const dl_tensor *in[3] = {a, b, c3 ? c3 : b};
  return run(fn ? fn : ternary_names[op], res, 3, in, ternary_loops[op], 0, &c);
}
