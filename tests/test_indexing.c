/* Indexing and constructor kernels, without Lua: hand-computed values, strided
   operands, and the range checks that must fail without writing. */
#include <string.h>

#include "check.h"
#include "core/tensor.h"
#include "ops/build.h"
#include "ops/copy.h"
#include "ops/indexing.h"

static dl_tensor mk(dl_dtype dt, int ndim, int64_t s0, int64_t s1) {
  dl_tensor t;
  int64_t size[2] = {s0, s1};
  dl_tensor_new(&t, dt, ndim, size);
  return t;
}

static dl_tensor longs(int n, const int64_t *v) {
  dl_tensor t = mk(DL_LONG, 1, n, 0);
  memcpy(dl_tensor_data(&t), v, sizeof(int64_t) * n);
  return t;
}

/* 3x4 float matrix with element (i, j) = 10 i + j (0-based). */
static dl_tensor grid(dl_dtype dt) {
  dl_tensor t = mk(dt, 2, 3, 4);
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 4; j++) op_set(&t, i * 4 + j, 10 * i + j);
  return t;
}

static double at(const dl_tensor *t, int64_t i, int64_t j) {
  return op_get(t, t->offset + i * t->stride[0] + (t->ndim > 1 ? j * t->stride[1] : 0));
}

static void test_index(void) {
  for (int dt = 0; dt < DL_NTYPES; dt++) {
    dl_tensor x = grid((dl_dtype)dt), r, bad;
    int64_t iv[3] = {3, 1, 3};
    dl_tensor idx = longs(3, iv);
    dl_tensor_init(&r, (dl_dtype)dt);
    CHECK(op_ix_index(&r, &x, 0, &idx) == 0);
    CHECK(r.size[0] == 3 && r.size[1] == 4);
    CHECK(at(&r, 0, 1) == 21 && at(&r, 1, 3) == 3 && at(&r, 2, 0) == 20);
    CHECK(op_ix_index(&r, &x, 1, &idx) == 0); /* columns 3, 1, 3 */
    CHECK(r.size[0] == 3 && r.size[1] == 3 && at(&r, 1, 0) == 12 && at(&r, 2, 1) == 20);
    int64_t ov[1] = {5};
    bad = longs(1, ov);
    CHECK(op_ix_index(&r, &x, 1, &bad) == -1);
    CHECK(strstr(dl_errmsg(), "index: index 5 out of range for dimension 2 (size 4)") != NULL);
    dl_tensor_free(&bad);
    dl_tensor_free(&r);
    dl_tensor_free(&idx);
    dl_tensor_free(&x);
  }
}

static void test_index_add_transposed(void) {
  dl_tensor x = mk(DL_DOUBLE, 2, 2, 3), src = grid(DL_DOUBLE);
  op_fill(&x, 0);
  dl_tensor xt = x; /* 3x2 view */
  dl_tensor_transpose(&xt, 0, 1);
  int64_t iv[3] = {2, 2, 1};
  dl_tensor idx = longs(3, iv);
  dl_tensor s = src; /* the 3x2 block of columns 2..3 */
  dl_tensor_narrow(&s, 1, 1, 2);
  CHECK(op_ix_index_add(&xt, 0, &idx, &s) == 0);
  /* xt row 2 += rows 1 and 2 of s: (1+11, 2+12); xt row 1 += s row 3 = (21, 22) */
  CHECK(at(&xt, 1, 0) == 12 && at(&xt, 1, 1) == 14 && at(&xt, 0, 0) == 21 && at(&xt, 2, 1) == 0);
  CHECK(op_get(&x, 1) == 12 && op_get(&x, 3) == 22); /* x = [[21,12,0],[22,14,0]] */
  int64_t bv[1] = {0};
  dl_tensor bad = longs(1, bv);
  CHECK(op_ix_index_fill(&x, 0, &bad, 1) == -1);
  CHECK(strstr(dl_errmsg(), "index 0 out of range for dimension 1 (size 2)") != NULL);
  dl_tensor_free(&bad);
  dl_tensor_free(&idx);
  dl_tensor_free(&src);
  dl_tensor_free(&x);
}

static void test_gather_scatter(void) {
  dl_tensor x = grid(DL_FLOAT), idx = mk(DL_LONG, 2, 3, 2), g, back = mk(DL_FLOAT, 2, 3, 4);
  int64_t iv[6] = {4, 1, 2, 2, 1, 3};
  memcpy(dl_tensor_data(&idx), iv, sizeof iv);
  dl_tensor_init(&g, DL_FLOAT);
  CHECK(op_ix_gather(&g, &x, 1, &idx) == 0);
  CHECK(at(&g, 0, 0) == 3 && at(&g, 0, 1) == 0 && at(&g, 1, 1) == 11 && at(&g, 2, 1) == 22);
  op_fill(&back, -1);
  CHECK(op_ix_scatter(&back, 1, &idx, &g) == 0);
  CHECK(at(&back, 0, 3) == 3 && at(&back, 0, 0) == 0 && at(&back, 0, 1) == -1 &&
        at(&back, 2, 2) == 22);
  CHECK(op_ix_scatter_fill(&back, 1, &idx, 7) == 0 && at(&back, 1, 1) == 7);
  dl_tensor_free(&g);
  dl_tensor_free(&back);
  dl_tensor_free(&idx);
  dl_tensor_free(&x);
}

