/* nn loss kernels, without Lua: values against formulas written out here, gradients
   against central differences of the forward kernels, the parallel path, and the error
   messages. */
#include <math.h>
#include <string.h>

#include "check.h"
#include "core/tensor.h"
#include "nn/loss.h"
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

/* ---- criteria ---- */

/* Central differences of a pointwise criterion over each input element. */
static void check_loss_grad(nn_loss k, const dl_tensor *x, const dl_tensor *t,
                            const nn_loss_opts *o) {
  dl_tensor gi = empty(DL_DOUBLE), xp;
  CHECK(nn_loss_backward(nn_loss_name(k), k, &gi, x, t, o) == 0);
  dl_tensor_init(&xp, DL_DOUBLE);
  op_clone(&xp, x, DL_DOUBLE);
  int64_t n = dl_tensor_numel(x);
  double maxerr = 0;
  for (int64_t i = 0; i < n; i++) {
    double x0 = at(&xp, i), fp, fm;
    op_set(&xp, i, x0 + 1e-6);
    nn_loss_forward(nn_loss_name(k), k, &fp, &xp, t, o);
    op_set(&xp, i, x0 - 1e-6);
    nn_loss_forward(nn_loss_name(k), k, &fm, &xp, t, o);
    op_set(&xp, i, x0);
    double err = fabs((fp - fm) / 2e-6 - at(&gi, i));
    if (err > maxerr) maxerr = err;
  }
  if (maxerr >= 1e-6) fprintf(stderr, "  %s: max gradient error %g\n", nn_loss_name(k), maxerr);
  CHECK(maxerr < 1e-6);
  dl_tensor_free(&gi), dl_tensor_free(&xp);
}

