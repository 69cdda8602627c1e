/* C tests of the max/min kernels (src/nn/maxmin.c). */
#include <math.h>
#include <string.h>

#include "check.h"
#include "nn_tensors.h"
#include "nn/maxmin.h"

static void test_maxmin(void) {
  dl_tensor x, o = empty(DL_DOUBLE), idx = empty(DL_LONG), gi = empty(DL_DOUBLE);
  int64_t sx[2] = {2, 3};
  make(&x, DL_DOUBLE, 2, sx, (double[]){1, 5, 3, 4, 2, 6});
  CHECK(nn_maxmin_forward("nn.Max", &o, &idx, &x, 1, 1, 1) == 0);
  CHECK_NEAR(at(&o, 0), 5, 0);
  CHECK_NEAR(at(&idx, 1), 3, 0);
  CHECK(nn_maxmin_forward("nn.Min", &o, &idx, &x, 0, 0, 1) == 0);
  CHECK_NEAR(at(&o, 1), 2, 0);
  dl_tensor g3 = vec(DL_DOUBLE, 3, (double[]){1, 2, 3});
  CHECK(nn_maxmin_backward("nn.Min", &gi, &x, &g3, &idx, 0, 1) == 0);
  CHECK_NEAR(at(&gi, 4), 2, 0);
  CHECK_NEAR(at(&gi, 1), 0, 0);
  CHECK(nn_maxmin_forward("nn.Max", &o, &idx, &x, 2, 1, 1) == -1);
  CHECK(strstr(dl_errmsg(), "nn.Max: dimension 3 out of range") != NULL);
  dl_tensor *all[] = {&x, &o, &idx, &gi, &g3};
  for (size_t i = 0; i < sizeof all / sizeof *all; i++) dl_tensor_free(all[i]);
}

int main(void) {
  test_maxmin();
  return check_done("test_maxmin");
}
