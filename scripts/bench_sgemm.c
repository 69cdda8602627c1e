/* Raw cblas_sgemm on the benchmark's shapes: the ceiling dlua's mm is measured against.
   Usage: bench_sgemm M K N [repeats]; prints "sgemm MxK*KxN GFLOP/s". */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: %s M K N [repeats]\n", argv[0]);
    return 2;
  }
  int m = atoi(argv[1]), k = atoi(argv[2]), n = atoi(argv[3]);
  int reps = argc > 4 ? atoi(argv[4]) : 10;
  float *a = malloc(sizeof(float) * m * k), *b = malloc(sizeof(float) * k * n),
        *c = malloc(sizeof(float) * m * n);
  if (!a || !b || !c) return 1;
  for (int i = 0; i < m * k; i++) a[i] = (float)(i % 7) / 7;
  for (int i = 0; i < k * n; i++) b[i] = (float)(i % 5) / 5;
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1, a, k, b, n, 0, c, n);
  double best = 1e30;
  for (int r = 0; r < reps; r++) {
    double t0 = now();
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1, a, k, b, n, 0, c, n);
    double dt = now() - t0;
    if (dt < best) best = dt;
  }
  printf("sgemm %dx%d*%dx%d %.2f GFLOP/s\n", m, k, k, n, 2.0 * m * n * k / best / 1e9);
  free(a);
  free(b);
  free(c);
  return 0;
}
