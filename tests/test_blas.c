/* op_gemm and friends against a naive triple loop, over every way a view can be laid out. */
#include <string.h>

#include "check.h"
#include "core/rng.h"
#include "ops/blas.h"
#include "ops/copy.h"
#include "ops/lapack.h"
#include "ops/random.h"

static double at(const dl_tensor *t, int64_t i, int64_t j) {
  return op_get(t, t->offset + i * t->stride[0] + j * t->stride[1]);
}

/* max |C - (alpha op(A) op(B) + beta C0)| */
static double gemm_error(int ta, int tb, double alpha, const dl_tensor *A, const dl_tensor *B,
                         double beta, const dl_tensor *C0, const dl_tensor *C) {
  double worst = 0;
  int64_t m = C->size[0], n = C->size[1], k = A->size[ta ? 0 : 1];
  for (int64_t i = 0; i < m; i++)
    for (int64_t j = 0; j < n; j++) {
      double s = 0;
      for (int64_t p = 0; p < k; p++)
        s += (ta ? at(A, p, i) : at(A, i, p)) * (tb ? at(B, j, p) : at(B, p, j));
      double want = alpha * s + (beta != 0 ? beta * at(C0, i, j) : 0);
      worst = fmax(worst, fabs(at(C, i, j) - want));
    }
  return worst;
}

/* An r x c matrix in one of four layouts: 0 contiguous, 1 transposed (column-major),
   2 a narrow of a wider matrix (row stride > c), 3 every other column (no unit stride). */
static void make(dl_tensor *t, dl_dtype dt, int64_t r, int64_t c, int layout, dl_rng *g) {
  int64_t big[2];
  dl_tensor base;
  switch (layout) {
  case 0: big[0] = r, big[1] = c; break;
  case 1: big[0] = c, big[1] = r; break;
  case 2: big[0] = r, big[1] = c + 3; break;
  default: big[0] = r, big[1] = 2 * c; break;
  }
  dl_tensor_new(&base, dt, 2, big);
  if (dl_dtype_isfloat(dt)) op_uniform(g, &base, -1, 1);
  else op_random_range(g, &base, -5, 5);
  dl_tensor_init(t, dt);
  dl_tensor_set(t, &base);
  if (layout == 1) dl_tensor_transpose(t, 0, 1);
  if (layout == 2) dl_tensor_narrow(t, 1, 1, c);
  if (layout == 3) {
    t->size[1] = c;
    t->stride[1] = 2;
  }
  dl_tensor_free(&base);
}

static void test_gemm_layouts(dl_dtype dt, double tol) {
  dl_rng g;
  dl_rng_seed(&g, 1);
  int64_t m = 5, n = 4, k = 3;
  int worst_ok = 1;
  for (int ta = 0; ta < 2; ta++)
    for (int tb = 0; tb < 2; tb++)
      for (int la = 0; la < 4; la++)
        for (int lb = 0; lb < 4; lb++)
          for (int lc = 0; lc < 4; lc++) {
            dl_tensor A, B, C, C0;
            make(&A, dt, ta ? k : m, ta ? m : k, la, &g);
            make(&B, dt, tb ? n : k, tb ? k : n, lb, &g);
            make(&C, dt, m, n, lc, &g);
            dl_tensor_init(&C0, dt);
            op_clone(&C0, &C, dt);
            double alpha = dl_dtype_isfloat(dt) ? 0.5 : 2, beta = (la + lb) % 2 ? 0 : 3;
            int rc = op_gemm(ta ? 't' : 'n', tb ? 't' : 'n', alpha, &A, &B, beta, &C);
            double e = gemm_error(ta, tb, alpha, &A, &B, beta, &C0, &C);
            if (rc != 0 || e > tol) {
              worst_ok = 0;
              fprintf(stderr, "gemm %s ta=%d tb=%d la=%d lb=%d lc=%d: rc %d err %g\n",
                      dl_dtype_name(dt), ta, tb, la, lb, lc, rc, e);
            }
            dl_tensor_free(&A);
            dl_tensor_free(&B);
            dl_tensor_free(&C);
            dl_tensor_free(&C0);
          }
  CHECK(worst_ok);
}

