/* Reductions, scans and sorting against values computed by hand or by naive loops. */
#include <math.h>
#include <string.h>

#include "check.h"
#include "ops/copy.h"
#include "ops/pointwise.h"
#include "ops/reduction.h"
#include "ops/sorting.h"

/* A contiguous r x c tensor holding vals in row-major order. */
static void make2(dl_tensor *t, dl_dtype dt, int64_t r, int64_t c, const double *vals) {
  int64_t size[2] = {r, c};
  dl_tensor_new(t, dt, 2, size);
  for (int64_t i = 0; i < r * c; i++) op_set(t, t->offset + i, vals[i]);
}

static double at2(const dl_tensor *t, int64_t i, int64_t j) {
  return op_get(t, t->offset + i * t->stride[0] + j * t->stride[1]);
}

static void test_dims(dl_dtype dt) {
  /* 1 2 3
     4 5 6 */
  double v[] = {1, 2, 3, 4, 5, 6};
  dl_tensor x, r, ind;
  make2(&x, dt, 2, 3, v);
  dl_tensor_init(&r, dt);
  dl_tensor_init(&ind, DL_LONG);
  CHECK(op_red_sum(&r, &x, 0) == 0);
  CHECK(r.ndim == 2 && r.size[0] == 1 && r.size[1] == 3);
  CHECK_NEAR(at2(&r, 0, 0), 5, 0);
  CHECK_NEAR(at2(&r, 0, 2), 9, 0);
  CHECK(op_red_sum(&r, &x, 1) == 0);
  CHECK(r.size[0] == 2 && r.size[1] == 1);
  CHECK_NEAR(at2(&r, 1, 0), 15, 0);
  CHECK(op_red_prod(&r, &x, 1) == 0);
  CHECK_NEAR(at2(&r, 0, 0), 6, 0);
  CHECK_NEAR(at2(&r, 1, 0), 120, 0);
  CHECK(op_red_max(&r, &ind, &x, 0) == 0);
  CHECK_NEAR(at2(&r, 0, 1), 5, 0);
  CHECK_NEAR(at2(&ind, 0, 1), 2, 0);
  CHECK(op_red_min(&r, &ind, &x, 1) == 0);
  CHECK_NEAR(at2(&r, 1, 0), 4, 0);
  CHECK_NEAR(at2(&ind, 1, 0), 1, 0);
  CHECK(op_red_cumsum(&r, &x, 1) == 0);
  CHECK(r.size[0] == 2 && r.size[1] == 3);
  CHECK_NEAR(at2(&r, 1, 2), 15, 0);
  CHECK(op_red_cumprod(&r, &x, 0) == 0);
  CHECK_NEAR(at2(&r, 1, 2), 18, 0);
  /* the transpose: reducing its dim 0 is reducing x's dim 1 */
  dl_tensor t;
  dl_tensor_init(&t, dt);
  dl_tensor_set(&t, &x);
  dl_tensor_transpose(&t, 0, 1);
  CHECK(op_red_sum(&r, &t, 0) == 0);
  CHECK(r.size[0] == 1 && r.size[1] == 2);
  CHECK_NEAR(at2(&r, 0, 0), 6, 0);
  CHECK_NEAR(at2(&r, 0, 1), 15, 0);
  op_red_num n;
  CHECK(op_red_sumall(&t, &n) == 0 && n.f == 21 && n.isint == !dl_dtype_isfloat(dt));
  CHECK(op_red_prodall(&t, &n) == 0 && n.f == 720);
  CHECK(op_red_maxall(&t, &n) == 0 && n.f == 6);
  CHECK(op_red_minall(&t, &n) == 0 && n.f == 1);
  CHECK(op_red_trace(&x, &n) == 0 && n.f == 6);
  CHECK(op_red_sum(&r, &x, 2) < 0 && strstr(dl_errmsg(), "sum: dimension 3"));
  dl_tensor_free(&t);
  dl_tensor_free(&x);
  dl_tensor_free(&r);
  dl_tensor_free(&ind);
}