static void test_pointwise_losses(void) {
  double xv[6] = {0.2, 0.7, -0.4, 1.9, 0.35, -1.6}, tv[6] = {0.5, -0.3, 1.0, 0.1, 0.6, 0.4};
  dl_tensor x = mat(DL_DOUBLE, 2, 3, xv), t = mat(DL_DOUBLE, 2, 3, tv);
  nn_loss_opts o = {1, 1.0, NULL, NULL};
  double l;
  /* MSE: mean of (x - t)^2 written out */
  double mse = 0, abs_ = 0, sl1 = 0;
  for (int i = 0; i < 6; i++) {
    double d = xv[i] - tv[i];
    mse += d * d, abs_ += fabs(d), sl1 += fabs(d) < 1 ? 0.5 * d * d : fabs(d) - 0.5;
  }
  CHECK(nn_loss_forward(nn_loss_name(NN_LOSS_MSE), NN_LOSS_MSE, &l, &x, &t, &o) == 0);
  CHECK_NEAR(l, mse / 6, 1e-12);
  CHECK(nn_loss_forward(nn_loss_name(NN_LOSS_ABS), NN_LOSS_ABS, &l, &x, &t, &o) == 0);
  CHECK_NEAR(l, abs_ / 6, 1e-12);
  CHECK(nn_loss_forward(nn_loss_name(NN_LOSS_SMOOTHL1), NN_LOSS_SMOOTHL1, &l, &x, &t, &o) == 0);
  CHECK_NEAR(l, sl1 / 6, 1e-12);
  o.size_average = 0;
  CHECK(nn_loss_forward(nn_loss_name(NN_LOSS_MSE), NN_LOSS_MSE, &l, &x, &t, &o) == 0);
  CHECK_NEAR(l, mse, 1e-12);
  o.size_average = 1;
  for (int k = NN_LOSS_MSE; k <= NN_LOSS_SMOOTHL1; k++) check_loss_grad((nn_loss)k, &x, &t, &o);

  /* probabilities and binary targets */
  double pv[6] = {0.1, 0.8, 0.35, 0.6, 0.95, 0.5}, bv[6] = {0, 1, 1, 0, 1, 0.3};
  dl_tensor p = mat(DL_DOUBLE, 2, 3, pv), bt = mat(DL_DOUBLE, 2, 3, bv);
  double bce = 0;
  for (int i = 0; i < 6; i++) bce -= bv[i] * log(pv[i]) + (1 - bv[i]) * log(1 - pv[i]);
  CHECK(nn_loss_forward(nn_loss_name(NN_LOSS_BCE), NN_LOSS_BCE, &l, &p, &bt, &o) == 0);
  CHECK_NEAR(l, bce / 6, 1e-9);
  check_loss_grad(NN_LOSS_BCE, &p, &bt, &o);
  /* BCE with weights per column */
  double wv[3] = {1, 2, 0.5};
  dl_tensor w = vec(DL_DOUBLE, 3, wv);
  o.weights = &w;
  double wbce = 0;
  for (int i = 0; i < 6; i++) wbce -= wv[i % 3] * (bv[i] * log(pv[i]) + (1 - bv[i]) * log(1 - pv[i]));
  CHECK(nn_loss_forward(nn_loss_name(NN_LOSS_BCE), NN_LOSS_BCE, &l, &p, &bt, &o) == 0);
  CHECK_NEAR(l, wbce / 6, 1e-9);
  check_loss_grad(NN_LOSS_BCE, &p, &bt, &o);
  /* BCEWithLogits: BCE of the sigmoid, with weights and a positive weight */
  double pwv[3] = {3, 1, 0.5};
  dl_tensor pw = vec(DL_DOUBLE, 3, pwv);
  o.posweight = &pw;
  double bl = 0;
  for (int i = 0; i < 6; i++) {
    double s = 1 / (1 + exp(-xv[i]));
    bl -= wv[i % 3] * (pwv[i % 3] * bv[i] * log(s) + (1 - bv[i]) * log(1 - s));
  }
  CHECK(nn_loss_forward(nn_loss_name(NN_LOSS_BCELOGITS), NN_LOSS_BCELOGITS, &l, &x, &bt, &o) == 0);
  CHECK_NEAR(l, bl / 6, 1e-12);
  check_loss_grad(NN_LOSS_BCELOGITS, &x, &bt, &o);
  check_loss_grad(NN_LOSS_MULTILABELSOFTMARGIN, &x, &bt, &o);
  o.weights = o.posweight = NULL;
  /* stable for huge logits: log(1 + exp(1000)) is 1000 */
  double hx[2] = {1000, -1000}, ht[2] = {0, 1};
  dl_tensor hxt = vec(DL_DOUBLE, 2, hx), htt = vec(DL_DOUBLE, 2, ht);
  CHECK(nn_loss_forward(nn_loss_name(NN_LOSS_BCELOGITS), NN_LOSS_BCELOGITS, &l, &hxt, &htt, &o) == 0);
  CHECK_NEAR(l, 1000, 1e-9);
  CHECK(nn_loss_forward(nn_loss_name(NN_LOSS_SOFTMARGIN), NN_LOSS_SOFTMARGIN, &l, &hxt, &htt, &o) == 0);
  CHECK_NEAR(l, (log(2) + 1000) / 2, 1e-9); /* t = 0 gives log 2, t = 1 at -1000 gives 1000 */

  /* KL divergence: input log-probabilities, target probabilities */
  double lq[3] = {log(0.2), log(0.5), log(0.3)}, pt[3] = {0.1, 0.6, 0.3};
  dl_tensor lqt = vec(DL_DOUBLE, 3, lq), ptt = vec(DL_DOUBLE, 3, pt);
  double kl = 0;
  for (int i = 0; i < 3; i++) kl += pt[i] * (log(pt[i]) - lq[i]);
  CHECK(nn_loss_forward(nn_loss_name(NN_LOSS_DISTKLDIV), NN_LOSS_DISTKLDIV, &l, &lqt, &ptt, &o) == 0);
  CHECK_NEAR(l, kl / 3, 1e-12);
  check_loss_grad(NN_LOSS_DISTKLDIV, &lqt, &ptt, &o);

  /* margin-style, targets +-1 */
  double yv[6] = {1, -1, 1, -1, -1, 1};
  dl_tensor y = mat(DL_DOUBLE, 2, 3, yv);
  double mg = 0, sm = 0, hg = 0;
  for (int i = 0; i < 6; i++) {
    mg += fmax(0, 1 - yv[i] * xv[i]);
    sm += log(1 + exp(-yv[i] * xv[i]));
    hg += yv[i] == 1 ? xv[i] : fmax(0, 1 - xv[i]);
  }
  CHECK(nn_loss_forward(nn_loss_name(NN_LOSS_MARGIN), NN_LOSS_MARGIN, &l, &x, &y, &o) == 0);
  CHECK_NEAR(l, mg / 6, 1e-12);
  CHECK(nn_loss_forward(nn_loss_name(NN_LOSS_SOFTMARGIN), NN_LOSS_SOFTMARGIN, &l, &x, &y, &o) == 0);
  CHECK_NEAR(l, sm / 6, 1e-12);
  CHECK(nn_loss_forward(nn_loss_name(NN_LOSS_HINGE), NN_LOSS_HINGE, &l, &x, &y, &o) == 0);
  CHECK_NEAR(l, hg / 6, 1e-12);
  for (int k = NN_LOSS_MARGIN; k <= NN_LOSS_HINGE; k++) check_loss_grad((nn_loss)k, &x, &y, &o);

  /* float input, double target: converted */
  dl_tensor xf = empty(DL_FLOAT);
  op_clone(&xf, &x, DL_FLOAT);
  CHECK(nn_loss_forward(nn_loss_name(NN_LOSS_MSE), NN_LOSS_MSE, &l, &xf, &t, &o) == 0);
  CHECK_NEAR(l, mse / 6, 1e-6);

  /* errors */
  dl_tensor t5 = vec(DL_DOUBLE, 5, xv);
  CHECK(nn_loss_forward(nn_loss_name(NN_LOSS_MSE), NN_LOSS_MSE, &l, &x, &t5, &o) == -1);
  CHECK(strstr(dl_errmsg(), "nn.MSECriterion: target of size 5, expected 6 elements for input "
                            "of size 2x3"));
  dl_tensor w2 = vec(DL_DOUBLE, 2, wv);
  o.weights = &w2;
  CHECK(nn_loss_forward(nn_loss_name(NN_LOSS_BCE), NN_LOSS_BCE, &l, &p, &bt, &o) == -1);
  CHECK(strstr(dl_errmsg(), "nn.BCECriterion: weights has 2 elements, expected 3"));
  o.weights = NULL;

  dl_tensor *all[] = {&x, &t, &p, &bt, &w, &pw, &hxt, &htt, &lqt, &ptt, &y, &xf, &t5, &w2};
  for (size_t i = 0; i < sizeof all / sizeof *all; i++) dl_tensor_free(all[i]);
}

