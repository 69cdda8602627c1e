/* dlua's own GEMM beside OpenBLAS's on one shape (issue 17).
   Usage: bench_gemm M K N [transposes] [repeats]; transposes is "nn", "nt", "tn" or "tt"
   (op(A) is M x K, op(B) K x N). Prints three lines,
     openblas MxKxN/tt GFLOP/s     cblas_sgemm
     dlua     MxKxN/tt GFLOP/s     dlua's packed GEMM (op_sgemm_dlua)
     auto     MxKxN/tt GFLOP/s     what dlua's products use by default (op_sgemm_raw)
   each the best of the repeats (batches of calls lasting >= 2 ms). BENCH_CPU=1 times with
   process CPU time instead of the wall clock (for a loaded machine, one thread);
   BENCH_KERNEL=avx2 measures dlua's AVX2 micro-kernel on an AVX-512 CPU. */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ops/gemm.h"

static clockid_t clk = CLOCK_MONOTONIC;
static double now(void) {
  struct timespec ts;
  clock_gettime(clk, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: %s M K N [nn|nt|tn|tt] [repeats]\n", argv[0]);
    return 2;
  }
  int m = atoi(argv[1]), k = atoi(argv[2]), n = atoi(argv[3]);
  const char *tt = argc > 4 ? argv[4] : "nn";
  int reps = argc > 5 ? atoi(argv[5]) : 10;
  int ta = tt[0] == 't', tb = tt[1] == 't';
  if (getenv("BENCH_CPU") && atoi(getenv("BENCH_CPU"))) clk = CLOCK_PROCESS_CPUTIME_ID;
  if (getenv("BENCH_KERNEL") && op_gemm_usekernel(getenv("BENCH_KERNEL")) < 0) {
    fprintf(stderr, "bench_gemm: no %s kernel on this CPU\n", getenv("BENCH_KERNEL"));
    return 1;
  }
  int lda = ta ? m : k, ldb = tb ? k : n;
  float *a = malloc(sizeof(float) * m * k), *b = malloc(sizeof(float) * k * n),
        *c = malloc(sizeof(float) * m * n);
  if (!a || !b || !c) return 1;
  for (int i = 0; i < m * k; i++) a[i] = (float)(i % 7) / 7;
  for (int i = 0; i < k * n; i++) b[i] = (float)(i % 5) / 5;
  double flops = 2.0 * m * n * k;
  int batch = (int)(2e-3 * 50e9 / flops) + 1; /* about 2 ms at 50 GFLOP/s */
  static const char *names[] = {"openblas", "dlua", "auto"};
  for (int impl = 0; impl < 3; impl++) {
    double best = 1e30;
    for (int r = 0; r <= reps; r++) { /* the first round warms up */
      double t0 = now();
      for (int i = 0; i < batch; i++) {
        if (impl == 0)
          cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans,
                      m, n, k, 1, a, lda, b, ldb, 0, c, n);
        else if (impl == 1)
          op_sgemm_dlua(ta, tb, m, n, k, 1, a, lda, b, ldb, 0, c, n);
        else
          op_sgemm_raw(ta, tb, m, n, k, 1, a, lda, b, ldb, 0, c, n);
      }
      double dt = (now() - t0) / batch;
      if (r > 0 && dt < best) best = dt;
    }
    printf("%-8s %dx%dx%d/%s %.2f GFLOP/s\n", names[impl], m, k, n, tt,
           flops / best / 1e9);
  }
  free(a);
  free(b);
  free(c);
  return 0;
}
