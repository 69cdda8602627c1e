/* nn activation kernels, without Lua: values against formulas written out here,
   gradients against central differences of the forward kernels, strided and in-place
   operands, the parallel path, and the error messages. */
#include <math.h>
#include <string.h>

#include "check.h"
#include "nn/activation.h"
#include "nn_tensors.h"

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
  for (int k = 0; k <= NN_GELU; k++) { /* the transfer functions */
    double a, b;
    params((nn_act)k, &a, &b);
    for (int dt = DL_FLOAT; dt <= DL_DOUBLE; dt++) {
      dl_tensor x = vec((dl_dtype)dt, 8, xs), y = empty((dl_dtype)dt), gi = empty((dl_dtype)dt);
      double ones[8] = {1, 1, 1, 1, 1, 1, 1, 1};
      dl_tensor g = vec((dl_dtype)dt, 8, ones);
      CHECK(nn_act_forward("test", &y, &x, (nn_act)k, a, b) == 0);
      CHECK(nn_act_backward("test", &gi, &g, &x, &y, (nn_act)k, a, b) == 0);
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
  nn_act_forward("nn.LogSigmoid", &y, &x, NN_LOGSIGMOID, 0, 0);
  CHECK_NEAR(at(&y, 0), -800, 1e-9);
  CHECK_NEAR(at(&y, 3), 0, 1e-12);
  nn_act_backward("nn.LogSigmoid", &gi, &g, &x, &y, NN_LOGSIGMOID, 0, 0);
  CHECK_NEAR(at(&gi, 0), -800, 1e-9); /* d/dx log sigmoid(x) -> 1 as x -> -inf */
  CHECK_NEAR(at(&gi, 3), 0, 1e-12);
  nn_act_forward("nn.Sigmoid", &y, &x, NN_SIGMOID, 0, 0);
  CHECK(at(&y, 0) == 0 && at(&y, 3) == 1);
  nn_act_forward("nn.SoftPlus", &y, &x, NN_SOFTPLUS, 1, 20);
  CHECK(at(&y, 3) == 800 && at(&y, 0) >= 0 && at(&y, 0) < 1e-300);
  nn_act_forward("nn.GELU", &y, &x, NN_GELU, 0, 0);
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
  CHECK(nn_act_forward("nn.Tanh", &y, &m, NN_TANH, 0, 0) == 0);
  CHECK(y.size[0] == 4 && y.size[1] == 3 && dl_tensor_iscontiguous(&y));
  CHECK_NEAR(at(&y, 1), tanh(v[4]), 1e-6); /* y(1,2) */
  CHECK_NEAR(at(&y, 3), tanh(v[1]), 1e-6); /* y(2,1) */
  /* in place on the strided view: the storage is updated through the strides */
  CHECK(nn_act_forward("nn.ReLU", &m, &m, NN_RELU, 0, 0) == 0);
  CHECK(!dl_tensor_iscontiguous(&m));
  float *d = m.storage->data;
  CHECK(d[0] == 0 && d[5] == 0 && d[6] == 0.5f && d[11] == 5.5f);
  /* in-place backward: gradInput is gradOutput */
  dl_tensor g = mat(DL_FLOAT, 4, 3, v);
  CHECK(nn_act_backward("nn.ReLU", &g, &g, &m, &m, NN_RELU, 0, 0) == 0);
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
  nn_act_forward("nn.GELU", &y, &x, NN_GELU, 0, 0);
  nn_act_backward("nn.Sigmoid", &gi, &g, &x, &x, NN_SIGMOID, 0, 0); /* y = x: gi = x (1 - x) */
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
  nn_act_forward("nn.Tanh", &y, &x, NN_TANH, 0, 0);
  CHECK(nn_act_backward("nn.Tanh", &gi, &g, &x, &y, NN_TANH, 0, 0) == -1);
  CHECK(strstr(dl_errmsg(), "nn.Tanh: gradOutput of size 3x2, expected 2x3"));
  int64_t two = 2;
  dl_tensor_resize(&l, 1, &two);
  CHECK(nn_act_forward("nn.Sigmoid", &y, &l, NN_SIGMOID, 0, 0) == -1);
  CHECK(strstr(dl_errmsg(), "nn.Sigmoid: input must be a Float or Double tensor, got a Long tensor"));
  CHECK(nn_act_forward("nn.Sigmoid", &f, &x, NN_SIGMOID, 0, 0) == -1);
  CHECK(strstr(dl_errmsg(), "nn.Sigmoid: output is a Float tensor, input a Double tensor"));
  dl_tensor_free(&x), dl_tensor_free(&g), dl_tensor_free(&y), dl_tensor_free(&gi);
  dl_tensor_free(&l), dl_tensor_free(&f);
}

/* ---- PReLU ---- */

static void test_prelu(void) {
  /* batch 2 x 3 planes, weights 0.1 0.2 0.3 */
  double v[6] = {-1, 2, -3, 4, -5, -6}, wv[3] = {0.1, 0.2, 0.3}, gv[6] = {1, 1, 1, 2, 2, 2};
  dl_tensor x = mat(DL_DOUBLE, 2, 3, v), w = vec(DL_DOUBLE, 3, wv), g = mat(DL_DOUBLE, 2, 3, gv),
            y = empty(DL_DOUBLE), gi = empty(DL_DOUBLE);
  CHECK(nn_prelu_forward("nn.PReLU", &y, &x, &w, 3) == 0);
  double ey[6] = {-0.1, 2, -0.9, 4, -1, -1.8};
  for (int i = 0; i < 6; i++) CHECK_NEAR(at(&y, i), ey[i], 1e-12);
  CHECK(nn_prelu_backward("nn.PReLU", &gi, &g, &x, &w, 3) == 0);
  double eg[6] = {0.1, 1, 0.3, 2, 0.4, 0.6};
  for (int i = 0; i < 6; i++) CHECK_NEAR(at(&gi, i), eg[i], 1e-12);
  double zero[3] = {0, 0, 0};
  dl_tensor gw = vec(DL_DOUBLE, 3, zero);
  CHECK(nn_prelu_accgrad("nn.PReLU", &gw, &g, &x, 3, 0.5) == 0);
  /* plane 1: -1*1; plane 2: -5*2; plane 3: -3*1 + -6*2; times 0.5 */
  CHECK_NEAR(at(&gw, 0), -0.5, 1e-12);
  CHECK_NEAR(at(&gw, 1), -5, 1e-12);
  CHECK_NEAR(at(&gw, 2), -7.5, 1e-12);
  /* shared weight */
  dl_tensor w1 = vec(DL_DOUBLE, 1, wv);
  CHECK(nn_prelu_forward("nn.PReLU", &y, &x, &w1, 0) == 0);
  CHECK_NEAR(at(&y, 5), -0.6, 1e-12);
  CHECK(nn_prelu_forward("nn.PReLU", &y, &x, &w, 4) == -1);
  CHECK(strstr(dl_errmsg(), "nn.PReLU: weight has 3 elements, expected 4"));
  dl_tensor w4 = vec(DL_DOUBLE, 2, wv);
  CHECK(nn_prelu_forward("nn.PReLU", &y, &x, &w4, 2) == -1);
  CHECK(strstr(dl_errmsg(), "nn.PReLU: input of size 2x3 has 3 planes in dimension 2, expected 2"));
  dl_tensor_free(&x), dl_tensor_free(&w), dl_tensor_free(&g), dl_tensor_free(&y);
  dl_tensor_free(&gi), dl_tensor_free(&gw), dl_tensor_free(&w1), dl_tensor_free(&w4);
}

/* ---- pointwise layers ---- */

static void test_pointwise_layers(void) {
  dl_tensor x = mat(DL_DOUBLE, 2, 3, (double[]){1, 5, 3, 4, 2, 6}), o = empty(DL_DOUBLE);
  dl_tensor gi = empty(DL_DOUBLE);
  /* nn.Clamp is the HardTanh row */
  CHECK(nn_act_forward("nn.Clamp", &o, &x, NN_HARDTANH, 2, 4) == 0);
  CHECK_NEAR(at(&o, 0), 2, 0);
  CHECK_NEAR(at(&o, 1), 4, 0);
  CHECK(nn_act_backward("nn.Square", &gi, &x, &x, &x, NN_SQUARE, 0, 0) == 0);
  CHECK_NEAR(at(&gi, 1), 50, 0); /* g * 2x with g = x = 5 */
  CHECK(nn_act_forward("nn.Power", &o, &x, NN_POWER, 3, 0) == 0);
  CHECK_NEAR(at(&o, 4), 8, 1e-12);
  CHECK(nn_act_forward("nn.Sqrt", &o, &x, NN_SQRT, 0, 0) == 0);
  CHECK(nn_act_backward("nn.Sqrt", &gi, &x, &x, &o, NN_SQRT, 0, 0) == 0);
  CHECK_NEAR(at(&gi, 3), 4 / (2 * 2.0), 1e-12); /* g / (2y) with g = 4, y = 2 */
  CHECK(nn_act_forward("nn.MulConstant", &o, &x, NN_MULCONSTANT, -2, 0) == 0);
  CHECK_NEAR(at(&o, 5), -12, 0);
  CHECK(nn_act_lookup("AddConstant") == NN_ADDCONSTANT && nn_act_lookup("Clamp") == -1);
  dl_tensor_free(&x), dl_tensor_free(&o), dl_tensor_free(&gi);
}

static void test_mask_scale(void) {
  dl_tensor v = mat(DL_DOUBLE, 1, 2, (double[]){3, 4}), o = empty(DL_DOUBLE);
  CHECK(nn_mask_scale("nn.Dropout", &o, &v, &v, 0.5) == 0);
  CHECK_NEAR(at(&o, 1), 8, 0);
  dl_tensor w = vec(DL_DOUBLE, 3, (double[]){1, 1, 1});
  CHECK(nn_mask_scale("nn.Dropout", &o, &v, &w, 0.5) == -1);
  CHECK(strstr(dl_errmsg(), "nn.Dropout: mask of size 3, expected 1x2") != NULL);
  dl_tensor_free(&v), dl_tensor_free(&o), dl_tensor_free(&w);
}

int main(void) {
  test_act_values_and_grads();
  test_act_stability();
  test_act_strided_inplace();
  test_act_parallel();
  test_act_errors();
  test_prelu();
  test_pointwise_layers();
  test_mask_scale();
  return check_done("test_activation");
}
