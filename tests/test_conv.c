/* Convolution kernels against direct loops: both conv paths, float and double, stride,
   padding and dilation, single images; the error paths, huge geometry included. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "core/tensor.h"
#include "nn/conv.h"
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
  CHECK(nn_conv2d_forward("test", &out, &cols, &obuf, &in, &wt, &b, &g) == 0);
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

/* A C x H x W image gives a C x oH x oW result with the values of a batch of one. */
static void test_single_image(void) {
  dl_tensor in, in3, wt, out, out3, cols, obuf;
  int64_t is[4] = {1, 2, 5, 4}, ws[4] = {3, 2, 3, 3};
  nn_conv_geom g = {3, 3, 1, 1, 1, 1, 1, 1};
  dl_tensor_new(&in, DL_DOUBLE, 4, is);
  dl_tensor_new(&wt, DL_DOUBLE, 4, ws);
  fill(&in, 2);
  fill(&wt, 4);
  dl_tensor_init(&in3, DL_DOUBLE);
  dl_tensor_set(&in3, &in);
  in3.ndim = 3;
  for (int d = 0; d < 3; d++) in3.size[d] = in.size[d + 1], in3.stride[d] = in.stride[d + 1];
  dl_tensor_init(&out, DL_DOUBLE); dl_tensor_init(&out3, DL_DOUBLE);
  dl_tensor_init(&cols, DL_DOUBLE); dl_tensor_init(&obuf, DL_DOUBLE);
  CHECK(nn_conv2d_forward("test", &out, &cols, &obuf, &in, &wt, NULL, &g) == 0);
  CHECK(nn_conv2d_forward("test", &out3, &cols, &obuf, &in3, &wt, NULL, &g) == 0);
  CHECK(out3.ndim == 3 && out3.size[0] == 3 && out3.size[1] == 5 && out3.size[2] == 4);
  int same = dl_tensor_numel(&out) == dl_tensor_numel(&out3);
  for (int64_t i = 0; same && i < dl_tensor_numel(&out); i++) same = op_get(&out, i) == op_get(&out3, i);
  CHECK(same);
  dl_tensor_free(&in); dl_tensor_free(&in3); dl_tensor_free(&wt); dl_tensor_free(&out);
  dl_tensor_free(&out3); dl_tensor_free(&cols); dl_tensor_free(&obuf);
}

/* the error's text begins with the caller's name and holds want */
static int says(const char *want) {
  return strncmp(dl_errmsg(), "nn.Test: ", 9) == 0 && strstr(dl_errmsg(), want) != NULL;
}

static void test_errors(void) {
  dl_tensor in, wt, out, cols, obuf, go, li;
  int64_t is[4] = {1, 2, 3, 3}, ws[4] = {1, 1, 2, 2}, gs[4] = {1, 1, 3, 3}, ls[4] = {1, 2, 3, 3};
  dl_tensor_new(&in, DL_FLOAT, 4, is);
  dl_tensor_new(&wt, DL_FLOAT, 4, ws);
  dl_tensor_new(&go, DL_FLOAT, 4, gs);
  dl_tensor_new(&li, DL_LONG, 4, ls);
  dl_tensor_init(&out, DL_FLOAT); dl_tensor_init(&cols, DL_FLOAT); dl_tensor_init(&obuf, DL_FLOAT);
  nn_conv_geom g = {2, 2, 1, 1, 0, 0, 1, 1};
  CHECK(nn_conv2d_forward("nn.Test", &out, &cols, &obuf, &in, &wt, NULL, &g) == -1);
  CHECK(says("input of size 1x2x3x3 has 2 planes, expected 1"));
  CHECK(nn_conv2d_forward("nn.Test", &out, &cols, &obuf, &li, &wt, NULL, &g) == -1);
  CHECK(says("input must be a Float or Double tensor, got a Long tensor"));
  nn_conv_geom big = {5, 5, 1, 1, 0, 0, 1, 1};
  int64_t ws2[4] = {1, 2, 5, 5};
  dl_tensor_resize(&wt, 4, ws2);
  CHECK(nn_conv2d_forward("nn.Test", &out, &cols, &obuf, &in, &wt, NULL, &big) == -1);
  CHECK(says("larger than the padded input 3x3"));
  int64_t ws3[4] = {1, 2, 2, 2};
  dl_tensor_resize(&wt, 4, ws3);
  CHECK(nn_conv2d_forward("nn.Test", &out, &cols, &obuf, &in, &wt, NULL, &g) == 0);
  CHECK(nn_conv2d_backward_input("nn.Test", &out, &cols, &obuf, &in, &go, &wt, &g) == -1);
  CHECK(says("gradOutput of size 1x1x3x3, expected 1x1x2x2"));
  dl_tensor_free(&in); dl_tensor_free(&wt); dl_tensor_free(&out); dl_tensor_free(&go);
  dl_tensor_free(&li); dl_tensor_free(&cols); dl_tensor_free(&obuf);
}

