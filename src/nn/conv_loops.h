/* The typed loops of conv.c, as plain functions. conv.c includes this file once per
   floating type, with T the element type and FN(name) the function's name for it
   (name_float, name_double). Besides T and FN it uses conv.c's conv_dims, valid_range
   and gemm_float / gemm_double (FN(gemm)), defined before the include. Arrays are
   contiguous; the image is n x c x h x w, the columns K x (n*P), K = c*kh*kw,
   P = oh*ow. */

/* cols[(ch*kh + ki)*kw + kj][b*P + oy*ow + ox] = img[b][ch][oy*dh - ph + ki*dilh][...],
   zero in the padding. Each (sample, plane) fills its own rows' segment. */
static void FN(im2col)(T *cols, const T *img, const conv_dims *d, const nn_conv_geom *g) {
  int64_t P = d->oh * d->ow, NP = d->n * P, kh = g->kh, kw = g->kw;
  int64_t n = d->n, c = d->c, h = d->h, w = d->w, oh = d->oh, ow = d->ow;
#pragma omp parallel for collapse(2) if (n * c * kh * kw * P > NN_GRAIN)
  for (int64_t b = 0; b < n; b++)
    for (int64_t ch = 0; ch < c; ch++) {
      const T *plane = img + (b * c + ch) * h * w;
      for (int64_t ki = 0; ki < kh; ki++)
        for (int64_t kj = 0; kj < kw; kj++) {
          T *dst = cols + ((ch * kh + ki) * kw + kj) * NP + b * P;
          int64_t lo, hi, xoff = kj * g->dilw - g->pw;
          valid_range(d, g, kj, &lo, &hi);
          for (int64_t oy = 0; oy < oh; oy++) {
            T *o = dst + oy * ow;
            int64_t iy = oy * g->dh - g->ph + ki * g->dilh;
            if (iy < 0 || iy >= h) {
              memset(o, 0, (size_t)ow * sizeof(T));
              continue;
            }
            const T *src = plane + iy * w + xoff;
            for (int64_t ox = 0; ox < lo; ox++) o[ox] = 0;
            if (g->dw == 1) /* short rows: a plain loop beats a memcpy call */
              for (int64_t ox = lo; ox < hi; ox++) o[ox] = src[ox];
            else
              for (int64_t ox = lo; ox < hi; ox++) o[ox] = src[ox * g->dw];
            for (int64_t ox = hi; ox < ow; ox++) o[ox] = 0;
          }
        }
    }
}

/* The adjoint of im2col: img (set, not accumulated) gets the sum of the columns that read
   each pixel. Each (sample, plane) owns its plane, so the planes run in parallel. */
static void FN(col2im)(T *img, const T *cols, const conv_dims *d, const nn_conv_geom *g) {
  int64_t P = d->oh * d->ow, NP = d->n * P, kh = g->kh, kw = g->kw;
  int64_t n = d->n, c = d->c, h = d->h, w = d->w, oh = d->oh, ow = d->ow;
#pragma omp parallel for collapse(2) if (n * c * kh * kw * P > NN_GRAIN)
  for (int64_t b = 0; b < n; b++)
    for (int64_t ch = 0; ch < c; ch++) {
      T *plane = img + (b * c + ch) * h * w;
      memset(plane, 0, (size_t)(h * w) * sizeof(T));
      for (int64_t ki = 0; ki < kh; ki++)
        for (int64_t kj = 0; kj < kw; kj++) {
          const T *src = cols + ((ch * kh + ki) * kw + kj) * NP + b * P;
          int64_t lo, hi, xoff = kj * g->dilw - g->pw, dw = g->dw;
          valid_range(d, g, kj, &lo, &hi);
          for (int64_t oy = 0; oy < oh; oy++) {
            int64_t iy = oy * g->dh - g->ph + ki * g->dilh;
            if (iy < 0 || iy >= h) continue;
            T *o = plane + iy * w + xoff;
            const T *s = src + oy * ow;
            if (dw == 1)
              for (int64_t ox = lo; ox < hi; ox++) o[ox] += s[ox];
            else
              for (int64_t ox = lo; ox < hi; ox++) o[ox * dw] += s[ox];
          }
        }
    }
}

/* dst (c x n*P) from src (n x c x P): the batch's planes side by side per channel. */
static void FN(gather)(T *dst, const T *src, int64_t n, int64_t c, int64_t P) {
#pragma omp parallel for collapse(2) if (n * c * P > NN_GRAIN)
  for (int64_t b = 0; b < n; b++)
    for (int64_t ch = 0; ch < c; ch++)
      memcpy(dst + ch * n * P + b * P, src + (b * c + ch) * P, (size_t)P * sizeof(T));
}

