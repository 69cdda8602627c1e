/* Convolution and pooling kernels against direct loops: both conv paths, float and double,
   stride, padding and dilation; pooling sizes and values. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "core/tensor.h"
#include "nn/conv.h"
#include "nn/pool.h"
#include "ops/copy.h"

static double at4(const dl_tensor *t, int64_t a, int64_t b, int64_t c, int64_t d) {
  return op_get(t, t->offset + a * t->stride[0] + b * t->stride[1] + c * t->stride[2] +
                       d * t->stride[3]);
}

/* fills t with a fixed pseudo-random pattern */
static void fill(dl_tensor *t, int seed) {
  int64_t n = dl_tensor_numel(t);
  for (int64_t i = 0; i < n; i++) op_set(t, t->offset + i, (double)((i * 7 + seed) % 13) / 6.0 - 1.0);
}

static void check_conv(dl_dtype dt, nn_conv_path path, nn_conv_geom g, int64_t n, int64_t c,
                       int64_t h, int64_t w, int64_t f) {
  dl_tensor in, wt, b, out, cols, obuf;
  int64_t is[4] = {n, c, h, w}, ws[4] = {f, c, g.kh, g.kw}, bs[1] = {f};
  dl_tensor_new(&in, dt, 4, is);
  dl_tensor_new(&wt, dt, 4, ws);
  dl_tensor_new(&b, dt, 1, bs);
  dl_tensor_init(&out, dt);
  dl_tensor_init(&cols, dt);
  dl_tensor_init(&obuf, dt);
  fill(&in, 1);
  fill(&wt, 5);
  fill(&b, 3);
  nn_conv_set_path(path);
  CHECK(nn_conv2d_forward(&out, &cols, &obuf, &in, &wt, &b, &g) == 0);
  int64_t oh = nn_conv_outsize(h, g.kh, g.dh, g.ph, g.dilh), ow = nn_conv_outsize(w, g.kw, g.dw, g.pw, g.dilw);
  CHECK(out.ndim == 4 && out.size[2] == oh && out.size[3] == ow);
  double maxerr = 0;
  for (int64_t s = 0; s < n; s++)
    for (int64_t o = 0; o < f; o++)
      for (int64_t y = 0; y < oh; y++)
        for (int64_t x = 0; x < ow; x++) {
          double v = op_get(&b, o);
          for (int64_t ch = 0; ch < c; ch++)
            for (int64_t i = 0; i < g.kh; i++)
              for (int64_t j = 0; j < g.kw; j++) {
                int64_t iy = y * g.dh - g.ph + i * g.dilh, ix = x * g.dw - g.pw + j * g.dilw;
                if (iy >= 0 && iy < h && ix >= 0 && ix < w)
                  v += at4(&in, s, ch, iy, ix) * at4(&wt, o, ch, i, j);
              }
          double e = v - at4(&out, s, o, y, x);
          if (e < 0) e = -e;
          if (e > maxerr) maxerr = e;
        }
  CHECK_NEAR(maxerr, 0, dt == DL_FLOAT ? 1e-4 : 1e-12);
  nn_conv_set_path(NN_CONV_AUTO);
  dl_tensor_free(&in); dl_tensor_free(&wt); dl_tensor_free(&b);
  dl_tensor_free(&out); dl_tensor_free(&cols); dl_tensor_free(&obuf);
}

static void test_errors(void) {
  dl_tensor in, wt, out, cols, obuf;
  int64_t is[4] = {1, 2, 3, 3}, ws[4] = {1, 1, 2, 2};
  dl_tensor_new(&in, DL_FLOAT, 4, is);
  dl_tensor_new(&wt, DL_FLOAT, 4, ws);
  dl_tensor_init(&out, DL_FLOAT); dl_tensor_init(&cols, DL_FLOAT); dl_tensor_init(&obuf, DL_FLOAT);
  nn_conv_geom g = {2, 2, 1, 1, 0, 0, 1, 1};
  CHECK(nn_conv2d_forward(&out, &cols, &obuf, &in, &wt, NULL, &g) == -1);
  CHECK(strstr(dl_errmsg(), "nn_conv2d_forward: weight of size 1x1x2x2") != NULL);
  nn_conv_geom big = {5, 5, 1, 1, 0, 0, 1, 1};
  int64_t ws2[4] = {1, 2, 5, 5};
  dl_tensor_resize(&wt, 4, ws2);
  CHECK(nn_conv2d_forward(&out, &cols, &obuf, &in, &wt, NULL, &big) == -1);
  CHECK(strstr(dl_errmsg(), "larger than the padded input 3x3") != NULL);
  dl_tensor_free(&in); dl_tensor_free(&wt); dl_tensor_free(&out);
  dl_tensor_free(&cols); dl_tensor_free(&obuf);
}

static void test_pool(void) {
  CHECK(nn_pool_outsize(3, 2, 2, 0, 0) == 1);
  CHECK(nn_pool_outsize(3, 2, 2, 0, 1) == 2);
  CHECK(nn_pool_outsize(5, 3, 2, 1, 1) == 3);
  CHECK(nn_pool_outsize(6, 3, 2, 1, 1) == 4); /* the last window would start in the padding */
  CHECK(nn_pool_outsize(2, 3, 1, 0, 0) == 0);
  dl_tensor in, out, ix;
  int64_t is[4] = {1, 1, 2, 4};
  dl_tensor_new(&in, DL_DOUBLE, 4, is);
  double v[8] = {3, 1, 2, 8, 0, 4, 7, 5};
  for (int i = 0; i < 8; i++) op_set(&in, i, v[i]);
  dl_tensor_init(&out, DL_DOUBLE);
  dl_tensor_init(&ix, DL_LONG);
  nn_pool_geom g = {2, 2, 2, 2, 0, 0, 0};
  CHECK(nn_maxpool2d_forward(&out, &ix, &in, &g) == 0);
  CHECK_NEAR(op_get(&out, 0), 4, 0);
  CHECK_NEAR(op_get(&out, 1), 8, 0);
  CHECK(op_get_long(&ix, 0) == 6 && op_get_long(&ix, 1) == 4);
  dl_tensor_free(&in); dl_tensor_free(&out); dl_tensor_free(&ix);
}

int main(void) {
  nn_conv_geom plain = {3, 3, 1, 1, 1, 1, 1, 1}, odd = {2, 3, 2, 1, 0, 2, 2, 1};
  for (int p = NN_CONV_BATCH; p <= NN_CONV_SAMPLE; p++) {
    check_conv(DL_FLOAT, (nn_conv_path)p, plain, 5, 3, 6, 7, 4);
    check_conv(DL_DOUBLE, (nn_conv_path)p, plain, 5, 3, 6, 7, 4);
    check_conv(DL_DOUBLE, (nn_conv_path)p, odd, 4, 2, 7, 6, 3);
    check_conv(DL_FLOAT, (nn_conv_path)p, odd, 1, 1, 5, 5, 2);
  }
  test_errors();
  test_pool();
  return check_done("test_conv");
}
