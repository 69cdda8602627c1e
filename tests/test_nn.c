/* C tests of the nn layer kernels: linear, batch and layer norm, lookup, pointwise,
   max/min, normalize, masked scale. Values computed by hand. */
#include <math.h>
#include <string.h>

#include "check.h"
#include "core/tensor.h"
#include "nn/layers.h"
#include "nn/linear.h"

static void make(dl_tensor *t, dl_dtype dt, int ndim, const int64_t *size, const double *v) {
  dl_tensor_init(t, dt);
  dl_tensor_new(t, dt, ndim, size);
  int64_t n = dl_tensor_numel(t);
  for (int64_t i = 0; i < n; i++) {
    if (dt == DL_FLOAT) ((float *)dl_tensor_data(t))[i] = (float)(v ? v[i] : 0);
    if (dt == DL_DOUBLE) ((double *)dl_tensor_data(t))[i] = v ? v[i] : 0;
    if (dt == DL_LONG) ((int64_t *)dl_tensor_data(t))[i] = (int64_t)(v ? v[i] : 0);
  }
}

static double at(const dl_tensor *t, int64_t i) {
  if (t->dtype == DL_FLOAT) return ((float *)dl_tensor_data(t))[i];
  if (t->dtype == DL_LONG) return (double)((int64_t *)dl_tensor_data(t))[i];
  return ((double *)dl_tensor_data(t))[i];
}

static void test_linear(dl_dtype dt) {
  dl_tensor x, w, b, y, gy, gx, gw, gb;
  int64_t sx[2] = {2, 2}, sw[2] = {3, 2}, sb[1] = {3}, sy[2] = {2, 3};
  make(&x, dt, 2, sx, (double[]){1, -1, 2, 0});
  make(&w, dt, 2, sw, (double[]){1, 2, 3, 4, 5, 6});
  make(&b, dt, 1, sb, (double[]){0.5, -1, 2});
  dl_tensor_init(&y, dt);
  CHECK(nn_linear_forward(&y, &x, &w, &b) == 0);
  double want[6] = {-0.5, -2, 1, 2.5, 5, 12};
  for (int i = 0; i < 6; i++) CHECK_NEAR(at(&y, i), want[i], 1e-6);
  make(&gy, dt, 2, sy, (double[]){1, 0, -1, 0, 1, 0});
  dl_tensor_init(&gx, dt);
  CHECK(nn_linear_backward_input(&gx, &gy, &w) == 0);
  double wgx[4] = {-4, -4, 3, 4};
  for (int i = 0; i < 4; i++) CHECK_NEAR(at(&gx, i), wgx[i], 1e-6);
  make(&gw, dt, 2, sw, NULL);
  make(&gb, dt, 1, sb, NULL);
  CHECK(nn_linear_backward_params(&gw, &gb, &x, &gy, 2.0) == 0);
  double wgw[6] = {2, -2, 4, 0, -2, 2}, wgb[3] = {2, 2, -2};
  for (int i = 0; i < 6; i++) CHECK_NEAR(at(&gw, i), wgw[i], 1e-6);
  for (int i = 0; i < 3; i++) CHECK_NEAR(at(&gb, i), wgb[i], 1e-6);
  /* a size mismatch is an error naming the sizes */
  dl_tensor bad;
  int64_t sbad[2] = {2, 5};
  make(&bad, dt, 2, sbad, NULL);
  CHECK(nn_linear_forward(&y, &bad, &w, &b) == -1);
  CHECK(strstr(dl_errmsg(), "input of size 2x5, expected 2 features") != NULL);
  /* without bias */
  CHECK(nn_linear_forward(&y, &x, &w, NULL) == 0);
  CHECK_NEAR(at(&y, 0), -1, 1e-6);
  dl_tensor *all[] = {&x, &w, &b, &y, &gy, &gx, &gw, &gb, &bad};
  for (size_t i = 0; i < sizeof all / sizeof *all; i++) dl_tensor_free(all[i]);
}

static void test_batchnorm(void) {
  dl_tensor x, y, rm, rv, sm, si;
  int64_t sx[2] = {2, 2}, sc[1] = {2};
  make(&x, DL_DOUBLE, 2, sx, (double[]){1, 2, 3, 6});
  make(&rm, DL_DOUBLE, 1, sc, (double[]){0, 0});
  make(&rv, DL_DOUBLE, 1, sc, (double[]){1, 1});
  dl_tensor_init(&y, DL_DOUBLE);
  dl_tensor_init(&sm, DL_DOUBLE);
  dl_tensor_init(&si, DL_DOUBLE);
  CHECK(nn_batchnorm_forward(&y, &x, NULL, NULL, &rm, &rv, &sm, &si, 1, 0.1, 0) == 0);
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
  CHECK(nn_layernorm_forward(&y, &x, NULL, NULL, &sm, &sr, 0) == 0);
  CHECK_NEAR(at(&y, 0), -1, 1e-6);
  CHECK_NEAR(at(&y, 1), 1, 1e-6);
  CHECK_NEAR(at(&sm, 1), 2, 1e-6);
  dl_tensor *all[] = {&x, &y, &sm, &sr};
  for (size_t i = 0; i < sizeof all / sizeof *all; i++) dl_tensor_free(all[i]);
}

