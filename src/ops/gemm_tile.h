/* The micro-kernel of dlua's GEMM written once (gemm_kernel.h's contract), included by
   gemm_avx512.c and gemm_avx2.c with their vector operations defined:
     TARGET             the target attribute of the instruction set
     MR, NV, LANES      the tile: MR rows of NV vectors of LANES floats
     VEC, MASK          the vector and the lane-mask types; FULL a mask of every lane
     ZERO() SET1(x) BCAST(p) LOADU(p) MASKLOAD(p, m) MASKSTORE(p, m, v) FMA(a, b, c) MUL(a, b)
   It defines tile(), one instance per (rows, vectors) shape up to MR x NV and the table
   shapes[rows - 1][vectors - 1] of them. The last vector of a row is loaded and stored
   under the mask `last`, so columns past the tile's are never touched. */

static inline __attribute__((always_inline)) TARGET void
tile(const int rows, const int nv, int64_t kc, const float *a, int64_t rsa, int64_t csa,
     const float *b, int64_t ldb, float *c, int64_t ldc, float alpha, float beta, MASK last) {
  VEC acc[MR][NV];
#pragma GCC unroll 6
  for (int i = 0; i < rows; i++)
#pragma GCC unroll 4
    for (int v = 0; v < nv; v++) acc[i][v] = ZERO();
  for (int64_t p = 0; p < kc; p++) {
    const float *bp = b + p * ldb, *ap = a + p * csa;
    /* B's rows 8 steps ahead: a panel streams from L2 (measured: 5% on 1024^3) */
#pragma GCC unroll 4
    for (int v = 0; v < nv; v++)
      _mm_prefetch((const char *)(bp + 8 * ldb + LANES * v), _MM_HINT_T0);
    VEC bv[NV];
#pragma GCC unroll 4
    for (int v = 0; v < nv; v++)
      bv[v] = v == nv - 1 ? MASKLOAD(bp + LANES * v, last) : LOADU(bp + LANES * v);
#pragma GCC unroll 6
    for (int i = 0; i < rows; i++) {
      VEC ai = BCAST(ap + i * rsa);
#pragma GCC unroll 4
      for (int v = 0; v < nv; v++) acc[i][v] = FMA(ai, bv[v], acc[i][v]);
    }
  }
  VEC va = SET1(alpha), vb = SET1(beta);
#pragma GCC unroll 6
  for (int i = 0; i < rows; i++) {
    float *ci = c + i * ldc;
#pragma GCC unroll 4
    for (int v = 0; v < nv; v++) {
      MASK mk = v == nv - 1 ? last : FULL;
      VEC r = MUL(va, acc[i][v]);
      if (beta != 0) r = FMA(vb, MASKLOAD(ci + LANES * v, mk), r);
      MASKSTORE(ci + LANES * v, mk, r);
    }
  }
}

/* one (rows, vectors) shape as a function of its own */
typedef void shape_fn(int64_t kc, const float *a, int64_t rsa, int64_t csa, const float *b,
                      int64_t ldb, float *c, int64_t ldc, float alpha, float beta, MASK last);
#define SHAPE(r, v)                                                                      \
  static TARGET void t##r##x##v(int64_t kc, const float *a, int64_t rsa, int64_t csa,     \
                                const float *b, int64_t ldb, float *c, int64_t ldc,       \
                                float alpha, float beta, MASK last) {                     \
    tile(r, v, kc, a, rsa, csa, b, ldb, c, ldc, alpha, beta, last);                       \
  }
#if NV == 4
#define ROW(r) SHAPE(r, 1) SHAPE(r, 2) SHAPE(r, 3) SHAPE(r, 4)
#define FNS(r) {t##r##x1, t##r##x2, t##r##x3, t##r##x4}
#else /* NV == 2 */
#define ROW(r) SHAPE(r, 1) SHAPE(r, 2)
#define FNS(r) {t##r##x1, t##r##x2}
#endif
ROW(1) ROW(2) ROW(3) ROW(4) ROW(5) ROW(6)
static shape_fn *const shapes[MR][NV] = {FNS(1), FNS(2), FNS(3), FNS(4), FNS(5), FNS(6)};