static void test_classnll(void) {
  /* log-probabilities of a batch of 3 over 4 classes */
  double xv[12] = {-1.2, -0.5, -2.0, -3.1, -0.1, -2.2, -2.9, -4.0, -1.4, -1.3, -1.5, -1.6};
  double tv[3] = {2, 1, 4}, wv[4] = {0.5, 2, 1, 3};
  dl_tensor x = mat(DL_DOUBLE, 3, 4, xv), t = vec(DL_LONG, 3, tv), w = vec(DL_DOUBLE, 4, wv),
            gi = empty(DL_DOUBLE);
  double l, tw;
  CHECK(nn_classnll_forward("nn.ClassNLLCriterion", &l, &tw, &x, &t, NULL, 1, -100) == 0);
  CHECK_NEAR(l, (0.5 + 0.1 + 1.6) / 3, 1e-12);
  CHECK_NEAR(tw, 3, 0);
  CHECK(nn_classnll_forward("nn.ClassNLLCriterion", &l, &tw, &x, &t, &w, 1, -100) == 0);
  CHECK_NEAR(l, (2 * 0.5 + 0.5 * 0.1 + 3 * 1.6) / 5.5, 1e-12);
  CHECK(nn_classnll_forward("nn.ClassNLLCriterion", &l, &tw, &x, &t, &w, 0, -100) == 0);
  CHECK_NEAR(l, 2 * 0.5 + 0.5 * 0.1 + 3 * 1.6, 1e-12);
  CHECK(nn_classnll_backward("nn.ClassNLLCriterion", &gi, &x, &t, &w, 1, -100) == 0);
  CHECK_NEAR(at(&gi, 1), -2 / 5.5, 1e-12);
  CHECK_NEAR(at(&gi, 4), -0.5 / 5.5, 1e-12);
  CHECK_NEAR(at(&gi, 11), -3 / 5.5, 1e-12);
  CHECK(at(&gi, 0) == 0 && at(&gi, 2) == 0);
  /* ignore index: the second sample counts for nothing */
  double tiv[3] = {2, 7, 4};
  dl_tensor ti = vec(DL_DOUBLE, 3, tiv);
  CHECK(nn_classnll_forward("nn.ClassNLLCriterion", &l, &tw, &x, &ti, NULL, 1, 7) == 0);
  CHECK_NEAR(l, (0.5 + 1.6) / 2, 1e-12);
  CHECK(nn_classnll_backward("nn.ClassNLLCriterion", &gi, &x, &ti, NULL, 1, 7) == 0);
  CHECK(at(&gi, 4) == 0 && at(&gi, 1) == -0.5);
  /* single sample */
  dl_tensor x1 = vec(DL_DOUBLE, 4, xv), t1 = vec(DL_LONG, 1, tv);
  CHECK(nn_classnll_forward("nn.ClassNLLCriterion", &l, &tw, &x1, &t1, NULL, 1, -100) == 0);
  CHECK_NEAR(l, 0.5, 1e-12);
  /* errors */
  CHECK(nn_classnll_forward("nn.ClassNLLCriterion", &l, &tw, &x, &ti, NULL, 1, -100) == -1);
  CHECK(strstr(dl_errmsg(), "nn.ClassNLLCriterion: target 7 out of range for 4 classes"));
  double t0[3] = {0, 1, 1};
  dl_tensor tz = vec(DL_LONG, 3, t0);
  CHECK(nn_classnll_backward("nn.ClassNLLCriterion", &gi, &x, &tz, NULL, 1, -100) == -1);
  CHECK(strstr(dl_errmsg(), "nn.ClassNLLCriterion: target 0 out of range for 4 classes"));
  CHECK(nn_classnll_forward("nn.ClassNLLCriterion", &l, &tw, &x, &t1, NULL, 1, -100) == -1);
  CHECK(strstr(dl_errmsg(), "nn.ClassNLLCriterion: target of size 1, expected 3 elements for input of size 3x4"));
  CHECK(nn_classnll_forward("nn.ClassNLLCriterion", &l, &tw, &x, &t, &t1, 1, -100) == -1);
  CHECK(strstr(dl_errmsg(), "nn.ClassNLLCriterion: weights must be a Float or Double tensor"));
  dl_tensor w1 = vec(DL_DOUBLE, 1, wv);
  CHECK(nn_classnll_forward("nn.ClassNLLCriterion", &l, &tw, &x, &t, &w1, 1, -100) == -1);
  CHECK(strstr(dl_errmsg(), "nn.ClassNLLCriterion: weights has 1 elements, expected 4"));
  dl_tensor *all[] = {&x, &t, &w, &gi, &ti, &x1, &t1, &tz, &w1};
  for (size_t i = 0; i < sizeof all / sizeof *all; i++) dl_tensor_free(all[i]);
}

