/* The depthwise loops, once per floating type T (see float_loops.h). x is one input plane
   h x w, y one output plane oh x ow; the columns an output row reads for kernel column kj
   are j * dw - pw + kj, in range for j in [jlo, jhi), so the inner loop has no branch. */

static void FN(dw_cols)(int64_t *jlo, int64_t *jhi, int64_t kj, int64_t w, int64_t ow,
                        const nn_conv_geom *g) {
  int64_t lo = 0, hi = ow;
  while (lo < ow && lo * g->dw - g->pw + kj < 0) lo++;
  while (hi > lo && (hi - 1) * g->dw - g->pw + kj >= w) hi--;
  *jlo = lo, *jhi = hi;
}

/* y = bias + the plane x convolved with kernel k (kh x kw). */
static void FN(dw_plane_forward)(T *y, const T *x, const T *k, T bias, int64_t h, int64_t w,
                                 int64_t oh, int64_t ow, const nn_conv_geom *g) {
  for (int64_t i = 0; i < oh; i++) {
    T *yr = y + i * ow;
    for (int64_t j = 0; j < ow; j++) yr[j] = bias;
    for (int64_t ki = 0; ki < g->kh; ki++) {
      int64_t r = i * g->dh - g->ph + ki;
      if (r < 0 || r >= h) continue;
      const T *xr = x + r * w;
      for (int64_t kj = 0; kj < g->kw; kj++) {
        int64_t lo, hi, off = kj - g->pw;
        FN(dw_cols)(&lo, &hi, kj, w, ow, g);
        T kv = k[ki * g->kw + kj];
        if (g->dw == 1) {
          #pragma omp simd
          for (int64_t j = lo; j < hi; j++) yr[j] += kv * xr[j + off];
        } else {
          for (int64_t j = lo; j < hi; j++) yr[j] += kv * xr[j * g->dw + off];
        }
      }
    }
  }
}

/* gx += the plane gy (oh x ow) spread back through kernel k: the input gradient. */
static void FN(dw_plane_backward_input)(T *gx, const T *gy, const T *k, int64_t h, int64_t w,
                                        int64_t oh, int64_t ow, const nn_conv_geom *g) {
  for (int64_t i = 0; i < oh; i++) {
    const T *gr = gy + i * ow;
    for (int64_t ki = 0; ki < g->kh; ki++) {
      int64_t r = i * g->dh - g->ph + ki;
      if (r < 0 || r >= h) continue;
      T *xr = gx + r * w;
      for (int64_t kj = 0; kj < g->kw; kj++) {
        int64_t lo, hi, off = kj - g->pw;
        FN(dw_cols)(&lo, &hi, kj, w, ow, g);
        T kv = k[ki * g->kw + kj];
        if (g->dw == 1) {
          #pragma omp simd
          for (int64_t j = lo; j < hi; j++) xr[j + off] += kv * gr[j];
        } else {
          for (int64_t j = lo; j < hi; j++) xr[j * g->dw + off] += kv * gr[j];
        }
      }
    }
  }
}

/* gk += scale * the correlation of gy with the plane x; returns scale * sum(gy) for the bias.
   Tap by tap, each sums over the whole plane in a vector of partial sums (blocks of
   DW_BLOCK columns), reduced once per tap rather than once per row. */
