/* conv2/xcorr2/conv3 kernels: values worked by hand, the three forms, strided inputs,
   a result sharing the input's storage, and the errors. */
#include <string.h>

#include "check.h"
#include "core/tensor.h"
#include "ops/signal.h"

static void make(dl_tensor *t, dl_dtype dt, int nd, const int64_t *size, const double *v) {
  dl_tensor_new(t, dt, nd, size);
  int64_t n = dl_tensor_numel(t);
  for (int64_t i = 0; i < n; i++) {
    if (dt == DL_DOUBLE) ((double *)dl_tensor_data(t))[i] = v[i];
    if (dt == DL_LONG) ((int64_t *)dl_tensor_data(t))[i] = (int64_t)v[i];
    if (dt == DL_BYTE) ((uint8_t *)dl_tensor_data(t))[i] = (uint8_t)v[i];
  }
}

static double at(const dl_tensor *t, int64_t i) { /* row-major index into a contiguous t */
  if (t->dtype == DL_DOUBLE) return ((double *)dl_tensor_data(t))[i];
  if (t->dtype == DL_LONG) return (double)((int64_t *)dl_tensor_data(t))[i];
  return ((uint8_t *)dl_tensor_data(t))[i];
}

static const double img[9] = {1, 2, 3, 4, 5, 6, 7, 8, 10};
static const double ker[4] = {1, 2, 3, 4};

static void test_2d(void) {
  dl_tensor x, k, r;
  int64_t s3[2] = {3, 3}, s2[2] = {2, 2};
  make(&x, DL_DOUBLE, 2, s3, img);
  make(&k, DL_DOUBLE, 2, s2, ker);
  dl_tensor_init(&r, DL_DOUBLE);
  /* valid correlation: r[0][0] = 1*1 + 2*2 + 4*3 + 5*4 = 37 */
  CHECK(op_sig_conv("xcorr2", &r, &x, &k, 2, 0, 0) == 0);
  CHECK(r.ndim == 2 && r.size[0] == 2 && r.size[1] == 2);
  CHECK_NEAR(at(&r, 0), 37, 0);
  CHECK_NEAR(at(&r, 3), 5 * 1 + 6 * 2 + 8 * 3 + 10 * 4, 0);
  /* valid convolution: the kernel reversed, r[0][0] = 1*4 + 2*3 + 4*2 + 5*1 = 23 */
  CHECK(op_sig_conv("conv2", &r, &x, &k, 2, 0, 1) == 0);
  CHECK_NEAR(at(&r, 0), 23, 0);
  /* full convolution: 4x4, corners x[0][0]k[0][0] = 1 and x[2][2]k[1][1] = 40 */
  CHECK(op_sig_conv("conv2", &r, &x, &k, 2, 1, 1) == 0);
  CHECK(r.size[0] == 4 && r.size[1] == 4);
  CHECK_NEAR(at(&r, 0), 1, 0);
  CHECK_NEAR(at(&r, 15), 40, 0);
  CHECK_NEAR(at(&r, 5), 1 * 4 + 2 * 3 + 4 * 2 + 5 * 1, 0); /* inside: a valid sum */
  /* full correlation: corners x[0][0]k[1][1] = 4, x[2][2]k[0][0] = 10 */
  CHECK(op_sig_conv("xcorr2", &r, &x, &k, 2, 1, 0) == 0);
  CHECK_NEAR(at(&r, 0), 4, 0);
  CHECK_NEAR(at(&r, 15), 10, 0);
  /* a transposed input reads through its strides */
  dl_tensor xt;
  dl_tensor_init(&xt, DL_DOUBLE);
  dl_tensor_set(&xt, &x);
  dl_tensor_transpose(&xt, 0, 1);
  CHECK(op_sig_conv("xcorr2", &r, &xt, &k, 2, 0, 0) == 0);
  CHECK_NEAR(at(&r, 0), 1 * 1 + 4 * 2 + 2 * 3 + 5 * 4, 0);
  /* the result may be the input itself */
  dl_tensor x2;
  make(&x2, DL_DOUBLE, 2, s3, img);
  CHECK(op_sig_conv("xcorr2", &x2, &x2, &k, 2, 0, 0) == 0);
  CHECK(x2.size[0] == 2 && x2.size[1] == 2);
  CHECK_NEAR(at(&x2, 0), 37, 0);
  /* errors name the function and the sizes */
  CHECK(op_sig_conv("conv2", &r, &k, &x, 2, 0, 1) < 0);
  CHECK(strstr(dl_errmsg(), "conv2:") && strstr(dl_errmsg(), "2x2") && strstr(dl_errmsg(), "3x3"));
  dl_tensor l;
  make(&l, DL_LONG, 2, s2, ker);
  CHECK(op_sig_conv("conv2", &r, &x, &l, 2, 0, 1) < 0);
  CHECK(strstr(dl_errmsg(), "types differ") != NULL);
  dl_tensor_free(&l);
  dl_tensor_free(&x2);
  dl_tensor_free(&xt);
  dl_tensor_free(&x);
  dl_tensor_free(&k);
  dl_tensor_free(&r);
}

