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
             g->pw == 0 && g->dilh <= 1 && g->dilw <= 1 && 2 * oh <= h && 2 * ow <= w;
  int64_t dh = g->dilh > 1 ? g->dilh : 1, dw = g->dilw > 1 ? g->dilw : 1;
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
      /* taps i0 <= i < i1 (rows hs + i * dh) lie inside the input */
      int64_t hs = oy * g->dh - g->ph, i0, i1;
      tap_range(hs, g->kh, dh, h, &i0, &i1);
      for (int64_t ox = 0; ox < ow; ox++) {
        int64_t ws = ox * g->dw - g->pw, j0, j1;
        tap_range(ws, g->kw, dw, w, &j0, &j1);
        int64_t best = (hs + i0 * dh) * w + ws + j0 * dw;
        T m = xp[best];
        for (int64_t i = i0; i < i1; i++)
          for (int64_t j = j0; j < j1; j++) {
            int64_t at = (hs + i * dh) * w + ws + j * dw;
            T v = xp[at];
            if (v > m || isnan(v)) m = v, best = at;
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

/* Lp pooling across the F features of b batches of r positions each (x b x F x r, y
   b x of x r): y = (sum of width x^p, stride apart)^(1/p). */
static void FN(feature_lppool_forward)(T *y, const T *x, int64_t nb, int64_t f, int64_t r,
                                       int64_t of, int64_t width, int64_t stride, double p) {
#pragma omp parallel for if (nb * of * r * width > NN_GRAIN)
  for (int64_t b = 0; b < nb; b++)
    for (int64_t o = 0; o < of; o++)
      for (int64_t i = 0; i < r; i++) {
        double s = 0;
        for (int64_t k = 0; k < width; k++) s += pow((double)x[(b * f + o * stride + k) * r + i], p);
        y[(b * of + o) * r + i] = (T)pow(s, 1.0 / p);
      }
}

/* gi (zeroed here) += go * (x / y)^(p - 1) over each window; zero outputs pass nothing.
   Windows overlap along the features, so only the batches run in parallel. */
static void FN(feature_lppool_backward)(T *gi, const T *go, const T *x, const T *y,
                                        int64_t nb, int64_t f, int64_t r, int64_t of,
                                        int64_t width, int64_t stride, double p) {
#pragma omp parallel for if (nb * of * r * width > NN_GRAIN)
  for (int64_t b = 0; b < nb; b++) {
    memset(gi + b * f * r, 0, (size_t)(f * r) * sizeof(T));
    for (int64_t o = 0; o < of; o++)
      for (int64_t i = 0; i < r; i++) {
        double yv = y[(b * of + o) * r + i], gv = go[(b * of + o) * r + i];
        if (yv == 0) continue;
        for (int64_t k = 0; k < width; k++) {
          int64_t at = (b * f + o * stride + k) * r + i;
          gi[at] += (T)(gv * pow((double)x[at] / yv, p - 1));
        }
      }
  }
}

/* Fractional max pooling (Graham's, as Torch7): planes of t x h x w (t = 1 in 2D) into
   ot x oh x ow maxima of k[0] x k[1] x k[2] windows whose starts follow a pseudo-random
   sequence fixed by the plane's samples u (in [0, 1); for w then h in 2D, for t, w, h
   in 3D, Torch7's orders): start(i) = floor((i + u) a) - floor(u a), a = (n - k) / (o - 1), the
   last window ending at the edge. The arithmetic is in T, as Torch7's. */
static int64_t FN(frac_start)(int64_t i, int64_t o, int64_t n, int64_t k, T u) {
  if (i == o - 1) return n - k;
  T a = (T)(n - k) / (T)(o - 1);
  return (int64_t)((T)i * a + u * a) - (int64_t)(u * a);
}

static void FN(fracmax_forward)(T *y, int64_t *ix, const T *x, const T *u, int64_t planes,
                                int nsp, const int64_t in[3], const int64_t out[3],
                                const int64_t k[3]) {
  int64_t V = in[0] * in[1] * in[2], P = out[0] * out[1] * out[2];
#pragma omp parallel for if (planes * P * k[0] * k[1] * k[2] > NN_GRAIN)
  for (int64_t pl = 0; pl < planes; pl++) {
    const T *xp = x + pl * V, *up = u + pl * nsp;
    /* Torch7's orders: W, H in 2D; T, W, H in 3D */
    T ut = nsp == 3 ? up[0] : (T)0, uw = up[nsp == 3], uh = up[1 + (nsp == 3)];
    for (int64_t z = 0; z < out[0]; z++) {
      int64_t zs = FN(frac_start)(z, out[0], in[0], k[0], ut);
      for (int64_t v = 0; v < out[1]; v++) {
        int64_t ys = FN(frac_start)(v, out[1], in[1], k[1], uh);
        for (int64_t w = 0; w < out[2]; w++) {
          int64_t xs = FN(frac_start)(w, out[2], in[2], k[2], uw);
          int64_t best = (zs * in[1] + ys) * in[2] + xs;
          T m = xp[best];
          for (int64_t a = zs; a < zs + k[0]; a++)
            for (int64_t b = ys; b < ys + k[1]; b++)
              for (int64_t c = xs; c < xs + k[2]; c++) {
                int64_t at = (a * in[1] + b) * in[2] + c;
                if (xp[at] > m || isnan(xp[at])) m = xp[at], best = at;
              }
          int64_t o = pl * P + (z * out[1] + v) * out[2] + w;
          y[o] = m;
          ix[o] = best + 1;
        }
      }
    }
  }
}