/* The inverse of gather, adding bias[ch] (bias may be NULL, bs its stride). */
static void FN(scatter)(T *dst, const T *src, int64_t n, int64_t c, int64_t P,
                        const T *bias, int64_t bs) {
#pragma omp parallel for collapse(2) if (n * c * P > NN_GRAIN)
  for (int64_t b = 0; b < n; b++)
    for (int64_t ch = 0; ch < c; ch++) {
      T *o = dst + (b * c + ch) * P;
      const T *s = src + ch * n * P + b * P;
      T bv = bias ? bias[ch * bs] : (T)0;
      for (int64_t p = 0; p < P; p++) o[p] = s[p] + bv;
    }
}

/* gb[ch * gs] += scale * (sum of the len values of row ch of m), rows of stride ld. */
static void FN(rowsum)(T *gb, int64_t gs, const T *m, int64_t rows, int64_t len,
                       int64_t ld, double scale) {
  for (int64_t r = 0; r < rows; r++) {
    double s = 0;
    const T *x = m + r * ld;
    for (int64_t i = 0; i < len; i++) s += x[i];
    gb[r * gs] += (T)(scale * s);
  }
}

/* x[b][ch][p] += bias[ch * bs]: the bias of a transposed convolution, after col2im. */
static void FN(addbias)(T *x, int64_t n, int64_t c, int64_t P, const T *bias,
                        int64_t bs) {
#pragma omp parallel for collapse(2) if (n * c * P > NN_GRAIN)
  for (int64_t b = 0; b < n; b++)
    for (int64_t ch = 0; ch < c; ch++) {
      T *o = x + (b * c + ch) * P, bv = bias[ch * bs];
      for (int64_t p = 0; p < P; p++) o[p] += bv;
    }
}

/* x[r][j] += v[j * vs] for the rows x len contiguous matrix x. */
static void FN(addrow)(T *x, int64_t rows, int64_t len, const T *v, int64_t vs) {
  for (int64_t r = 0; r < rows; r++)
    for (int64_t j = 0; j < len; j++) x[r * len + j] += v[j * vs];
}

/* g[j * gs] += scale * (sum over rows of m[r][j]) for the rows x len contiguous m. */
static void FN(colsum)(T *g, int64_t gs, const T *m, int64_t rows, int64_t len,
                       double scale) {
  for (int64_t j = 0; j < len; j++) {
    double s = 0;
    for (int64_t r = 0; r < rows; r++) s += m[r * len + j];
    g[j * gs] += (T)(scale * s);
  }
}

/* Each thread takes whole samples: its im2col columns (K x P, a few hundred KB) stay in
   its L2 cache for the GEMM that reads them, and the GEMM writes the output plane block
   directly. The GEMMs are single-threaded: OpenBLAS runs one thread inside an OpenMP
   region. buf holds nt blocks of K x P. */
static void FN(conv_fwd_ps)(T *out, T *buf, const T *x, const T *w, const T *bias,
                            int64_t bs, const conv_dims *d, const nn_conv_geom *g,
                            int64_t f, int nt) {
  int64_t K = d->c * g->kh * g->kw, P = d->oh * d->ow, chw = d->c * d->h * d->w;
  conv_dims d1 = *d;
  d1.n = 1;
#pragma omp parallel num_threads(nt)
  {
    T *cols = buf + (int64_t)omp_get_thread_num() * K * P;
#pragma omp for schedule(static)
    for (int64_t b = 0; b < d->n; b++) {
      T *o = out + b * f * P;
      FN(im2col)(cols, x + b * chw, &d1, g);
      if (bias)
        for (int64_t r = 0; r < f; r++)
          for (int64_t p = 0; p < P; p++) o[r * P + p] = bias[r * bs];
      FN(gemm)(CblasNoTrans, CblasNoTrans, f, P, K, 1.0, w, K, cols, P, bias ? 1.0 : 0.0,
               o, P);
    }
  }
}

static void FN(conv_bwdi_ps)(T *gi, T *buf, const T *go, const T *w, const conv_dims *d,
                             const nn_conv_geom *g, int64_t f, int nt) {
  int64_t K = d->c * g->kh * g->kw, P = d->oh * d->ow, chw = d->c * d->h * d->w;
  conv_dims d1 = *d;
  d1.n = 1;
#pragma omp parallel num_threads(nt)
  {
    T *cols = buf + (int64_t)omp_get_thread_num() * K * P;
#pragma omp for schedule(static)
    for (int64_t b = 0; b < d->n; b++) {
      FN(gemm)(CblasTrans, CblasNoTrans, K, P, f, 1.0, w, K, go + b * f * P, P, 0.0,
               cols, P);
      FN(col2im)(gi + b * chw, cols, &d1, g);
    }
  }
}

