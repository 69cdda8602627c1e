/* dlua's packed GEMM (src/ops/gemm.c) against a float64 reference and OpenBLAS: random
   shapes 1..600 in each dimension, every transpose, padded leading dimensions, unaligned
   pointers, alpha/beta including 0 (NaN in C with beta == 0 must not leak), the bytes
   around C untouched; exact results on small integer-valued matrices; the routing of
   op_sgemm_raw in each setting; threads and calls from inside a parallel region.
   GEMM_SHAPES sets the number of random shapes per kernel (fewer under ASan). */
#include <cblas.h>
#include <float.h>
#include <omp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "core/error.h"
#include "ops/gemm.h"

#if defined(__SANITIZE_ADDRESS__)
#define DEFAULT_SHAPES 150
#define LISTED_WORK (64 << 20) /* the 600^3 product's reference loop is too slow there */
#else
#define DEFAULT_SHAPES 1500
#define LISTED_WORK (1 << 30)
#endif

static uint64_t rng = 88172645463325252ull;
static uint64_t next(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng;
}
static int64_t irand(int64_t lo, int64_t hi) {
  return lo + (int64_t)(next() % (uint64_t)(hi - lo + 1));
}
static float frand(void) { return (float)((next() >> 11) * (1.0 / 9007199254740992.0) * 2 - 1); }

/* a dimension: small, medium or up to 600, a third of the time each */
static int64_t dim(void) {
  switch (next() % 3) {
  case 0: return irand(1, 16);
  case 1: return irand(1, 128);
  default: return irand(1, 600);
  }
}

typedef struct {
  int ta, tb;
  int64_t m, n, k, lda, ldb, ldc;
  float alpha, beta;
} shape;

/* element (i, p) of op(A) for a stored with lda */
static double opa(const shape *s, const float *a, int64_t i, int64_t p) {
  return s->ta ? a[p * s->lda + i] : a[i * s->lda + p];
}
static double opb(const shape *s, const float *b, int64_t p, int64_t j) {
  return s->tb ? b[j * s->ldb + p] : b[p * s->ldb + j];
}

static const float SENTINEL = 12345.0f;

/* runs one shape through fn (op_sgemm_dlua or op_sgemm_raw) and checks it against the
   float64 reference and OpenBLAS; ints != 0: integer-valued operands, exact results */
static int run_shape(const shape *s, int ints,
                     void (*fn)(int, int, int64_t, int64_t, int64_t, float, const float *,
                                int64_t, const float *, int64_t, float, float *, int64_t)) {
  int64_t ar = s->ta ? s->k : s->m, br = s->tb ? s->n : s->k;
  int64_t off = irand(0, 3); /* unaligned starts */
  size_t na = (size_t)(ar * s->lda + off), nb = (size_t)(br * s->ldb + off),
         nc = (size_t)(s->m * s->ldc + off);
  float *a = malloc(na * sizeof *a), *b = malloc(nb * sizeof *b), *c = malloc(nc * sizeof *c),
        *c0 = malloc(nc * sizeof *c), *cb = malloc(nc * sizeof *c);
  int ok = 1;
  for (size_t i = 0; i < na; i++) a[i] = ints ? (float)irand(-4, 4) : frand();
  for (size_t i = 0; i < nb; i++) b[i] = ints ? (float)irand(-4, 4) : frand();
  for (size_t i = 0; i < nc; i++) c0[i] = SENTINEL;
  for (int64_t i = 0; i < s->m; i++)
    for (int64_t j = 0; j < s->n; j++)
      c0[off + i * s->ldc + j] = s->beta == 0 ? NAN : ints ? (float)irand(-4, 4) : frand();
  memcpy(c, c0, nc * sizeof *c);
  memcpy(cb, c0, nc * sizeof *c);
  const float *A = a + off, *B = b + off;
  fn(s->ta, s->tb, s->m, s->n, s->k, s->alpha, A, s->lda, B, s->ldb, s->beta, c + off, s->ldc);
  cblas_sgemm(CblasRowMajor, s->ta ? CblasTrans : CblasNoTrans, s->tb ? CblasTrans : CblasNoTrans,
              (int)s->m, (int)s->n, (int)s->k, s->alpha, A, (int)s->lda, B, (int)s->ldb, s->beta,
              cb + off, (int)s->ldc);
  for (int64_t i = 0; i < s->m && ok; i++)
    for (int64_t j = 0; j < s->n && ok; j++) {
      double ref = 0, mag = 0;
      for (int64_t p = 0; p < s->k; p++) {
        double t = opa(s, A, i, p) * opb(s, B, p, j);
        ref += t;
        mag += fabs(t);
      }
      double cij = c0[off + i * s->ldc + j];
      ref = s->alpha * ref + (s->beta == 0 ? 0 : s->beta * cij);
      mag = fabs(s->alpha) * mag + (s->beta == 0 ? 0 : fabs(s->beta * cij));
      double got = c[off + i * s->ldc + j], blas = cb[off + i * s->ldc + j];
      double tol = ints ? 0 : (double)(s->k + 4) * FLT_EPSILON * mag;
      if (!(fabs(got - ref) <= tol) || !(fabs(got - blas) <= 2 * tol + (ints ? 0 : FLT_MIN))) {
        fprintf(stderr,
                "shape ta=%d tb=%d %lldx%lldx%lld lda=%lld ldb=%lld ldc=%lld off=%lld alpha=%g "
                "beta=%g: C[%lld][%lld] = %.9g, reference %.9g, OpenBLAS %.9g\n",
                s->ta, s->tb, (long long)s->m, (long long)s->n, (long long)s->k,
                (long long)s->lda, (long long)s->ldb, (long long)s->ldc, (long long)off,
                s->alpha, s->beta, (long long)i, (long long)j, got, ref, blas);
        ok = 0;
      }
    }
  /* the gaps of the leading dimension and the bytes before C are left alone */
  for (size_t i = 0; i < nc && ok; i++) {
    int64_t r = ((int64_t)i - off) / s->ldc, col = ((int64_t)i - off) % s->ldc;
    int inside = (int64_t)i >= off && r < s->m && col < s->n;
    if (!inside && c[i] != SENTINEL) {
      fprintf(stderr, "shape %lldx%lldx%lld: C written outside its elements at %zu\n",
              (long long)s->m, (long long)s->n, (long long)s->k, i);
      ok = 0;
    }
  }
  free(a);
  free(b);
  free(c);
  free(c0);
  free(cb);
  return ok;
}