static void test_lookup_maxmin_pointwise(void) {
  dl_tensor w, ix, y, gw, go, x, o, idx, gi, n;
  int64_t sw[2] = {3, 2}, si[1] = {2};
  make(&w, DL_DOUBLE, 2, sw, (double[]){1, 2, 3, 4, 5, 6});
  make(&ix, DL_LONG, 1, si, (double[]){2, 0});
  dl_tensor_init(&y, DL_DOUBLE);
  CHECK(nn_lookup_forward(&y, &w, &ix, 0) == 0);
  CHECK_NEAR(at(&y, 0), 5, 0);
  CHECK_NEAR(at(&y, 3), 2, 0);
  make(&gw, DL_DOUBLE, 2, sw, NULL);
  int64_t sgo[2] = {2, 2};
  make(&go, DL_DOUBLE, 2, sgo, (double[]){1, 1, 2, 2});
  CHECK(nn_lookup_backward(&gw, &ix, &go, 1, 0, -1) == 0);
  CHECK_NEAR(at(&gw, 4), 1, 0);
  CHECK_NEAR(at(&gw, 0), 2, 0);
  ((int64_t *)dl_tensor_data(&ix))[1] = 3;
  CHECK(nn_lookup_forward(&y, &w, &ix, 0) == -1);
  CHECK(strstr(dl_errmsg(), "index 3 out of range [0, 2] at position 1") != NULL);

  int64_t sx[2] = {2, 3};
  make(&x, DL_DOUBLE, 2, sx, (double[]){1, 5, 3, 4, 2, 6});
  dl_tensor_init(&o, DL_DOUBLE);
  dl_tensor_init(&idx, DL_LONG);
  CHECK(nn_maxmin_forward(&o, &idx, &x, 1, 1, 1) == 0);
  CHECK_NEAR(at(&o, 0), 5, 0);
  CHECK_NEAR(at(&idx, 1), 3, 0);
  CHECK(nn_maxmin_forward(&o, &idx, &x, 0, 0, 1) == 0);
  CHECK_NEAR(at(&o, 1), 2, 0);
  dl_tensor_init(&gi, DL_DOUBLE);
  int64_t s3[1] = {3};
  dl_tensor g3;
  make(&g3, DL_DOUBLE, 1, s3, (double[]){1, 2, 3});
  CHECK(nn_maxmin_backward(&gi, &x, &g3, &idx, 0, 1) == 0);
  CHECK_NEAR(at(&gi, 4), 2, 0);
  CHECK_NEAR(at(&gi, 1), 0, 0);

  CHECK(nn_pointwise_forward(NN_PW_CLAMP, &o, &x, 2, 4) == 0);
  CHECK_NEAR(at(&o, 0), 2, 0);
  CHECK_NEAR(at(&o, 1), 4, 0);
  CHECK(nn_pointwise_backward(NN_PW_SQUARE, &gi, &x, &x, &x, 0, 0) == 0);
  CHECK_NEAR(at(&gi, 1), 50, 0); /* g * 2x with g = x = 5 */

  dl_tensor_init(&n, DL_DOUBLE);
  int64_t s2[2] = {1, 2};
  dl_tensor v;
  make(&v, DL_DOUBLE, 2, s2, (double[]){3, 4});
  CHECK(nn_normalize_forward(&o, &n, &v, 2, 0) == 0);
  CHECK_NEAR(at(&o, 0), 0.6, 1e-12);
  CHECK_NEAR(at(&n, 0), 5, 1e-12);
  CHECK(nn_mask_scale(&o, &v, &v, 0.5) == 0);
  CHECK_NEAR(at(&o, 1), 8, 0);
  dl_tensor *all[] = {&w, &ix, &y, &gw, &go, &x, &o, &idx, &gi, &n, &g3, &v};
  for (size_t i = 0; i < sizeof all / sizeof *all; i++) dl_tensor_free(all[i]);
}

int main(void) {
  test_linear(DL_FLOAT);
  test_linear(DL_DOUBLE);
  test_batchnorm();
  test_layernorm();
  test_lookup_maxmin_pointwise();
  return check_done("test_nn");
}
