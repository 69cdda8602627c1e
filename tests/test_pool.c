/* Pooling kernels: output sizes, max pooling values and indices (the SIMD 2x2 path
   against the general loop), single images, the error paths, huge geometry included. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "core/tensor.h"
#include "nn/pool.h"
#include "ops/copy.h"

/* the error's text begins with the caller's name and holds want */
static int says(const char *want) {
  return strncmp(dl_errmsg(), "nn.Test: ", 9) == 0 && strstr(dl_errmsg(), want) != NULL;
}

static void test_outsize(void) {
  CHECK(nn_pool_outsize(3, 2, 2, 0, 0) == 1);
  CHECK(nn_pool_outsize(3, 2, 2, 0, 1) == 2);
  CHECK(nn_pool_outsize(5, 3, 2, 1, 1) == 3);
  CHECK(nn_pool_outsize(6, 3, 2, 1, 1) == 4); /* the last window would start in the padding */
  CHECK(nn_pool_outsize(2, 3, 1, 0, 0) == 0);
  CHECK(nn_pool_outsize(INT64_MAX - 1, 3, 1, 1, 0) == 0); /* the padded size overflows */
  CHECK(nn_pool_outsize(INT64_MAX - 1, 3, INT64_MAX, 0, 1) == 1); /* ceil, no wrap */
}

static void test_maxpool(void) {
  dl_tensor in, out, ix;
  int64_t is[4] = {1, 1, 2, 4};
  dl_tensor_new(&in, DL_DOUBLE, 4, is);
  double v[8] = {3, 1, 2, 8, 0, 4, 7, 5};
  for (int i = 0; i < 8; i++) op_set(&in, i, v[i]);
  dl_tensor_init(&out, DL_DOUBLE);
  dl_tensor_init(&ix, DL_LONG);
  nn_pool_geom g = {2, 2, 2, 2, 0, 0, 0, 1, 1};
  CHECK(nn_maxpool2d_forward("test", &out, &ix, &in, &g) == 0);
  CHECK_NEAR(op_get(&out, 0), 4, 0);
  CHECK_NEAR(op_get(&out, 1), 8, 0);
  CHECK(op_get_long(&ix, 0) == 6 && op_get_long(&ix, 1) == 4);
  dl_tensor_free(&in); dl_tensor_free(&out); dl_tensor_free(&ix);
}

/* float 2x2 / 2 (the SIMD path when built with SSE4.1) gives the values and indices of the
   same pooling in double (the scalar loop), ties and 3D input included */
static void test_maxpool_paths(void) {
  dl_tensor f, d, fo, fi, dout, di;
  int64_t is[3] = {3, 6, 10};
  dl_tensor_new(&f, DL_FLOAT, 3, is);
  dl_tensor_new(&d, DL_DOUBLE, 3, is);
  for (int64_t i = 0; i < dl_tensor_numel(&f); i++) {
    double x = (double)((i * 7) % 5) - 2; /* many ties */
    op_set(&f, i, x);
    op_set(&d, i, x);
  }
  dl_tensor_init(&fo, DL_FLOAT); dl_tensor_init(&fi, DL_LONG);
  dl_tensor_init(&dout, DL_DOUBLE); dl_tensor_init(&di, DL_LONG);
  nn_pool_geom g = {2, 2, 2, 2, 0, 0, 0, 1, 1};
  CHECK(nn_maxpool2d_forward("test", &fo, &fi, &f, &g) == 0);
  CHECK(nn_maxpool2d_forward("test", &dout, &di, &d, &g) == 0);
  CHECK(fo.ndim == 3 && fo.size[0] == 3 && fo.size[1] == 3 && fo.size[2] == 5);
  int same = 1;
  for (int64_t i = 0; i < dl_tensor_numel(&fo); i++)
    same = same && op_get(&fo, i) == op_get(&dout, i) && op_get_long(&fi, i) == op_get_long(&di, i);
  CHECK(same);
  dl_tensor_free(&f); dl_tensor_free(&d); dl_tensor_free(&fo); dl_tensor_free(&fi);
  dl_tensor_free(&dout); dl_tensor_free(&di);
}