static void test_float(void) {
  double v[] = {1, 2, 3, 4, 5, 6, 7, 8};
  dl_tensor x, r;
  make2(&x, DL_DOUBLE, 2, 4, v);
  dl_tensor_init(&r, DL_DOUBLE);
  double d;
  CHECK(op_red_meanall(&x, &d) == 0 && d == 4.5);
  CHECK(op_red_varall(&x, 0, &d) == 0);
  CHECK_NEAR(d, 6.0, 1e-12);
  CHECK(op_red_varall(&x, 1, &d) == 0);
  CHECK_NEAR(d, 5.25, 1e-12);
  CHECK(op_red_stdall(&x, 0, &d) == 0);
  CHECK_NEAR(d, sqrt(6.0), 1e-12);
  CHECK(op_red_normall(&x, 1, &d) == 0 && d == 36);
  CHECK(op_red_normall(&x, 2, &d) == 0);
  CHECK_NEAR(d, sqrt(204.0), 1e-12);
  CHECK(op_red_normall(&x, INFINITY, &d) == 0 && d == 8);
  CHECK(op_red_normall(&x, 0, &d) == 0 && d == 8);
  CHECK(op_red_normall(&x, 3, &d) == 0);
  CHECK_NEAR(d, pow(1296.0, 1.0 / 3), 1e-9);
  CHECK(op_red_var(&r, &x, 1, 0) == 0);
  CHECK_NEAR(at2(&r, 0, 0), 5.0 / 3, 1e-12);
  CHECK(op_red_std(&r, &x, 1, 1) == 0);
  CHECK_NEAR(at2(&r, 1, 0), sqrt(1.25), 1e-12);
  CHECK(op_red_mean(&r, &x, 0) == 0);
  CHECK_NEAR(at2(&r, 0, 3), 6, 0);
  CHECK(op_red_norm(&r, &x, 2, 0) == 0);
  CHECK_NEAR(at2(&r, 0, 0), sqrt(26.0), 1e-12);
  /* NaN wins max and min */
  op_set(&x, x.offset + 5, NAN);
  op_red_num n;
  CHECK(op_red_maxall(&x, &n) == 0 && isnan(n.f));
  CHECK(op_red_minall(&x, &n) == 0 && isnan(n.f));
  dl_tensor ind;
  dl_tensor_init(&ind, DL_LONG);
  CHECK(op_red_max(&r, &ind, &x, 1) == 0);
  CHECK(isnan(at2(&r, 1, 0)) && at2(&ind, 1, 0) == 2);
  dl_tensor_free(&ind);
  dl_tensor_free(&x);
  dl_tensor_free(&r);
}

static void test_bigsum(void) {
  int64_t n = 1000000;
  dl_tensor x;
  dl_tensor_new(&x, DL_FLOAT, 1, &n);
  op_fill(&x, 0.1);
  op_red_num s;
  CHECK(op_red_sumall(&x, &s) == 0);
  CHECK_NEAR(s.f, 100000, 1e-3 * 20); /* 0.1f is 0.1000000015 */
  dl_tensor r;
  dl_tensor_init(&r, DL_FLOAT);
  CHECK(op_red_sum(&r, &x, 0) == 0);
  CHECK_NEAR(op_get(&r, r.offset), 100000, 0.01);
  dl_tensor_free(&r);
  dl_tensor_free(&x);
}