/* A view of one element seen with the given sizes (stride 0 everywhere): huge tensors that
   cost nothing, for the size arithmetic. */
static void huge(dl_tensor *t, int ndim, const int64_t *size) {
  int64_t zero[4] = {0, 0, 0, 0};
  dl_storage *s = dl_storage_new(DL_FLOAT, 1);
  dl_tensor_init(t, DL_FLOAT);
  CHECK(dl_tensor_set_storage(t, s, 0, ndim, size, zero) == 0);
  dl_storage_release(s);
}

/* Geometry whose sizes overflow an int64_t is refused before any buffer is sized. */
static void test_overflow(void) {
  CHECK(nn_conv_outsize(10, INT64_MAX / 2, 1, 0, 4) == 0);
  CHECK(nn_conv_outsize(10, 3, 1, INT64_MAX / 2, 1) == 0);
  CHECK(nn_conv_outsize(10, 3, 1, 1, 1) == 10);
  dl_tensor in, wt, out, cols, obuf;
  int64_t is[4] = {1, 1, 4, 4}, ws[4] = {1, 1, 3, 3};
  dl_tensor_new(&in, DL_FLOAT, 4, is);
  dl_tensor_new(&wt, DL_FLOAT, 4, ws);
  dl_tensor_init(&out, DL_FLOAT); dl_tensor_init(&cols, DL_FLOAT); dl_tensor_init(&obuf, DL_FLOAT);
  nn_conv_geom pad = {3, 3, 1, 1, INT64_MAX / 2, 0, 1, 1};
  CHECK(nn_conv2d_forward("nn.Test", &out, &cols, &obuf, &in, &wt, NULL, &pad) == -1);
  CHECK(says("padding"));
  nn_conv_geom dil = {3, 3, 1, 1, 0, 0, INT64_MAX / 2, 1};
  CHECK(nn_conv2d_forward("nn.Test", &out, &cols, &obuf, &in, &wt, NULL, &dil) == -1);
  CHECK(says("larger than the padded input"));
  /* a kernel so large that F*C*kH*kW overflows */
  nn_conv_geom wide = {INT64_MAX / 4, INT64_MAX / 4, 1, 1, 0, 0, 1, 1};
  CHECK(nn_conv2d_forward("nn.Test", &out, &cols, &obuf, &in, &wt, NULL, &wide) == -1);
  CHECK(says("overflow"));
  /* 2^28 samples of 2^28 planes, padded to 2049 x 2049: the columns (C*kH*kW x N*oH*oW)
     would hold 2^78 values */
  dl_tensor hin, hw;
  int64_t his[4] = {(int64_t)1 << 28, (int64_t)1 << 28, 1, 1}, hws[4] = {1, (int64_t)1 << 28, 1, 1};
  huge(&hin, 4, his);
  huge(&hw, 4, hws);
  nn_conv_geom p1k = {1, 1, 1, 1, 1024, 1024, 1, 1};
  CHECK(nn_conv2d_forward("nn.Test", &out, &cols, &obuf, &hin, &hw, NULL, &p1k) == -1);
  CHECK(says("overflow"));
  CHECK(cols.ndim == 0 || dl_tensor_numel(&cols) < 1024);
  /* a transposed convolution whose output size overflows */
  int64_t fws[4] = {1, 1, 3, 3};
  dl_tensor fw;
  dl_tensor_new(&fw, DL_FLOAT, 4, fws);
  nn_conv_geom stride = {3, 3, INT64_MAX / 2, 1, 0, 0, 1, 1};
  CHECK(nn_fullconv2d_forward("nn.Test", &out, &cols, &obuf, &in, &fw, NULL, &stride, 0, 0) == -1);
  CHECK(says("gives an output of"));
  /* a temporal kernel wider than the input: refused before kW x features is formed */
  int64_t ts[2] = {5, 3}, tws[2] = {2, 6};
  dl_tensor tin, tw;
  dl_tensor_new(&tin, DL_FLOAT, 2, ts);
  dl_tensor_new(&tw, DL_FLOAT, 2, tws);
  CHECK(nn_temporal_conv_forward("nn.Test", &out, &tin, &tw, NULL, INT64_MAX / 2, 1) == -1);
  CHECK(says("shorter than the kernel width"));
  dl_tensor_free(&in); dl_tensor_free(&wt); dl_tensor_free(&out); dl_tensor_free(&cols);
  dl_tensor_free(&obuf); dl_tensor_free(&hin); dl_tensor_free(&hw); dl_tensor_free(&fw);
  dl_tensor_free(&tin); dl_tensor_free(&tw);
}

