/* C tests of the normalization kernels (src/nn/normalization.c). Values computed by
   hand. */
#include <math.h>
#include <string.h>

#include "check.h"
#include "nn_tensors.h"
#include "nn/normalization.h"

static void test_batchnorm(void) {
  dl_tensor x, y, rm, rv, sm, si;
  int64_t sx[2] = {2, 2}, sc[1] = {2};
  make(&x, DL_DOUBLE, 2, sx, (double[]){1, 2, 3, 6});
  make(&rm, DL_DOUBLE, 1, sc, (double[]){0, 0});
  make(&rv, DL_DOUBLE, 1, sc, (double[]){1, 1});
  dl_tensor_init(&y, DL_DOUBLE);
  dl_tensor_init(&sm, DL_DOUBLE);
  dl_tensor_init(&si, DL_DOUBLE);
  CHECK(nn_batchnorm_forward("nn.BatchNormalization", &y, &x, NULL, NULL, &rm, &rv, &sm, &si, 1, 0.1, 0) == 0);
  double want[4] = {-1, -1, 1, 1};
  for (int i = 0; i < 4; i++) CHECK_NEAR(at(&y, i), want[i], 1e-12);
  CHECK_NEAR(at(&rm, 0), 0.2, 1e-12);
  CHECK_NEAR(at(&rv, 1), 0.9 + 0.1 * 8, 1e-12);
  CHECK_NEAR(at(&si, 1), 0.5, 1e-12);
  dl_tensor *all[] = {&x, &y, &rm, &rv, &sm, &si};
  for (size_t i = 0; i < sizeof all / sizeof *all; i++) dl_tensor_free(all[i]);
}

static void test_layernorm(void) {
  dl_tensor x, y, sm, sr;
  int64_t sx[2] = {2, 2};
  make(&x, DL_FLOAT, 2, sx, (double[]){1, 3, 2, 2});
  dl_tensor_init(&y, DL_FLOAT);
  dl_tensor_init(&sm, DL_FLOAT);
  dl_tensor_init(&sr, DL_FLOAT);
  CHECK(nn_layernorm_forward("nn.LayerNorm", &y, &x, NULL, NULL, &sm, &sr, 0) == 0);
  CHECK_NEAR(at(&y, 0), -1, 1e-6);
  CHECK_NEAR(at(&y, 1), 1, 1e-6);
  CHECK_NEAR(at(&sm, 1), 2, 1e-6);
  dl_tensor *all[] = {&x, &y, &sm, &sr};
  for (size_t i = 0; i < sizeof all / sizeof *all; i++) dl_tensor_free(all[i]);
}

static void test_normalize(void) {
  dl_tensor o = empty(DL_DOUBLE), n = empty(DL_DOUBLE), v = mat(DL_DOUBLE, 1, 2, (double[]){3, 4});
  CHECK(nn_normalize_forward("nn.Normalize", &o, &n, &v, 2, 0) == 0);
  CHECK_NEAR(at(&o, 0), 0.6, 1e-12);
  CHECK_NEAR(at(&n, 0), 5, 1e-12);
  /* p = 0.5: (sqrt 3 + sqrt 4)^2 = 13.928...; the max norm: 4 */
  CHECK(nn_normalize_forward("nn.Normalize", &o, &n, &v, 0.5, 0) == 0);
  CHECK_NEAR(at(&n, 0), pow(sqrt(3.0) + 2, 2), 1e-12);
  CHECK(nn_normalize_forward("nn.Normalize", &o, &n, &v, INFINITY, 0) == 0);
  CHECK_NEAR(at(&n, 0), 4, 1e-12);
  CHECK_NEAR(at(&o, 0), 0.75, 1e-12);
  CHECK(nn_normalize_forward("nn.Normalize", &o, &n, &v, 0, 0) == -1);
  CHECK(strstr(dl_errmsg(), "nn.Normalize: p = 0, expected p > 0") != NULL);
  dl_tensor_free(&o), dl_tensor_free(&n), dl_tensor_free(&v);
}

int main(void) {
  test_batchnorm();
  test_layernorm();
  test_normalize();
  return check_done("test_normalization");
}
