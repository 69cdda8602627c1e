/* The int8 products of src/ops/qgemm.c against a plain int64 / float64 definition of the
   same arithmetic, on every machine path this CPU has (forced one by one): odd sizes, the
   worst-case values where 16-bit pair sums would saturate, the float epilogue, packing and
   the activation quantizer. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "core/error.h"
#include "ops/qgemm.h"

static uint32_t rng = 12345;
static uint32_t next(void) {
  rng = rng * 1664525u + 1013904223u;
  return rng >> 8;
}

/* The reference: sum_t a[i][t] * w[j][t] in int64. */
static int64_t ref_dot(const uint8_t *a, const int8_t *w, int64_t k) {
  int64_t s = 0;
  for (int64_t t = 0; t < k; t++) s += (int64_t)a[t] * w[t];
  return s;
}

/* One product of m x k (uint8) by n x k (int8) on path p: the int32 result exactly, and
   the float epilogue (per-row or per-tensor, bias, relu, a transposed output) within float
   rounding of its float64 value. fill: 0 random, 1 the saturating extremes. */
static void check_product(op_qpath p, int64_t m, int64_t n, int64_t k, int fill) {
  int64_t kp = op_qpad_k(k), np = op_qpad_n(n);
  uint8_t *a = calloc((size_t)(m * kp), 1);
  int8_t *w = malloc((size_t)(n * k)), *wp = malloc((size_t)(np * kp));
  int32_t *c = malloc((size_t)(m * n) * sizeof(int32_t)), *wsum = malloc((size_t)n * 4);
  float *out = malloc((size_t)(m * n) * sizeof(float)), *ws = malloc((size_t)n * 4);
  float *bias = malloc((size_t)n * 4), *as = malloc((size_t)m * 4);
  int32_t *az = malloc((size_t)m * 4);
  for (int64_t i = 0; i < m; i++)
    for (int64_t t = 0; t < k; t++) a[i * kp + t] = fill ? 255 : (uint8_t)next();
  for (int64_t j = 0; j < n; j++)
    for (int64_t t = 0; t < k; t++)
      w[j * k + t] = fill ? (int8_t)(j % 2 ? -128 : 127) : (int8_t)(next() & 255);
  op_qpack(wp, w, n, k, k);
  CHECK(op_qgemm_setpath(p) == 0);
  op_qgemm_s32(c, n, a, kp, wp, m, n, k);
  int bad = 0;
  for (int64_t i = 0; i < m; i++)
    for (int64_t j = 0; j < n; j++) bad += c[i * n + j] != ref_dot(a + i * kp, w + j * k, k);
  CHECK(bad == 0);
  if (bad)
    fprintf(stderr, "  path %s, %lld x %lld x %lld: %d wrong sums\n", op_qgemm_pathname(p),
            (long long)m, (long long)n, (long long)k, bad);

  for (int64_t j = 0; j < n; j++) {
    int64_t s = 0;
    for (int64_t t = 0; t < k; t++) s += w[j * k + t];
    wsum[j] = (int32_t)s;
    ws[j] = 0.001f * (float)(1 + j % 7);
    bias[j] = 0.5f - 0.1f * (float)(j % 11);
  }
  for (int64_t i = 0; i < m; i++) {
    as[i] = 0.01f * (float)(1 + i % 5);
    az[i] = (int32_t)(next() % 256);
  }
  for (int variant = 0; variant < 2; variant++) {
    /* variant 0: per-row, bias, row-major; 1: per-tensor, no bias, relu, transposed */
    op_qepilogue e = {out, variant ? 1 : n, variant ? m : 1, as, az, !variant, ws, wsum,
                      variant ? NULL : bias, variant};
    op_qgemm_f32(&e, a, kp, wp, m, n, k);
    double worst = 0;
    for (int64_t i = 0; i < m; i++)
      for (int64_t j = 0; j < n; j++) {
        int64_t ai = variant ? 0 : i;
        double v = (double)(ref_dot(a + i * kp, w + j * k, k) - (int64_t)az[ai] * wsum[j]) *
                   ((double)as[ai] * ws[j]);
        if (!variant) v += bias[j];
        if (variant && v < 0) v = 0;
        double got = out[variant ? j * m + i : i * n + j];
        double err = fabs(got - v) / (1.0 + fabs(v));
        worst = err > worst ? err : worst;
      }
    CHECK(worst < 2e-6);
    if (worst >= 2e-6) fprintf(stderr, "  epilogue %d: relative error %g\n", variant, worst);
  }
  free(a); free(w); free(wp); free(c); free(wsum); free(out); free(ws); free(bias);
  free(as); free(az);
}