/* The connection-table convolutions: valid and full, against the scatter definition
   (each connection adds its input plane's products into its output plane); the input and
   weight gradients by the adjoint identities <y - bias, g> = <x, gx> = <w, gw>. */
static void test_convmap(int full) {
  int64_t n = 2, nin = 3, nout = 2, h = 5, w = 4, nc = 4;
  nn_conv_geom g = {2, 3, 2, 1, 0, 0, 1, 1}; /* kh 2, kw 3, dh 2, dw 1 */
  int64_t oh = full ? (h - 1) * 2 + 2 : (h - 2) / 2 + 1, ow = full ? (w - 1) + 3 : w - 3 + 1;
  int64_t conn_v[8] = {1, 1, 3, 1, 2, 2, 3, 2};
  dl_tensor in, wt, b, conn, out, gi, go, gw;
  int64_t is[4] = {n, nin, h, w}, ws[3] = {nc, 2, 3}, bs[1] = {nout}, cs[2] = {nc, 2};
  int64_t os[4] = {n, nout, oh, ow};
  dl_tensor_new(&in, DL_DOUBLE, 4, is);
  dl_tensor_new(&wt, DL_DOUBLE, 3, ws);
  dl_tensor_new(&gw, DL_DOUBLE, 3, ws);
  dl_tensor_new(&b, DL_DOUBLE, 1, bs);
  dl_tensor_new(&conn, DL_LONG, 2, cs);
  dl_tensor_new(&go, DL_DOUBLE, 4, os);
  dl_tensor_init(&out, DL_DOUBLE);
  dl_tensor_init(&gi, DL_DOUBLE);
  fill(&in, 1);
  fill(&wt, 4);
  fill(&b, 2);
  fill(&go, 3);
  op_fill(&gw, 0);
  for (int i = 0; i < 8; i++) op_set(&conn, i, (double)conn_v[i]);
  CHECK(nn_convmap_forward("nn.Test", &out, &in, &wt, &b, &conn, nout, &g, full) == 0);
  CHECK(out.ndim == 4 && out.size[1] == nout && out.size[2] == oh && out.size[3] == ow);
  double *ref = calloc((size_t)(n * nout * oh * ow), sizeof(double));
  for (int64_t s = 0; s < n; s++)
    for (int64_t k = 0; k < nc; k++) {
      int64_t c = conn_v[2 * k] - 1, o = conn_v[2 * k + 1] - 1;
      /* full: input (y, x) feeds output (y*dh + i, x*dw + j); valid: output (y, x) reads
         input (y*dh + i, x*dw + j) */
      int64_t gh = full ? h : oh, gw_ = full ? w : ow;
      for (int64_t y = 0; y < gh; y++)
        for (int64_t x = 0; x < gw_; x++)
          for (int64_t i = 0; i < 2; i++)
            for (int64_t j = 0; j < 3; j++) {
              int64_t ly = y * 2 + i, lx = x + j;
              double wv = op_get(&wt, (k * 2 + i) * 3 + j);
              if (full)
                ref[((s * nout + o) * oh + ly) * ow + lx] += wv * op_get(&in, ((s * nin + c) * h + y) * w + x);
              else
                ref[((s * nout + o) * oh + y) * ow + x] += wv * op_get(&in, ((s * nin + c) * h + ly) * w + lx);
            }
    }
  double err = 0, lhs = 0;
  for (int64_t s = 0; s < n; s++)
    for (int64_t o = 0; o < nout; o++)
      for (int64_t p = 0; p < oh * ow; p++) {
        int64_t at = (s * nout + o) * oh * ow + p;
        err = fmax(err, fabs(op_get(&out, at) - ref[at] - op_get(&b, o)));
        lhs += ref[at] * op_get(&go, at);
      }
  CHECK_NEAR(err, 0, 1e-12);
  CHECK(nn_convmap_backward_input("nn.Test", &gi, &in, &go, &wt, &conn, nout, &g, full) == 0);
  CHECK(nn_convmap_backward_params("nn.Test", &gw, NULL, &in, &go, &conn, nout, 1.0, &g, full) == 0);
  double xg = 0, wg = 0;
  for (int64_t i = 0; i < dl_tensor_numel(&in); i++) xg += op_get(&in, i) * op_get(&gi, i);
  for (int64_t i = 0; i < dl_tensor_numel(&wt); i++) wg += op_get(&wt, i) * op_get(&gw, i);
  CHECK_NEAR(xg, lhs, 1e-9);
  CHECK_NEAR(wg, lhs, 1e-9);
  /* a connection past the input planes is refused */
  op_set(&conn, 0, 4);
  CHECK(nn_convmap_forward("nn.Test", &out, &in, &wt, &b, &conn, nout, &g, full) < 0 &&
        says("connection 1 (4 -> 1) is outside input 2x3x5x4"));
  free(ref);
  dl_tensor *all[] = {&in, &wt, &b, &conn, &out, &gi, &go, &gw};
  for (size_t i = 0; i < sizeof all / sizeof *all; i++) dl_tensor_free(all[i]);
}