static void test_errors(void) {
  dl_tensor in, out, ix, go, gi, x2;
  int64_t is[4] = {2, 3, 4, 4}, gs[4] = {2, 3, 3, 3}, s2[2] = {4, 4};
  dl_tensor_new(&in, DL_FLOAT, 4, is);
  dl_tensor_new(&go, DL_FLOAT, 4, gs);
  dl_tensor_new(&x2, DL_FLOAT, 2, s2);
  dl_tensor_init(&out, DL_FLOAT); dl_tensor_init(&ix, DL_LONG); dl_tensor_init(&gi, DL_FLOAT);
  nn_pool_geom g = {2, 2, 2, 2, 0, 0, 0, 1, 1};
  CHECK(nn_maxpool2d_forward("nn.Test", &out, &ix, &x2, &g) == -1);
  CHECK(says("input of size 4x4, expected 3D (C x H x W) or 4D (N x C x H x W)"));
  CHECK(nn_maxpool2d_forward("nn.Test", &out, &ix, &in, &g) == 0);
  CHECK(nn_maxpool2d_backward("nn.Test", &gi, &in, &go, &ix) == -1);
  CHECK(says("gradOutput of size 2x3x3x3, expected 2x3x2x2"));
  CHECK(nn_avgpool2d_backward("nn.Test", &gi, &in, &go, &g, 1) == -1);
  CHECK(says("gradOutput of size 2x3x3x3, expected 2x3x2x2"));
  CHECK(nn_adaptive_pool2d_backward("nn.Test", &gi, &in, &go, NULL, 2, 2) == -1);
  CHECK(says("gradOutput of size 2x3x3x3, expected 2x3x2x2"));
  dl_tensor dout;
  dl_tensor_init(&dout, DL_DOUBLE);
  CHECK(nn_avgpool2d_forward("nn.Test", &dout, &in, &g, 1) == -1);
  CHECK(says("output is a Double tensor, input a Float tensor"));
  nn_pool_geom wide = {9, 9, 1, 1, 0, 0, 0, 1, 1};
  CHECK(nn_maxpool2d_forward("nn.Test", &out, &ix, &in, &wide) == -1);
  CHECK(says("window 9x9 is larger than the padded input 4x4"));
  dl_tensor_free(&in); dl_tensor_free(&out); dl_tensor_free(&ix); dl_tensor_free(&go);
  dl_tensor_free(&gi); dl_tensor_free(&x2); dl_tensor_free(&dout);
}

/* Geometry whose sizes overflow an int64_t is refused, not wrapped. */
static void test_overflow(void) {
  dl_tensor in, out, ix;
  int64_t is[4] = {1, 1, 4, 4};
  dl_tensor_new(&in, DL_FLOAT, 4, is);
  dl_tensor_init(&out, DL_FLOAT); dl_tensor_init(&ix, DL_LONG);
  nn_pool_geom pad = {INT64_MAX, INT64_MAX, 1, 1, INT64_MAX / 2, INT64_MAX / 2, 0, 1, 1};
  CHECK(nn_maxpool2d_forward("nn.Test", &out, &ix, &in, &pad) == -1);
  CHECK(says("larger than the padded input"));
  nn_pool_geom step = {2, 2, INT64_MAX, INT64_MAX, 1, 1, 1, 1, 1};
  CHECK(nn_avgpool2d_forward("nn.Test", &out, &in, &step, 1) == 0);
  CHECK(out.size[2] == 1 && out.size[3] == 1);
  CHECK(nn_adaptive_pool2d_forward("nn.Test", &out, &ix, &in, INT64_MAX / 2, 1) == -1);
  CHECK(says("is too large"));
  CHECK(nn_adaptive_pool2d_forward("nn.Test", &out, NULL, &in, (int64_t)1 << 40, (int64_t)1 << 40) == -1);
  CHECK(says("overflow") || says("too large"));
  dl_tensor seq;
  int64_t ss[2] = {4, 4};
  dl_tensor_new(&seq, DL_FLOAT, 2, ss);
  CHECK(nn_temporal_maxpool_forward("nn.Test", &out, &ix, &seq, INT64_MAX, 1) == -1);
  CHECK(says("shorter than the window"));
  dl_tensor_free(&in); dl_tensor_free(&out); dl_tensor_free(&ix); dl_tensor_free(&seq);
}

/* Dilated max pooling (SpatialDilatedMaxPooling) against the scan of each window's taps,
   with padding and ceil mode, and the window that falls between the pixels. */
