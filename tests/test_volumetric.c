/* Volumetric kernels against direct scalar definitions: the convolution (forward, both
   gradients) as the plain loops over samples, planes, output voxels and taps, its
   transpose by the adjoint identity, max and average pooling, replication padding, float
   and double, single volumes; the error paths, huge geometry included. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "core/error.h"
#include "core/tensor.h"
#include "nn/volumetric.h"
#include "ops/copy.h"

/* the error's text begins with the caller's name and holds want */
static int says(const char *want) {
  return strncmp(dl_errmsg(), "nn.Test: ", 9) == 0 && strstr(dl_errmsg(), want) != NULL;
}

/* fills t with a fixed pseudo-random pattern */
static void fill(dl_tensor *t, int seed) {
  int64_t n = dl_tensor_numel(t);
  for (int64_t i = 0; i < n; i++)
    op_set(t, t->offset + i, (double)((i * 7 + seed) % 13) / 6.0 - 1.0);
}

static double get(const dl_tensor *t, int64_t i) { return op_get(t, t->offset + i); }

static void new5(dl_tensor *t, dl_dtype dt, int64_t a, int64_t b, int64_t c, int64_t d,
                 int64_t e) {
  int64_t s[5] = {a, b, c, d, e};
  dl_tensor_new(t, dt, 5, s);
}

static int64_t osz(int64_t in, int64_t k, int64_t d, int64_t p, int64_t dil) {
  return (in + 2 * p - dil * (k - 1) - 1) / d + 1;
}

/* The input voxel (flat in a c x t x h x w sample) that output (z, y, x) reads through
   tap (a, i, j), or -1 in the padding. */
static int64_t tap(const nn_vol_geom *g, int64_t c, int64_t t, int64_t h, int64_t w,
                   int64_t z, int64_t y, int64_t x, int64_t a, int64_t i, int64_t j) {
  int64_t iz = z * g->dt - g->pt + a * g->dilt, iy = y * g->dh - g->ph + i * g->dilh;
  int64_t ix = x * g->dw - g->pw + j * g->dilw;
  if (iz < 0 || iz >= t || iy < 0 || iy >= h || ix < 0 || ix >= w) return -1;
  return ((c * t + iz) * h + iy) * w + ix;
}

