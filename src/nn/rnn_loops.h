/* The typed loops of rnn.c, as plain functions. rnn.c includes this file once per
   floating type through float_loops.h, with T the element type and FN(name) the function's
   name for it (name_float, name_double); GEMM is op_sgemm_raw or op_dgemm_raw (gemm.h),
   EXP and TANH the exponential and tanh for T (vectorisable ones for float). Every
   pointer is to contiguous data whose sizes rnn.c has checked; NULL h0/c0/mask/gradHT/gradCT mean
   zeros (or no mask). Sizes fit BLAS's int (checked there too).

   The gate loops over j carry `omp simd`: GCC 12 at -O2 vectorises a loop of unknown trip
   count only when told to.

   Per step, the recurrent GEMM accumulates into the gates the input GEMM filled, and one
   pass over the batch applies the nonlinearities: the gates are read once from memory. */

/* row-major C (m x n) = alpha op(A) op(B) + beta C */
static void FN(gemm)(int ta, int tb, int64_t m, int64_t n, int64_t k, double alpha,
                     const T *a, int64_t lda, const T *b, int64_t ldb, double beta, T *c,
                     int64_t ldc) {
  if (m == 0 || n == 0) return;
  GEMM(ta, tb, m, n, k, (T)alpha, a, lda, b, ldb, (T)beta, c, ldc);
}

static inline T FN(sigm)(T v) { return (T)1 / ((T)1 + EXP(-v)); }

/* One LSTM step after its GEMMs: g (B rows of 4H pre-activations, without the bias)
   becomes the activated i, f, g, o, and c, h (B x H) the new states, from the previous
   cell cp (NULL: zeros). The int8 kernels (rnn.c) share it. */
static void FN(lstm_gates)(T *g, T *c, T *h, const T *cp, const T *bias, const uint8_t *m,
                           int64_t B, int64_t H) {
  const int64_t G = 4 * H, BH = B * H;
  if (!cp) { /* a zero c0: read from this step's cell row, zeroed (each j before its write) */
    for (int64_t k = 0; k < BH; k++) c[k] = 0;
    cp = c;
  }
#pragma omp parallel for if (BH >= NN_GRAIN)
  for (int64_t b = 0; b < B; b++) {
    T *gr = g + b * G, *cr = c + b * H, *hr = h + b * H;
    const T *cpr = cp + b * H;
    if (m && m[b]) {
      for (int64_t j = 0; j < H; j++) cr[j] = hr[j] = 0;
      continue;
    }
    #pragma omp simd
    for (int64_t j = 0; j < H; j++) {
      T i = FN(sigm)(gr[j] + bias[j]), f = FN(sigm)(gr[H + j] + bias[H + j]);
      T gg = TANH(gr[2 * H + j] + bias[2 * H + j]), o = FN(sigm)(gr[3 * H + j] + bias[3 * H + j]);
      T cv = i * gg + f * cpr[j];
      gr[j] = i, gr[H + j] = f, gr[2 * H + j] = gg, gr[3 * H + j] = o;
      cr[j] = cv;
      hr[j] = o * TANH(cv);
    }
  }
}

static void FN(lstm_forward)(T *out, T *cell, T *gates, const T *x, const T *h0, const T *c0,
                             const T *w, const T *bias, const uint8_t *mask, int64_t steps,
                             int64_t B, int64_t D, int64_t H) {
  const int64_t G = 4 * H, ldw = D + H, BH = B * H;
  FN(gemm)(0, 1, steps * B, G, D, 1, x, D, w, ldw, 0, gates, G);
  for (int64_t t = 0; t < steps; t++) {
    const T *hp = t ? out + (t - 1) * BH : h0, *cp = t ? cell + (t - 1) * BH : c0;
    T *g = gates + t * B * G;
    if (hp) FN(gemm)(0, 1, B, G, H, 1, hp, H, w + D, ldw, 1, g, G);
    FN(lstm_gates)(g, cell + t * BH, out + t * BH, cp, bias, mask ? mask + t * B : NULL, B, H);
  }
}

/* The carried gradients live in gh0 and gc0 during the loop: after step t they are the
   gradients w.r.t. h_{t-1} and c_{t-1}, so after step 0 they are the answer. */
