/* The AVX2 micro-kernel of dlua's GEMM (gemm_kernel.h, the loop in gemm_tile.h): a 6 x 16
   tile of C in 12 ymm accumulators (6 rows of 2 vectors of 8 floats), 2 loads of B and 6
   broadcasts of A per 12 FMAs, the classic Haswell shape. Edge shapes are instances of
   their own; the last vector of a row goes through maskload/maskstore, so columns past nr
   are not touched.

   Compiled for AVX2+FMA by the target attribute; op_gemm_avx2() returns it only when the
   CPU reports both. */
#include "gemm_kernel.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

#define TARGET __attribute__((target("avx2,fma")))
#define MR 6
#define NV 2

#define LANES 8
#define VEC __m256
#define MASK __m256i
#define FULL _mm256_set1_epi32(-1)
#define ZERO() _mm256_setzero_ps()
#define SET1(x) _mm256_set1_ps(x)
#define BCAST(p) _mm256_broadcast_ss(p)
#define LOADU(p) _mm256_loadu_ps(p)
#define MASKLOAD(p, m) _mm256_maskload_ps(p, m)
#define MASKSTORE(p, m, v) _mm256_maskstore_ps(p, m, v)
#define FMA(a, b, c) _mm256_fmadd_ps(a, b, c)
#define MUL(a, b) _mm256_mul_ps(a, b)
#include "gemm_tile.h"

static TARGET void avx2_tile(int mr, int nr, int64_t kc, const float *a, int64_t rsa,
                             int64_t csa, const float *b, int64_t ldb, float *c, int64_t ldc,
                             float alpha, float beta) {
  int nv = (nr + 7) / 8, rem = nr - 8 * (nv - 1);
  __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  __m256i last = _mm256_cmpgt_epi32(_mm256_set1_epi32(rem), lane);
  shapes[mr - 1][nv - 1](kc, a, rsa, csa, b, ldb, c, ldc, alpha, beta, last);
}

static const op_gemm_ukernel avx2 = {"avx2", MR, 8 * NV, avx2_tile, NULL};

const op_gemm_ukernel *op_gemm_avx2(void) {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") ? &avx2 : NULL;
}
#else
const op_gemm_ukernel *op_gemm_avx2(void) { return NULL; }
#endif
