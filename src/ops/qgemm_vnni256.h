/* The AVX-VNNI tile of qgemm.c, included once per encoding with QG_TARGET (the target
   attribute), QG_DPBUSD (the 256-bit vpdpbusd intrinsic) and QG_NAME(x) (the suffix).
   A 16-column block is two ymm (8 columns each), one block at a time: 4 rows x 2 = 8
   accumulators of the 16 registers. */
__attribute__((target(QG_TARGET), always_inline)) static inline void
QG_NAME(tilevnni_body)(int32_t *t, const uint8_t *a, int64_t lda, const int8_t *wp,
                       int64_t kp, const int MR) {
  __m256i acc[TILE_M][2];
  #pragma GCC unroll 4
  for (int r = 0; r < MR; r++) acc[r][0] = acc[r][1] = _mm256_setzero_si256();
  for (int64_t g = 0; g < kp / 4; g++) {
    __m256i w0 = _mm256_loadu_si256((const __m256i *)(wp + g * 64));
    __m256i w1 = _mm256_loadu_si256((const __m256i *)(wp + g * 64 + 32));
    #pragma GCC unroll 4
    for (int r = 0; r < MR; r++) {
      int32_t x4;
      memcpy(&x4, a + r * lda + g * 4, 4);
      __m256i x = _mm256_set1_epi32(x4);
      acc[r][0] = QG_DPBUSD(acc[r][0], x, w0);
      acc[r][1] = QG_DPBUSD(acc[r][1], x, w1);
    }
  }
  #pragma GCC unroll 4
  for (int r = 0; r < MR; r++) {
    _mm256_storeu_si256((__m256i *)(t + r * TILE_N), acc[r][0]);
    _mm256_storeu_si256((__m256i *)(t + r * TILE_N + 8), acc[r][1]);
  }
}

__attribute__((target(QG_TARGET))) static void
QG_NAME(tile_avxvnni)(int32_t *t, const uint8_t *a, int64_t lda, const int8_t *wp, int64_t kp,
                      int mr, int nb) {
  for (int b = 0; b < nb; b++) {
    const int8_t *w = wp + b * kp * 16;
    int32_t *tb = t + b * 16;
    switch (mr) {
    case 1: QG_NAME(tilevnni_body)(tb, a, lda, w, kp, 1); break;
    case 2: QG_NAME(tilevnni_body)(tb, a, lda, w, kp, 2); break;
    case 3: QG_NAME(tilevnni_body)(tb, a, lda, w, kp, 3); break;
    default: QG_NAME(tilevnni_body)(tb, a, lda, w, kp, 4); break;
    }
  }
}

#undef QG_TARGET
#undef QG_DPBUSD
#undef QG_NAME