static void FN(lstm_backward)(T *gx, T *gh0, T *gc0, T *dg, const T *c0, const T *w,
                              const T *cell, const T *gates, const T *gout, const T *ghT,
                              const T *gcT, const uint8_t *mask, int64_t steps, int64_t B,
                              int64_t D, int64_t H) {
  const int64_t G = 4 * H, ldw = D + H, BH = B * H;
  for (int64_t k = 0; k < BH; k++) {
    gh0[k] = ghT ? ghT[k] : 0;
    gc0[k] = gcT ? gcT[k] : 0;
  }
  for (int64_t t = steps - 1; t >= 0; t--) {
    /* no c0: f's gradient is multiplied by 0 (the cell row read instead is finite) */
    const T *c = cell + t * BH, *cp = t ? cell + (t - 1) * BH : c0 ? c0 : c;
    const T *g = gates + t * B * G, cs = t || c0 ? 1 : 0;
    const T *go = gout + t * BH;
    const uint8_t *m = mask ? mask + t * B : NULL;
    T *d = dg + t * B * G;
#pragma omp parallel for if (BH >= NN_GRAIN)
    for (int64_t b = 0; b < B; b++) {
      const T *gr = g + b * G, *cr = c + b * H, *gor = go + b * H;
      const T *cpr = cp + b * H;
      T *dr = d + b * G, *chr = gh0 + b * H, *ccr = gc0 + b * H;
      if (m && m[b]) {
        for (int64_t j = 0; j < G; j++) dr[j] = 0;
        for (int64_t j = 0; j < H; j++) ccr[j] = 0;
        continue;
      }
      #pragma omp simd
      for (int64_t j = 0; j < H; j++) {
        T i = gr[j], f = gr[H + j], gg = gr[2 * H + j], o = gr[3 * H + j];
        T tc = TANH(cr[j]), dh = gor[j] + chr[j];
        T dc = ccr[j] + dh * o * (1 - tc * tc);
        dr[j] = dc * gg * i * (1 - i);
        dr[H + j] = cs * dc * cpr[j] * f * (1 - f);
        dr[2 * H + j] = dc * i * (1 - gg * gg);
        dr[3 * H + j] = dh * tc * o * (1 - o);
        ccr[j] = dc * f;
      }
    }
    FN(gemm)(0, 0, B, H, G, 1, d, G, w + D, ldw, 0, gh0, H);
  }
  FN(gemm)(0, 0, steps * B, D, G, 1, dg, G, w, ldw, 0, gx, D);
}

/* gb[j] += scale * sum over rows of d[r * ld + j]. Rows are read in order, a block of
   columns at a time, into double sums: walking down a column would touch a cache line per
   element. */
static void FN(colsum)(T *gb, const T *d, int64_t rows, int64_t n, int64_t ld, double scale) {
  enum { BLOCK = 256 };
  const int64_t nblocks = (n + BLOCK - 1) / BLOCK;
#pragma omp parallel for if (rows * n >= NN_GRAIN)
  for (int64_t k = 0; k < nblocks; k++) {
    const int64_t j0 = k * BLOCK, w = n - j0 < BLOCK ? n - j0 : BLOCK;
    double acc[BLOCK] = {0};
    for (int64_t r = 0; r < rows; r++) {
      const T *dr = d + r * ld + j0;
#pragma omp simd
      for (int64_t j = 0; j < w; j++) acc[j] += dr[j];
    }
    for (int64_t j = 0; j < w; j++) gb[j0 + j] += (T)(scale * acc[j]);
  }
}

/* The weight gradient of the recurrent half: the inputs of step t's recurrent GEMM are
   h_{t-1}, which is out[t-1] for t > 0 (one GEMM over T-1 steps) and h0 for t = 0. */
static void FN(recurrent_params)(T *gw, const T *d, int64_t ldd, const T *h0, const T *out,
                                 int64_t steps, int64_t B, int64_t D, int64_t H, int64_t G,
                                 double scale) {
  const int64_t ldw = D + H;
  if (steps > 1)
    FN(gemm)(1, 0, G, H, (steps - 1) * B, scale, d + B * ldd, ldd, out, H, 1, gw + D, ldw);
  if (h0) FN(gemm)(1, 0, G, H, B, scale, d, ldd, h0, H, 1, gw + D, ldw);
}

static void FN(lstm_params)(T *gw, T *gb, const T *x, const T *h0, const T *out, const T *dg,
                            int64_t steps, int64_t B, int64_t D, int64_t H, double scale) {
  const int64_t G = 4 * H;
  FN(gemm)(1, 0, G, D, steps * B, scale, dg, G, x, D, 1, gw, D + H);
  FN(recurrent_params)(gw, dg, G, h0, out, steps, B, D, H, G, scale);
  if (gb) FN(colsum)(gb, dg, steps * B, G, G, scale);
}

/* One GRU step after its GEMMs: g (B rows of 4H, the first 3H the input side W_i x,
   without bias) becomes r, z, n and W_hn h + b_hn, h (B x H) the new state, from work
   (B x 3H, the recurrent side W_h h_{t-1}, without bias) and the previous state hp (NULL:
   zeros, and work is not read). The int8 kernels (rnn.c) share it. */
