/* histc/bhistc kernels: bins by hand, the range from the data, errors. */
#include <math.h>
#include <string.h>

#include "check.h"
#include "core/tensor.h"
#include "ops/histogram.h"

static double D(const dl_tensor *t, int64_t i) { return ((double *)dl_tensor_data(t))[i]; }

int main(void) {
  dl_tensor x, r;
  int64_t n = 6;
  double v[6] = {1, 2, 2, 3, 5, NAN};
  dl_tensor_new(&x, DL_DOUBLE, 1, &n);
  memcpy(dl_tensor_data(&x), v, sizeof v);
  dl_tensor_init(&r, DL_DOUBLE);
  /* range [1, 5] from the data, 4 bins of width 1; 5 is in the last; NaN is not counted */
  CHECK(op_hist_histc("histc", &r, &x, 4, 0, 0) == 0);
  CHECK(r.ndim == 1 && r.size[0] == 4);
  CHECK(D(&r, 0) == 1 && D(&r, 1) == 2 && D(&r, 2) == 1 && D(&r, 3) == 1);
  /* a given range leaves out what is outside */
  CHECK(op_hist_histc("histc", &r, &x, 2, 2, 3) == 0);
  CHECK(D(&r, 0) == 2 && D(&r, 1) == 1);
  /* all equal: [v - 1, v + 1] */
  dl_tensor c;
  int64_t three = 3;
  dl_tensor_new(&c, DL_LONG, 1, &three);
  for (int i = 0; i < 3; i++) ((int64_t *)dl_tensor_data(&c))[i] = 7;
  dl_tensor cr;
  dl_tensor_init(&cr, DL_LONG);
  CHECK(op_hist_histc("histc", &cr, &c, 2, 0, 0) == 0);
  CHECK(((int64_t *)dl_tensor_data(&cr))[0] == 0 && ((int64_t *)dl_tensor_data(&cr))[1] == 3);
  /* rows of a matrix, one range for all: rows {1,2} and {3,4} into 3 bins of [1, 4] */
  dl_tensor m, mr;
  int64_t s22[2] = {2, 2};
  dl_tensor_new(&m, DL_DOUBLE, 2, s22);
  for (int i = 0; i < 4; i++) ((double *)dl_tensor_data(&m))[i] = i + 1;
  dl_tensor_init(&mr, DL_DOUBLE);
  CHECK(op_hist_bhistc("bhistc", &mr, &m, 3, 0, 0) == 0);
  CHECK(mr.ndim == 2 && mr.size[0] == 2 && mr.size[1] == 3);
  CHECK(D(&mr, 0) == 1 && D(&mr, 1) == 1 && D(&mr, 2) == 0);
  CHECK(D(&mr, 3) == 0 && D(&mr, 4) == 0 && D(&mr, 5) == 2);
  /* errors */
  CHECK(op_hist_histc("histc", &r, &x, 0, 0, 0) < 0);
  CHECK(strstr(dl_errmsg(), "histc: 0 bins") != NULL);
  CHECK(op_hist_histc("histc", &r, &x, 3, 5, 1) < 0);
  CHECK(strstr(dl_errmsg(), "larger than max") != NULL);
  CHECK(op_hist_bhistc("bhistc", &mr, &x, 3, 0, 0) < 0);
  CHECK(strstr(dl_errmsg(), "bhistc: expected a 2D tensor, got size 6") != NULL);
  ((double *)dl_tensor_data(&x))[0] = INFINITY;
  CHECK(op_hist_histc("histc", &r, &x, 3, 0, 0) < 0);
  CHECK(strstr(dl_errmsg(), "not finite") != NULL);
  CHECK(op_hist_histc("histc", &r, &c, 3, 0, 0) < 0); /* result type differs */
  CHECK(strstr(dl_errmsg(), "expected a torch.LongTensor") != NULL);
  dl_tensor_free(&m);
  dl_tensor_free(&mr);
  dl_tensor_free(&c);
  dl_tensor_free(&cr);
  dl_tensor_free(&x);
  dl_tensor_free(&r);
  return check_done("test_histogram");
}
