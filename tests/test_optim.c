/* Optimizer kernels without Lua: first steps against values worked out by hand, the
   threaded path against a plain loop, the operand checks, and confusion counts. */
#include <string.h>

#include "check.h"
#include "core/tensor.h"
#include "optim/optim.h"

static dl_tensor vec(dl_dtype dt, int64_t n, const double *v) {
  dl_tensor t;
  dl_tensor_new(&t, dt, 1, &n);
  for (int64_t i = 0; i < n; i++) {
    if (dt == DL_FLOAT) ((float *)dl_tensor_data(&t))[i] = v ? (float)v[i] : 0;
    else if (dt == DL_DOUBLE) ((double *)dl_tensor_data(&t))[i] = v ? v[i] : 0;
    else if (dt == DL_LONG) ((int64_t *)dl_tensor_data(&t))[i] = v ? (int64_t)v[i] : 0;
  }
  return t;
}

static double at(const dl_tensor *t, int64_t i) {
  return t->dtype == DL_FLOAT ? ((float *)dl_tensor_data(t))[i] : ((double *)dl_tensor_data(t))[i];
}

/* the gradient of f(x) = 0.5*(x1^2 + 2*x2^2) */
static void grad(const dl_tensor *x, dl_tensor *g) {
  double v[2] = {at(x, 0), 2 * at(x, 1)};
  for (int i = 0; i < 2; i++) {
    if (g->dtype == DL_FLOAT) ((float *)dl_tensor_data(g))[i] = (float)v[i];
    else ((double *)dl_tensor_data(g))[i] = v[i];
  }
}

static void test_sgd(dl_dtype dt) {
  double x0[2] = {1, -2};
  dl_tensor x = vec(dt, 2, x0), g = vec(dt, 2, NULL), buf = vec(dt, 2, NULL);
  optim_sgd_cfg c = {.lr = 0.1, .mom = 0.9, .damp = 0, .init = 1};
  /* step 1: buf = g = (1, -4); x = (1, -2) - 0.1*(1, -4) = (0.9, -1.6) */
  grad(&x, &g);
  CHECK(optim_sgd(&x, &g, &buf, NULL, NULL, &c) == 0);
  CHECK_NEAR(at(&x, 0), 0.9, 1e-6);
  CHECK_NEAR(at(&x, 1), -1.6, 1e-6);
  /* step 2: g = (0.9, -3.2); buf = 0.9*(1, -4) + g = (1.8, -6.8); x = (0.72, -0.92) */
  c.init = 0;
  grad(&x, &g);
  CHECK(optim_sgd(&x, &g, &buf, NULL, NULL, &c) == 0);
  CHECK_NEAR(at(&buf, 1), -6.8, 1e-5);
  CHECK_NEAR(at(&x, 0), 0.72, 1e-6);
  CHECK_NEAR(at(&x, 1), -0.92, 1e-6);
  CHECK_NEAR(at(&g, 0), 0.9, 1e-6); /* dx is never written */

  /* nesterov, step 1: buf = (1, -4); g + 0.9*buf = (1.9, -7.6); x = (0.81, -1.24) */
  dl_tensor y = vec(dt, 2, x0);
  c = (optim_sgd_cfg){.lr = 0.1, .mom = 0.9, .damp = 0, .nesterov = 1, .init = 1};
  grad(&y, &g);
  CHECK(optim_sgd(&y, &g, &buf, NULL, NULL, &c) == 0);
  CHECK_NEAR(at(&y, 0), 0.81, 1e-6);
  CHECK_NEAR(at(&y, 1), -1.24, 1e-6);

  /* weight decay 0.5 and per-element rates (1, 0.5), no momentum:
     g = (1, -4) + 0.5*(1, -2) = (1.5, -5); x = (1 - 0.15, -2 + 0.25) = (0.85, -1.75) */
  double r[2] = {1, 0.5};
  dl_tensor z = vec(dt, 2, x0), lrs = vec(dt, 2, r);
  c = (optim_sgd_cfg){.lr = 0.1, .wd = 0.5};
  grad(&z, &g);
  CHECK(optim_sgd(&z, &g, NULL, &lrs, NULL, &c) == 0);
  CHECK_NEAR(at(&z, 0), 0.85, 1e-6);
  CHECK_NEAR(at(&z, 1), -1.75, 1e-6);
  dl_tensor *all[] = {&x, &g, &buf, &y, &z, &lrs};
  for (int i = 0; i < 6; i++) dl_tensor_free(all[i]);
}