static void check_conv(dl_dtype dt, nn_vol_geom g, int64_t n, int64_t c, int64_t t, int64_t h,
                       int64_t w, int64_t f) {
  dl_tensor in, wt, b, out, cols, go, gi, gw, gb;
  int64_t bs[1] = {f};
  new5(&in, dt, n, c, t, h, w);
  new5(&wt, dt, f, c, g.kt, g.kh, g.kw);
  new5(&gw, dt, f, c, g.kt, g.kh, g.kw);
  dl_tensor_new(&b, dt, 1, bs);
  dl_tensor_new(&gb, dt, 1, bs);
  dl_tensor_init(&out, dt);
  dl_tensor_init(&cols, dt);
  dl_tensor_init(&gi, dt);
  fill(&in, 1);
  fill(&wt, 5);
  fill(&b, 3);
  op_fill(&gw, 0);
  op_fill(&gb, 0);
  int64_t ot = osz(t, g.kt, g.dt, g.pt, g.dilt), oh = osz(h, g.kh, g.dh, g.ph, g.dilh);
  int64_t ow = osz(w, g.kw, g.dw, g.pw, g.dilw), P = ot * oh * ow, V = c * t * h * w;
  int64_t kk = g.kt * g.kh * g.kw;
  CHECK(nn_vol_conv_forward("nn.Test", &out, &cols, &in, &wt, &b, &g) == 0);
  CHECK(out.ndim == 5 && out.size[1] == f && out.size[2] == ot && out.size[3] == oh &&
        out.size[4] == ow);
  new5(&go, dt, n, f, ot, oh, ow);
  fill(&go, 2);
  CHECK(nn_vol_conv_backward_input("nn.Test", &gi, &cols, &in, &go, &wt, &g) == 0);
  CHECK(nn_vol_conv_backward_params("nn.Test", &gw, &gb, &cols, &in, &go, 0.5, &g) == 0);
  /* the definitions: y = b + sum w x; gx += go w; gw += go x; gb += go */
  double tol = dt == DL_FLOAT ? 1e-4 : 1e-10, ferr = 0, ierr = 0, werr = 0, berr = 0;
  double *gx = calloc((size_t)(n * V), sizeof(double));
  double *gwr = calloc((size_t)(f * c * kk), sizeof(double)), *gbr = calloc((size_t)f, sizeof(double));
  for (int64_t s = 0; s < n; s++)
    for (int64_t o = 0; o < f; o++)
      for (int64_t p = 0; p < P; p++) {
        int64_t z = p / (oh * ow), y = (p / ow) % oh, x = p % ow;
        double v = get(&b, o), gv = get(&go, (s * f + o) * P + p);
        gbr[o] += gv;
        for (int64_t ch = 0; ch < c; ch++)
          for (int64_t q = 0; q < kk; q++) {
            int64_t a = q / (g.kh * g.kw), i = (q / g.kw) % g.kh, j = q % g.kw;
            int64_t at = tap(&g, ch, t, h, w, z, y, x, a, i, j);
            if (at < 0) continue;
            double wv = get(&wt, (o * c + ch) * kk + q), xv = get(&in, s * V + at);
            v += wv * xv;
            gx[s * V + at] += gv * wv;
            gwr[(o * c + ch) * kk + q] += gv * xv;
          }
        double e = fabs(get(&out, (s * f + o) * P + p) - v);
        if (e > ferr) ferr = e;
      }
  for (int64_t i = 0; i < n * V; i++) {
    double e = fabs(get(&gi, i) - gx[i]);
    if (e > ierr) ierr = e;
  }
  for (int64_t i = 0; i < f * c * kk; i++) {
    double e = fabs(get(&gw, i) - 0.5 * gwr[i]);
    if (e > werr) werr = e;
  }
  for (int64_t i = 0; i < f; i++) {
    double e = fabs(get(&gb, i) - 0.5 * gbr[i]);
    if (e > berr) berr = e;
  }
  CHECK_NEAR(ferr, 0, tol);
  CHECK_NEAR(ierr, 0, tol);
  CHECK_NEAR(werr, 0, tol);
  CHECK_NEAR(berr, 0, tol);
  /* a single volume (4D) gives the first sample's result, 4D */
  dl_tensor one = in, out1;
  one.ndim = 4;
  for (int d = 0; d < 4; d++) one.size[d] = in.size[d + 1], one.stride[d] = in.stride[d + 1];
  dl_tensor_init(&out1, dt);
  CHECK(nn_vol_conv_forward("nn.Test", &out1, &cols, &one, &wt, &b, &g) == 0);
  CHECK(out1.ndim == 4);
  double e1 = 0;
  for (int64_t i = 0; i < f * P; i++) {
    double e = fabs(get(&out1, i) - get(&out, i));
    if (e > e1) e1 = e;
  }
  CHECK_NEAR(e1, 0, 0);
  free(gx);
  free(gwr);
  free(gbr);
  dl_tensor *all[] = {&in, &wt, &b, &out, &cols, &go, &gi, &gw, &gb, &out1};
  for (size_t i = 0; i < sizeof all / sizeof *all; i++) dl_tensor_free(all[i]);
}

static double dot(const dl_tensor *a, const dl_tensor *b) {
  double s = 0;
  for (int64_t i = 0; i < dl_tensor_numel(a); i++) s += get(a, i) * get(b, i);
  return s;
}

/* The transposed convolution: its output against the scatter definition, its input
   gradient by <full(x), g> = <x, full'(g)>, its weight gradient by the same identity
   taken along the weight. */
