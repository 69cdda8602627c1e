/* C tests of the linear layer kernels (src/nn/linear.c). Values computed by hand. */
#include <math.h>
#include <string.h>

#include "check.h"
#include "nn_tensors.h"
#include "nn/linear.h"

static void test_linear(dl_dtype dt) {
  dl_tensor x, w, b, y, gy, gx, gw, gb;
  int64_t sx[2] = {2, 2}, sw[2] = {3, 2}, sb[1] = {3}, sy[2] = {2, 3};
  make(&x, dt, 2, sx, (double[]){1, -1, 2, 0});
  make(&w, dt, 2, sw, (double[]){1, 2, 3, 4, 5, 6});
  make(&b, dt, 1, sb, (double[]){0.5, -1, 2});
  dl_tensor_init(&y, dt);
  CHECK(nn_linear_forward("nn.Linear", &y, &x, &w, &b) == 0);
  double want[6] = {-0.5, -2, 1, 2.5, 5, 12};
  for (int i = 0; i < 6; i++) CHECK_NEAR(at(&y, i), want[i], 1e-6);
  make(&gy, dt, 2, sy, (double[]){1, 0, -1, 0, 1, 0});
  dl_tensor_init(&gx, dt);
  CHECK(nn_linear_backward_input("nn.Linear", &gx, &gy, &w) == 0);
  double wgx[4] = {-4, -4, 3, 4};
  for (int i = 0; i < 4; i++) CHECK_NEAR(at(&gx, i), wgx[i], 1e-6);
  make(&gw, dt, 2, sw, NULL);
  make(&gb, dt, 1, sb, NULL);
  CHECK(nn_linear_backward_params("nn.Linear", &gw, &gb, &x, &gy, 2.0) == 0);
  double wgw[6] = {2, -2, 4, 0, -2, 2}, wgb[3] = {2, 2, -2};
  for (int i = 0; i < 6; i++) CHECK_NEAR(at(&gw, i), wgw[i], 1e-6);
  for (int i = 0; i < 3; i++) CHECK_NEAR(at(&gb, i), wgb[i], 1e-6);
  /* a size mismatch is an error naming the sizes */
  dl_tensor bad;
  int64_t sbad[2] = {2, 5};
  make(&bad, dt, 2, sbad, NULL);
  CHECK(nn_linear_forward("nn.Linear", &y, &bad, &w, &b) == -1);
  CHECK(strstr(dl_errmsg(), "nn.Linear: input of size 2x5, expected 2 features") != NULL);
  /* without bias */
  CHECK(nn_linear_forward("nn.Linear", &y, &x, &w, NULL) == 0);
  CHECK_NEAR(at(&y, 0), -1, 1e-6);
  dl_tensor *all[] = {&x, &w, &b, &y, &gy, &gx, &gw, &gb, &bad};
  for (size_t i = 0; i < sizeof all / sizeof *all; i++) dl_tensor_free(all[i]);
}

int main(void) {
  test_linear(DL_FLOAT);
  test_linear(DL_DOUBLE);
  return check_done("test_linear");
}
