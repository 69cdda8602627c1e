/* nn activation kernels, without Lua: values against formulas written out here,
   gradients against central differences of the forward kernels, strided and in-place
   operands, the parallel path, and the error messages. */
#include <math.h>
#include <string.h>

#include "check.h"
#include "core/tensor.h"
#include "nn/activation.h"
#include "ops/copy.h"

static dl_tensor vec(dl_dtype dt, int64_t n, const double *v) {
  dl_tensor t;
  dl_tensor_new(&t, dt, 1, &n);
  for (int64_t i = 0; i < n; i++) op_set(&t, i, v[i]);
  return t;
}

static dl_tensor mat(dl_dtype dt, int64_t r, int64_t c, const double *v) {
  dl_tensor t;
  int64_t sz[2] = {r, c};
  dl_tensor_new(&t, dt, 2, sz);
  for (int64_t i = 0; i < r * c; i++) op_set(&t, i, v[i]);
  return t;
}

static double at(const dl_tensor *t, int64_t i) { return op_get(t, t->offset + i); }

static dl_tensor empty(dl_dtype dt) {
  dl_tensor t;
  dl_tensor_init(&t, dt);
  return t;
}

/* ---- activations ---- */

static const double xs[8] = {-2.5, -1.2, -0.3, -0.05, 0.07, 0.4, 1.3, 2.8};

/* The formulas, written out independently of the kernels, with their parameters. */
static double ref(nn_act k, double x, double a, double b) {
  switch (k) {
  case NN_TANH: return tanh(x);
  case NN_SIGMOID: return 1 / (1 + exp(-x));
  case NN_HARDTANH: return x < a ? a : x > b ? b : x;
  case NN_RELU6: return x < 0 ? 0 : x > 6 ? 6 : x;
  case NN_THRESHOLD: return x > a ? x : b;
  case NN_RELU: return x > 0 ? x : 0;
  case NN_LEAKYRELU: return x > 0 ? x : a * x;
  case NN_ELU: return x > 0 ? x : a * (exp(x) - 1);
  case NN_LOGSIGMOID: return log(1 / (1 + exp(-x)));
  case NN_SOFTPLUS: return log(1 + exp(a * x)) / a;
  case NN_SOFTSIGN: return x / (1 + fabs(x));
  case NN_SOFTSHRINK: return x > a ? x - a : x < -a ? x + a : 0;
  case NN_HARDSHRINK: return fabs(x) > a ? x : 0;
  case NN_TANHSHRINK: return x - tanh(x);
  case NN_GELU: return 0.5 * x * (1 + erf(x / sqrt(2)));
  default: return NAN;
  }
}

/* Parameters that keep every sample point away from the kinks. */
static void params(nn_act k, double *a, double *b) {
  *a = 0, *b = 0;
  if (k == NN_HARDTANH) *a = -1, *b = 1;
  if (k == NN_THRESHOLD) *a = 0.1, *b = -3;
  if (k == NN_LEAKYRELU) *a = 0.1;
  if (k == NN_ELU) *a = 1.5;
  if (k == NN_SOFTPLUS) *a = 2, *b = 20;
  if (k == NN_SOFTSHRINK || k == NN_HARDSHRINK) *a = 0.5;
}

static void test_act_values_and_grads(void) {
  for (int k = 0; k < NN_NACT; k++) {
    double a, b;
    params((nn_act)k, &a, &b);
    for (int dt = DL_FLOAT; dt <= DL_DOUBLE; dt++) {
      dl_tensor x = vec((dl_dtype)dt, 8, xs), y = empty((dl_dtype)dt), gi = empty((dl_dtype)dt);
      double ones[8] = {1, 1, 1, 1, 1, 1, 1, 1};
      dl_tensor g = vec((dl_dtype)dt, 8, ones);
      CHECK(nn_act_forward((nn_act)k, &y, &x, a, b) == 0);
      CHECK(nn_act_backward((nn_act)k, &gi, &g, &x, &y, a, b) == 0);
      double tol = dt == DL_FLOAT ? 1e-5 : 1e-12;
      for (int i = 0; i < 8; i++) {
        CHECK_NEAR(at(&y, i), ref((nn_act)k, xs[i], a, b), tol);
        double h = 1e-6, fd = (ref((nn_act)k, xs[i] + h, a, b) - ref((nn_act)k, xs[i] - h, a, b)) / (2 * h);
        if (fabs(at(&gi, i) - fd) > (dt == DL_FLOAT ? 1e-4 : 1e-7))
          fprintf(stderr, "  kind %s x=%g\n", nn_act_name((nn_act)k), xs[i]);
        CHECK_NEAR(at(&gi, i), fd, dt == DL_FLOAT ? 1e-4 : 1e-7);
      }
      dl_tensor_free(&x), dl_tensor_free(&y), dl_tensor_free(&g), dl_tensor_free(&gi);
    }
  }
  CHECK(nn_act_lookup("GELU") == NN_GELU && nn_act_lookup("nope") == -1);
}