static void check_fullconv(dl_dtype dt) {
  nn_vol_geom g = {2, 3, 2, 2, 1, 2, 1, 0, 1, 1, 1, 1};
  int64_t adj[3] = {1, 0, 1}, n = 2, ci = 2, co = 3, t = 3, h = 4, w = 3;
  dl_tensor in, wt, b, out, cols, go, gi, gw, gb;
  int64_t bs[1] = {co};
  new5(&in, dt, n, ci, t, h, w);
  new5(&wt, dt, ci, co, g.kt, g.kh, g.kw);
  new5(&gw, dt, ci, co, g.kt, g.kh, g.kw);
  dl_tensor_new(&b, dt, 1, bs);
  dl_tensor_new(&gb, dt, 1, bs);
  dl_tensor_init(&out, dt);
  dl_tensor_init(&cols, dt);
  dl_tensor_init(&gi, dt);
  fill(&in, 1);
  fill(&wt, 4);
  fill(&b, 2);
  op_fill(&gw, 0);
  op_fill(&gb, 0);
  CHECK(nn_vol_fullconv_forward("nn.Test", &out, &cols, &in, &wt, &b, &g, adj) == 0);
  int64_t ot = (t - 1) * g.dt - 2 * g.pt + g.kt + adj[0];
  int64_t oh = (h - 1) * g.dh - 2 * g.ph + g.kh + adj[1];
  int64_t ow = (w - 1) * g.dw - 2 * g.pw + g.kw + adj[2];
  CHECK(out.ndim == 5 && out.size[2] == ot && out.size[3] == oh && out.size[4] == ow);
  int64_t OV = ot * oh * ow, IV = t * h * w, kk = g.kt * g.kh * g.kw;
  double *ref = calloc((size_t)(n * co * OV), sizeof(double));
  for (int64_t s = 0; s < n; s++)
    for (int64_t o = 0; o < co; o++)
      for (int64_t p = 0; p < OV; p++) ref[(s * co + o) * OV + p] = get(&b, o);
  for (int64_t s = 0; s < n; s++)
    for (int64_t c = 0; c < ci; c++)
      for (int64_t p = 0; p < IV; p++)
        for (int64_t o = 0; o < co; o++)
          for (int64_t q = 0; q < kk; q++) {
            int64_t z = p / (h * w), y = (p / w) % h, x = p % w;
            int64_t a = q / (g.kh * g.kw), i = (q / g.kw) % g.kh, j = q % g.kw;
            int64_t at = tap(&g, o, ot, oh, ow, z, y, x, a, i, j);
            if (at >= 0)
              ref[s * co * OV + at] += get(&in, (s * ci + c) * IV + p) * get(&wt, (c * co + o) * kk + q);
          }
  double ferr = 0;
  for (int64_t i = 0; i < n * co * OV; i++) {
    double e = fabs(get(&out, i) - ref[i]);
    if (e > ferr) ferr = e;
  }
  double tol = dt == DL_FLOAT ? 1e-4 : 1e-10;
  CHECK_NEAR(ferr, 0, tol);
  new5(&go, dt, n, co, ot, oh, ow);
  fill(&go, 6);
  CHECK(nn_vol_fullconv_backward_input("nn.Test", &gi, &cols, &in, &go, &wt, &g, adj) == 0);
  CHECK(nn_vol_fullconv_backward_params("nn.Test", &gw, &gb, &cols, &in, &go, 1.0, &g, adj) == 0);
  /* without bias, out is linear in x and in w: <out - bias, go> = <x, gi> = <w, gw> */
  double lhs = 0, gsum = 0;
  for (int64_t s = 0; s < n; s++)
    for (int64_t o = 0; o < co; o++)
      for (int64_t p = 0; p < OV; p++) {
        double gv = get(&go, (s * co + o) * OV + p);
        lhs += (ref[(s * co + o) * OV + p] - get(&b, o)) * gv;
        if (o == 0) gsum += gv;
      }
  CHECK_NEAR(dot(&in, &gi), lhs, tol * 100);
  CHECK_NEAR(dot(&wt, &gw), lhs, tol * 100);
  CHECK_NEAR(get(&gb, 0), gsum, tol * 10);
  /* an adjustment not below the stride is refused */
  int64_t bad[3] = {2, 0, 0};
  CHECK(nn_vol_fullconv_forward("nn.Test", &out, &cols, &in, &wt, &b, &g, bad) < 0 &&
        says("adjustment 2x0x0"));
  free(ref);
  dl_tensor *all[] = {&in, &wt, &b, &out, &cols, &go, &gi, &gw, &gb};
  for (size_t i = 0; i < sizeof all / sizeof *all; i++) dl_tensor_free(all[i]);
}

/* Max pooling against the scan of each window (first maximum kept), its indices and the
   backward; average pooling with the padding counted and not. */