static void test_dilated(void) {
  dl_tensor in, out, ix;
  int64_t is[3] = {2, 7, 8}, h = 7, w = 8;
  dl_tensor_new(&in, DL_DOUBLE, 3, is);
  dl_tensor_init(&out, DL_DOUBLE);
  dl_tensor_init(&ix, DL_LONG);
  for (int64_t i = 0; i < 2 * h * w; i++) op_set(&in, i, (double)((i * 11) % 17) + 0.01 * (double)i);
  for (int ceil = 0; ceil < 2; ceil++) {
    nn_pool_geom g = {3, 2, 2, 1, 1, 1, ceil, 2, 3};
    CHECK(nn_maxpool2d_forward("nn.Test", &out, &ix, &in, &g) == 0);
    /* rows: span 7 + 2 - 5 = 4 -> 3 windows; columns: 8 + 2 - 4 = 6 -> 7 */
    int64_t oh = out.size[1], ow = out.size[2];
    CHECK(oh == 3 && ow == 7);
    int ok = 1;
    for (int64_t c = 0; c < 2; c++)
      for (int64_t y = 0; y < oh; y++)
        for (int64_t x = 0; x < ow; x++) {
          double m = -1e300;
          int64_t best = -1;
          for (int64_t i = 0; i < 3; i++)
            for (int64_t j = 0; j < 2; j++) {
              int64_t iy = y * 2 - 1 + i * 2, jx = x - 1 + j * 3;
              if (iy < 0 || iy >= h || jx < 0 || jx >= w) continue;
              double v = op_get(&in, (c * h + iy) * w + jx);
              if (v > m) m = v, best = iy * w + jx;
            }
          ok &= op_get(&out, (c * oh + y) * ow + x) == m &&
                op_get_long(&ix, (c * oh + y) * ow + x) == best + 1;
        }
    CHECK(ok);
  }
  /* two taps 4 apart over 3 pixels padded by 1: the taps at -1 and 3 both miss */
  int64_t s3[3] = {1, 1, 3};
  dl_tensor small;
  dl_tensor_new(&small, DL_DOUBLE, 3, s3);
  nn_pool_geom gap = {1, 2, 1, 1, 0, 1, 0, 1, 4};
  CHECK(nn_maxpool2d_forward("nn.Test", &out, &ix, &small, &gap) < 0 &&
        says("falls wholly in the padding"));
  dl_tensor_free(&small);
  dl_tensor_free(&in);
  dl_tensor_free(&out);
  dl_tensor_free(&ix);
}

/* FeatureLPPooling: values against the definition, batch mode, the gradient of a power-2
   window by hand, and a too-narrow input. */
static void test_feature_lp(void) {
  dl_tensor in, out, gi, go;
  int64_t is[2] = {5, 2};
  dl_tensor_new(&in, DL_DOUBLE, 2, is);
  dl_tensor_init(&out, DL_DOUBLE);
  dl_tensor_init(&gi, DL_DOUBLE);
  for (int64_t i = 0; i < 10; i++) op_set(&in, i, 0.5 + 0.25 * (double)i);
  CHECK(nn_feature_lppool_forward("nn.Test", &out, &in, 3, 2, 2.0, 0) == 0);
  CHECK(out.ndim == 2 && out.size[0] == 2 && out.size[1] == 2);
  for (int64_t o = 0; o < 2; o++)
    for (int64_t j = 0; j < 2; j++) {
      double s = 0;
      for (int64_t k = 0; k < 3; k++) {
        double v = op_get(&in, (o * 2 + k) * 2 + j);
        s += v * v;
      }
      CHECK_NEAR(op_get(&out, o * 2 + j), sqrt(s), 1e-12);
    }
  /* d out / d x = x / out for p = 2; gradOut of ones, feature 2 (0-based) in both windows */
  int64_t os[2] = {2, 2};
  dl_tensor_new(&go, DL_DOUBLE, 2, os);
  op_fill(&go, 1);
  CHECK(nn_feature_lppool_backward("nn.Test", &gi, &in, &out, &go, 3, 2, 2.0, 0) == 0);
  CHECK_NEAR(op_get(&gi, 2 * 2), op_get(&in, 4) / op_get(&out, 0) + op_get(&in, 4) / op_get(&out, 2), 1e-12);
  CHECK_NEAR(op_get(&gi, 0), op_get(&in, 0) / op_get(&out, 0), 1e-12);
  /* batch mode: the same 5 x 2 as 1 batch of 5 features at 2 positions is 1x2x2 */
  dl_tensor b = in;
  b.ndim = 3;
  b.size[0] = 1, b.size[1] = 5, b.size[2] = 2;
  b.stride[0] = 10, b.stride[1] = 2, b.stride[2] = 1;
  dl_tensor outb;
  dl_tensor_init(&outb, DL_DOUBLE);
  CHECK(nn_feature_lppool_forward("nn.Test", &outb, &b, 3, 2, 2.0, 1) == 0);
  CHECK(outb.ndim == 3 && outb.size[1] == 2 && op_get(&outb, 3) == op_get(&out, 3));
  CHECK(nn_feature_lppool_forward("nn.Test", &out, &in, 6, 1, 2.0, 0) < 0 &&
        says("fewer than the width 6"));
  CHECK(nn_feature_lppool_backward("nn.Test", &gi, &in, &out, &in, 3, 2, 2.0, 0) < 0);
  dl_tensor_free(&in);
  dl_tensor_free(&out);
  dl_tensor_free(&outb);
  dl_tensor_free(&gi);
  dl_tensor_free(&go);
}