static void test_multimargin(void) {
  double xv[6] = {0.1, 0.9, 0.3, 0.5, -0.2, 0.45}, tv[2] = {2, 1}, wv[3] = {2, 1, 0.5};
  dl_tensor x = mat(DL_DOUBLE, 2, 3, xv), t = vec(DL_LONG, 2, tv), w = vec(DL_DOUBLE, 3, wv),
            gi = empty(DL_DOUBLE);
  double l;
  /* sample 1 (y=2): max(0, 1-0.9+0.1) + max(0, 1-0.9+0.3) = 0.2 + 0.4
     sample 2 (y=1): max(0, 1-0.5-0.2) + max(0, 1-0.5+0.45) = 0.3 + 0.95 */
  CHECK(nn_multimargin_forward("nn.MultiMarginCriterion", &l, &x, &t, 1, NULL, 1, 1) == 0);
  CHECK_NEAR(l, (0.6 + 1.25) / 3 / 2, 1e-12);
  CHECK(nn_multimargin_forward("nn.MultiMarginCriterion", &l, &x, &t, 2, NULL, 1, 1) == 0);
  CHECK_NEAR(l, (0.04 + 0.16 + 0.09 + 0.9025) / 3 / 2, 1e-12);
  CHECK(nn_multimargin_forward("nn.MultiMarginCriterion", &l, &x, &t, 1, &w, 0.5, 0) == 0);
  /* margin 0.5: sample 1: 0 + 0 (0.5-0.9+0.3 < 0... -0.1) ; sample 2: 0 + 0.45, weight 2 */
  CHECK_NEAR(l, 2 * 0.45 / 3, 1e-12);
  for (int p = 1; p <= 2; p++) {
    CHECK(nn_multimargin_backward("nn.MultiMarginCriterion", &gi, &x, &t, p, &w, 1, 1) == 0);
    dl_tensor xp;
    dl_tensor_init(&xp, DL_DOUBLE);
    op_clone(&xp, &x, DL_DOUBLE);
    for (int i = 0; i < 6; i++) {
      double fp, fm;
      op_set(&xp, i, xv[i] + 1e-6);
      nn_multimargin_forward("nn.MultiMarginCriterion", &fp, &xp, &t, p, &w, 1, 1);
      op_set(&xp, i, xv[i] - 1e-6);
      nn_multimargin_forward("nn.MultiMarginCriterion", &fm, &xp, &t, p, &w, 1, 1);
      op_set(&xp, i, xv[i]);
      CHECK_NEAR(at(&gi, i), (fp - fm) / 2e-6, 1e-7);
    }
    dl_tensor_free(&xp);
  }
  CHECK(nn_multimargin_forward("nn.MultiMarginCriterion", &l, &x, &t, 3, NULL, 1, 1) == -1);
  CHECK(strstr(dl_errmsg(), "nn.MultiMarginCriterion: p must be 1 or 2, got 3"));
  dl_tensor_free(&x), dl_tensor_free(&t), dl_tensor_free(&w), dl_tensor_free(&gi);
}

