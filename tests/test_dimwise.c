/* cross and renorm kernels: values by hand, dimension choice, aliasing, errors. */
#include <math.h>
#include <string.h>

#include "check.h"
#include "core/tensor.h"
#include "ops/dimwise.h"

static double D(const dl_tensor *t, int64_t i) { return ((double *)dl_tensor_data(t))[i]; }

int main(void) {
  /* two 3-vectors as the columns of 3x2 matrices: a = (1,0,0), (1,2,3); b = (0,1,0), (4,5,6) */
  dl_tensor a, b, r;
  int64_t s32[2] = {3, 2};
  double av[6] = {1, 1, 0, 2, 0, 3}, bv[6] = {0, 4, 1, 5, 0, 6};
  dl_tensor_new(&a, DL_DOUBLE, 2, s32);
  dl_tensor_new(&b, DL_DOUBLE, 2, s32);
  memcpy(dl_tensor_data(&a), av, sizeof av);
  memcpy(dl_tensor_data(&b), bv, sizeof bv);
  dl_tensor_init(&r, DL_DOUBLE);
  CHECK(op_dim_cross("cross", &r, &a, &b, -1) == 0); /* dim 1, the first of size 3 */
  CHECK(D(&r, 0) == 0 && D(&r, 2) == 0 && D(&r, 4) == 1);  /* e1 x e2 = e3 */
  CHECK(D(&r, 1) == -3 && D(&r, 3) == 6 && D(&r, 5) == -3); /* (1,2,3) x (4,5,6) */
  /* into one of its inputs */
  CHECK(op_dim_cross("cross", &a, &a, &b, 0) == 0);
  CHECK(D(&a, 1) == -3 && D(&a, 3) == 6 && D(&a, 4) == 1);
  CHECK(op_dim_cross("cross", &r, &a, &b, 1) < 0);
  CHECK(strstr(dl_errmsg(), "cross: dimension 2 has size 2, expected 3") != NULL);
  dl_tensor c;
  int64_t s22[2] = {2, 2};
  dl_tensor_new(&c, DL_DOUBLE, 2, s22);
  CHECK(op_dim_cross("cross", &r, &c, &c, -1) < 0);
  CHECK(strstr(dl_errmsg(), "no dimension of size 3 in size 2x2") != NULL);
  CHECK(op_dim_cross("cross", &r, &a, &c, -1) < 0);
  CHECK(strstr(dl_errmsg(), "sizes 3x2 and 2x2 differ") != NULL);

  /* renorm rows (dim 0) of {{3, 4}, {0.3, 0.4}} to 2-norm at most 1: the first becomes
     (0.6, 0.8) / (1 + 2e-8), the second is kept */
  double cv[4] = {3, 4, 0.3, 0.4};
  memcpy(dl_tensor_data(&c), cv, sizeof cv);
  CHECK(op_dim_renorm("renorm", &r, &c, 2, 0, 1) == 0);
  CHECK_NEAR(D(&r, 0), 3 / (5 + 1e-7), 1e-15);
  CHECK_NEAR(D(&r, 1), 4 / (5 + 1e-7), 1e-15);
  CHECK(D(&r, 2) == 0.3 && D(&r, 3) == 0.4);
  /* columns (dim 1), 1-norm at most 2, in place: column 1 sums to 3.3, column 2 to 4.4 */
  CHECK(op_dim_renorm("renorm", &c, &c, 1, 1, 2) == 0);
  CHECK_NEAR(D(&c, 0), 3 * 2 / (3.3 + 1e-7), 1e-12);
  CHECK_NEAR(D(&c, 3), 0.4 * 2 / (4.4 + 1e-7), 1e-12);
  /* p = inf: the largest magnitude */
  memcpy(dl_tensor_data(&c), cv, sizeof cv);
  CHECK(op_dim_renorm("renorm", &r, &c, INFINITY, 0, 2) == 0);
  CHECK_NEAR(D(&r, 1), 2 * 4 / (4 + 1e-7), 1e-12);
  CHECK(op_dim_renorm("renorm", &r, &c, 0, 0, 1) < 0);
  CHECK(strstr(dl_errmsg(), "p must be positive") != NULL);
  CHECK(op_dim_renorm("renorm", &r, &c, 2, 2, 1) < 0);
  CHECK(strstr(dl_errmsg(), "dimension 3 out of range") != NULL);
  dl_tensor v, vr;
  int64_t three = 3;
  dl_tensor_new(&v, DL_LONG, 1, &three);
  dl_tensor_init(&vr, DL_LONG);
  CHECK(op_dim_renorm("renorm", &vr, &v, 2, 0, 1) < 0);
  CHECK(strstr(dl_errmsg(), "not supported for torch.LongTensor") != NULL);
  dl_tensor_free(&v);
  dl_tensor_free(&vr);
  dl_tensor_free(&c);
  dl_tensor_free(&a);
  dl_tensor_free(&b);
  dl_tensor_free(&r);
  return check_done("test_dimwise");
}