static void check_pool(dl_dtype dt, int ceil) {
  nn_vol_geom g = {2, 3, 2, 2, 2, 1, 1, 1, 0, 1, 1, 2};
  int64_t n = 2, c = 2, t = 5, h = 6, w = 5;
  dl_tensor in, out, ix, gi, aout;
  new5(&in, dt, n, c, t, h, w);
  dl_tensor_init(&out, dt);
  dl_tensor_init(&aout, dt);
  dl_tensor_init(&gi, dt);
  dl_tensor_init(&ix, DL_LONG);
  fill(&in, 3);
  for (int64_t i = 0; i < dl_tensor_numel(&in); i++) op_set(&in, i, get(&in, i) + 1e-3 * (double)i);
  CHECK(nn_vol_maxpool_forward("nn.Test", &out, &ix, &in, &g, ceil) == 0);
  int64_t ot = out.size[2], oh = out.size[3], ow = out.size[4], V = t * h * w;
  CHECK(ot == 3 && oh == (ceil ? 4 : 3) && ow == 3); /* ceil adds a row of windows */
  int ok = 1;
  for (int64_t pl = 0; pl < n * c; pl++)
    for (int64_t z = 0; z < ot; z++)
      for (int64_t y = 0; y < oh; y++)
        for (int64_t x = 0; x < ow; x++) {
          double m = -INFINITY;
          int64_t best = -1;
          for (int64_t a = 0; a < g.kt; a++)
            for (int64_t i = 0; i < g.kh; i++)
              for (int64_t j = 0; j < g.kw; j++) {
                int64_t at = tap(&g, 0, t, h, w, z, y, x, a, i, j);
                if (at >= 0 && get(&in, pl * V + at) > m) m = get(&in, pl * V + at), best = at;
              }
          int64_t o = ((pl * ot + z) * oh + y) * ow + x;
          ok &= get(&out, o) == m && get(&ix, o) == best + 1;
        }
  CHECK(ok);
  CHECK(nn_vol_maxpool_backward("nn.Test", &gi, &in, &out, &ix) == 0);
  double s = 0;
  for (int64_t i = 0; i < dl_tensor_numel(&gi); i++) s += get(&gi, i);
  double so = 0;
  for (int64_t i = 0; i < dl_tensor_numel(&out); i++) so += get(&out, i);
  CHECK_NEAR(s, so, 1e-4);
  /* average: no dilation; window 2x3x2 stride 2x2x1 padding 1x1x0 */
  g.dilt = g.dilh = g.dilw = 1;
  for (int cip = 0; cip < 2; cip++) {
    CHECK(nn_vol_avgpool_forward("nn.Test", &aout, &in, &g, ceil, cip) == 0);
    ot = aout.size[2], oh = aout.size[3], ow = aout.size[4];
    double err = 0;
    for (int64_t pl = 0; pl < n * c; pl++)
      for (int64_t z = 0; z < ot; z++)
        for (int64_t y = 0; y < oh; y++)
          for (int64_t x = 0; x < ow; x++) {
            double sum = 0, cnt = 0, padded = 0;
            for (int64_t a = 0; a < g.kt; a++)
              for (int64_t i = 0; i < g.kh; i++)
                for (int64_t j = 0; j < g.kw; j++) {
                  int64_t iz = z * g.dt - g.pt + a, iy = y * g.dh - g.ph + i, jx = x * g.dw - g.pw + j;
                  if (iz < t + g.pt && iy < h + g.ph && jx < w + g.pw) padded++;
                  int64_t at = tap(&g, 0, t, h, w, z, y, x, a, i, j);
                  if (at >= 0) sum += get(&in, pl * V + at), cnt++;
                }
            double want = sum / (cip ? padded : cnt);
            double e = fabs(get(&aout, ((pl * ot + z) * oh + y) * ow + x) - want);
            if (e > err) err = e;
          }
    CHECK_NEAR(err, 0, dt == DL_FLOAT ? 1e-5 : 1e-12);
    /* backward is the adjoint: <avg(x), go> = <x, avg'(go)> */
    CHECK(nn_vol_avgpool_backward("nn.Test", &gi, &in, &aout, &g, ceil, cip) == 0);
    CHECK_NEAR(dot(&in, &gi), dot(&aout, &aout), 1e-3);
  }
  dl_tensor *all[] = {&in, &out, &ix, &gi, &aout};
  for (size_t i = 0; i < sizeof all / sizeof *all; i++) dl_tensor_free(all[i]);
}

