/* The elementwise kernels: values by hand, broadcasting, strided operands, errors. */
#include <string.h>

#include "check.h"
#include "core/tensor.h"
#include "ops/pointwise.h"

static void fill_seq(dl_tensor *t, double start) {
  int64_t n = dl_tensor_numel(t);
  for (int64_t i = 0; i < n; i++) {
    if (t->dtype == DL_FLOAT) ((float *)dl_tensor_data(t))[i] = (float)(start + i);
    if (t->dtype == DL_DOUBLE) ((double *)dl_tensor_data(t))[i] = start + i;
    if (t->dtype == DL_LONG) ((int64_t *)dl_tensor_data(t))[i] = (int64_t)(start + i);
  }
}

static double at2(const dl_tensor *t, int64_t i, int64_t j) {
  int64_t e = t->offset + i * t->stride[0] + j * t->stride[1];
  if (t->dtype == DL_FLOAT) return ((float *)t->storage->data)[e];
  if (t->dtype == DL_DOUBLE) return ((double *)t->storage->data)[e];
  if (t->dtype == DL_LONG) return (double)((int64_t *)t->storage->data)[e];
  return ((uint8_t *)t->storage->data)[e];
}

static void test_broadcast_add(void) {
  dl_tensor a, b, r;
  int64_t s23[2] = {2, 3}, s3[1] = {3};
  dl_tensor_new(&a, DL_FLOAT, 2, s23);
  dl_tensor_new(&b, DL_FLOAT, 1, s3);
  dl_tensor_init(&r, DL_FLOAT);
  fill_seq(&a, 1);  /* 1 2 3 / 4 5 6 */
  fill_seq(&b, 10); /* 10 11 12 */
  CHECK(op_pw_binary(NULL, &r, &a, &b, OP_B_add, 2) == 0); /* a + 2 b */
  CHECK(r.ndim == 2 && r.size[0] == 2 && r.size[1] == 3);
  CHECK_NEAR(at2(&r, 0, 0), 21, 0);
  CHECK_NEAR(at2(&r, 1, 2), 30, 0);
  /* in place on a transposed view: r^T has size 3x2; r^T -= 1 everywhere */
  dl_tensor rt;
  dl_tensor_init(&rt, DL_FLOAT);
  dl_tensor_set(&rt, &r);
  dl_tensor_transpose(&rt, 0, 1);
  CHECK(op_pw_unary(NULL, &rt, &rt, OP_U_adds, -1, 0) == 0);
  CHECK_NEAR(at2(&r, 0, 1), 24 - 1, 0);
  CHECK_NEAR(at2(&rt, 2, 1), 29, 0);
  /* the in-place result cannot grow to the broadcast shape */
  CHECK(op_pw_binary(NULL, &b, &b, &a, OP_B_add, 1) < 0);
  CHECK(strstr(dl_errmsg(), "add:") && strstr(dl_errmsg(), "2x3"));
  dl_tensor_free(&rt);
  dl_tensor_free(&a);
  dl_tensor_free(&b);
  dl_tensor_free(&r);
}

