/* Bitwise operations and shifts (see bitwise.h): loops from pointwise.h's generators, one
   per op and type, run by op_foreach over the broadcast operands. */
#include "bitwise.h"

#include <math.h>
#include <string.h>

#include "copy.h"
#include "iter.h"
#include "pointwise.h"

/* The loop context's flag (op_pw_ctx.zero) marks a negative shift count here. */
static inline void bad_count(op_pw_ctx *c) { __atomic_store_n(&c->zero, 1, __ATOMIC_RELAXED); }

/* Shifts by the full width or more are undefined in C: give what shifting one bit at a
   time would. Left shifts go through uint64_t, since shifting a negative is undefined. */
static inline int64_t shl_i64(int64_t a, int64_t n, op_pw_ctx *c) {
  if (n < 0) return bad_count(c), 0;
  return n >= 64 ? 0 : (int64_t)((uint64_t)a << n);
}
static inline int64_t shr_i64(int64_t a, int64_t n, op_pw_ctx *c) {
  if (n < 0) return bad_count(c), 0;
  return n >= 64 ? (a < 0 ? -1 : 0) : a >> n;
}
static inline uint8_t shl_u8(uint8_t a, uint8_t n, op_pw_ctx *c) {
  return n >= 8 ? 0 : (uint8_t)(a << n);
}
static inline uint8_t shr_u8(uint8_t a, uint8_t n, op_pw_ctx *c) { return n >= 8 ? 0 : a >> n; }
static inline float shl_f32(float a, float n, op_pw_ctx *c) { return a * powf(2.0f, n); }
static inline float shr_f32(float a, float n, op_pw_ctx *c) { return a / powf(2.0f, n); }
static inline double shl_f64(double a, double n, op_pw_ctx *c) { return a * pow(2.0, n); }
static inline double shr_f64(double a, double n, op_pw_ctx *c) { return a / pow(2.0, n); }

/* Char, Short and Int shift as int64_t (sign-extended): the result stored back wraps to
   the low bits, which is what shifting in the narrow type gives. */
#define OP_SHL(a, b) \
  _Generic((a), float: shl_f32, double: shl_f64, uint8_t: shl_u8, default: shl_i64)(a, b, ctx_)
#define OP_SHR(a, b) \
  _Generic((a), float: shr_f32, double: shr_f64, uint8_t: shr_u8, default: shr_i64)(a, b, ctx_)