/* Extreme inputs: no overflow, no NaN. */
static void test_act_stability(void) {
  double big[4] = {-800, -40, 40, 800};
  dl_tensor x = vec(DL_DOUBLE, 4, big), y = empty(DL_DOUBLE), g = vec(DL_DOUBLE, 4, big),
            gi = empty(DL_DOUBLE);
  nn_act_forward(NN_LOGSIGMOID, &y, &x, 0, 0);
  CHECK_NEAR(at(&y, 0), -800, 1e-9);
  CHECK_NEAR(at(&y, 3), 0, 1e-12);
  nn_act_backward(NN_LOGSIGMOID, &gi, &g, &x, &y, 0, 0);
  CHECK_NEAR(at(&gi, 0), -800, 1e-9); /* d/dx log sigmoid(x) -> 1 as x -> -inf */
  CHECK_NEAR(at(&gi, 3), 0, 1e-12);
  nn_act_forward(NN_SIGMOID, &y, &x, 0, 0);
  CHECK(at(&y, 0) == 0 && at(&y, 3) == 1);
  nn_act_forward(NN_SOFTPLUS, &y, &x, 1, 20);
  CHECK(at(&y, 3) == 800 && at(&y, 0) >= 0 && at(&y, 0) < 1e-300);
  nn_act_forward(NN_GELU, &y, &x, 0, 0);
  CHECK(at(&y, 0) == 0 && at(&y, 3) == 800);
  for (int i = 0; i < 4; i++) CHECK(!isnan(at(&y, i)));
  dl_tensor_free(&x), dl_tensor_free(&y), dl_tensor_free(&g), dl_tensor_free(&gi);
}

static void test_act_strided_inplace(void) {
  /* a transposed 3x4 input: values follow the logical order */
  double v[12];
  for (int i = 0; i < 12; i++) v[i] = i - 5.5;
  dl_tensor m = mat(DL_FLOAT, 3, 4, v), y = empty(DL_FLOAT);
  dl_tensor_transpose(&m, 0, 1); /* 4x3, m'(i,j) = v[j*4+i] */
  CHECK(nn_act_forward(NN_TANH, &y, &m, 0, 0) == 0);
  CHECK(y.size[0] == 4 && y.size[1] == 3 && dl_tensor_iscontiguous(&y));
  CHECK_NEAR(at(&y, 1), tanh(v[4]), 1e-6); /* y(1,2) */
  CHECK_NEAR(at(&y, 3), tanh(v[1]), 1e-6); /* y(2,1) */
  /* in place on the strided view: the storage is updated through the strides */
  CHECK(nn_act_forward(NN_RELU, &m, &m, 0, 0) == 0);
  CHECK(!dl_tensor_iscontiguous(&m));
  float *d = m.storage->data;
  CHECK(d[0] == 0 && d[5] == 0 && d[6] == 0.5f && d[11] == 5.5f);
  /* in-place backward: gradInput is gradOutput */
  dl_tensor g = mat(DL_FLOAT, 4, 3, v);
  CHECK(nn_act_backward(NN_RELU, &g, &g, &m, &m, 0, 0) == 0);
  CHECK(at(&g, 0) == 0 && at(&g, 11) == 5.5f);
  dl_tensor_free(&m), dl_tensor_free(&y), dl_tensor_free(&g);
}

