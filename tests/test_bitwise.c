/* Bitwise kernels: values by hand, shifts past the width, broadcasting, errors. */
#include <string.h>

#include "check.h"
#include "core/tensor.h"
#include "ops/bitwise.h"

static void make_long(dl_tensor *t, int n, const int64_t *v) {
  int64_t s = n;
  dl_tensor_new(t, DL_LONG, 1, &s);
  memcpy(dl_tensor_data(t), v, sizeof(int64_t) * n);
}

static int64_t L(const dl_tensor *t, int64_t i) {
  return ((int64_t *)t->storage->data)[t->offset + i * t->stride[0]];
}

int main(void) {
  dl_tensor a, b, r;
  int64_t av[4] = {6, 6, 6, -8}, bv[4] = {1, 2, 4, 1};
  make_long(&a, 4, av);
  make_long(&b, 4, bv);
  dl_tensor_init(&r, DL_LONG);
  CHECK(op_bit_tensor("cbitand", &r, &a, &b, OP_BIT_AND) == 0);
  CHECK(L(&r, 0) == 0 && L(&r, 1) == 2 && L(&r, 2) == 4 && L(&r, 3) == 0);
  CHECK(op_bit_tensor("cbitxor", &r, &a, &b, OP_BIT_XOR) == 0);
  CHECK(L(&r, 0) == 7 && L(&r, 3) == -7);
  CHECK(op_bit_tensor("clshift", &r, &a, &b, OP_BIT_LSHIFT) == 0);
  CHECK(L(&r, 0) == 12 && L(&r, 2) == 96 && L(&r, 3) == -16);
  /* arithmetic right shift; counts past the width give the sign */
  CHECK(op_bit_scalar_int("rshift", &r, &a, OP_BIT_RSHIFT, 1) == 0);
  CHECK(L(&r, 0) == 3 && L(&r, 3) == -4);
  CHECK(op_bit_scalar_int("rshift", &r, &a, OP_BIT_RSHIFT, 200) == 0);
  CHECK(L(&r, 0) == 0 && L(&r, 3) == -1);
  CHECK(op_bit_scalar_int("lshift", &r, &a, OP_BIT_LSHIFT, 64) == 0);
  CHECK(L(&r, 0) == 0 && L(&r, 3) == 0);
  /* a full 64-bit mask survives (a double would round it) */
  CHECK(op_bit_scalar_int("bitand", &r, &a, OP_BIT_AND, INT64_MAX) == 0);
  CHECK(L(&r, 3) == (-8 & INT64_MAX));
  /* errors: negative counts, non-integers, float types for and/or/xor */
  CHECK(op_bit_scalar_int("lshift", &r, &a, OP_BIT_LSHIFT, -1) < 0);
  CHECK(strstr(dl_errmsg(), "lshift: negative shift count") != NULL);
  int64_t neg = -1;
  dl_tensor c;
  make_long(&c, 1, &neg);
  CHECK(op_bit_tensor("clshift", &r, &a, &c, OP_BIT_LSHIFT) < 0);
  CHECK(strstr(dl_errmsg(), "negative shift count") != NULL);
  CHECK(op_bit_scalar("bitor", &r, &a, OP_BIT_OR, 2.5) < 0);
  CHECK(strstr(dl_errmsg(), "bitor: value 2.5") != NULL);
  dl_tensor f, fr;
  int64_t two = 2;
  dl_tensor_new(&f, DL_DOUBLE, 1, &two);
  ((double *)dl_tensor_data(&f))[0] = 1.5;
  ((double *)dl_tensor_data(&f))[1] = -3;
  dl_tensor_init(&fr, DL_DOUBLE);
  CHECK(op_bit_scalar("bitand", &fr, &f, OP_BIT_AND, 1) < 0);
  CHECK(strstr(dl_errmsg(), "bitand: not supported for torch.DoubleTensor") != NULL);
  /* float shifts scale by powers of two, as Torch7 */
  CHECK(op_bit_scalar("lshift", &fr, &f, OP_BIT_LSHIFT, 3) == 0);
  CHECK_NEAR(((double *)dl_tensor_data(&fr))[0], 12, 0);
  CHECK(op_bit_scalar("rshift", &fr, &f, OP_BIT_RSHIFT, 1) == 0);
  CHECK_NEAR(((double *)dl_tensor_data(&fr))[1], -1.5, 0);
  /* bytes: unsigned, and a count past 255 still shifts every bit out */
  dl_tensor u, ur;
  dl_tensor_new(&u, DL_BYTE, 1, &two);
  ((uint8_t *)dl_tensor_data(&u))[0] = 255;
  ((uint8_t *)dl_tensor_data(&u))[1] = 129;
  dl_tensor_init(&ur, DL_BYTE);
  CHECK(op_bit_scalar_int("lshift", &ur, &u, OP_BIT_LSHIFT, 1) == 0);
  CHECK(((uint8_t *)dl_tensor_data(&ur))[0] == 254 && ((uint8_t *)dl_tensor_data(&ur))[1] == 2);
  CHECK(op_bit_scalar_int("rshift", &ur, &u, OP_BIT_RSHIFT, 300) == 0);
  CHECK(((uint8_t *)dl_tensor_data(&ur))[0] == 0);
  CHECK(op_bit_scalar_int("bitxor", &ur, &u, OP_BIT_XOR, -1) == 0); /* -1 is 255 for bytes */
  CHECK(((uint8_t *)dl_tensor_data(&ur))[1] == 126);
  /* in place on a view that overlaps differently: a reversed view of a */
  dl_tensor rev;
  dl_tensor_init(&rev, DL_LONG);
  dl_tensor_set(&rev, &a);
  rev.offset = 3;
  rev.stride[0] = -1;
  CHECK(op_bit_tensor("cbitor", &a, &a, &rev, OP_BIT_OR) == 0);
  CHECK(L(&a, 0) == (6 | -8) && L(&a, 3) == (-8 | 6));
  dl_tensor_free(&rev);
  dl_tensor_free(&u);
  dl_tensor_free(&ur);
  dl_tensor_free(&f);
  dl_tensor_free(&fr);
  dl_tensor_free(&c);
  dl_tensor_free(&a);
  dl_tensor_free(&b);
  dl_tensor_free(&r);
  return check_done("test_bitwise");
}