static void test_adam(void) {
  double x0[2] = {1, -2};
  dl_tensor x = vec(DL_DOUBLE, 2, x0), g = vec(DL_DOUBLE, 2, NULL);
  dl_tensor m = vec(DL_DOUBLE, 2, NULL), v = vec(DL_DOUBLE, 2, NULL);
  /* step 1: m = 0.1*g, v = 0.001*g^2, step = 0.1*sqrt(0.001)/0.1, so
     x -= step*m/(sqrt(v) + eps) = 0.1*sign(g) * |g|s/(|g|s + eps), s = sqrt(0.001) */
  grad(&x, &g);
  double s = sqrt(0.001), st = 0.1 * s / 0.1;
  CHECK(optim_adam(&x, &g, &m, &v, st, 0.9, 0.999, 1e-8, 0) == 0);
  CHECK_NEAR(at(&x, 0), 1 - 0.1 * s / (s + 1e-8), 1e-12);
  CHECK_NEAR(at(&x, 1), -2 + 0.1 * 4 * s / (4 * s + 1e-8), 1e-12);
  CHECK_NEAR(at(&m, 1), -0.4, 1e-12);
  CHECK_NEAR(at(&v, 1), 0.016, 1e-12);
  dl_tensor_free(&x), dl_tensor_free(&g), dl_tensor_free(&m), dl_tensor_free(&v);
}

/* The threaded path (n well above the grain) against the formula in a plain loop. */
static void test_large(void) {
  int64_t n = 100003;
  dl_tensor x = vec(DL_FLOAT, n, NULL), g = vec(DL_FLOAT, n, NULL);
  dl_tensor m = vec(DL_FLOAT, n, NULL);
  float *xp = dl_tensor_data(&x), *gp = dl_tensor_data(&g), *mp = dl_tensor_data(&m);
  for (int64_t i = 0; i < n; i++) {
    xp[i] = (float)((i % 97) - 48) / 10;
    gp[i] = (float)((i % 13) - 6) / 3;
    mp[i] = (float)(i % 5);
  }
  CHECK(optim_rmsprop(&x, &g, &m, 0.01, 0.9, 1e-8, 0) == 0);
  int bad = 0;
  for (int64_t i = 0; i < n; i++) {
    double gi = (double)((i % 13) - 6) / 3, mi = 0.9 * (i % 5) + 0.1 * gi * gi;
    double xi = (double)((i % 97) - 48) / 10 - 0.01 * gi / (sqrt(mi) + 1e-8);
    if (fabs(mp[i] - mi) > 1e-5 || fabs(xp[i] - xi) > 1e-5) bad++;
  }
  CHECK(bad == 0);
  double d, a;
  CHECK(optim_dot(&g, &g, &d) == 0 && optim_asum(&g, &a) == 0);
  double dref = 0, aref = 0;
  for (int64_t i = 0; i < n; i++) {
    double gi = (double)(float)((double)((i % 13) - 6) / 3);
    dref += gi * gi, aref += fabs(gi);
  }
  CHECK_NEAR(d, dref, 1e-6 * dref);
  CHECK_NEAR(a, aref, 1e-6 * aref);
  dl_tensor_free(&x), dl_tensor_free(&g), dl_tensor_free(&m);
}