static shape random_shape(void) {
  static const float alphas[] = {1, -0.5f, 2.25f, 1, 0.75f}, betas[] = {0, 1, 0.5f, -1, 0};
  shape s;
  s.ta = (int)(next() & 1);
  s.tb = (int)(next() & 1);
  s.m = dim(), s.n = dim(), s.k = dim();
  while (s.m * s.n * s.k > (8 << 20)) s.k = s.k / 2 + 1; /* keep the reference loop short */
  int64_t extra = next() % 4 == 0 ? irand(1, 17) : 0;
  s.lda = (s.ta ? s.m : s.k) + extra;
  s.ldb = (s.tb ? s.k : s.n) + (next() % 4 == 0 ? irand(1, 5) : 0);
  s.ldc = s.n + (next() % 4 == 0 ? irand(1, 9) : 0);
  s.alpha = alphas[next() % 5];
  s.beta = betas[next() % 5];
  return s;
}

static void random_shapes(int count, int ints) {
  int fails = 0;
  for (int t = 0; t < count; t++) {
    shape s = random_shape();
    if (ints) s.alpha = 1, s.beta = s.beta == 0 ? 0 : 1;
    if (!run_shape(&s, ints, op_sgemm_dlua) && ++fails > 5) break;
  }
  CHECK(fails == 0);
}

/* The shapes deep learning produces and the blocking edges, every transpose. */
static void listed_shapes(void) {
  static const int64_t dims[][3] = {
      {64, 256, 784}, {64, 784, 256}, {256, 784, 64}, {784, 256, 64}, {64, 10, 128},
      {64, 128, 256}, {32, 784, 9},   {9, 32, 784},   {1, 256, 784},  {256, 1, 784},
      {1, 1, 1000},   {6, 64, 256},   {7, 65, 257},   {5, 63, 255},   {241, 513, 513},
      {12, 1030, 3},  {600, 600, 600}};
  int fails = 0;
  for (size_t d = 0; d < sizeof dims / sizeof dims[0]; d++)
    for (int t = 0; t < 4 && dims[d][0] * dims[d][1] * dims[d][2] <= LISTED_WORK; t++) {
      shape s = {t & 1, t >> 1, dims[d][0], dims[d][1], dims[d][2], 0, 0, 0, 1, 0};
      s.lda = s.ta ? s.m : s.k;
      s.ldb = s.tb ? s.k : s.n;
      s.ldc = s.n;
      s.beta = d % 2 ? 0.5f : 0;
      if (!run_shape(&s, 0, op_sgemm_dlua)) fails++;
    }
  CHECK(fails == 0);
}

/* op_sgemm_raw in each setting, the gemv routes (one row, one column) included, and the
   products that read neither A nor B (k == 0, alpha == 0: NaN in A stays out). */