static void test_forms(void) {
  /* two planes: x[0] = img, x[1] = 2 * img; kernels of the matrix-vector form 3 x 2 x 1 x 1 */
  double xv[18], kv[6] = {1, 0, 0, 1, 1, 1};
  for (int i = 0; i < 9; i++) xv[i] = img[i], xv[9 + i] = 2 * img[i];
  int64_t xs[3] = {2, 3, 3}, ks[4] = {3, 2, 1, 1}, kc[3] = {2, 1, 1};
  dl_tensor x, k, r;
  make(&x, DL_DOUBLE, 3, xs, xv);
  make(&k, DL_DOUBLE, 4, ks, kv);
  dl_tensor_init(&r, DL_DOUBLE);
  CHECK(op_sig_conv("conv2", &r, &x, &k, 2, 0, 1) == 0);
  CHECK(r.ndim == 3 && r.size[0] == 3 && r.size[1] == 3 && r.size[2] == 3);
  CHECK_NEAR(at(&r, 4), 5, 0);           /* plane 0: x[0] */
  CHECK_NEAR(at(&r, 9 + 4), 10, 0);      /* plane 1: x[1] */
  CHECK_NEAR(at(&r, 18 + 8), 30, 0);     /* plane 2: x[0] + x[1] */
  /* plane by plane: kernel i on plane i */
  dl_tensor k2;
  double k2v[2] = {3, -1};
  make(&k2, DL_DOUBLE, 3, kc, k2v);
  CHECK(op_sig_conv("conv2", &r, &x, &k2, 2, 0, 1) == 0);
  CHECK(r.size[0] == 2);
  CHECK_NEAR(at(&r, 0), 3, 0);
  CHECK_NEAR(at(&r, 9), -2, 0);
  /* plane counts must agree */
  int64_t kbad[4] = {1, 3, 1, 1};
  dl_tensor kb;
  double zeros[3] = {0};
  make(&kb, DL_DOUBLE, 4, kbad, zeros);
  CHECK(op_sig_conv("conv2", &r, &x, &kb, 2, 0, 1) < 0);
  CHECK(strstr(dl_errmsg(), "planes") != NULL);
  dl_tensor_free(&kb);
  dl_tensor_free(&k2);
  dl_tensor_free(&x);
  dl_tensor_free(&k);
  dl_tensor_free(&r);
}

static void test_3d_and_int(void) {
  /* 3D: a 2x2x2 cube of ones with a 2x2x2 kernel 1..8: valid is one sum 36, full is 3x3x3 */
  double ones[8] = {1, 1, 1, 1, 1, 1, 1, 1}, kv[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  int64_t s[3] = {2, 2, 2};
  dl_tensor x, k, r;
  make(&x, DL_DOUBLE, 3, s, ones);
  make(&k, DL_DOUBLE, 3, s, kv);
  dl_tensor_init(&r, DL_DOUBLE);
  CHECK(op_sig_conv("conv3", &r, &x, &k, 3, 0, 1) == 0);
  CHECK(r.ndim == 3 && r.size[0] == 1 && dl_tensor_numel(&r) == 1);
  CHECK_NEAR(at(&r, 0), 36, 0);
  CHECK(op_sig_conv("conv3", &r, &x, &k, 3, 1, 1) == 0);
  CHECK(r.size[0] == 3 && r.size[1] == 3 && r.size[2] == 3);
  CHECK_NEAR(at(&r, 0), 1, 0);  /* full convolution's first corner: k[0][0][0] */
  CHECK_NEAR(at(&r, 26), 8, 0); /* and its last: k[1][1][1] */
  CHECK_NEAR(at(&r, 13), 36, 0);
  CHECK(op_sig_conv("xcorr3", &r, &x, &k, 3, 1, 0) == 0);
  CHECK_NEAR(at(&r, 0), 8, 0);
  /* bytes accumulate exactly and wrap once stored: 200 * 2 = 400 -> 144 */
  dl_tensor b, bk, br;
  int64_t one[2] = {1, 1};
  double v200 = 200, v2 = 2;
  make(&b, DL_BYTE, 2, one, &v200);
  make(&bk, DL_BYTE, 2, one, &v2);
  dl_tensor_init(&br, DL_BYTE);
  CHECK(op_sig_conv("conv2", &br, &b, &bk, 2, 0, 1) == 0);
  CHECK_NEAR(at(&br, 0), 144, 0);
  dl_tensor_free(&b);
  dl_tensor_free(&bk);
  dl_tensor_free(&br);
  dl_tensor_free(&x);
  dl_tensor_free(&k);
  dl_tensor_free(&r);
}

int main(void) {
  test_2d();
  test_forms();
  test_3d_and_int();
  return check_done("test_signal");
}