#ifndef DW_BLOCK
#define DW_BLOCK 256
#endif
static double FN(dw_plane_backward_params)(T *gk, const T *x, const T *gy, int64_t h, int64_t w,
                                           int64_t oh, int64_t ow, double scale,
                                           const nn_conv_geom *g) {
  T bsum = 0;
  #pragma omp simd reduction(+ : bsum)
  for (int64_t i = 0; i < oh * ow; i++) bsum += gy[i];
  T acc[DW_BLOCK];
  for (int64_t ki = 0; ki < g->kh; ki++)
    for (int64_t kj = 0; kj < g->kw; kj++) {
      int64_t lo, hi, off = kj - g->pw;
      FN(dw_cols)(&lo, &hi, kj, w, ow, g);
      double s = 0;
      for (int64_t j0 = lo; j0 < hi; j0 += DW_BLOCK) {
        int64_t jn = hi - j0 < DW_BLOCK ? hi - j0 : DW_BLOCK;
        for (int64_t jj = 0; jj < jn; jj++) acc[jj] = 0;
        for (int64_t i = 0; i < oh; i++) {
          int64_t r = i * g->dh - g->ph + ki;
          if (r < 0 || r >= h) continue;
          const T *gr = gy + i * ow + j0, *xr = x + r * w + j0 * g->dw + off;
          if (g->dw == 1) {
            #pragma omp simd
            for (int64_t jj = 0; jj < jn; jj++) acc[jj] += gr[jj] * xr[jj];
          } else {
            for (int64_t jj = 0; jj < jn; jj++) acc[jj] += gr[jj] * xr[jj * g->dw];
          }
        }
        for (int64_t jj = 0; jj < jn; jj++) s += acc[jj];
      }
      gk[ki * g->kw + kj] += (T)(scale * s);
    }
  return scale * bsum;
}

/* The batch: n samples of c planes, m kernels per plane. weight is m x c x kh x kw. */
static void FN(dw_forward)(T *y, const T *x, const T *wt, const T *b, int64_t n, int64_t c,
                           int64_t m, int64_t h, int64_t w, int64_t oh, int64_t ow,
                           const nn_conv_geom *g) {
  int64_t K = g->kh * g->kw, P = oh * ow;
#pragma omp parallel for collapse(2) if (n * c * m * P * K >= NN_GRAIN)
  for (int64_t s = 0; s < n; s++)
    for (int64_t p = 0; p < c; p++)
      for (int64_t o = 0; o < m; o++)
        FN(dw_plane_forward)(y + ((s * c + p) * m + o) * P, x + (s * c + p) * h * w,
                             wt + (o * c + p) * K, b ? b[o * c + p] : (T)0, h, w, oh, ow, g);
}

static void FN(dw_backward_input)(T *gx, const T *gy, const T *wt, int64_t n, int64_t c,
                                  int64_t m, int64_t h, int64_t w, int64_t oh, int64_t ow,
                                  const nn_conv_geom *g) {
  int64_t K = g->kh * g->kw, P = oh * ow;
  /* each input plane is written by its own iteration only */
#pragma omp parallel for collapse(2) if (n * c * m * P * K >= NN_GRAIN)
  for (int64_t s = 0; s < n; s++)
    for (int64_t p = 0; p < c; p++) {
      T *gxp = gx + (s * c + p) * h * w;
      memset(gxp, 0, (size_t)(h * w) * sizeof(T));
      for (int64_t o = 0; o < m; o++)
        FN(dw_plane_backward_input)(gxp, gy + ((s * c + p) * m + o) * P, wt + (o * c + p) * K,
                                    h, w, oh, ow, g);
    }
}

static void FN(dw_backward_params)(T *gw, T *gb, const T *x, const T *gy, int64_t n, int64_t c,
                                   int64_t m, int64_t h, int64_t w, int64_t oh, int64_t ow,
                                   double scale, const nn_conv_geom *g) {
  int64_t K = g->kh * g->kw, P = oh * ow;
  /* each (kernel, plane) pair's gradient is summed over the batch by one iteration */
#pragma omp parallel for collapse(2) if (n * c * m * P * K >= NN_GRAIN)
  for (int64_t o = 0; o < m; o++)
    for (int64_t p = 0; p < c; p++) {
      double bsum = 0;
      for (int64_t s = 0; s < n; s++)
        bsum += FN(dw_plane_backward_params)(gw + (o * c + p) * K, x + (s * c + p) * h * w,
                                             gy + ((s * c + p) * m + o) * P, h, w, oh, ow,
                                             scale, g);
      if (gb) gb[o * c + p] += (T)bsum;
    }
}