static void test_known_product(void) {
  /* [1 2 3; 4 5 6] * [7 8; 9 10; 11 12] = [58 64; 139 154] */
  int64_t s23[2] = {2, 3}, s32[2] = {3, 2};
  dl_tensor a, b, c;
  dl_tensor_new(&a, DL_FLOAT, 2, s23);
  dl_tensor_new(&b, DL_FLOAT, 2, s32);
  float *pa = dl_tensor_data(&a), *pb = dl_tensor_data(&b);
  for (int i = 0; i < 6; i++) pa[i] = (float)(i + 1), pb[i] = (float)(i + 7);
  dl_tensor_init(&c, DL_FLOAT);
  CHECK(op_mm(&c, &a, &b) == 0);
  CHECK(c.ndim == 2 && c.size[0] == 2 && c.size[1] == 2);
  const float *pc = dl_tensor_data(&c);
  CHECK(pc[0] == 58 && pc[1] == 64 && pc[2] == 139 && pc[3] == 154);
  /* in place into the result: c = 2 c + 1 (a b) */
  CHECK(op_addmm(&c, 2, NULL, 1, &a, &b) == 0);
  CHECK(pc[0] == 174 && pc[3] == 462);
  /* size mismatch names the function, the sizes and the argument */
  CHECK(op_mm(&c, &a, &a) < 0);
  CHECK(strcmp(dl_errmsg(), "mm: sizes 2x3 and 2x3 do not match (argument 2)") == 0);
  dl_tensor v;
  int64_t three = 3;
  dl_tensor_new(&v, DL_FLOAT, 1, &three);
  CHECK(op_mm(&c, &a, &v) < 0);
  CHECK(strstr(dl_errmsg(), "mm: argument 2 must be a 2D tensor, got 1D") != NULL);
  dl_tensor d;
  dl_tensor_new(&d, DL_DOUBLE, 2, s32);
  CHECK(op_mm(&c, &a, &d) < 0);
  CHECK(strstr(dl_errmsg(), "argument 2 is a DoubleTensor") != NULL);
  /* mv and dot */
  float *pv = dl_tensor_data(&v);
  pv[0] = 1, pv[1] = 0, pv[2] = -1;
  dl_tensor r;
  dl_tensor_init(&r, DL_FLOAT);
  CHECK(op_mv(&r, &a, &v) == 0);
  CHECK(r.ndim == 1 && ((float *)dl_tensor_data(&r))[0] == -2 && ((float *)dl_tensor_data(&r))[1] == -2);
  double dot;
  CHECK(op_dot(&v, &v, &dot) == 0 && dot == 2);
  CHECK(op_dot(&a, &b, &dot) == 0 && dot == 1 * 7 + 2 * 8 + 3 * 9 + 4 * 10 + 5 * 11 + 6 * 12);
  CHECK(op_dot(&a, &v, &dot) < 0);
  /* result aliasing an operand: a = a * I-ish (3x3 identity) */
  int64_t s33[2] = {3, 3};
  dl_tensor eye;
  dl_tensor_new(&eye, DL_FLOAT, 2, s33);
  op_fill(&eye, 0);
  for (int i = 0; i < 3; i++) ((float *)dl_tensor_data(&eye))[i * 4] = 2;
  CHECK(op_mm(&a, &a, &eye) == 0);
  CHECK(pa[0] == 2 && pa[5] == 12);
  dl_tensor_free(&a);
  dl_tensor_free(&b);
  dl_tensor_free(&c);
  dl_tensor_free(&d);
  dl_tensor_free(&v);
  dl_tensor_free(&r);
  dl_tensor_free(&eye);
}