static void test_masks(void) {
  dl_tensor x = grid(DL_LONG), m = mk(DL_BYTE, 2, 4, 3), r;
  op_fill(&m, 0);
  op_set(&m, 1, 1);
  op_set(&m, 11, 1); /* row-major positions 1 and 11 of x: 1 and 23 */
  dl_tensor_init(&r, DL_LONG);
  CHECK(op_ix_masked_select(&r, &x, &m) == 0);
  CHECK(r.ndim == 1 && r.size[0] == 2 && op_get(&r, 0) == 1 && op_get(&r, 1) == 23);
  CHECK(op_ix_masked_fill(&x, &m, -5) == 0 && op_get(&x, 1) == -5 && op_get(&x, 11) == -5);
  CHECK(op_ix_nonzero(&r, &m) == 0);
  /* m is 4x3: position 1 is (1,2), position 11 is (4,3) */
  CHECK(r.size[0] == 2 && r.size[1] == 2 && op_get(&r, 0) == 1 && op_get(&r, 1) == 2 &&
        op_get(&r, 2) == 4 && op_get(&r, 3) == 3);
  dl_tensor f = mk(DL_FLOAT, 2, 3, 4);
  CHECK(op_ix_masked_copy(&f, &m, &x) == -1); /* types differ */
  dl_tensor_free(&f);
  dl_tensor_free(&r);
  dl_tensor_free(&m);
  dl_tensor_free(&x);
}

static void test_build(void) {
  dl_tensor r, x = grid(DL_DOUBLE);
  dl_tensor_init(&r, DL_DOUBLE);
  CHECK(op_build_range(&r, 1, 3, 1) == 0 && r.size[0] == 3 && op_get(&r, 2) == 3);
  CHECK(op_build_range(&r, 5, 0, -2) == 0 && r.size[0] == 3 && op_get(&r, 2) == 1);
  CHECK(op_build_range(&r, 1, 3, -1) == -1);
  CHECK(op_build_linspace(&r, 0, 1, 5) == 0 && r.size[0] == 5 && op_get(&r, 3) == 0.75);
  CHECK(op_build_logspace(&r, 0, 2, 3) == 0);
  CHECK_NEAR(op_get(&r, 1), 10, 1e-12);
  CHECK(op_build_eye(&r, 2, 3) == 0 && op_get(&r, 0) == 1 && op_get(&r, 4) == 1 &&
        op_get(&r, 1) == 0);
  CHECK(op_build_diag(&r, &x, 1) == 0 && r.size[0] == 3 && op_get(&r, 2) == 23);
  CHECK(op_build_diag(&r, &x, -2) == 0 && r.size[0] == 1 && op_get(&r, 0) == 20);
  CHECK(op_build_tril(&r, &x, 0) == 0 && at(&r, 0, 1) == 0 && at(&r, 1, 1) == 11);
  CHECK(op_build_triu(&r, &x, 1) == 0 && at(&r, 0, 1) == 1 && at(&r, 1, 1) == 0);
  int64_t reps[2] = {2, 1};
  dl_tensor row = x;
  dl_tensor_select(&row, 1, 2); /* column 3: 2, 12, 22 (strided) */
  CHECK(op_build_repeat(&r, &row, 2, reps) == 0 && r.size[0] == 2 && r.size[1] == 3 &&
        at(&r, 1, 2) == 22);
  const dl_tensor *ts[2] = {&x, &x};
  dl_tensor c;
  dl_tensor_init(&c, DL_FLOAT);
  CHECK(op_build_cat(&c, ts, 2, 1) == 0 && c.size[0] == 3 && c.size[1] == 8 && at(&c, 2, 5) == 21);
  dl_tensor y = mk(DL_DOUBLE, 2, 2, 4);
  ts[1] = &y;
  CHECK(op_build_cat(&c, ts, 2, 1) == -1);
  CHECK(strstr(dl_errmsg(), "cat: sizes 3x4 (tensor 1) and 2x4 (tensor 2)") != NULL);
  dl_tensor_free(&y);
  dl_tensor_free(&c);
  dl_tensor_free(&r);
  dl_tensor_free(&x);
}

int main(void) {
  test_index();
  test_index_add_transposed();
  test_gather_scatter();
  test_masks();
  test_build();
  return check_done("test_indexing");
}