/* Fractional max pooling: Graham's starts for a known sample, by hand; the 3D path on a
   volume whose only non-zero voxel is known; a window that does not fit. */
static void test_fracmax(void) {
  dl_tensor in, out, ix, u, gi;
  int64_t is[3] = {1, 1, 5}, us[3] = {1, 1, 2};
  dl_tensor_new(&in, DL_DOUBLE, 3, is);
  dl_tensor_new(&u, DL_DOUBLE, 3, us);
  dl_tensor_init(&out, DL_DOUBLE);
  dl_tensor_init(&gi, DL_DOUBLE);
  dl_tensor_init(&ix, DL_LONG);
  double xv[5] = {1, 5, 2, 4, 3};
  for (int i = 0; i < 5; i++) op_set(&in, i, xv[i]);
  op_set(&u, 0, 0.5); /* W: a = (5 - 2) / 2 = 1.5, starts 0, floor(2.25) - floor(0.75) = 2, last 3 */
  op_set(&u, 1, 0.3);
  int64_t pool[3] = {2, 1, 1}, osize[3] = {3, 1, 1};
  CHECK(nn_fracmaxpool_forward("nn.Test", &out, &ix, &in, &u, 2, pool, osize) == 0);
  CHECK(out.ndim == 3 && out.size[1] == 1 && out.size[2] == 3);
  CHECK(op_get(&out, 0) == 5 && op_get(&out, 1) == 4 && op_get(&out, 2) == 4);
  CHECK(op_get_long(&ix, 0) == 2 && op_get_long(&ix, 1) == 4 && op_get_long(&ix, 2) == 4);
  CHECK(nn_fracmaxpool_backward("nn.Test", &gi, &in, &out, &ix, 2) == 0);
  CHECK(op_get(&gi, 1) == 5 && op_get(&gi, 3) == 8 && op_get(&gi, 0) == 0);
  int64_t big[3] = {5, 1, 1};
  CHECK(nn_fracmaxpool_forward("nn.Test", &out, &ix, &in, &u, 2, pool, big) < 0 &&
        says("do not fit input 1x1x5"));
  op_set(&u, 0, 1.0);
  CHECK(nn_fracmaxpool_forward("nn.Test", &out, &ix, &in, &u, 2, pool, osize) < 0 &&
        says("outside [0, 1)"));
  /* 3D: a 1 x 3 x 3 x 3 volume, 2x2x2 windows into 2x2x2; the voxel (t 2, h 0, w 1) */
  dl_tensor v, uv;
  int64_t vs[4] = {1, 3, 3, 3}, uvs[3] = {1, 1, 3};
  dl_tensor_new(&v, DL_DOUBLE, 4, vs);
  dl_tensor_new(&uv, DL_DOUBLE, 3, uvs);
  op_fill(&v, 0);
  op_set(&v, (2 * 3 + 0) * 3 + 1, 7);
  op_fill(&uv, 0.25);
  int64_t p3[3] = {2, 2, 2}, o3[3] = {2, 2, 2};
  CHECK(nn_fracmaxpool_forward("nn.Test", &out, &ix, &v, &uv, 3, p3, o3) == 0);
  CHECK(out.ndim == 4 && out.size[1] == 2 && out.size[3] == 2);
  /* starts are 0 then 1 along every axis: the voxel is in the windows with t, h, w
     starting at 1, 0 and (0 or 1) */
  CHECK(op_get(&out, (1 * 2 + 0) * 2 + 0) == 7 && op_get(&out, (1 * 2 + 0) * 2 + 1) == 7);
  CHECK(op_get(&out, 0) == 0 && op_get_long(&ix, (1 * 2 + 0) * 2 + 0) == 2 * 9 + 1 + 1);
  dl_tensor *all[] = {&in, &out, &ix, &u, &gi, &v, &uv};
  for (size_t i = 0; i < sizeof all / sizeof *all; i++) dl_tensor_free(all[i]);
}

int main(void) {
  test_outsize();
  test_maxpool();
  test_maxpool_paths();
  test_errors();
  test_overflow();
  test_dilated();
  test_feature_lp();
  test_fracmax();
  return check_done("test_pool");
}