static void check_replpad(dl_dtype dt) {
  int64_t pad[6] = {1, 2, 0, 1, 2, 1}, t = 3, h = 2, w = 4;
  dl_tensor in, out, gi;
  int64_t s4[4] = {2, t, h, w};
  dl_tensor_new(&in, dt, 4, s4);
  dl_tensor_init(&out, dt);
  dl_tensor_init(&gi, dt);
  fill(&in, 2);
  CHECK(nn_vol_replpad_forward("nn.Test", &out, &in, pad) == 0);
  int64_t ot = t + 3, oh = h + 1, ow = w + 3;
  CHECK(out.ndim == 4 && out.size[1] == ot && out.size[2] == oh && out.size[3] == ow);
  int ok = 1;
  double *gref = calloc((size_t)(2 * t * h * w), sizeof(double));
  for (int64_t c = 0; c < 2; c++)
    for (int64_t z = 0; z < ot; z++)
      for (int64_t y = 0; y < oh; y++)
        for (int64_t x = 0; x < ow; x++) {
          int64_t iz = z - 2 < 0 ? 0 : z - 2 >= t ? t - 1 : z - 2;
          int64_t iy = y >= h ? h - 1 : y, ix = x - 1 < 0 ? 0 : x - 1 >= w ? w - 1 : x - 1;
          int64_t src = ((c * t + iz) * h + iy) * w + ix, o = ((c * ot + z) * oh + y) * ow + x;
          ok &= get(&out, o) == get(&in, src);
          gref[src] += get(&out, o);
        }
  CHECK(ok);
  CHECK(nn_vol_replpad_backward("nn.Test", &gi, &in, &out, pad) == 0);
  double err = 0;
  for (int64_t i = 0; i < 2 * t * h * w; i++) {
    double e = fabs(get(&gi, i) - gref[i]);
    if (e > err) err = e;
  }
  CHECK_NEAR(err, 0, 1e-5);
  /* a negative pad crops: out[z] = in[z + 1] along T, padded along H and W */
  int64_t neg[6] = {1, 1, 1, 1, -1, 0};
  CHECK(nn_vol_replpad_forward("nn.Test", &out, &in, neg) == 0);
  CHECK(out.size[out.ndim - 3] == t - 1 && out.size[out.ndim - 1] == w + 2);
  CHECK(get(&out, (1 * (h + 2) + 1) * (w + 2) + 1) == get(&in, (2 * h + 0) * w + 0));
  int64_t gone[6] = {0, 0, 0, 0, -(t - 1), -1};
  CHECK(nn_vol_replpad_forward("nn.Test", &out, &in, gone) < 0 && says("cropped to nothing"));
  free(gref);
  dl_tensor_free(&in);
  dl_tensor_free(&out);
  dl_tensor_free(&gi);
}

static void check_errors(void) {
  dl_tensor in, wt, out, cols, ix, go;
  nn_vol_geom g = {2, 2, 2, 1, 1, 1, 0, 0, 0, 1, 1, 1};
  int64_t s3[3] = {2, 4, 4};
  new5(&wt, DL_DOUBLE, 3, 2, 2, 2, 2);
  dl_tensor_new(&in, DL_DOUBLE, 3, s3);
  dl_tensor_init(&out, DL_DOUBLE);
  dl_tensor_init(&cols, DL_DOUBLE);
  dl_tensor_init(&ix, DL_LONG);
  CHECK(nn_vol_conv_forward("nn.Test", &out, &cols, &in, &wt, NULL, &g) < 0 &&
        says("input of size 2x4x4, expected 4D"));
  dl_tensor_free(&in);
  new5(&in, DL_DOUBLE, 1, 3, 4, 4, 4);
  CHECK(nn_vol_conv_forward("nn.Test", &out, &cols, &in, &wt, NULL, &g) < 0 &&
        says("has 3 planes, expected 2"));
  dl_tensor_free(&in);
  new5(&in, DL_DOUBLE, 1, 2, 4, 4, 4);
  new5(&go, DL_DOUBLE, 1, 3, 3, 3, 2);
  CHECK(nn_vol_conv_backward_input("nn.Test", &out, &cols, &in, &go, &wt, &g) < 0 &&
        says("gradOutput"));
  nn_vol_geom big = g;
  big.kt = big.kh = big.kw = INT64_MAX / 4;
  CHECK(nn_vol_conv_forward("nn.Test", &out, &cols, &in, &wt, NULL, &big) < 0);
  CHECK(nn_vol_maxpool_forward("nn.Test", &out, &ix, &in, &big, 0) < 0);
  big = g;
  big.dilt = INT64_MAX / 2;
  CHECK(nn_vol_maxpool_forward("nn.Test", &out, &ix, &in, &big, 0) < 0 && says("larger"));
  big = g;
  big.pt = 2;
  CHECK(nn_vol_maxpool_forward("nn.Test", &out, &ix, &in, &big, 0) < 0 && says("half"));
  big = g;
  big.dilh = 2;
  CHECK(nn_vol_avgpool_forward("nn.Test", &out, &in, &big, 0, 1) < 0 && says("dilation"));
  /* indices from another input are refused */
  CHECK(nn_vol_maxpool_forward("nn.Test", &out, &ix, &in, &g, 0) == 0);
  op_fill(&ix, 1000);
  CHECK(nn_vol_maxpool_backward("nn.Test", &cols, &in, &out, &ix) < 0 && says("out of range"));
  dl_tensor *all[] = {&in, &wt, &out, &cols, &ix, &go};
  for (size_t i = 0; i < sizeof all / sizeof *all; i++) dl_tensor_free(all[i]);
}

