/* C tests of the softmax kernels (src/nn/softmax.c): values, gradients against central
   differences, the planes of 3D inputs, the parallel row loop, SpatialSoftMax, errors. */
#include <math.h>
#include <string.h>

#include "check.h"
#include "nn_tensors.h"
#include "nn/softmax.h"

static void test_softmax(void) {
  double v[6] = {1, 2, 3, 1000, 1001, 1002};
  dl_tensor x = mat(DL_DOUBLE, 2, 3, v), y = empty(DL_DOUBLE), gi = empty(DL_DOUBLE);
  CHECK(nn_softmax_forward("nn.SoftMax", &y, &x, NN_SOFTMAX) == 0);
  double e[3] = {0.09003057317038046, 0.24472847105479767, 0.6652409557748219};
  for (int i = 0; i < 6; i++) CHECK_NEAR(at(&y, i), e[i % 3], 1e-12);
  CHECK(nn_softmax_forward("nn.LogSoftMax", &y, &x, NN_LOGSOFTMAX) == 0);
  for (int i = 0; i < 6; i++) CHECK_NEAR(at(&y, i), log(e[i % 3]), 1e-12);
  CHECK(nn_softmax_forward("nn.SoftMin", &y, &x, NN_SOFTMIN) == 0);
  for (int i = 0; i < 6; i++) CHECK_NEAR(at(&y, i), e[2 - i % 3], 1e-12);

  /* gradients of L = sum g*y by central differences, for each kind, on a 1D input */
  double xv[4] = {0.3, -1.1, 0.8, 2.0}, gv[4] = {0.5, -1, 2, 0.25};
  for (int k = NN_SOFTMAX; k <= NN_SOFTMIN; k++) {
    dl_tensor xx = vec(DL_DOUBLE, 4, xv), g = vec(DL_DOUBLE, 4, gv), yy = empty(DL_DOUBLE);
    nn_softmax_forward("test", &yy, &xx, (nn_softmax_kind)k);
    CHECK(nn_softmax_backward("test", &gi, &g, &yy, (nn_softmax_kind)k) == 0);
    for (int i = 0; i < 4; i++) {
      double f[2];
      for (int s = 0; s < 2; s++) {
        double xp[4];
        memcpy(xp, xv, sizeof xp);
        xp[i] += s ? -1e-6 : 1e-6;
        dl_tensor t = vec(DL_DOUBLE, 4, xp), o = empty(DL_DOUBLE);
        nn_softmax_forward("test", &o, &t, (nn_softmax_kind)k);
        f[s] = 0;
        for (int j = 0; j < 4; j++) f[s] += gv[j] * at(&o, j);
        dl_tensor_free(&t), dl_tensor_free(&o);
      }
      CHECK_NEAR(at(&gi, i), (f[0] - f[1]) / 2e-6, 1e-8);
    }
    dl_tensor_free(&xx), dl_tensor_free(&g), dl_tensor_free(&yy);
  }

  /* 3D (planes x h x w): softmax across the planes at each position */
  int64_t sz[3] = {2, 1, 2};
  dl_tensor p;
  dl_tensor_new(&p, DL_FLOAT, 3, sz);
  double pv[4] = {0, 1, 0, 3}; /* position 1: (0, 0); position 2: (1, 3) */
  for (int i = 0; i < 4; i++) op_set(&p, i, pv[i]);
  dl_tensor py = empty(DL_FLOAT);
  CHECK(nn_softmax_forward("nn.SoftMax", &py, &p, NN_SOFTMAX) == 0);
  CHECK_NEAR(at(&py, 0), 0.5, 1e-6);
  CHECK_NEAR(at(&py, 2), 0.5, 1e-6);
  CHECK_NEAR(at(&py, 1), 1 / (1 + exp(2.0)), 1e-6);
  CHECK_NEAR(at(&py, 3), 1 / (1 + exp(-2.0)), 1e-6);
  int64_t five = 5;
  dl_tensor bad = empty(DL_DOUBLE);
  dl_tensor_resize(&bad, 1, &five);
  CHECK(nn_softmax_backward("nn.LogSoftMax", &gi, &bad, &y, NN_LOGSOFTMAX) == -1);
  CHECK(strstr(dl_errmsg(), "nn.LogSoftMax: gradOutput of size 5, expected 2x3"));
  dl_tensor_free(&x), dl_tensor_free(&y), dl_tensor_free(&gi), dl_tensor_free(&p);
  dl_tensor_free(&py), dl_tensor_free(&bad);
}

/* Large enough for the OpenMP paths of the row and reduction loops. */
static void test_parallel_rows(void) {
  int64_t sz[2] = {30000, 3}, n = 90000;
  dl_tensor x, y = empty(DL_DOUBLE), t;
  dl_tensor_new(&x, DL_DOUBLE, 2, sz);
  dl_tensor_new(&t, DL_DOUBLE, 2, sz);
  double *xd = x.storage->data, *td = t.storage->data;
  for (int64_t i = 0; i < n; i++) xd[i] = sin(0.37 * (double)i) * 3, td[i] = cos((double)i);
  CHECK(nn_softmax_forward("nn.LogSoftMax", &y, &x, NN_LOGSOFTMAX) == 0);
  int bad = 0;
  double *yd = y.storage->data;
  for (int64_t r = 0; r < sz[0]; r++) {
    const double *xr = xd + 3 * r;
    double lse = log(exp(xr[0]) + exp(xr[1]) + exp(xr[2]));
    for (int j = 0; j < 3; j++) bad += fabs(yd[3 * r + j] - (xr[j] - lse)) > 1e-12;
  }
  CHECK(bad == 0);
  dl_tensor_free(&x), dl_tensor_free(&y), dl_tensor_free(&t);
}

static void test_spatial_softmax(void) {
  /* 1 sample, 2 planes, 2 positions: softmax over the planes at each position */
  int64_t sz[3] = {1, 2, 2};
  dl_tensor x, y = empty(DL_DOUBLE), gi = empty(DL_DOUBLE);
  make(&x, DL_DOUBLE, 3, sz, (double[]){0, 1, 0, 3});
  CHECK(nn_spatial_softmax_forward("nn.SpatialSoftMax", &y, &x) == 0);
  CHECK_NEAR(at(&y, 0), 0.5, 1e-12);
  CHECK_NEAR(at(&y, 1), 1 / (1 + exp(2.0)), 1e-12);
  dl_tensor g;
  make(&g, DL_DOUBLE, 3, sz, (double[]){1, 1, 1, 1});
  CHECK(nn_spatial_softmax_backward("nn.SpatialSoftMax", &gi, &g, &y) == 0);
  for (int i = 0; i < 4; i++) CHECK_NEAR(at(&gi, i), 0, 1e-12); /* sum of outputs is 1 */
  dl_tensor bad = vec(DL_DOUBLE, 4, (double[]){1, 1, 1, 1});
  CHECK(nn_spatial_softmax_backward("nn.SpatialSoftMax", &gi, &bad, &y) == -1);
  CHECK(strstr(dl_errmsg(), "nn.SpatialSoftMax: gradOutput of size 4, expected 1x2x2") != NULL);
  dl_tensor_free(&x), dl_tensor_free(&y), dl_tensor_free(&gi), dl_tensor_free(&g);
  dl_tensor_free(&bad);
}

int main(void) {
  test_softmax();
  test_parallel_rows();
  test_spatial_softmax();
  return check_done("test_softmax");
}