static void test_long(void) {
  dl_tensor a, b, r;
  int64_t s2[1] = {2};
  dl_tensor_new(&a, DL_LONG, 1, s2);
  dl_tensor_new(&b, DL_LONG, 1, s2);
  dl_tensor_init(&r, DL_LONG);
  ((int64_t *)dl_tensor_data(&a))[0] = -5;
  ((int64_t *)dl_tensor_data(&a))[1] = 7;
  ((int64_t *)dl_tensor_data(&b))[0] = 3;
  ((int64_t *)dl_tensor_data(&b))[1] = -2;
  CHECK(op_pw_binary(NULL, &r, &a, &b, OP_B_cfmod, 0) == 0);
  CHECK(at2(&r, 0, 0) == -2 && ((int64_t *)dl_tensor_data(&r))[1] == 1);
  CHECK(op_pw_binary(NULL, &r, &a, &b, OP_B_cremainder, 0) == 0);
  CHECK(((int64_t *)dl_tensor_data(&r))[0] == 1 && ((int64_t *)dl_tensor_data(&r))[1] == -1);
  CHECK(op_pw_binary(NULL, &r, &a, &b, OP_B_cdiv, 0) == 0);
  CHECK(((int64_t *)dl_tensor_data(&r))[0] == -1 && ((int64_t *)dl_tensor_data(&r))[1] == -3);
  CHECK(op_pw_unary(NULL, &r, &a, OP_U_pows, 3, 0) == 0);
  CHECK(((int64_t *)dl_tensor_data(&r))[0] == -125 && ((int64_t *)dl_tensor_data(&r))[1] == 343);
  CHECK(op_pw_unary(NULL, &r, &a, OP_U_divs, 0, 0) < 0);
  CHECK(strstr(dl_errmsg(), "division by zero") != NULL);
  CHECK(op_pw_unary(NULL, &r, &a, OP_U_sqrt, 0, 0) < 0);
  CHECK(strcmp(dl_errmsg(), "sqrt: not supported for torch.LongTensor") == 0);
  dl_tensor cmp;
  dl_tensor_init(&cmp, DL_BYTE);
  CHECK(op_pw_binary(NULL, &cmp, &a, &b, OP_B_lt, 0) == 0);
  CHECK(((uint8_t *)dl_tensor_data(&cmp))[0] == 1 && ((uint8_t *)dl_tensor_data(&cmp))[1] == 0);
  CHECK(op_pw_unary(NULL, &cmp, &a, OP_U_gt, 6.5, 0) == 0);
  CHECK(((uint8_t *)dl_tensor_data(&cmp))[0] == 0 && ((uint8_t *)dl_tensor_data(&cmp))[1] == 1);
  dl_tensor f;
  int64_t s1[1] = {1};
  dl_tensor_new(&f, DL_FLOAT, 1, s1);
  CHECK(op_pw_binary(NULL, &r, &a, &f, OP_B_add, 1) < 0);
  CHECK(strstr(dl_errmsg(), "torch.LongTensor and torch.FloatTensor") != NULL);
  dl_tensor_free(&f);
  dl_tensor_free(&cmp);
  dl_tensor_free(&a);
  dl_tensor_free(&b);
  dl_tensor_free(&r);
}

static void test_float_math(void) {
  dl_tensor a, r;
  int64_t s3[1] = {3};
  dl_tensor_new(&a, DL_DOUBLE, 1, s3);
  dl_tensor_init(&r, DL_DOUBLE);
  fill_seq(&a, 1); /* 1 2 3 */
  CHECK(op_pw_unary(NULL, &r, &a, OP_U_exp, 0, 0) == 0);
  CHECK_NEAR(((double *)dl_tensor_data(&r))[0], 2.718281828459045, 1e-15);
  CHECK(op_pw_unary(NULL, &r, &a, OP_U_sigmoid, 0, 0) == 0);
  CHECK_NEAR(((double *)dl_tensor_data(&r))[0], 0.7310585786300049, 1e-15);
  CHECK(op_pw_ternary(NULL, &r, &a, &a, &a, OP_T_addcdiv, 0.5) == 0);
  CHECK_NEAR(((double *)dl_tensor_data(&r))[2], 3.5, 0);
  CHECK(op_pw_ternary(NULL, &r, &a, &r, NULL, OP_T_lerp, 0.25) == 0);
  CHECK_NEAR(((double *)dl_tensor_data(&r))[2], 3 + 0.25 * 0.5, 1e-15);
  dl_tensor_free(&a);
  dl_tensor_free(&r);
}

/* A large contiguous add goes through the threaded path and must still be exact. */
static void test_large(void) {
  dl_tensor a, r;
  int64_t n[1] = {1 << 20};
  dl_tensor_new(&a, DL_FLOAT, 1, n);
  dl_tensor_init(&r, DL_FLOAT);
  fill_seq(&a, 0);
  CHECK(op_pw_binary(NULL, &r, &a, &a, OP_B_cmul, 1) == 0);
  int bad = 0;
  for (int64_t i = 0; i < n[0]; i++) bad += ((float *)dl_tensor_data(&r))[i] != (float)i * (float)i;
  CHECK(bad == 0);
  dl_tensor_free(&a);
  dl_tensor_free(&r);
}