OP_LOOP2(and_i64, int64_t, int64_t, a, b, a & b)
OP_LOOP2(and_u8, uint8_t, uint8_t, a, b, a & b)
OP_LOOP2(or_i64, int64_t, int64_t, a, b, a | b)
OP_LOOP2(or_u8, uint8_t, uint8_t, a, b, a | b)
OP_LOOP2(xor_i64, int64_t, int64_t, a, b, a ^ b)
OP_LOOP2(xor_u8, uint8_t, uint8_t, a, b, a ^ b)
/* Char, Short and Int: the same expressions per type. */
#define SIGNED_LOOPS(T)                              \
  OP_LOOP2(and_##T, T##_t, T##_t, a, b, a & b)       \
  OP_LOOP2(or_##T, T##_t, T##_t, a, b, a | b)        \
  OP_LOOP2(xor_##T, T##_t, T##_t, a, b, a ^ b)       \
  OP_LOOP2(shl_l##T, T##_t, T##_t, a, b, OP_SHL(a, b)) \
  OP_LOOP2(shr_l##T, T##_t, T##_t, a, b, OP_SHR(a, b))
SIGNED_LOOPS(int8)
SIGNED_LOOPS(int16)
SIGNED_LOOPS(int32)
OP_LOOP2(shl_lf32, float, float, a, b, OP_SHL(a, b))
OP_LOOP2(shl_lf64, double, double, a, b, OP_SHL(a, b))
OP_LOOP2(shl_li64, int64_t, int64_t, a, b, OP_SHL(a, b))
OP_LOOP2(shl_lu8, uint8_t, uint8_t, a, b, OP_SHL(a, b))
OP_LOOP2(shr_lf32, float, float, a, b, OP_SHR(a, b))
OP_LOOP2(shr_lf64, double, double, a, b, OP_SHR(a, b))
OP_LOOP2(shr_li64, int64_t, int64_t, a, b, OP_SHR(a, b))
OP_LOOP2(shr_lu8, uint8_t, uint8_t, a, b, OP_SHR(a, b))

/* Indexed by op and dl_dtype (Float, Double, Long, Byte, Char, Short, Int, Half); NULL:
   not for that type. */
static const op_loop_fn loops[OP_BIT_NOPS][DL_NTYPES] = {
    {NULL, NULL, and_i64, and_u8, and_int8, and_int16, and_int32, NULL},
    {NULL, NULL, or_i64, or_u8, or_int8, or_int16, or_int32, NULL},
    {NULL, NULL, xor_i64, xor_u8, xor_int8, xor_int16, xor_int32, NULL},
    {shl_lf32, shl_lf64, shl_li64, shl_lu8, shl_lint8, shl_lint16, shl_lint32, NULL},
    {shr_lf32, shr_lf64, shr_li64, shr_lu8, shr_lint8, shr_lint16, shr_lint32, NULL},
};

static int is_shift(op_bit_op op) { return op == OP_BIT_LSHIFT || op == OP_BIT_RSHIFT; }

/* The result takes the broadcast sizes: kept as it is when it has them, resized unless
   it shares storage with an operand (an in-place call cannot change its shape). */
static int shape_result(const char *fn, dl_tensor *res, const dl_tensor *a, const dl_tensor *b,
                        int *ndim, int64_t *size) {
  char b1[256], b2[256];
  *ndim = dl_broadcast_shape(fn, a, b, size);
  if (*ndim < 0) return -1;
  if (res->ndim == *ndim && memcmp(res->size, size, sizeof(int64_t) * *ndim) == 0) return 0;
  if (res->storage && (res->storage == a->storage || res->storage == b->storage))
    return dl_error("%s: the result (size %s) cannot hold the broadcast size %s in place", fn,
                    dl_sizestr(b1, sizeof b1, res->ndim, res->size),
                    dl_sizestr(b2, sizeof b2, *ndim, size));
  return dl_tensor_resize(res, *ndim, size);
}

int op_bit_tensor(const char *fn, dl_tensor *res, const dl_tensor *a, const dl_tensor *b,
                  op_bit_op op) {
  if ((unsigned)op >= OP_BIT_NOPS) return dl_error("%s: unknown bitwise operation", fn);
  if (a->dtype != b->dtype || res->dtype != a->dtype)
    return dl_error("%s: tensor types differ: torch.%sTensor, torch.%sTensor and torch.%sTensor",
                    fn, dl_dtype_name(res->dtype), dl_dtype_name(a->dtype),
                    dl_dtype_name(b->dtype));
  op_loop_fn loop = loops[op][a->dtype];
  if (!loop)
    return dl_error("%s: not supported for torch.%sTensor (integer types only: Long, Int, Short, Char, Byte)",
                    fn, dl_dtype_name(a->dtype));
  int ndim;
  int64_t size[DL_MAXDIM];
  if (shape_result(fn, res, a, b, &ndim, size) < 0) return -1;
  dl_tensor ea = *a, eb = *b; /* expanded headers: they borrow the operands' storage */
  if (dl_tensor_expand(&ea, ndim, size) < 0 || dl_tensor_expand(&eb, ndim, size) < 0) return -1;
  /* an operand overlapping the result as another view would be read after being written */
  dl_tensor tmp;
  dl_tensor_init(&tmp, res->dtype);
  const dl_tensor *ts[3] = {res, &ea, &eb};
  if ((dl_tensor_overlaps(res, &ea) && !dl_tensor_sameview(res, &ea)) ||
      (dl_tensor_overlaps(res, &eb) && !dl_tensor_sameview(res, &eb))) {
    if (dl_tensor_new(&tmp, res->dtype, ndim, size) < 0) return -1;
    ts[0] = &tmp;
  }
  op_pw_ctx c = {0, 0, 0};
  op_foreach(3, ts, loop, &c);
  int rc = c.zero ? dl_error("%s: negative shift count", fn) : 0;
  if (ts[0] == &tmp && rc == 0) rc = op_copy(res, &tmp);
  dl_tensor_free(&tmp);
  return rc;
}

/* The number v (exact as iv on integer types) as a one-element tensor of x's type,
   broadcast against x. */
static int with_scalar(const char *fn, dl_tensor *res, const dl_tensor *x, op_bit_op op,
                       double v, int64_t iv) {
  if ((unsigned)op >= OP_BIT_NOPS) return dl_error("%s: unknown bitwise operation", fn);
  if (!loops[op][x->dtype])
    return dl_error("%s: not supported for torch.%sTensor (integer types only: Long, Int, Short, Char, Byte)",
                    fn, dl_dtype_name(x->dtype));
  if (x->ndim == 0) { /* Torch7's empty tensor: an empty result */
    int64_t none[1] = {0};
    if (res->ndim == 0) return 0;
    if (res->storage && res->storage == x->storage)
      return dl_error("%s: the result cannot become empty in place", fn);
    return dl_tensor_resize(res, 0, none);
  }
  dl_tensor s;
  int64_t one = 1;
  if (dl_tensor_new(&s, x->dtype, 1, &one) < 0) return -1;
  void *p = dl_tensor_data(&s);
  switch (x->dtype) {
  case DL_FLOAT: *(float *)p = (float)v; break;
  case DL_DOUBLE: *(double *)p = v; break;
  case DL_LONG: *(int64_t *)p = iv; break;
  /* a shift count past the type's width keeps its meaning (all bits out) */
  case DL_CHAR: *(int8_t *)p = is_shift(op) && iv > INT8_MAX ? INT8_MAX : (int8_t)iv; break;
  case DL_SHORT: *(int16_t *)p = is_shift(op) && iv > INT16_MAX ? INT16_MAX : (int16_t)iv; break;
  case DL_INT: *(int32_t *)p = is_shift(op) && iv > INT32_MAX ? INT32_MAX : (int32_t)iv; break;
  default: /* a shift count keeps its meaning past 255 (all bits out), unlike iv mod 256 */
    *(uint8_t *)p = is_shift(op) && iv > 255 ? 255 : (uint8_t)iv;
    break;
  }
  int rc = op_bit_tensor(fn, res, x, &s, op);
  dl_tensor_free(&s);
  return rc;
}

int op_bit_scalar_int(const char *fn, dl_tensor *res, const dl_tensor *x, op_bit_op op,
                      int64_t v) {
  if (!dl_dtype_isfloat(x->dtype) && is_shift(op) && v < 0)
    return dl_error("%s: negative shift count %lld", fn, (long long)v);
  return with_scalar(fn, res, x, op, (double)v, v);
}

int op_bit_scalar(const char *fn, dl_tensor *res, const dl_tensor *x, op_bit_op op, double v) {
  if (dl_dtype_isfloat(x->dtype)) return with_scalar(fn, res, x, op, v, 0);
  /* 2^63 is the first double past int64's range */
  if (v != floor(v) || !(v >= -9223372036854775808.0 && v < 9223372036854775808.0))
    return dl_error("%s: value %g is not an integer in the range of torch.%sTensor", fn, v,
                    dl_dtype_name(x->dtype));
  return op_bit_scalar_int(fn, res, x, op, (int64_t)v);
}
