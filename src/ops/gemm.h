/* dlua's own float32 GEMM and the one entry point every float GEMM of dlua goes through.

   op_sgemm_raw / op_dgemm_raw take cblas_?gemm's row-major contract on raw pointers:
   C (m x n, leading dimension ldc) = alpha op(A) op(B) + beta C, op(X) = X^T when the
   flag is nonzero. beta == 0 never reads C (NaN there does not leak) and alpha == 0 or
   k == 0 never reads A or B. They choose between dlua's packed GEMM (gemm.c, with the
   AVX-512 or AVX2 micro-kernel the CPU supports), OpenBLAS's gemm and OpenBLAS's gemv
   (one row or one column), by the setting below. float64 always goes to OpenBLAS.

   Threads: above a size threshold the work is split over OpenMP's pool, unless the
   caller is already inside an active parallel region (then it runs on the calling
   thread, as OpenBLAS does). */
#ifndef OP_GEMM_H
#define OP_GEMM_H

#include <stdint.h>

void op_sgemm_raw(int ta, int tb, int64_t m, int64_t n, int64_t k, float alpha, const float *a,
                  int64_t lda, const float *b, int64_t ldb, float beta, float *c, int64_t ldc);
void op_dgemm_raw(int ta, int tb, int64_t m, int64_t n, int64_t k, double alpha,
                  const double *a, int64_t lda, const double *b, int64_t ldb, double beta,
                  double *c, int64_t ldc);

/* The setting: "auto" (dlua's kernel for the float shapes where it beats OpenBLAS on an
   AVX-512 CPU, docs/gemm.md), "dlua" (always dlua's kernel for float32, when the CPU has
   one), "openblas" (always OpenBLAS). Read once from DLUA_GEMM (an unknown value there
   means auto), changed by op_gemm_setmode; a bad name gives "fn: ..." and -1. */
int op_gemm_setmode(const char *fn, const char *name);
const char *op_gemm_getmode(void);

/* The micro-kernel dlua's GEMM uses: "avx512", "avx2" or "none" (no AVX2+FMA: then every
   product goes to OpenBLAS). op_gemm_usekernel selects one the CPU supports (for tests
   and benchmarks); -1 with a message if it does not. */
const char *op_gemm_kernel(void);
int op_gemm_usekernel(const char *name);

/* dlua's packed GEMM itself, whatever the setting (the kernel must not be "none"). */
void op_sgemm_dlua(int ta, int tb, int64_t m, int64_t n, int64_t k, float alpha,
                   const float *a, int64_t lda, const float *b, int64_t ldb, float beta,
                   float *c, int64_t ldc);

#endif