static void test_errors(void) {
  double x0[3] = {1, 2, 3};
  dl_tensor x = vec(DL_FLOAT, 2, x0), g3 = vec(DL_FLOAT, 3, x0), gd = vec(DL_DOUBLE, 2, x0);
  dl_tensor xl = vec(DL_LONG, 2, x0);
  optim_sgd_cfg c = {.lr = 0.1};
  CHECK(optim_sgd(&x, &g3, NULL, NULL, NULL, &c) == -1);
  CHECK(strstr(dl_errmsg(), "optim.sgd: dx has 3 elements (size 3) but x has 2 (size 2)"));
  CHECK(optim_adam(&x, &gd, &x, &x, 0.1, 0.9, 0.9, 1e-8, 0) == -1);
  CHECK(strstr(dl_errmsg(), "optim.adam: dx is a Double tensor but x is a Float tensor"));
  CHECK(optim_adagrad(&xl, &xl, &xl, 0.1, 0) == -1);
  CHECK(strstr(dl_errmsg(), "optim.adagrad: x must be a Float or Double tensor, got Long"));
  /* a transposed 2x3 has 6 elements like a contiguous 6-vector, but is not flat */
  int64_t sz[2] = {2, 3}, six = 6;
  dl_tensor m, v;
  dl_tensor_new(&m, DL_FLOAT, 2, sz);
  dl_tensor_new(&v, DL_FLOAT, 1, &six);
  dl_tensor_transpose(&m, 0, 1);
  CHECK(optim_rmsprop(&m, &v, &v, 0.1, 0.9, 1e-8, 0) == -1);
  CHECK(strstr(dl_errmsg(), "optim.rmsprop: x must be contiguous (size 3x2, stride 1x3)"));
  CHECK(optim_rmsprop(&v, &v, &m, 0.1, 0.9, 1e-8, 0) == -1);
  CHECK(strstr(dl_errmsg(), "optim.rmsprop: state.m must be contiguous"));
  dl_tensor *all[] = {&x, &g3, &gd, &xl, &m, &v};
  for (int i = 0; i < 6; i++) dl_tensor_free(all[i]);
}

static void test_confusion(void) {
  int64_t kk[2] = {3, 3}, n = 4;
  dl_tensor mat, scores;
  dl_tensor_new(&mat, DL_LONG, 2, kk);
  memset(dl_tensor_data(&mat), 0, 9 * sizeof(int64_t));
  int64_t sz[2] = {4, 3};
  dl_tensor_new(&scores, DL_FLOAT, 2, sz);
  /* arg-maxes 2, 1, 3, 2 (the first of the tied 0.5s in row 4) */
  float s[12] = {0.1f, 0.8f, 0.1f, 0.6f, 0.3f, 0.1f, 0, 0, 1, 0.5f, 0.5f, 0.2f};
  memcpy(dl_tensor_data(&scores), s, sizeof s);
  double t[4] = {2, 2, 3, 0}; /* the last label is missing: not counted */
  dl_tensor targ = vec(DL_LONG, n, t);
  CHECK(optim_confusion_add(&mat, &scores, &targ) == 0);
  int64_t *m = dl_tensor_data(&mat);
  CHECK(m[1 * 3 + 1] == 1 && m[1 * 3 + 0] == 1 && m[2 * 3 + 2] == 1);
  int64_t total = 0;
  for (int i = 0; i < 9; i++) total += m[i];
  CHECK(total == 3);
  double bad[4] = {2, 4, 1, 1};
  dl_tensor targ2 = vec(DL_LONG, n, bad);
  CHECK(optim_confusion_add(&mat, &scores, &targ2) == -1);
  CHECK(strstr(dl_errmsg(), "target 4 of sample 2 out of range 1..3"));
  total = 0;
  for (int i = 0; i < 9; i++) total += m[i];
  CHECK(total == 3); /* the failed batch counted nothing */
  dl_tensor_free(&mat), dl_tensor_free(&scores), dl_tensor_free(&targ), dl_tensor_free(&targ2);
}

int main(void) {
  test_sgd(DL_FLOAT);
  test_sgd(DL_DOUBLE);
  test_adam();
  test_large();
  test_errors();
  test_confusion();
  return check_done("test_optim");
}
