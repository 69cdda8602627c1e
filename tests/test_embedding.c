/* C tests of the lookup-table kernels (src/nn/embedding.c). */
#include <math.h>
#include <string.h>

#include "check.h"
#include "nn_tensors.h"
#include "nn/embedding.h"

static void test_lookup(void) {
  dl_tensor w, ix, y, gw, go;
  int64_t sw[2] = {3, 2}, si[1] = {2};
  make(&w, DL_DOUBLE, 2, sw, (double[]){1, 2, 3, 4, 5, 6});
  make(&ix, DL_LONG, 1, si, (double[]){2, 0});
  dl_tensor_init(&y, DL_DOUBLE);
  CHECK(nn_lookup_forward("nn.LookupTable", &y, &w, &ix, 0) == 0);
  CHECK_NEAR(at(&y, 0), 5, 0);
  CHECK_NEAR(at(&y, 3), 2, 0);
  make(&gw, DL_DOUBLE, 2, sw, NULL);
  int64_t sgo[2] = {2, 2};
  make(&go, DL_DOUBLE, 2, sgo, (double[]){1, 1, 2, 2});
  CHECK(nn_lookup_backward("nn.LookupTable", &gw, &ix, &go, 1, 0, -1) == 0);
  CHECK_NEAR(at(&gw, 4), 1, 0);
  CHECK_NEAR(at(&gw, 0), 2, 0);
  ((int64_t *)dl_tensor_data(&ix))[1] = 3;
  CHECK(nn_lookup_forward("nn.LookupTable", &y, &w, &ix, 0) == -1);
  CHECK(strstr(dl_errmsg(), "nn.LookupTable: index 3 out of range [0, 2] at position 1") != NULL);
  dl_tensor *all[] = {&w, &ix, &y, &gw, &go};
  for (size_t i = 0; i < sizeof all / sizeof *all; i++) dl_tensor_free(all[i]);
}

int main(void) {
  test_lookup();
  return check_done("test_embedding");
}