static void test_misc(void) {
  double a[] = {1, 5, 3, 0}, b[] = {2, 2, 2, 2};
  dl_tensor x, y, r;
  make2(&x, DL_FLOAT, 2, 2, a);
  make2(&y, DL_FLOAT, 2, 2, b);
  dl_tensor_init(&r, DL_FLOAT);
  CHECK(op_pw_binary("cmax", &r, &x, &y, OP_B_cmax, 1) == 0);
  CHECK(at2(&r, 0, 0) == 2 && at2(&r, 0, 1) == 5 && at2(&r, 1, 1) == 2);
  CHECK(op_pw_unary("cmin", &r, &x, OP_U_cmins, 2, 0) == 0);
  CHECK(at2(&r, 0, 1) == 2 && at2(&r, 1, 1) == 0);
  double d;
  CHECK(op_red_dist(&x, &y, 2, &d) == 0);
  CHECK_NEAR(d, sqrt(1 + 9 + 1 + 4), 1e-6);
  CHECK(op_red_dist(&x, &y, 1, &d) == 0 && d == 7);
  CHECK(op_red_equal(&x, &x) == 1 && op_red_equal(&x, &y) == 0);
  dl_tensor bt;
  make2(&bt, DL_BYTE, 1, 3, (double[]){1, 0, 1});
  int v;
  CHECK(op_red_all(&bt, &v) == 0 && v == 0);
  CHECK(op_red_any(&bt, &v) == 0 && v == 1);
  CHECK(op_red_all(&x, &v) < 0 && strstr(dl_errmsg(), "all: expected a ByteTensor"));
  dl_tensor_free(&bt);
  dl_tensor_free(&x);
  dl_tensor_free(&y);
  dl_tensor_free(&r);
}

static void test_sorting(dl_dtype dt) {
  /* 3 1 2 1 */
  dl_tensor x, v, ind;
  make2(&x, dt, 1, 4, (double[]){3, 1, 2, 1});
  dl_tensor_init(&v, dt);
  dl_tensor_init(&ind, DL_LONG);
  CHECK(op_sorting_sort(&v, &ind, &x, 1, 0) == 0);
  CHECK(at2(&v, 0, 0) == 1 && at2(&v, 0, 1) == 1 && at2(&v, 0, 2) == 2 && at2(&v, 0, 3) == 3);
  CHECK(at2(&ind, 0, 0) == 2 && at2(&ind, 0, 1) == 4 && at2(&ind, 0, 2) == 3 &&
        at2(&ind, 0, 3) == 1);
  CHECK(op_sorting_sort(&v, &ind, &x, 1, 1) == 0);
  CHECK(at2(&v, 0, 0) == 3 && at2(&ind, 0, 2) == 2 && at2(&ind, 0, 3) == 4);
  CHECK(op_sorting_topk(&v, &ind, &x, 2, 1, 1) == 0);
  CHECK(v.size[1] == 2 && at2(&v, 0, 0) == 3 && at2(&v, 0, 1) == 2);
  CHECK(op_sorting_topk(&v, &ind, &x, 5, 1, 1) < 0 && strstr(dl_errmsg(), "topk: k 5"));
  CHECK(op_sorting_kthvalue(&v, &ind, &x, 3, 1) == 0);
  CHECK(at2(&v, 0, 0) == 2 && at2(&ind, 0, 0) == 3);
  CHECK(op_sorting_median(&v, &ind, &x, 1) == 0);
  CHECK(at2(&v, 0, 0) == 1 && at2(&ind, 0, 0) == 4);
  CHECK(op_sorting_mode(&v, &ind, &x, 1) == 0);
  CHECK(at2(&v, 0, 0) == 1 && at2(&ind, 0, 0) == 4);
  op_red_num r;
  CHECK(op_sorting_medianall(&x, &r) == 0 && r.f == 1);
  dl_tensor_free(&x);
  dl_tensor_free(&v);
  dl_tensor_free(&ind);
}

int main(void) {
  for (int dt = 0; dt < DL_NTYPES; dt++) /* Half has no math: refused, not sorted */
    if (dl_dtype_ismath((dl_dtype)dt)) test_sorting((dl_dtype)dt);
  for (int dt = 0; dt < DL_NTYPES; dt++)
    if (dl_dtype_ismath((dl_dtype)dt)) test_dims((dl_dtype)dt);
  test_float();
  test_bigsum();
  test_misc();
  return check_done("test_reduction");
}
