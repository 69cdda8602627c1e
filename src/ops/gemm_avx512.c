/* The AVX-512 micro-kernel of dlua's GEMM (gemm_kernel.h, the loop in gemm_tile.h): a
   6 x 64 tile of C held in 24 zmm accumulators (6 rows of 4 vectors of 16 floats). Each
   step p loads one row of B's panel (4 vectors), broadcasts the 6 values of A's column
   and issues 24 FMAs: 10 loads per 24 FMAs, and 24 independent accumulators cover the FMA
   latency on one or two FMA pipes. Every (rows, vectors) shape up to 6 x 4 is its own
   instance, so an edge tile costs what it holds; the last vector of a row is loaded and
   stored under a mask.

   Compiled for AVX-512 by the target attribute whatever CFLAGS say; op_gemm_avx512()
   returns it only when the CPU reports avx512f. */
#include "gemm_kernel.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

#define TARGET __attribute__((target("avx512f,avx2,fma")))
#define MR 6
#define NV 4

#define LANES 16
#define VEC __m512
#define MASK __mmask16
#define FULL ((__mmask16)0xFFFF)
#define ZERO() _mm512_setzero_ps()
#define SET1(x) _mm512_set1_ps(x)
#define BCAST(p) _mm512_set1_ps(*(p))
#define LOADU(p) _mm512_loadu_ps(p)
#define MASKLOAD(p, m) _mm512_maskz_loadu_ps(m, p)
#define MASKSTORE(p, m, v) _mm512_mask_storeu_ps(p, m, v)
#define FMA(a, b, c) _mm512_fmadd_ps(a, b, c)
#define MUL(a, b) _mm512_mul_ps(a, b)
#include "gemm_tile.h"

static TARGET void avx512_tile(int mr, int nr, int64_t kc, const float *a, int64_t rsa,
                               int64_t csa, const float *b, int64_t ldb, float *c, int64_t ldc,
                               float alpha, float beta) {
  int nv = (nr + 15) / 16, rem = nr - 16 * (nv - 1);
  __mmask16 last = (__mmask16)(rem == 16 ? 0xFFFF : (1u << rem) - 1);
  shapes[mr - 1][nv - 1](kc, a, rsa, csa, b, ldb, c, ldc, alpha, beta, last);
}

/* A transposed B into panels of 64 columns: each row p of a panel is 4 gathers of 16
   columns (stride csb apart), the last one masked. */
static TARGET void avx512_pack_bt(int64_t kc, int64_t nc, const float *b, int64_t csb,
                                  float *out) {
  const int NR = 16 * NV;
  __m512i lane = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  __m512i idx = _mm512_mullo_epi32(lane, _mm512_set1_epi32((int)csb));
  for (int64_t j0 = 0; j0 < nc; j0 += 16) {
    int64_t w = nc - j0 < 16 ? nc - j0 : 16;
    __mmask16 mk = (__mmask16)(w == 16 ? 0xFFFF : (1u << w) - 1);
    float *o = out + j0 / NR * NR * kc + j0 % NR;
    const float *s = b + j0 * csb;
    for (int64_t p = 0; p < kc; p++)
      _mm512_mask_storeu_ps(o + p * NR, mk,
                            _mm512_mask_i32gather_ps(_mm512_setzero_ps(), mk, idx, s + p, 4));
  }
}

static const op_gemm_ukernel avx512 = {"avx512", MR, 16 * NV, avx512_tile, avx512_pack_bt};

const op_gemm_ukernel *op_gemm_avx512(void) {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") ? &avx512 : NULL;
}
#else
const op_gemm_ukernel *op_gemm_avx512(void) { return NULL; }
#endif