static void test_pairs(void) {
  double av[4] = {0.5, -0.2, 1.0, 0.3}, bv[4] = {0.1, 0.4, 1.5, -0.6}, yv[4] = {1, -1, 1, -1};
  dl_tensor a = vec(DL_DOUBLE, 4, av), b = vec(DL_DOUBLE, 4, bv), y = vec(DL_DOUBLE, 4, yv),
            g1 = empty(DL_DOUBLE), g2 = empty(DL_DOUBLE);
  double l;
  /* margin 0.1: max(0, -y (a-b) + 0.1) per pair: 0, 0, 0.6, 1.0 */
  CHECK(nn_marginranking_forward("nn.MarginRankingCriterion", &l, &a, &b, &y, 0.1, 1) == 0);
  CHECK_NEAR(l, 1.6 / 4, 1e-12);
  CHECK(nn_marginranking_backward("nn.MarginRankingCriterion", &g1, &g2, &a, &b, &y, 0.1, 1) == 0);
  CHECK(at(&g1, 0) == 0 && at(&g1, 2) == -0.25 && at(&g2, 2) == 0.25 && at(&g1, 3) == 0.25);

  /* cosine: two pairs of 2-vectors */
  double p1[4] = {1, 0, 1, 1}, p2[4] = {1, 1, -1, 0.5}, cy[2] = {1, -1};
  dl_tensor c1 = mat(DL_DOUBLE, 2, 2, p1), c2 = mat(DL_DOUBLE, 2, 2, p2), ct = vec(DL_DOUBLE, 2, cy);
  double cos1 = 1 / sqrt(2), cos2 = -0.5 / (sqrt(2) * sqrt(1.25));
  CHECK(nn_cosineembedding_forward("nn.CosineEmbeddingCriterion", &l, &c1, &c2, &ct, -0.5, 1) == 0);
  CHECK_NEAR(l, ((1 - cos1) + fmax(0, cos2 + 0.5)) / 2, 1e-9);
  CHECK(nn_cosineembedding_backward("nn.CosineEmbeddingCriterion", &g1, &g2, &c1, &c2, &ct, -0.5, 1) == 0);
  for (int which = 0; which < 2; which++) {
    dl_tensor xp;
    dl_tensor_init(&xp, DL_DOUBLE);
    op_clone(&xp, which ? &c2 : &c1, DL_DOUBLE);
    for (int i = 0; i < 4; i++) {
      double fp, fm, x0 = at(&xp, i);
      op_set(&xp, i, x0 + 1e-6);
      nn_cosineembedding_forward("nn.CosineEmbeddingCriterion", &fp, which ? &c1 : &xp, which ? &xp : &c2, &ct, -0.5, 1);
      op_set(&xp, i, x0 - 1e-6);
      nn_cosineembedding_forward("nn.CosineEmbeddingCriterion", &fm, which ? &c1 : &xp, which ? &xp : &c2, &ct, -0.5, 1);
      op_set(&xp, i, x0);
      CHECK_NEAR(at(which ? &g2 : &g1, i), (fp - fm) / 2e-6, 1e-8);
    }
    dl_tensor_free(&xp);
  }
  CHECK(nn_cosineembedding_forward("nn.CosineEmbeddingCriterion", &l, &c1, &a, &ct, 0, 1) == -1);
  CHECK(strstr(dl_errmsg(), "nn.CosineEmbeddingCriterion: input[2] of size 4, expected 2x2"));
  CHECK(nn_marginranking_forward("nn.MarginRankingCriterion", &l, &a, &b, &ct, 0, 1) == -1);
  CHECK(strstr(dl_errmsg(), "nn.MarginRankingCriterion: target of size 2, expected 4 elements for input[1] of size 4"));
  dl_tensor *all[] = {&a, &b, &y, &g1, &g2, &c1, &c2, &ct};
  for (size_t i = 0; i < sizeof all / sizeof *all; i++) dl_tensor_free(all[i]);
}