/* Each thread sums its samples' products into its own F x K block (and F bias sums),
   then the blocks are added into gradWeight in thread order. */
static void FN(conv_bwdp_ps)(T *gw, T *gb, int64_t gbs, T *buf, T *part, const T *x,
                             const T *go, const conv_dims *d, const nn_conv_geom *g,
                             int64_t f, int nt, double scale) {
  int64_t K = d->c * g->kh * g->kw, P = d->oh * d->ow, chw = d->c * d->h * d->w;
  int64_t blk = f * K + f;
  conv_dims d1 = *d;
  d1.n = 1;
#pragma omp parallel num_threads(nt)
  {
    int t = omp_get_thread_num();
    T *cols = buf + (int64_t)t * K * P, *pw = part + (int64_t)t * blk, *pb = pw + f * K;
    memset(pw, 0, (size_t)blk * sizeof(T));
#pragma omp for schedule(static)
    for (int64_t b = 0; b < d->n; b++) {
      const T *gob = go + b * f * P;
      FN(im2col)(cols, x + b * chw, &d1, g);
      FN(gemm)(CblasNoTrans, CblasTrans, f, K, P, 1.0, gob, P, cols, P, 1.0, pw, K);
      for (int64_t r = 0; r < f; r++) {
        T s = 0;
        for (int64_t p = 0; p < P; p++) s += gob[r * P + p];
        pb[r] += s;
      }
    }
  }
  for (int t = 0; t < nt; t++) {
    const T *pw = part + (int64_t)t * blk, *pb = pw + f * K;
    for (int64_t i = 0; i < f * K; i++) gw[i] += (T)(scale * pw[i]);
    if (gb)
      for (int64_t r = 0; r < f; r++) gb[r * gbs] += (T)(scale * pb[r]);
  }
}

/* x[b][t*dw*D + j] += buf[b][t][j]: overlapping windows add up. */
static void FN(unwindow)(T *x, const T *buf, int64_t n, int64_t t, int64_t dd,
                         int64_t ot, int64_t kw, int64_t dw) {
#pragma omp parallel for if (n * ot * kw * dd > NN_GRAIN)
  for (int64_t b = 0; b < n; b++) {
    T *xb = x + b * t * dd;
    const T *wb = buf + b * ot * kw * dd;
    memset(xb, 0, (size_t)(t * dd) * sizeof(T));
    for (int64_t s = 0; s < ot; s++)
      for (int64_t j = 0; j < kw * dd; j++) xb[s * dw * dd + j] += wb[s * kw * dd + j];
  }
}

/* ---- connection-table convolutions (SpatialConvolutionMap, SpatialFullConvolutionMap) ---
   conn holds nconn (input plane, output plane) pairs, 1-based, already checked; column
   sc names the source plane of a pass and dc its destination. Every sample has ns source
   planes of sh x sw and nd destination planes of dh_ x dw_; the kernel is kh x kw with
   stride dh x dw. Destination planes run in parallel: each sums the connections into it. */

/* correlate (spread = 0): dst[y][x] = bias + sum over the connections of
   src[y*dh + i][x*dw + j] w[k][i][j], dst the small grid; spread (1), its adjoint:
   dst[y*dh + i][x*dw + j] += src[y][x] w[k][i][j] from bias, dst the large grid. */
static void FN(map_pass)(T *dst, const T *src, const T *w, const int64_t *conn, int64_t nconn,
                         int sc, int dc, const map_dims *m, const T *bias, int64_t bs,
                         int spread) {
  int64_t S = m->sh * m->sw, Dp = m->dh_ * m->dw_, KK = m->kh * m->kw;
#pragma omp parallel for collapse(2) if (m->n * nconn * (S + Dp) * KK > NN_GRAIN)
  for (int64_t b = 0; b < m->n; b++)
    for (int64_t p = 0; p < m->nd; p++) {
      T *d = dst + (b * m->nd + p) * Dp;
      T bv = bias ? bias[p * bs] : (T)0;
      for (int64_t q = 0; q < Dp; q++) d[q] = bv;
      for (int64_t k = 0; k < nconn; k++) {
        if (conn[2 * k + dc] - 1 != p) continue;
        const T *sp = src + (b * m->ns + conn[2 * k + sc] - 1) * S, *wk = w + k * KK;
        if (spread) {
          for (int64_t y = 0; y < m->sh; y++)
            for (int64_t x = 0; x < m->sw; x++) {
              T v = sp[y * m->sw + x];
              for (int64_t i = 0; i < m->kh; i++) {
                T *row = d + (y * m->dh + i) * m->dw_ + x * m->dw;
                for (int64_t j = 0; j < m->kw; j++) row[j] += v * wk[i * m->kw + j];
              }
            }
          continue;
        }
        for (int64_t y = 0; y < m->dh_; y++)
          for (int64_t x = 0; x < m->dw_; x++) {
            double acc = 0;
            for (int64_t i = 0; i < m->kh; i++) {
              const T *row = sp + (y * m->dh + i) * m->sw + x * m->dw;
              for (int64_t j = 0; j < m->kw; j++) acc += row[j] * wk[i * m->kw + j];
            }
            d[y * m->dw_ + x] += (T)acc;
          }
      }
    }
}

