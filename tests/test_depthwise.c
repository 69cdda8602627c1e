/* The depthwise convolution against its scalar definition (forward, both gradients) for
   plain, strided and padded geometry, float and double, batched and single images, a batch
   large enough for the threaded loops; the error paths. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "core/error.h"
#include "core/tensor.h"
#include "nn/depthwise.h"
#include "ops/copy.h"

static int says(const char *want) {
  return strncmp(dl_errmsg(), "nn.Test: ", 9) == 0 && strstr(dl_errmsg(), want) != NULL;
}

static void fill(dl_tensor *t, int seed) {
  int64_t n = dl_tensor_numel(t);
  for (int64_t i = 0; i < n; i++)
    op_set(t, t->offset + i, (double)((i * 7 + seed) % 13) / 6.0 - 1.0);
}

static double get(const dl_tensor *t, int64_t i) { return op_get(t, t->offset + i); }

static void new4(dl_tensor *t, dl_dtype dt, int64_t a, int64_t b, int64_t c, int64_t d) {
  int64_t s[4] = {a, b, c, d};
  dl_tensor_new(t, dt, 4, s);
}

/* x[s][p][r][q] through output (i, j) of tap (a, b), or 0 in the padding */
static double at(const dl_tensor *x, const nn_conv_geom *g, int64_t c, int64_t h, int64_t w,
                 int64_t s, int64_t p, int64_t i, int64_t j, int64_t a, int64_t b) {
  int64_t r = i * g->dh - g->ph + a, q = j * g->dw - g->pw + b;
  if (r < 0 || r >= h || q < 0 || q >= w) return 0;
  return get(x, ((s * c + p) * h + r) * w + q);
}

static void check(dl_dtype dt, nn_conv_geom g, int64_t n, int64_t c, int64_t m, int64_t h,
                  int64_t w) {
  double tol = dt == DL_FLOAT ? 1e-4 : 1e-12;
  int64_t oh = (h + 2 * g.ph - g.kh) / g.dh + 1, ow = (w + 2 * g.pw - g.kw) / g.dw + 1;
  int64_t bs[2] = {m, c}, K = g.kh * g.kw;
  dl_tensor x, wt, b, y, go, gi, gw, gb;
  new4(&x, dt, n, c, h, w);
  new4(&wt, dt, m, c, g.kh, g.kw);
  new4(&gw, dt, m, c, g.kh, g.kw);
  dl_tensor_new(&b, dt, 2, bs);
  dl_tensor_new(&gb, dt, 2, bs);
  new4(&go, dt, n, c * m, oh, ow);
  fill(&x, 1), fill(&wt, 2), fill(&b, 3), fill(&go, 4);
  fill(&gw, 5), fill(&gb, 6); /* accumulated into: start from something */
  dl_tensor_init(&y, dt);
  dl_tensor_init(&gi, dt);
  CHECK(nn_depthwise_forward("nn.Test", &y, &x, &wt, &b, c, m, &g) == 0);
  CHECK(y.ndim == 4 && y.size[1] == c * m && y.size[2] == oh && y.size[3] == ow);
  int bad = 0;
  for (int64_t s = 0; s < n; s++)
    for (int64_t p = 0; p < c; p++)
      for (int64_t o = 0; o < m; o++)
        for (int64_t i = 0; i < oh; i++)
          for (int64_t j = 0; j < ow; j++) {
            double want = get(&b, o * c + p);
            for (int64_t a = 0; a < g.kh; a++)
              for (int64_t e = 0; e < g.kw; e++)
                want += get(&wt, (o * c + p) * K + a * g.kw + e) * at(&x, &g, c, h, w, s, p, i, j, a, e);
            double got = get(&y, (((s * c + p) * m + o) * oh + i) * ow + j);
            bad += got - want > tol || want - got > tol;
          }
  CHECK(bad == 0);
  /* gradients by the adjoint: <gi, dx> = <go, y(dx) - bias> for every basis dx, summed as
     explicit loops: gi[s][p][r][q] = sum over (o, i, j, a, e) hitting (r, q) */
  CHECK(nn_depthwise_backward_input("nn.Test", &gi, &x, &go, &wt, c, m, &g) == 0);
  bad = 0;
  for (int64_t s = 0; s < n; s++)
    for (int64_t p = 0; p < c; p++)
      for (int64_t r = 0; r < h; r++)
        for (int64_t q = 0; q < w; q++) {
          double want = 0;
          for (int64_t o = 0; o < m; o++)
            for (int64_t i = 0; i < oh; i++)
              for (int64_t j = 0; j < ow; j++)
                for (int64_t a = 0; a < g.kh; a++)
                  for (int64_t e = 0; e < g.kw; e++)
                    if (i * g.dh - g.ph + a == r && j * g.dw - g.pw + e == q)
                      want += get(&go, (((s * c + p) * m + o) * oh + i) * ow + j) *
                              get(&wt, (o * c + p) * K + a * g.kw + e);
          double got = get(&gi, ((s * c + p) * h + r) * w + q);
          bad += got - want > tol || want - got > tol;
        }
  CHECK(bad == 0);
  double scale = 0.5;
  CHECK(nn_depthwise_backward_params("nn.Test", &gw, &gb, &x, &go, scale, c, m, &g) == 0);
  dl_tensor gw0, gb0;
  new4(&gw0, dt, m, c, g.kh, g.kw);
  dl_tensor_new(&gb0, dt, 2, bs);
  fill(&gw0, 5), fill(&gb0, 6);
  bad = 0;
  for (int64_t o = 0; o < m; o++)
    for (int64_t p = 0; p < c; p++) {
      double wb = get(&gb0, o * c + p);
      for (int64_t s = 0; s < n; s++)
        for (int64_t i = 0; i < oh; i++)
          for (int64_t j = 0; j < ow; j++)
            wb += scale * get(&go, (((s * c + p) * m + o) * oh + i) * ow + j);
      bad += get(&gb, o * c + p) - wb > tol || wb - get(&gb, o * c + p) > tol;
      for (int64_t a = 0; a < g.kh; a++)
        for (int64_t e = 0; e < g.kw; e++) {
          double want = get(&gw0, (o * c + p) * K + a * g.kw + e);
          for (int64_t s = 0; s < n; s++)
            for (int64_t i = 0; i < oh; i++)
              for (int64_t j = 0; j < ow; j++)
                want += scale * get(&go, (((s * c + p) * m + o) * oh + i) * ow + j) *
                        at(&x, &g, c, h, w, s, p, i, j, a, e);
          double got = get(&gw, (o * c + p) * K + a * g.kw + e);
          bad += got - want > tol * 10 || want - got > tol * 10;
        }
    }
  CHECK(bad == 0);
  /* a single image gives a 3D result equal to the batch's first */
  dl_tensor x1, y1;
  dl_tensor_init(&x1, dt);
  dl_tensor_set(&x1, &x);
  dl_tensor_select(&x1, 0, 0);
  dl_tensor_init(&y1, dt);
  CHECK(nn_depthwise_forward("nn.Test", &y1, &x1, &wt, &b, c, m, &g) == 0);
  CHECK(y1.ndim == 3 && get(&y1, c * m * oh * ow - 1) == get(&y, c * m * oh * ow - 1));
  dl_tensor *all[] = {&x, &wt, &b, &y, &go, &gi, &gw, &gb, &gw0, &gb0, &x1, &y1};
  for (size_t i = 0; i < sizeof all / sizeof *all; i++) dl_tensor_free(all[i]);
}