/* The error paths no size or value arithmetic may wrap through, and the caller's name. */
static void test_errors(void) {
  double xv[6] = {-1, -2, -3, -1, -2, -3}, l, tw;
  dl_tensor x = mat(DL_DOUBLE, 2, 3, xv), gi = empty(DL_DOUBLE), gf = empty(DL_FLOAT);
  /* float class targets must be integers an int64_t holds: a cast of these is undefined */
  const double bad[] = {1.5, NAN, INFINITY, 1e300, -1e300, 0x1p63};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    double tv[2] = {bad[i], 1};
    dl_tensor t = vec(DL_DOUBLE, 2, tv);
    CHECK(nn_classnll_forward("nn.ClassNLLCriterion", &l, &tw, &x, &t, NULL, 1, -100) == -1);
    CHECK(strstr(dl_errmsg(), "nn.ClassNLLCriterion: target ") &&
          strstr(dl_errmsg(), " is not a class index"));
    CHECK(nn_multimargin_backward("nn.MultiMarginCriterion", &gi, &x, &t, 1, NULL, 1, 1) == -1);
    dl_tensor_free(&t);
  }
  /* Long targets at the ends of int64_t: out of range, never decremented past INT64_MIN;
     INT64_MIN as the ignored index is ignored */
  dl_tensor tl;
  int64_t two = 2;
  dl_tensor_new(&tl, DL_LONG, 1, &two);
  int64_t *td = dl_tensor_data(&tl);
  td[0] = INT64_MIN, td[1] = 1;
  CHECK(nn_classnll_forward("nn.ClassNLLCriterion", &l, &tw, &x, &tl, NULL, 1, -100) == -1);
  CHECK(strstr(dl_errmsg(), "target -9223372036854775808 out of range for 3 classes"));
  CHECK(nn_classnll_forward("nn.ClassNLLCriterion", &l, &tw, &x, &tl, NULL, 1, INT64_MIN) == 0);
  CHECK_NEAR(l, 1, 0);
  CHECK_NEAR(tw, 1, 0);
  td[0] = INT64_MAX;
  CHECK(nn_classnll_backward("nn.ClassNLLCriterion", &gi, &x, &tl, NULL, 1, -100) == -1);
  CHECK(strstr(dl_errmsg(), "target 9223372036854775807 out of range for 3 classes"));
  /* p is taken whole: 2^32 + 1 is not 1 */
  td[0] = 2;
  CHECK(nn_multimargin_forward("nn.MultiMarginCriterion", &l, &x, &tl, ((int64_t)1 << 32) + 1,
                               NULL, 1, 1) == -1);
  CHECK(strstr(dl_errmsg(), "nn.MultiMarginCriterion: p must be 1 or 2, got 4294967297"));
  CHECK(nn_multimargin_forward("nn.MultiMarginCriterion", &l, &x, &tl, INT64_MIN, NULL, 1, 1) ==
        -1);
  /* an empty last dimension: no elements, no division by its size */
  int64_t sz0[2] = {2, 0};
  dl_tensor e, et, ew;
  dl_tensor_new(&e, DL_DOUBLE, 2, sz0);
  dl_tensor_new(&et, DL_DOUBLE, 2, sz0);
  dl_tensor_new(&ew, DL_DOUBLE, 1, sz0 + 1);
  nn_loss_opts o = {1, 1.0, &ew, &ew};
  CHECK(nn_loss_forward("nn.BCEWithLogitsCriterion", NN_LOSS_BCELOGITS, &l, &e, &et, &o) == 0);
  CHECK(l == 0);
  /* no pairs: a loss of 0, not 0 / 0 */
  int64_t sz03[2] = {0, 3};
  dl_tensor p0, y0 = vec(DL_DOUBLE, 0, xv);
  dl_tensor_new(&p0, DL_DOUBLE, 2, sz03);
  CHECK(nn_cosineembedding_forward("nn.CosineEmbeddingCriterion", &l, &p0, &p0, &y0, 0, 1) == 0);
  CHECK(l == 0);
  /* messages begin with the caller's name; types are checked, Byte targets refused */
  double tv[6] = {1, 1, 1, 1, 1, 1};
  dl_tensor t = mat(DL_DOUBLE, 2, 3, tv), tb = empty(DL_BYTE);
  o.weights = o.posweight = NULL;
  CHECK(nn_loss_backward("my_loss", NN_LOSS_MSE, &gf, &x, &t, &o) == -1);
  CHECK(strcmp(dl_errmsg(), "my_loss: gradInput is a Float tensor, input a Double tensor "
                            "(convert with :type())") == 0);
  op_clone(&tb, &t, DL_BYTE);
  CHECK(nn_loss_forward("my_loss", NN_LOSS_MSE, &l, &x, &tb, &o) == -1);
  CHECK(strstr(dl_errmsg(), "my_loss: target must be a Float, Double or Long tensor, got a Byte"));
  CHECK(nn_loss_forward("my_loss", NN_LOSS_BCE, &l, &x, &tb, &o) == 0);
  CHECK(nn_loss_forward("my_loss", NN_NLOSS, &l, &x, &t, &o) == -1);
  CHECK(strstr(dl_errmsg(), "my_loss: unknown criterion"));
  CHECK(nn_marginranking_backward("my_rank", &gf, &gi, &x, &t, &t, 0, 1) == -1);
  CHECK(strstr(dl_errmsg(), "my_rank: gradInput[1] is a Float tensor, input a Double tensor"));
  dl_tensor *all[] = {&x, &gi, &gf, &tl, &e, &et, &ew, &p0, &y0, &t, &tb};
  for (size_t i = 0; i < sizeof all / sizeof *all; i++) dl_tensor_free(all[i]);
}

/* Large enough for the OpenMP path of the reduction loops. */
static void test_parallel_sums(void) {
  int64_t sz[2] = {30000, 3}, n = 90000;
  dl_tensor x, t;
  dl_tensor_new(&x, DL_DOUBLE, 2, sz);
  dl_tensor_new(&t, DL_DOUBLE, 2, sz);
  double *xd = x.storage->data, *td = t.storage->data;
  for (int64_t i = 0; i < n; i++) xd[i] = sin(0.37 * (double)i) * 3, td[i] = cos((double)i);
  nn_loss_opts o = {0, 1.0, NULL, NULL};
  double l, want = 0;
  for (int64_t i = 0; i < n; i++) want += (xd[i] - td[i]) * (xd[i] - td[i]);
  CHECK(nn_loss_forward(nn_loss_name(NN_LOSS_MSE), NN_LOSS_MSE, &l, &x, &t, &o) == 0);
  CHECK_NEAR(l, want, 1e-9 * want);
  dl_tensor_free(&x), dl_tensor_free(&t);
}

int main(void) {
  test_pointwise_losses();
  test_classnll();
  test_multimargin();
  test_pairs();
  test_parallel_sums();
  test_errors();
  return check_done("test_loss");
}