static void check_pack(void) {
  int64_t n = 19, k = 7;
  int8_t w[19 * 7], back[19 * 7], wp[32 * 8];
  for (int i = 0; i < 19 * 7; i++) w[i] = (int8_t)(i * 37 - 100);
  op_qpack(wp, w, n, k, k);
  op_qunpack(back, k, wp, n, k);
  CHECK(memcmp(w, back, sizeof w) == 0);
  CHECK(op_qpad_k(7) == 8 && op_qpad_n(19) == 32 && op_qpad_k(8) == 8 && op_qpad_n(16) == 16);
  /* W[17][5] sits in block 1, group 1, column 1, byte 1 */
  CHECK(wp[((1 * 2 + 1) * 16 + 1) * 4 + 1] == w[17 * 7 + 5]);
  int zeros = 1; /* padding: columns 19..31 and input 7 */
  for (int64_t j = 0; j < 32; j++)
    for (int64_t t = 0; t < 8; t++)
      if (j >= 19 || t >= 7) zeros &= wp[(((j / 16) * 2 + t / 4) * 16 + j % 16) * 4 + t % 4] == 0;
  CHECK(zeros);
}

static void check_quantize(void) {
  /* dynamic: each row its own range, 0.0 exactly at the zero point, error <= scale / 2 */
  float x[3 * 10] = {0, 1, -1, 2.5f, -0.3f, 0.7f, 3, -2, 0.01f, 1.5f,
                     0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                     0.2f, 0.4f, 0.6f, 0.8f, 1.0f, 0, 0.1f, 0.3f, 0.5f, 0.9f};
  uint8_t q[3 * 12];
  float s[3];
  int32_t z[3];
  memset(q, 7, sizeof q);
  op_qquantize_rows(q, 12, x, 10, 3, 10, NULL, NULL, s, z);
  CHECK_NEAR(s[0], 5.0 / 255, 1e-7);
  CHECK(z[0] == 102); /* round(2 / (5 / 255)) */
  CHECK(q[0] == z[0] && q[10] == 0 && q[11] == 0);
  CHECK(q[6] == 255 && q[7] == 0);
  double worst = 0;
  for (int i = 0; i < 3; i++)
    for (int t = 0; t < 10; t++) {
      double e = fabs(((double)q[i * 12 + t] - z[i]) * s[i] - x[i * 10 + t]);
      worst = e / s[i] > worst ? e / s[i] : worst;
    }
  CHECK(worst <= 0.5 + 1e-4);
  CHECK(s[1] == 1.0f && z[1] == 0 && q[12] == 0); /* all zero: any scale, zero 0 */
  CHECK(z[2] == 0 && q[24 + 4] == 255);          /* nonnegative (after a ReLU): zero 0 */
  /* static: given range, saturation at both ends, ties to even, NaN to 0 */
  float y[6] = {-10, 10, 0.25f, 0.75f, 0, NAN}, sc = 0.5f;
  int32_t zz = 3;
  uint8_t qq[8];
  op_qquantize_rows(qq, 8, y, 6, 1, 6, &sc, &zz, NULL, NULL);
  CHECK(qq[0] == 0 && qq[1] == 23 && qq[2] == 4 && qq[3] == 4 && qq[4] == 3 && qq[5] == 0);
  CHECK(qq[6] == 0 && qq[7] == 0);
}

int main(void) {
  static const int64_t sizes[][3] = {{1, 1, 1},    {1, 10, 784}, {3, 17, 5},   {5, 33, 13},
                                     {4, 64, 64},  {7, 70, 131}, {2, 16, 4},   {9, 129, 3},
                                     {1, 256, 784}, {64, 128, 256}, {13, 80, 300}};
  int paths = 0;
  for (int p = OP_QPATH_SCALAR; p < OP_QPATH_COUNT; p++) {
    if (!op_qgemm_supported((op_qpath)p)) {
      printf("qgemm: path %s not on this CPU, skipped\n", op_qgemm_pathname((op_qpath)p));
      continue;
    }
    paths++;
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
      check_product((op_qpath)p, sizes[s][0], sizes[s][1], sizes[s][2], 0);
    /* 255 x 127 and 255 x -128 everywhere: every int16 pair sum would saturate; the
       longest k the kernels promise, on a short product */
    check_product((op_qpath)p, 3, 18, 4099, 1);
    check_product((op_qpath)p, 1, 2, OP_QGEMM_MAXK, 1);
  }
  CHECK(paths >= 2);
  CHECK(op_qgemm_setpath(OP_QPATH_AUTO) == 0);
  CHECK(op_qgemm_path() != OP_QPATH_AUTO);
  CHECK(op_qgemm_setpath((op_qpath)99) == -1 && strstr(dl_errmsg(), "unknown path"));
  CHECK(strcmp(op_qgemm_pathname(OP_QPATH_AVX2), "avx2") == 0);
  check_pack();
  for (int p = OP_QPATH_SCALAR; p < OP_QPATH_COUNT; p++) /* the 16-wide quantizer too */
    if (op_qgemm_supported((op_qpath)p) && op_qgemm_setpath((op_qpath)p) == 0) check_quantize();
  CHECK(op_qgemm_setpath(OP_QPATH_AUTO) == 0);
  return check_done("test_qgemm");
}