static void FN(gru_gates)(T *g, T *h, T *work, const T *hp, const T *bias, const uint8_t *m,
                          int64_t B, int64_t H) {
  const int64_t G = 3 * H, L = 4 * H, BH = B * H;
  const T *bi = bias, *bh = bias + G;
  if (!hp) { /* a zero h0: read from this step's output row, zeroed */
    for (int64_t k = 0; k < B * G; k++) work[k] = 0;
    for (int64_t k = 0; k < BH; k++) h[k] = 0;
    hp = h;
  }
#pragma omp parallel for if (BH >= NN_GRAIN)
  for (int64_t b = 0; b < B; b++) {
    T *gr = g + b * L, *hr = h + b * H;
    const T *wr = work + b * G, *hpr = hp + b * H;
    if (m && m[b]) {
      for (int64_t j = 0; j < H; j++) hr[j] = 0;
      continue;
    }
    #pragma omp simd
    for (int64_t j = 0; j < H; j++) {
      T r = FN(sigm)(gr[j] + bi[j] + wr[j] + bh[j]);
      T z = FN(sigm)(gr[H + j] + bi[H + j] + wr[H + j] + bh[H + j]);
      T hn = wr[2 * H + j] + bh[2 * H + j];
      T n = TANH(gr[2 * H + j] + bi[2 * H + j] + r * hn);
      gr[j] = r, gr[H + j] = z, gr[2 * H + j] = n, gr[3 * H + j] = hn;
      hr[j] = (1 - z) * n + z * hpr[j];
    }
  }
}

static void FN(gru_forward)(T *out, T *gates, T *work, const T *x, const T *h0, const T *w,
                            const T *bias, const uint8_t *mask, int64_t steps, int64_t B,
                            int64_t D, int64_t H) {
  const int64_t G = 3 * H, L = 4 * H, ldw = D + H, BH = B * H;
  FN(gemm)(0, 1, steps * B, G, D, 1, x, D, w, ldw, 0, gates, L);
  for (int64_t t = 0; t < steps; t++) {
    const T *hp = t ? out + (t - 1) * BH : h0;
    if (hp) FN(gemm)(0, 1, B, G, H, 1, hp, H, w + D, ldw, 0, work, G);
    FN(gru_gates)(gates + t * B * L, out + t * BH, work, hp, bias, mask ? mask + t * B : NULL,
                  B, H);
  }
}

/* dg rows are [input side (3H) | recurrent side (3H)]: they differ only in n's, where the
   recurrent side is scaled by r. */
static void FN(gru_backward)(T *gx, T *gh0, T *dg, const T *h0, const T *w, const T *out,
                             const T *gates, const T *gout, const T *ghT, const uint8_t *mask,
                             int64_t steps, int64_t B, int64_t D, int64_t H) {
  const int64_t G = 3 * H, L = 4 * H, E = 6 * H, ldw = D + H, BH = B * H;
  for (int64_t k = 0; k < BH; k++) gh0[k] = ghT ? ghT[k] : 0;
  for (int64_t t = steps - 1; t >= 0; t--) {
    /* no h0: z's gradient reads the output row, multiplied by 0 */
    const T *hp = t ? out + (t - 1) * BH : h0 ? h0 : out, hs = t || h0 ? 1 : 0;
    const T *g = gates + t * B * L, *go = gout + t * BH;
    const uint8_t *m = mask ? mask + t * B : NULL;
    T *d = dg + t * B * E;
#pragma omp parallel for if (BH >= NN_GRAIN)
    for (int64_t b = 0; b < B; b++) {
      const T *gr = g + b * L, *gor = go + b * H, *hpr = hp + b * H;
      T *dr = d + b * E, *chr = gh0 + b * H;
      if (m && m[b]) {
        for (int64_t j = 0; j < E; j++) dr[j] = 0;
        for (int64_t j = 0; j < H; j++) chr[j] = 0;
        continue;
      }
      #pragma omp simd
      for (int64_t j = 0; j < H; j++) {
        T r = gr[j], z = gr[H + j], n = gr[2 * H + j], hn = gr[3 * H + j];
        T dh = gor[j] + chr[j], hpv = hs * hpr[j];
        T dn = dh * (1 - z) * (1 - n * n);
        T dz = dh * (hpv - n) * z * (1 - z);
        T drv = dn * hn * r * (1 - r);
        dr[j] = dr[G + j] = drv;
        dr[H + j] = dr[G + H + j] = dz;
        dr[2 * H + j] = dn;
        dr[G + 2 * H + j] = dn * r;
        chr[j] = dh * z;
      }
    }
    FN(gemm)(0, 0, B, H, G, 1, d + G, E, w + D, ldw, 1, gh0, H);
  }
  FN(gemm)(0, 0, steps * B, D, G, 1, dg, E, w, ldw, 0, gx, D);
}

static void FN(gru_params)(T *gw, T *gb, const T *x, const T *h0, const T *out, const T *dg,
                           int64_t steps, int64_t B, int64_t D, int64_t H, double scale) {
  const int64_t G = 3 * H, E = 6 * H;
  FN(gemm)(1, 0, G, D, steps * B, scale, dg, E, x, D, 1, gw, D + H);
  FN(recurrent_params)(gw, dg + G, E, h0, out, steps, B, D, H, G, scale);
  if (gb) FN(colsum)(gb, dg, steps * B, E, E, scale);
}