/* Torch7's same-count rule: 2x3 with 6 in row-major order, the result shaped as the first
   operand, a dl_warn naming both sizes; a strided operand read in its row-major order;
   other counts still an error. */
static void test_same_count(void) {
  dl_tensor a, b, r;
  int64_t s23[2] = {2, 3}, s6[1] = {6};
  dl_tensor_new(&a, DL_DOUBLE, 2, s23);
  dl_tensor_new(&b, DL_DOUBLE, 1, s6);
  dl_tensor_init(&r, DL_DOUBLE);
  fill_seq(&a, 1);  /* 1 2 3 / 4 5 6 */
  fill_seq(&b, 10); /* 10 .. 15 */
  (void)dl_takewarning();
  CHECK(op_pw_binary("cmul", &r, &a, &b, OP_B_cmul, 0) == 0);
  CHECK(r.ndim == 2 && r.size[0] == 2 && r.size[1] == 3);
  CHECK_NEAR(at2(&r, 0, 0), 10, 0);
  CHECK_NEAR(at2(&r, 1, 2), 6 * 15, 0);
  const char *w = dl_takewarning();
  CHECK(w && strstr(w, "cmul: sizes 2x3 and 6 do not broadcast but have the same number of "
                       "elements (6): paired in row-major order"));
  CHECK(dl_takewarning() == NULL); /* taken once */
  /* a^T (3x2: 1 4 / 2 5 / 3 6) with b: its row-major order is 1 4 2 5 3 6 */
  dl_tensor at;
  dl_tensor_init(&at, DL_DOUBLE);
  dl_tensor_set(&at, &a);
  dl_tensor_transpose(&at, 0, 1);
  CHECK(op_pw_binary(NULL, &r, &b, &at, OP_B_add, 1) == 0);
  CHECK(r.ndim == 1 && r.size[0] == 6);
  double want[6] = {11, 15, 14, 18, 17, 21};
  for (int i = 0; i < 6; i++) CHECK_NEAR(((double *)dl_tensor_data(&r))[i], want[i], 0);
  /* broadcasting shapes are not paired; other counts are refused */
  int64_t s5[1] = {5};
  dl_tensor c;
  dl_tensor_new(&c, DL_DOUBLE, 1, s5);
  CHECK(op_pw_binary(NULL, &r, &a, &c, OP_B_add, 1) < 0);
  CHECK(strstr(dl_errmsg(), "add: sizes 2x3 and 5"));
  dl_tensor_free(&c);
  dl_tensor_free(&at);
  dl_tensor_free(&a);
  dl_tensor_free(&b);
  dl_tensor_free(&r);
}

/* Comparisons into a result of the operands' type give 0.0 and 1.0 (Torch7). */
static void test_compare_into_type(void) {
  dl_tensor a, r;
  int64_t s3[1] = {3};
  dl_tensor_new(&a, DL_DOUBLE, 1, s3);
  dl_tensor_init(&r, DL_DOUBLE);
  fill_seq(&a, 1); /* 1 2 3 */
  CHECK(op_pw_unary(NULL, &r, &a, OP_U_gt, 1.5, 0) == 0);
  CHECK(r.dtype == DL_DOUBLE && r.size[0] == 3);
  CHECK(((double *)dl_tensor_data(&r))[0] == 0 && ((double *)dl_tensor_data(&r))[2] == 1);
  dl_tensor f;
  dl_tensor_init(&f, DL_FLOAT);
  CHECK(op_pw_unary(NULL, &f, &a, OP_U_gt, 1.5, 0) < 0);
  CHECK(strstr(dl_errmsg(), "the result is a torch.FloatTensor, expected a torch.ByteTensor"));
  dl_tensor_free(&f);
  dl_tensor_free(&a);
  dl_tensor_free(&r);
}

int main(void) {
  test_broadcast_add();
  test_same_count();
  test_compare_into_type();
  test_long();
  test_float_math();
  test_large();
  return check_done("test_pointwise");
}