/* SpatialConvolutionLocal with the same kernel at every position is nn_conv2d; with the
   kernels differing, each position's output is its own kernel's (checked at one). */
static void test_convlocal(void) {
  nn_conv_geom g = {2, 3, 1, 2, 1, 0, 1, 1};
  int64_t n = 2, c = 2, h = 4, w = 7, f = 3;
  int64_t oh = (h + 2 - 2) / 1 + 1, ow = (w - 3) / 2 + 1, P = oh * ow, K = c * 2 * 3;
  dl_tensor in, wt, b, lw, lb, out, lout, cols, obuf;
  int64_t is[4] = {n, c, h, w}, ws[4] = {f, c, 2, 3}, bs[1] = {f};
  int64_t lws[6] = {oh, ow, f, c, 2, 3}, lbs[3] = {f, oh, ow};
  dl_tensor_new(&in, DL_DOUBLE, 4, is);
  dl_tensor_new(&wt, DL_DOUBLE, 4, ws);
  dl_tensor_new(&b, DL_DOUBLE, 1, bs);
  dl_tensor_new(&lw, DL_DOUBLE, 6, lws);
  dl_tensor_new(&lb, DL_DOUBLE, 3, lbs);
  dl_tensor_init(&out, DL_DOUBLE);
  dl_tensor_init(&lout, DL_DOUBLE);
  dl_tensor_init(&cols, DL_DOUBLE);
  dl_tensor_init(&obuf, DL_DOUBLE);
  fill(&in, 1);
  fill(&wt, 2);
  fill(&b, 5);
  for (int64_t p = 0; p < P; p++)
    for (int64_t i = 0; i < f * K; i++) op_set(&lw, p * f * K + i, op_get(&wt, i));
  for (int64_t o = 0; o < f; o++)
    for (int64_t p = 0; p < P; p++) op_set(&lb, o * P + p, op_get(&b, o));
  CHECK(nn_conv2d_forward("nn.Test", &out, &cols, &obuf, &in, &wt, &b, &g) == 0);
  CHECK(nn_convlocal_forward("nn.Test", &lout, &cols, &in, &lw, &lb, &g) == 0);
  double err = 0;
  for (int64_t i = 0; i < dl_tensor_numel(&out); i++)
    err = fmax(err, fabs(op_get(&out, i) - op_get(&lout, i)));
  CHECK_NEAR(err, 0, 1e-12);
  /* doubling position 0's kernels doubles the bias-free part of output 0 there only */
  for (int64_t i = 0; i < f * K; i++) op_set(&lw, i, 2 * op_get(&wt, i));
  CHECK(nn_convlocal_forward("nn.Test", &lout, &cols, &in, &lw, &lb, &g) == 0);
  CHECK_NEAR(op_get(&lout, 0) - op_get(&b, 0), 2 * (op_get(&out, 0) - op_get(&b, 0)), 1e-12);
  CHECK_NEAR(op_get(&lout, 1), op_get(&out, 1), 1e-12);
  /* a weight made for another input size is refused */
  int64_t small[4] = {n, c, h, w - 1};
  dl_tensor in2;
  dl_tensor_new(&in2, DL_DOUBLE, 4, small);
  CHECK(nn_convlocal_forward("nn.Test", &lout, &cols, &in2, &lw, &lb, &g) < 0 &&
        says("gives a 5x2 output, but weight of size 5x3x3x2x2x3"));
  dl_tensor *all[] = {&in, &wt, &b, &lw, &lb, &out, &lout, &cols, &obuf, &in2};
  for (size_t i = 0; i < sizeof all / sizeof *all; i++) dl_tensor_free(all[i]);
}

int main(void) {
  nn_conv_geom plain = {3, 3, 1, 1, 1, 1, 1, 1}, odd = {2, 3, 2, 1, 0, 2, 2, 1};
  for (int p = NN_CONV_BATCH; p <= NN_CONV_SAMPLE; p++) {
    check_conv(DL_FLOAT, (nn_conv_path)p, plain, 5, 3, 6, 7, 4);
    check_conv(DL_DOUBLE, (nn_conv_path)p, plain, 5, 3, 6, 7, 4);
    check_conv(DL_DOUBLE, (nn_conv_path)p, odd, 4, 2, 7, 6, 3);
    check_conv(DL_FLOAT, (nn_conv_path)p, odd, 1, 1, 5, 5, 2);
  }
  test_single_image();
  test_errors();
  test_overflow();
  test_convmap(0);
  test_convmap(1);
  test_convlocal();
  return check_done("test_conv");
}