static void test_act_parallel(void) {
  int64_t n = 200001;
  dl_tensor x, y = empty(DL_DOUBLE), g, gi = empty(DL_DOUBLE);
  dl_tensor_new(&x, DL_DOUBLE, 1, &n);
  dl_tensor_new(&g, DL_DOUBLE, 1, &n);
  double *xd = x.storage->data, *gd = g.storage->data;
  for (int64_t i = 0; i < n; i++) xd[i] = sin((double)i), gd[i] = 1;
  nn_act_forward(NN_GELU, &y, &x, 0, 0);
  nn_act_backward(NN_SIGMOID, &gi, &g, &x, &x, 0, 0); /* y = x: gi = x (1 - x) */
  int bad = 0;
  double *yd = y.storage->data, *gid = gi.storage->data;
  for (int64_t i = 0; i < n; i++) {
    bad += fabs(yd[i] - ref(NN_GELU, xd[i], 0, 0)) > 1e-12;
    bad += fabs(gid[i] - xd[i] * (1 - xd[i])) > 1e-12;
  }
  CHECK(bad == 0);
  dl_tensor_free(&x), dl_tensor_free(&y), dl_tensor_free(&g), dl_tensor_free(&gi);
}

static void test_act_errors(void) {
  double v[6] = {1, 2, 3, 4, 5, 6};
  dl_tensor x = mat(DL_DOUBLE, 2, 3, v), g = mat(DL_DOUBLE, 3, 2, v), y = empty(DL_DOUBLE),
            gi = empty(DL_DOUBLE), l = empty(DL_LONG), f = empty(DL_FLOAT);
  nn_act_forward(NN_TANH, &y, &x, 0, 0);
  CHECK(nn_act_backward(NN_TANH, &gi, &g, &x, &y, 0, 0) == -1);
  CHECK(strstr(dl_errmsg(), "nn.Tanh: gradOutput size 3x2 does not match input size 2x3"));
  int64_t two = 2;
  dl_tensor_resize(&l, 1, &two);
  CHECK(nn_act_forward(NN_SIGMOID, &y, &l, 0, 0) == -1);
  CHECK(strstr(dl_errmsg(), "nn.Sigmoid: input must be a Float or Double tensor, not Long"));
  CHECK(nn_act_forward(NN_SIGMOID, &f, &x, 0, 0) == -1);
  CHECK(strstr(dl_errmsg(), "nn.Sigmoid: output is a Float tensor but input is Double"));
  dl_tensor_free(&x), dl_tensor_free(&g), dl_tensor_free(&y), dl_tensor_free(&gi);
  dl_tensor_free(&l), dl_tensor_free(&f);
}

/* ---- PReLU ---- */

static void test_prelu(void) {
  /* batch 2 x 3 planes, weights 0.1 0.2 0.3 */
  double v[6] = {-1, 2, -3, 4, -5, -6}, wv[3] = {0.1, 0.2, 0.3}, gv[6] = {1, 1, 1, 2, 2, 2};
  dl_tensor x = mat(DL_DOUBLE, 2, 3, v), w = vec(DL_DOUBLE, 3, wv), g = mat(DL_DOUBLE, 2, 3, gv),
            y = empty(DL_DOUBLE), gi = empty(DL_DOUBLE);
  CHECK(nn_prelu_forward(&y, &x, &w, 3) == 0);
  double ey[6] = {-0.1, 2, -0.9, 4, -1, -1.8};
  for (int i = 0; i < 6; i++) CHECK_NEAR(at(&y, i), ey[i], 1e-12);
  CHECK(nn_prelu_backward(&gi, &g, &x, &w, 3) == 0);
  double eg[6] = {0.1, 1, 0.3, 2, 0.4, 0.6};
  for (int i = 0; i < 6; i++) CHECK_NEAR(at(&gi, i), eg[i], 1e-12);
  double zero[3] = {0, 0, 0};
  dl_tensor gw = vec(DL_DOUBLE, 3, zero);
  CHECK(nn_prelu_accgrad(&gw, &g, &x, 3, 0.5) == 0);
  /* plane 1: -1*1; plane 2: -5*2; plane 3: -3*1 + -6*2; times 0.5 */
  CHECK_NEAR(at(&gw, 0), -0.5, 1e-12);
  CHECK_NEAR(at(&gw, 1), -5, 1e-12);
  CHECK_NEAR(at(&gw, 2), -7.5, 1e-12);
  /* shared weight */
  dl_tensor w1 = vec(DL_DOUBLE, 1, wv);
  CHECK(nn_prelu_forward(&y, &x, &w1, 0) == 0);
  CHECK_NEAR(at(&y, 5), -0.6, 1e-12);
  CHECK(nn_prelu_forward(&y, &x, &w, 4) == -1);
  CHECK(strstr(dl_errmsg(), "nn.PReLU: weight has 3 elements, expected 4"));
  dl_tensor w4 = vec(DL_DOUBLE, 2, wv);
  CHECK(nn_prelu_forward(&y, &x, &w4, 2) == -1);
  CHECK(strstr(dl_errmsg(), "nn.PReLU: input size 2x3 has 3 planes in dimension 2, expected 2"));
  dl_tensor_free(&x), dl_tensor_free(&w), dl_tensor_free(&g), dl_tensor_free(&y);
  dl_tensor_free(&gi), dl_tensor_free(&gw), dl_tensor_free(&w1), dl_tensor_free(&w4);
}

