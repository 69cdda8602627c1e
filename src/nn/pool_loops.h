/* The typed loops of pool.c, as plain functions. pool.c includes this file once per
   floating type, with T the element type and FN(name) the function's name for it
   (name_float, name_double). Besides T and FN it uses pool.c's pool_window and
   avg_window, defined before the include. Arrays are contiguous: planes of h x w inputs
   and oh x ow outputs; indices are 1-based positions inside a plane. A maximum is the
   first of equal values, and NaN beats any number (a later NaN an earlier one). */

/* Max pooling. The 2x2 stride-2 unpadded case, the one every small CNN uses, runs
   without window bounds. */
static void FN(maxpool2d_forward)(T *y, int64_t *ix, const T *x, int64_t planes, int64_t h,
                                  int64_t w, int64_t oh, int64_t ow, const nn_pool_geom *g) {
  int fast = g->kh == 2 && g->kw == 2 && g->dh == 2 && g->dw == 2 && g->ph == 0 &&
             g->pw == 0 && 2 * oh <= h && 2 * ow <= w;
#pragma omp parallel for if (planes * h * w > NN_GRAIN)
  for (int64_t pl = 0; pl < planes; pl++) {
    const T *xp = x + pl * h * w;
    T *yp = y + pl * oh * ow;
    int64_t *ip = ix + pl * oh * ow;
    for (int64_t oy = 0; oy < oh; oy++) {
      if (fast) {
        const T *r0 = xp + 2 * oy * w, *r1 = r0 + w;
        for (int64_t ox = 0; ox < ow; ox++) {
          int64_t j = 2 * ox, best = 2 * oy * w + j;
          T m = r0[j];
          if (r0[j + 1] > m || isnan(r0[j + 1])) m = r0[j + 1], best = 2 * oy * w + j + 1;
          if (r1[j] > m || isnan(r1[j])) m = r1[j], best = (2 * oy + 1) * w + j;
          if (r1[j + 1] > m || isnan(r1[j + 1])) m = r1[j + 1], best = (2 * oy + 1) * w + j + 1;
          yp[oy * ow + ox] = m;
          ip[oy * ow + ox] = best + 1;
        }
        continue;
      }
      int64_t hs = oy * g->dh - g->ph, he = hs + g->kh;
      if (he > h) he = h;
      if (hs < 0) hs = 0;
      for (int64_t ox = 0; ox < ow; ox++) {
        int64_t ws = ox * g->dw - g->pw, we = ws + g->kw;
        if (we > w) we = w;
        if (ws < 0) ws = 0;
        int64_t best = hs * w + ws;
        T m = xp[best];
        for (int64_t iy = hs; iy < he; iy++)
          for (int64_t jx = ws; jx < we; jx++) {
            T v = xp[iy * w + jx];
            if (v > m || isnan(v)) m = v, best = iy * w + jx;
          }
        yp[oy * ow + ox] = m;
        ip[oy * ow + ox] = best + 1;
      }
    }
  }
}

/* gi[plane][idx - 1] += go[plane][o] over planes of isz inputs and osz outputs (2D and
   adaptive max pooling); indices already checked. */
static void FN(index_backward)(T *gi, const T *go, const int64_t *ix, int64_t planes,
                               int64_t isz, int64_t osz) {
#pragma omp parallel for if (planes * isz > NN_GRAIN)
  for (int64_t pl = 0; pl < planes; pl++) {
    T *gp = gi + pl * isz;
    const T *g = go + pl * osz;
    const int64_t *ip = ix + pl * osz;
    memset(gp, 0, (size_t)isz * sizeof(T));
    for (int64_t o = 0; o < osz; o++) gp[ip[o] - 1] += g[o];
  }
}

/* Average pooling; cip: count_include_pad. Sums are kept in double. */
static void FN(avgpool2d_forward)(T *y, const T *x, int64_t planes, int64_t h, int64_t w,
                                  int64_t oh, int64_t ow, const nn_pool_geom *g, int cip) {
#pragma omp parallel for if (planes * h * w > NN_GRAIN)
  for (int64_t pl = 0; pl < planes; pl++) {
    const T *xp = x + pl * h * w;
    for (int64_t oy = 0; oy < oh; oy++)
      for (int64_t ox = 0; ox < ow; ox++) {
        pool_window r = avg_window(g, h, w, oy, ox, cip);
        double s = 0;
        for (int64_t iy = r.hs; iy < r.he; iy++)
          for (int64_t jx = r.ws; jx < r.we; jx++) s += xp[iy * w + jx];
        y[(pl * oh + oy) * ow + ox] = (T)(s / r.div);
      }
  }
}