/* Upsampling: nearest on an image by hand, linear on a volume (2 voxels along each axis
   to 3: the middles are the means), and backward as the adjoint. */
static void check_upsample(void) {
  dl_tensor in, out, gi, v, vo;
  int64_t is[4] = {1, 1, 2, 2}, o2[3] = {1, 4, 4};
  dl_tensor_new(&in, DL_DOUBLE, 4, is);
  dl_tensor_init(&out, DL_DOUBLE);
  dl_tensor_init(&gi, DL_DOUBLE);
  for (int i = 0; i < 4; i++) op_set(&in, i, (double)(i + 1));
  CHECK(nn_upsample_forward("nn.Test", &out, &in, 0, o2) == 0);
  CHECK(out.ndim == 4 && out.size[2] == 4 && out.size[3] == 4);
  CHECK(get(&out, 0) == 1 && get(&out, 3) == 2 && get(&out, 5) == 1 && get(&out, 15) == 4 &&
        get(&out, 8) == 3);
  CHECK(nn_upsample_backward("nn.Test", &gi, &in, &out, 0, o2) == 0);
  CHECK(get(&gi, 0) == 4 && get(&gi, 3) == 16); /* each pixel's 2x2 block */
  int64_t vs[5] = {1, 1, 2, 2, 2}, o3[3] = {3, 3, 3};
  dl_tensor_new(&v, DL_DOUBLE, 5, vs);
  dl_tensor_init(&vo, DL_DOUBLE);
  for (int i = 0; i < 8; i++) op_set(&v, i, (double)(1 << i));
  CHECK(nn_upsample_forward("nn.Test", &vo, &v, 1, o3) == 0);
  CHECK(vo.ndim == 5 && vo.size[2] == 3);
  CHECK_NEAR(get(&vo, 0), 1, 1e-15);
  CHECK_NEAR(get(&vo, 26), 128, 1e-15);
  CHECK_NEAR(get(&vo, 13), 255.0 / 8, 1e-12); /* the centre: the mean of all 8 */
  CHECK_NEAR(get(&vo, 1), 1.5, 1e-15);        /* between voxels 1 and 2 along w */
  CHECK(nn_upsample_backward("nn.Test", &gi, &v, &vo, 1, o3) == 0);
  CHECK_NEAR(dot(&v, &gi), dot(&vo, &vo), 1e-9);
  CHECK(nn_upsample_backward("nn.Test", &gi, &v, &out, 1, o3) < 0 && says("gradOutput"));
  CHECK(nn_upsample_forward("nn.Test", &out, &gi, 1, o3) == 0); /* gradIn is 5D too */
  dl_tensor *all[] = {&in, &out, &gi, &v, &vo};
  for (size_t i = 0; i < sizeof all / sizeof *all; i++) dl_tensor_free(all[i]);
}

int main(void) {
  nn_vol_geom plain = {2, 2, 2, 1, 1, 1, 0, 0, 0, 1, 1, 1};
  nn_vol_geom strided = {2, 3, 2, 2, 1, 2, 1, 0, 1, 1, 1, 1};
  nn_vol_geom dilated = {2, 2, 3, 1, 2, 1, 1, 1, 0, 2, 1, 2};
  for (int k = 0; k < 2; k++) {
    dl_dtype dt = k ? DL_FLOAT : DL_DOUBLE;
    check_conv(dt, plain, 2, 2, 3, 4, 5, 3);
    check_conv(dt, strided, 2, 3, 5, 6, 4, 2);
    check_conv(dt, dilated, 3, 2, 5, 4, 6, 2);
    check_fullconv(dt);
    check_pool(dt, 0);
    check_pool(dt, 1);
    check_replpad(dt);
  }
  check_errors();
  check_upsample();
  return check_done("test_volumetric");
}