static void check_errors(void) {
  nn_conv_geom g = {3, 3, 1, 1, 0, 0, 1, 1};
  dl_tensor x, wt, y, l;
  new4(&x, DL_FLOAT, 1, 2, 5, 5);
  new4(&wt, DL_FLOAT, 2, 2, 3, 3);
  dl_tensor_init(&y, DL_FLOAT);
  new4(&l, DL_LONG, 1, 2, 5, 5);
  CHECK(nn_depthwise_forward("nn.Test", &y, &x, &wt, NULL, 3, 2, &g) < 0 && says("planes"));
  CHECK(nn_depthwise_forward("nn.Test", &y, &x, &wt, NULL, 2, 3, &g) < 0 && says("weight"));
  CHECK(nn_depthwise_forward("nn.Test", &y, &l, &wt, NULL, 2, 2, &g) < 0 && says("Long"));
  nn_conv_geom big = {7, 3, 1, 1, 0, 0, 1, 1};
  dl_tensor wb;
  new4(&wb, DL_FLOAT, 2, 2, 7, 3);
  CHECK(nn_depthwise_forward("nn.Test", &y, &x, &wb, NULL, 2, 2, &big) < 0 && says("smaller than the kernel"));
  nn_conv_geom zero = {3, 3, 0, 1, 0, 0, 1, 1};
  CHECK(nn_depthwise_forward("nn.Test", &y, &x, &wt, NULL, 2, 2, &zero) < 0 && says("positive"));
  CHECK(nn_depthwise_forward("nn.Test", &y, &x, &wt, NULL, 2, 2, &g) == 0);
  CHECK(nn_depthwise_backward_input("nn.Test", &l, &x, &x, &wt, 2, 2, &g) < 0 && says("gradOutput"));
  dl_tensor *all[] = {&x, &wt, &y, &l, &wb};
  for (size_t i = 0; i < sizeof all / sizeof *all; i++) dl_tensor_free(all[i]);
}

int main(void) {
  nn_conv_geom plain = {3, 3, 1, 1, 0, 0, 1, 1};
  nn_conv_geom strided = {2, 3, 2, 1, 1, 0, 1, 1}; /* kh 2, kw 3, dh 2, dw 1, ph 1 */
  nn_conv_geom wide = {3, 2, 1, 3, 0, 2, 1, 1};    /* dw 3 with pw 2: the strided loop */
  for (int k = 0; k < 2; k++) {
    dl_dtype dt = k ? DL_FLOAT : DL_DOUBLE;
    check(dt, plain, 2, 3, 2, 6, 7);
    check(dt, strided, 2, 2, 3, 7, 5);
    check(dt, wide, 1, 2, 1, 5, 9);
    check(dt, plain, 8, 8, 2, 20, 20); /* above NN_GRAIN: the threaded path */
  }
  check_errors();
  return check_done("test_depthwise");
}