static void test_batches(void) {
  dl_rng g;
  dl_rng_seed(&g, 2);
  int64_t s1[3] = {3, 2, 4}, s2[3] = {3, 4, 5};
  dl_tensor b1, b2, r, sum;
  dl_tensor_new(&b1, DL_DOUBLE, 3, s1);
  dl_tensor_new(&b2, DL_DOUBLE, 3, s2);
  op_normal(&g, &b1, 0, 1);
  op_normal(&g, &b2, 0, 1);
  dl_tensor_init(&r, DL_DOUBLE);
  dl_tensor_init(&sum, DL_DOUBLE);
  CHECK(op_bmm(&r, &b1, &b2) == 0);
  CHECK(op_addbmm(&sum, 0, NULL, 1, &b1, &b2) == 0);
  CHECK(r.ndim == 3 && r.size[0] == 3 && r.size[1] == 2 && r.size[2] == 5);
  double worst = 0, worst_sum = 0;
  for (int64_t i = 0; i < 2; i++)
    for (int64_t j = 0; j < 5; j++) {
      double total = 0;
      for (int64_t b = 0; b < 3; b++) {
        double s = 0;
        for (int64_t p = 0; p < 4; p++)
          s += op_get(&b1, b * 8 + i * 4 + p) * op_get(&b2, b * 20 + p * 5 + j);
        worst = fmax(worst, fabs(op_get(&r, b * 10 + i * 5 + j) - s));
        total += s;
      }
      worst_sum = fmax(worst_sum, fabs(op_get(&sum, i * 5 + j) - total));
    }
  CHECK(worst < 1e-12);
  CHECK(worst_sum < 1e-12);
  CHECK(op_bmm(&r, &b1, &b1) < 0);
  CHECK(strstr(dl_errmsg(), "bmm: sizes 3x2x4 and 3x2x4 do not match (argument 2)") != NULL);
  dl_tensor_free(&b1);
  dl_tensor_free(&b2);
  dl_tensor_free(&r);
  dl_tensor_free(&sum);
}

/* The LAPACK wrappers from C: a known inverse, a solve, and a singular matrix refused. */
static void test_lapack(void) {
  int64_t s22[2] = {2, 2};
  dl_tensor a, inv, x, lu, b;
  dl_tensor_new(&a, DL_DOUBLE, 2, s22);
  double *pa = dl_tensor_data(&a);
  pa[0] = 4, pa[1] = 7, pa[2] = 2, pa[3] = 6;
  dl_tensor_init(&inv, DL_DOUBLE);
  CHECK(op_inverse(&inv, &a) == 0);
  CHECK_NEAR(op_get(&inv, inv.offset), 0.6, 1e-12);
  CHECK_NEAR(op_get(&inv, inv.offset + inv.stride[0] * 1 + inv.stride[1] * 0), -0.2, 1e-12);
  int64_t two = 2;
  dl_tensor_new(&b, DL_DOUBLE, 1, &two);
  ((double *)dl_tensor_data(&b))[0] = 4 + 7; /* A * (1, 1) */
  ((double *)dl_tensor_data(&b))[1] = 2 + 6;
  dl_tensor_init(&x, DL_DOUBLE);
  dl_tensor_init(&lu, DL_DOUBLE);
  CHECK(op_gesv(&x, &lu, &b, &a) == 0);
  CHECK(x.ndim == 1);
  CHECK_NEAR(op_get(&x, x.offset), 1, 1e-12);
  CHECK_NEAR(op_get(&x, x.offset + x.stride[0]), 1, 1e-12);
  pa[0] = 1, pa[1] = 2, pa[2] = 2, pa[3] = 4;
  CHECK(op_inverse(&inv, &a) < 0);
  CHECK(strstr(dl_errmsg(), "inverse: matrix is singular") != NULL);
  dl_tensor_free(&a);
  dl_tensor_free(&inv);
  dl_tensor_free(&x);
  dl_tensor_free(&lu);
  dl_tensor_free(&b);
}

int main(void) {
  test_lapack();
  test_gemm_layouts(DL_FLOAT, 1e-5);
  test_gemm_layouts(DL_DOUBLE, 1e-12);
  test_gemm_layouts(DL_LONG, 0);
  test_known_product();
  test_batches();
  return check_done("test_blas");
}