/* ---- softmax family ---- */

static void test_softmax(void) {
  double v[6] = {1, 2, 3, 1000, 1001, 1002};
  dl_tensor x = mat(DL_DOUBLE, 2, 3, v), y = empty(DL_DOUBLE), gi = empty(DL_DOUBLE);
  CHECK(nn_softmax_forward(NN_SOFTMAX, &y, &x) == 0);
  double e[3] = {0.09003057317038046, 0.24472847105479767, 0.6652409557748219};
  for (int i = 0; i < 6; i++) CHECK_NEAR(at(&y, i), e[i % 3], 1e-12);
  CHECK(nn_softmax_forward(NN_LOGSOFTMAX, &y, &x) == 0);
  for (int i = 0; i < 6; i++) CHECK_NEAR(at(&y, i), log(e[i % 3]), 1e-12);
  CHECK(nn_softmax_forward(NN_SOFTMIN, &y, &x) == 0);
  for (int i = 0; i < 6; i++) CHECK_NEAR(at(&y, i), e[2 - i % 3], 1e-12);

  /* gradients of L = sum g*y by central differences, for each kind, on a 1D input */
  double xv[4] = {0.3, -1.1, 0.8, 2.0}, gv[4] = {0.5, -1, 2, 0.25};
  for (int k = NN_SOFTMAX; k <= NN_SOFTMIN; k++) {
    dl_tensor xx = vec(DL_DOUBLE, 4, xv), g = vec(DL_DOUBLE, 4, gv), yy = empty(DL_DOUBLE);
    nn_softmax_forward((nn_softmax_kind)k, &yy, &xx);
    CHECK(nn_softmax_backward((nn_softmax_kind)k, &gi, &g, &yy) == 0);
    for (int i = 0; i < 4; i++) {
      double f[2];
      for (int s = 0; s < 2; s++) {
        double xp[4];
        memcpy(xp, xv, sizeof xp);
        xp[i] += s ? -1e-6 : 1e-6;
        dl_tensor t = vec(DL_DOUBLE, 4, xp), o = empty(DL_DOUBLE);
        nn_softmax_forward((nn_softmax_kind)k, &o, &t);
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
  CHECK(nn_softmax_forward(NN_SOFTMAX, &py, &p) == 0);
  CHECK_NEAR(at(&py, 0), 0.5, 1e-6);
  CHECK_NEAR(at(&py, 2), 0.5, 1e-6);
  CHECK_NEAR(at(&py, 1), 1 / (1 + exp(2.0)), 1e-6);
  CHECK_NEAR(at(&py, 3), 1 / (1 + exp(-2.0)), 1e-6);
  int64_t five = 5;
  dl_tensor bad = empty(DL_DOUBLE);
  dl_tensor_resize(&bad, 1, &five);
  CHECK(nn_softmax_backward(NN_LOGSOFTMAX, &gi, &bad, &y) == -1);
  CHECK(strstr(dl_errmsg(), "nn.LogSoftMax: gradOutput size 5 does not match output size 2x3"));
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
  CHECK(nn_softmax_forward(NN_LOGSOFTMAX, &y, &x) == 0);
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

int main(void) {
  test_act_values_and_grads();
  test_act_stability();
  test_act_strided_inplace();
  test_act_parallel();
  test_act_errors();
  test_prelu();
  test_softmax();
  test_parallel_rows();
  return check_done("test_nnact");
}