static void FN(avgpool2d_backward)(T *gi, const T *go, int64_t planes, int64_t h, int64_t w,
                                   int64_t oh, int64_t ow, const nn_pool_geom *g, int cip) {
#pragma omp parallel for if (planes * h * w > NN_GRAIN)
  for (int64_t pl = 0; pl < planes; pl++) {
    T *gp = gi + pl * h * w;
    memset(gp, 0, (size_t)(h * w) * sizeof(T));
    for (int64_t oy = 0; oy < oh; oy++)
      for (int64_t ox = 0; ox < ow; ox++) {
        pool_window r = avg_window(g, h, w, oy, ox, cip);
        T v = (T)(go[(pl * oh + oy) * ow + ox] / r.div);
        for (int64_t iy = r.hs; iy < r.he; iy++)
          for (int64_t jx = r.ws; jx < r.we; jx++) gp[iy * w + jx] += v;
      }
  }
}

/* Adaptive pooling: bin i spans [floor(i*h/oh), ceil((i+1)*h/oh)). The maximum and its
   index when ix is given, the mean otherwise. */
static void FN(adaptive_pool2d_forward)(T *y, int64_t *ix, const T *x, int64_t planes,
                                        int64_t h, int64_t w, int64_t oh, int64_t ow) {
#pragma omp parallel for if (planes * h * w > NN_GRAIN)
  for (int64_t pl = 0; pl < planes; pl++) {
    const T *xp = x + pl * h * w;
    for (int64_t oy = 0; oy < oh; oy++) {
      int64_t hs = oy * h / oh, he = ((oy + 1) * h + oh - 1) / oh;
      for (int64_t ox = 0; ox < ow; ox++) {
        int64_t ws = ox * w / ow, we = ((ox + 1) * w + ow - 1) / ow;
        int64_t o = (pl * oh + oy) * ow + ox, best = hs * w + ws;
        if (ix) {
          T m = xp[best];
          for (int64_t iy = hs; iy < he; iy++)
            for (int64_t jx = ws; jx < we; jx++) {
              T v = xp[iy * w + jx];
              if (v > m || isnan(v)) m = v, best = iy * w + jx;
            }
          y[o] = m;
          ix[o] = best + 1;
        } else {
          double s = 0;
          for (int64_t iy = hs; iy < he; iy++)
            for (int64_t jx = ws; jx < we; jx++) s += xp[iy * w + jx];
          y[o] = (T)(s / (double)((he - hs) * (we - ws)));
        }
      }
    }
  }
}

static void FN(adaptive_avg_backward)(T *gi, const T *go, int64_t planes, int64_t h,
                                      int64_t w, int64_t oh, int64_t ow) {
#pragma omp parallel for if (planes * h * w > NN_GRAIN)
  for (int64_t pl = 0; pl < planes; pl++) {
    T *gp = gi + pl * h * w;
    memset(gp, 0, (size_t)(h * w) * sizeof(T));
    for (int64_t oy = 0; oy < oh; oy++) {
      int64_t hs = oy * h / oh, he = ((oy + 1) * h + oh - 1) / oh;
      for (int64_t ox = 0; ox < ow; ox++) {
        int64_t ws = ox * w / ow, we = ((ox + 1) * w + ow - 1) / ow;
        T v = (T)(go[(pl * oh + oy) * ow + ox] / (double)((he - hs) * (we - ws)));
        for (int64_t iy = hs; iy < he; iy++)
          for (int64_t jx = ws; jx < we; jx++) gp[iy * w + jx] += v;
      }
    }
  }
}

/* Temporal max pooling of n samples of t frames of d features over windows of kw frames,
   dw apart: ot output frames; indices are 1-based frames inside the window. */
static void FN(temporal_maxpool_forward)(T *y, int64_t *ix, const T *x, int64_t n, int64_t t,
                                         int64_t d, int64_t ot, int64_t kw, int64_t dw) {
  for (int64_t b = 0; b < n; b++)
    for (int64_t s = 0; s < ot; s++) {
      const T *xw = x + (b * t + s * dw) * d;
      T *ys = y + (b * ot + s) * d;
      int64_t *is = ix + (b * ot + s) * d;
      for (int64_t j = 0; j < d; j++) {
        T m = xw[j];
        int64_t best = 0;
        for (int64_t k = 1; k < kw; k++) {
          T v = xw[k * d + j];
          if (v > m || isnan(v)) m = v, best = k;
        }
        ys[j] = m;
        is[j] = best + 1;
      }
    }
}

static void FN(temporal_maxpool_backward)(T *gi, const T *go, const int64_t *ix, int64_t n,
                                          int64_t t, int64_t d, int64_t ot, int64_t dw) {
  memset(gi, 0, (size_t)(n * t * d) * sizeof(T));
  for (int64_t b = 0; b < n; b++)
    for (int64_t s = 0; s < ot; s++)
      for (int64_t j = 0; j < d; j++) {
        int64_t o = (b * ot + s) * d + j;
        gi[(b * t + s * dw + ix[o] - 1) * d + j] += go[o];
      }
}