/* gw[k][i][j] += scale * sum over samples and small positions of
   small[y][x] large[y*dh + i][x*dw + j]: here m's source is the large grid (column sc)
   and its destination the small one (column dc). Connections run in parallel. */
static void FN(map_wgrad)(T *gw, const T *small, const T *large, const int64_t *conn,
                          int64_t nconn, int sc, int dc, const map_dims *m, double scale) {
  int64_t S = m->sh * m->sw, Dp = m->dh_ * m->dw_, KK = m->kh * m->kw;
#pragma omp parallel for if (m->n * nconn * Dp * KK > NN_GRAIN)
  for (int64_t k = 0; k < nconn; k++)
    for (int64_t i = 0; i < m->kh; i++)
      for (int64_t j = 0; j < m->kw; j++) {
        double acc = 0;
        for (int64_t b = 0; b < m->n; b++) {
          const T *lp = large + (b * m->ns + conn[2 * k + sc] - 1) * S;
          const T *sp = small + (b * m->nd + conn[2 * k + dc] - 1) * Dp;
          for (int64_t y = 0; y < m->dh_; y++)
            for (int64_t x = 0; x < m->dw_; x++)
              acc += sp[y * m->dw_ + x] * lp[(y * m->dh + i) * m->sw + x * m->dw + j];
        }
        gw[k * KK + i * m->kw + j] += (T)(scale * acc);
      }
}

/* ---- locally connected convolution (SpatialConvolutionLocal) --------------------------
   An untied kernel per output position: w is P x f x K (position, output plane, column
   row), bias f x P, the columns K x (n*P) from im2col. Positions run in parallel. */

/* out[b][o][p] = bias[o][p] + sum_k w[p][o][k] cols[k][b*P + p] */
static void FN(local_forward)(T *out, const T *cols, const T *w, const T *bias, int64_t n,
                              int64_t f, int64_t K, int64_t P) {
  int64_t NP = n * P;
#pragma omp parallel for collapse(2) if (NP * f * K > NN_GRAIN)
  for (int64_t b = 0; b < n; b++)
    for (int64_t p = 0; p < P; p++)
      for (int64_t o = 0; o < f; o++) {
        const T *wp = w + (p * f + o) * K;
        double s = bias ? bias[o * P + p] : 0;
        for (int64_t k = 0; k < K; k++) s += wp[k] * cols[k * NP + b * P + p];
        out[(b * f + o) * P + p] = (T)s;
      }
}

/* gcols[k][b*P + p] = sum_o w[p][o][k] go[b][o][p], for col2im */
static void FN(local_backward_cols)(T *gcols, const T *go, const T *w, int64_t n, int64_t f,
                                    int64_t K, int64_t P) {
  int64_t NP = n * P;
#pragma omp parallel for collapse(2) if (NP * f * K > NN_GRAIN)
  for (int64_t b = 0; b < n; b++)
    for (int64_t p = 0; p < P; p++) {
      for (int64_t k = 0; k < K; k++) gcols[k * NP + b * P + p] = 0;
      for (int64_t o = 0; o < f; o++) {
        const T *wp = w + (p * f + o) * K;
        T g = go[(b * f + o) * P + p];
        for (int64_t k = 0; k < K; k++) gcols[k * NP + b * P + p] += wp[k] * g;
      }
    }
}

/* gw[p][o][k] += scale * sum_b go[b][o][p] cols[k][b*P + p]; gb[o][p] (may be NULL) +=
   scale * sum_b go[b][o][p] */
static void FN(local_wgrad)(T *gw, T *gb, const T *go, const T *cols, int64_t n, int64_t f,
                            int64_t K, int64_t P, double scale) {
  int64_t NP = n * P;
#pragma omp parallel for if (NP * f * K > NN_GRAIN)
  for (int64_t p = 0; p < P; p++)
    for (int64_t o = 0; o < f; o++) {
      T *gp = gw + (p * f + o) * K;
      double sb = 0;
      for (int64_t b = 0; b < n; b++) {
        T g = go[(b * f + o) * P + p];
        sb += g;
        for (int64_t k = 0; k < K; k++) gp[k] += (T)(scale * g * cols[k * NP + b * P + p]);
      }
      if (gb) gb[o * P + p] += (T)(scale * sb);
    }
}