static void routing(void) {
  static const char *modes[] = {"auto", "dlua", "openblas"};
  int fails = 0;
  for (int md = 0; md < 3; md++) {
    CHECK(op_gemm_setmode("test", modes[md]) == 0);
    CHECK(strcmp(op_gemm_getmode(), modes[md]) == 0);
    static const int64_t dims[][3] = {
        {1, 256, 784}, {1, 7, 3}, {300, 1, 50}, {1, 1, 9}, {64, 256, 784}};
    for (size_t d = 0; d < 5; d++)
      for (int t = 0; t < 4; t++) {
        shape s = {t & 1, t >> 1, dims[d][0], dims[d][1], dims[d][2], 0, 0, 0, 1.5f, 0};
        s.lda = (s.ta ? s.m : s.k) + 2;
        s.ldb = (s.tb ? s.k : s.n) + 1;
        s.ldc = s.n + 3;
        s.beta = t == 2 ? 0.25f : 0;
        if (!run_shape(&s, 0, op_sgemm_raw)) fails++;
      }
    float a[4] = {NAN, NAN, NAN, NAN}, b[4] = {1, 2, 3, 4}, c[4] = {NAN, 1, 2, 3};
    op_sgemm_raw(0, 0, 2, 2, 2, 0, a, 2, b, 2, 0, c, 2); /* alpha 0, beta 0: zeros */
    CHECK(c[0] == 0 && c[1] == 0 && c[2] == 0 && c[3] == 0);
    float d[4] = {1, 2, 3, 4};
    op_sgemm_raw(0, 0, 2, 2, 0, 1, a, 1, b, 2, 2, d, 2); /* k 0: beta C */
    CHECK(d[0] == 2 && d[1] == 4 && d[2] == 6 && d[3] == 8);
  }
  CHECK(fails == 0);
  CHECK(op_gemm_setmode("torch.setgemm", "fast") == -1);
  CHECK(strstr(dl_errmsg(), "torch.setgemm: unknown GEMM 'fast'") != NULL);
  CHECK(strcmp(op_gemm_getmode(), "openblas") == 0); /* unchanged by the bad name */
  CHECK(op_gemm_setmode("test", "auto") == 0);
}

/* Two threads splitting one product, and products from inside a parallel region (each
   thread its own, run on that thread). */
static void threads(void) {
  int fails = 0;
  omp_set_num_threads(2);
  shape big = {0, 0, 300, 520, 200, 200, 520, 520, 1, 0};
  if (!run_shape(&big, 0, op_sgemm_dlua)) fails++;
  shape tall = {1, 1, 601, 40, 130, 601, 130, 40, -1, 1};
  if (!run_shape(&tall, 0, op_sgemm_dlua)) fails++;
  shape dots = {0, 1, 9, 300, 500, 503, 500, 301, 2, 0.5f}; /* few rows: the dot products */
  if (!run_shape(&dots, 0, op_sgemm_dlua)) fails++;
  enum { N = 96, K = 77 };
  static float a[2][N * K], b[2][K * N], c[2][N * N];
  for (int t = 0; t < 2; t++)
    for (int i = 0; i < N * K; i++) {
      a[t][i] = (float)((i + t) % 7 - 3);
      b[t][i] = (float)(i % 5 - 2);
    }
#pragma omp parallel for num_threads(2)
  for (int t = 0; t < 2; t++)
    op_sgemm_dlua(0, 0, N, N, K, 1, a[t], K, b[t], N, 0, c[t], N);
  for (int t = 0; t < 2; t++)
    for (int i = 0; i < N && !fails; i++)
      for (int j = 0; j < N; j++) {
        double r = 0;
        for (int p = 0; p < K; p++) r += (double)a[t][i * K + p] * b[t][p * N + j];
        if (c[t][i * N + j] != r) {
          fails++;
          break;
        }
      }
  CHECK(fails == 0);
  omp_set_num_threads(1);
}

int main(void) {
  const char *env = getenv("GEMM_SHAPES");
  int count = env ? atoi(env) : DEFAULT_SHAPES;
  static const char *kernels[] = {"avx512", "avx2"};
  const char *native = op_gemm_kernel();
  printf("test_gemm: kernel %s, %d random shapes per kernel\n", native, count);
  omp_set_num_threads(1);
  for (int i = 0; i < 2; i++) {
    if (op_gemm_usekernel(kernels[i]) < 0) {
      printf("test_gemm: no %s kernel on this CPU, skipped\n", kernels[i]);
      continue;
    }
    CHECK(strcmp(op_gemm_kernel(), kernels[i]) == 0);
    listed_shapes();
    random_shapes(count, 0);
    random_shapes(count / 5, 1);
    threads();
  }
  if (strcmp(native, "none") != 0) CHECK(op_gemm_usekernel(native) == 0);
  CHECK(op_gemm_usekernel("sse9") == -1);
  routing();
  return check_done("test_gemm");
}
