/* The typed loops of volumetric.c, as plain functions. volumetric.c includes this file
   once per floating type, with T the element type and FN(name) the function's name for
   it (name_float, name_double). Besides T and FN it uses volumetric.c's vol_dims and
   nn_vol_geom. Arrays are contiguous; a sample is c x t x h x w, its columns K x P with
   K = c*kt*kh*kw, P = ot*oh*ow. */

/* cols[((ch*kt + a)*kh + i)*kw + j][(z*oh + y)*ow + x] = vol[ch][z*dt - pt + a*dilt]
   [y*dh - ph + i*dilh][x*dw - pw + j*dilw], zero in the padding. Rows in parallel. */
static void FN(vol2col)(T *cols, const T *vol, const vol_dims *d, const nn_vol_geom *g) {
  int64_t K = d->c * g->kt * g->kh * g->kw, P = d->ot * d->oh * d->ow;
#pragma omp parallel for if (K * P > NN_GRAIN)
  for (int64_t r = 0; r < K; r++) {
    int64_t j = r % g->kw, i = (r / g->kw) % g->kh, a = (r / (g->kw * g->kh)) % g->kt;
    int64_t ch = r / (g->kw * g->kh * g->kt);
    const T *src = vol + ch * d->t * d->h * d->w;
    T *o = cols + r * P;
    for (int64_t z = 0; z < d->ot; z++) {
      int64_t iz = z * g->dt - g->pt + a * g->dilt;
      for (int64_t y = 0; y < d->oh; y++, o += d->ow) {
        int64_t iy = y * g->dh - g->ph + i * g->dilh;
        if (iz < 0 || iz >= d->t || iy < 0 || iy >= d->h) {
          memset(o, 0, (size_t)d->ow * sizeof(T));
          continue;
        }
        const T *row = src + (iz * d->h + iy) * d->w;
        for (int64_t x = 0; x < d->ow; x++) {
          int64_t ix = x * g->dw - g->pw + j * g->dilw;
          o[x] = ix >= 0 && ix < d->w ? row[ix] : (T)0;
        }
      }
    }
  }
}

/* The adjoint of vol2col: vol (set, not accumulated) gets the sum of the columns that
   read each voxel. Each plane owns its volume, so the planes run in parallel. */
static void FN(col2vol)(T *vol, const T *cols, const vol_dims *d, const nn_vol_geom *g) {
  int64_t P = d->ot * d->oh * d->ow, kk = g->kt * g->kh * g->kw, V = d->t * d->h * d->w;
#pragma omp parallel for if (d->c * kk * P > NN_GRAIN)
  for (int64_t ch = 0; ch < d->c; ch++) {
    T *dst = vol + ch * V;
    memset(dst, 0, (size_t)V * sizeof(T));
    for (int64_t q = 0; q < kk; q++) {
      int64_t j = q % g->kw, i = (q / g->kw) % g->kh, a = q / (g->kw * g->kh);
      const T *s = cols + (ch * kk + q) * P;
      for (int64_t z = 0; z < d->ot; z++) {
        int64_t iz = z * g->dt - g->pt + a * g->dilt;
        for (int64_t y = 0; y < d->oh; y++, s += d->ow) {
          int64_t iy = y * g->dh - g->ph + i * g->dilh;
          if (iz < 0 || iz >= d->t || iy < 0 || iy >= d->h) continue;
          T *row = dst + (iz * d->h + iy) * d->w;
          for (int64_t x = 0; x < d->ow; x++) {
            int64_t ix = x * g->dw - g->pw + j * g->dilw;
            if (ix >= 0 && ix < d->w) row[ix] += s[x];
          }
        }
      }
    }
  }
}

/* x[ch][p] += bias[ch * bs] for the c x len block x. */
static void FN(vol_addbias)(T *x, int64_t c, int64_t len, const T *bias, int64_t bs) {
  for (int64_t ch = 0; ch < c; ch++)
    for (int64_t p = 0; p < len; p++) x[ch * len + p] += bias[ch * bs];
}

/* gb[ch * gs] += scale * (sum of row ch) for the c x len block m. */
static void FN(vol_rowsum)(T *gb, int64_t gs, const T *m, int64_t c, int64_t len,
                           double scale) {
  for (int64_t ch = 0; ch < c; ch++) {
    double s = 0;
    for (int64_t p = 0; p < len; p++) s += m[ch * len + p];
    gb[ch * gs] += (T)(scale * s);
  }
}

/* planes volumes of t x h x w into ot x oh x ow maxima and their 1-based positions. */
static void FN(vol_maxpool_forward)(T *y, int64_t *ix, const T *x, int64_t planes,
                                    const vol_dims *d, const nn_vol_geom *g) {
  int64_t V = d->t * d->h * d->w, P = d->ot * d->oh * d->ow;
#pragma omp parallel for if (planes * P * g->kt * g->kh * g->kw > NN_GRAIN)
  for (int64_t pl = 0; pl < planes; pl++) {
    const T *xp = x + pl * V;
    T *yp = y + pl * P;
    int64_t *ip = ix + pl * P;
    for (int64_t z = 0; z < d->ot; z++)
      for (int64_t u = 0; u < d->oh; u++)
        for (int64_t v = 0; v < d->ow; v++) {
          T m = 0;
          int64_t best = -1;
          for (int64_t a = 0; a < g->kt; a++) {
            int64_t iz = z * g->dt - g->pt + a * g->dilt;
            if (iz < 0 || iz >= d->t) continue;
            for (int64_t i = 0; i < g->kh; i++) {
              int64_t iy = u * g->dh - g->ph + i * g->dilh;
              if (iy < 0 || iy >= d->h) continue;
              for (int64_t j = 0; j < g->kw; j++) {
                int64_t jx = v * g->dw - g->pw + j * g->dilw;
                if (jx < 0 || jx >= d->w) continue;
                int64_t at = (iz * d->h + iy) * d->w + jx;
                T e = xp[at];
                if (best < 0 || e > m || isnan(e)) m = e, best = at;
              }
            }
          }
          int64_t o = (z * d->oh + u) * d->ow + v;
          yp[o] = m;
          ip[o] = best + 1;
        }
  }
}

/* Average pooling of planes volumes; backward (y is then gradOut, x gradIn, zeroed here)
   spreads each output's gradient over its window. */
static void FN(vol_avgpool)(T *y, T *x, int64_t planes, const vol_dims *d,
                            const nn_vol_geom *g, int cip, int backward) {
  int64_t V = d->t * d->h * d->w, P = d->ot * d->oh * d->ow;
#pragma omp parallel for if (planes * P * g->kt * g->kh * g->kw > NN_GRAIN)
  for (int64_t pl = 0; pl < planes; pl++) {
    T *xp = x + pl * V, *yp = y + pl * P;
    if (backward) memset(xp, 0, (size_t)V * sizeof(T));
    for (int64_t z = 0; z < d->ot; z++)
      for (int64_t u = 0; u < d->oh; u++)
        for (int64_t v = 0; v < d->ow; v++) {
          vol_window w = vol_avg_window(d, g, z, u, v, cip);
          int64_t o = (z * d->oh + u) * d->ow + v;
          if (backward) {
            T gv = (T)(yp[o] / w.div);
            for (int64_t iz = w.lo[0]; iz < w.hi[0]; iz++)
              for (int64_t iy = w.lo[1]; iy < w.hi[1]; iy++)
                for (int64_t jx = w.lo[2]; jx < w.hi[2]; jx++)
                  xp[(iz * d->h + iy) * d->w + jx] += gv;
          } else {
            double s = 0;
            for (int64_t iz = w.lo[0]; iz < w.hi[0]; iz++)
              for (int64_t iy = w.lo[1]; iy < w.hi[1]; iy++)
                for (int64_t jx = w.lo[2]; jx < w.hi[2]; jx++)
                  s += xp[(iz * d->h + iy) * d->w + jx];
            yp[o] = (T)(s / w.div);
          }
        }
  }
}

/* Replication padding of planes volumes t x h x w into ot x oh x ow (pad as in
   volumetric.h); backward (y gradOut, x gradIn, zeroed here) adds each output voxel's
   gradient to the voxel it copies. */
static void FN(vol_replpad)(T *y, T *x, int64_t planes, const vol_dims *d,
                            const int64_t pad[6], int backward) {
  int64_t V = d->t * d->h * d->w, P = d->ot * d->oh * d->ow;
#pragma omp parallel for if (planes * P > NN_GRAIN)
  for (int64_t pl = 0; pl < planes; pl++) {
    T *xp = x + pl * V, *yp = y + pl * P;
    if (backward) memset(xp, 0, (size_t)V * sizeof(T));
    for (int64_t z = 0; z < d->ot; z++) {
      int64_t iz = clamp_index(z - pad[4], d->t);
      for (int64_t u = 0; u < d->oh; u++) {
        int64_t iy = clamp_index(u - pad[2], d->h);
        T *yr = yp + (z * d->oh + u) * d->ow, *xr = xp + (iz * d->h + iy) * d->w;
        for (int64_t v = 0; v < d->ow; v++) {
          int64_t jx = clamp_index(v - pad[0], d->w);
          if (backward) xr[jx] += yr[v];
          else yr[v] = xr[jx];
        }
      }
    }
  }
}

/* Upsampling of planes volumes t x h x w to ot x oh x ow (t = ot = 1 for images), nearest
   or (tri/bi)linear with aligned corners; backward (y gradOut, x gradIn, zeroed here)
   gives each input voxel the weighted sum of the outputs that read it. */
static void FN(vol_upsample)(T *y, T *x, int64_t planes, const vol_dims *d, int linear,
                             int backward) {
  int64_t V = d->t * d->h * d->w, P = d->ot * d->oh * d->ow;
#pragma omp parallel for if (planes * P * 8 > NN_GRAIN)
  for (int64_t pl = 0; pl < planes; pl++) {
    T *xp = x + pl * V, *yp = y + pl * P;
    if (backward) memset(xp, 0, (size_t)V * sizeof(T));
    for (int64_t z = 0; z < d->ot; z++) {
      up_axis at = up_source(z, d->ot, d->t, linear);
      for (int64_t u = 0; u < d->oh; u++) {
        up_axis ah = up_source(u, d->oh, d->h, linear);
        for (int64_t v = 0; v < d->ow; v++) {
          up_axis aw = up_source(v, d->ow, d->w, linear);
          T *o = yp + (z * d->oh + u) * d->ow + v;
          double acc = 0;
          for (int c = 0; c < 8; c++) {
            double wt = (c & 4 ? at.f : 1 - at.f) * (c & 2 ? ah.f : 1 - ah.f) *
                        (c & 1 ? aw.f : 1 - aw.f);
            if (wt == 0) continue;
            int64_t src = ((c & 4 ? at.i1 : at.i0) * d->h + (c & 2 ? ah.i1 : ah.i0)) * d->w +
                          (c & 1 ? aw.i1 : aw.i0);
            if (backward) xp[src] += (T)(wt * *o);
            else acc += wt * xp[src];
          }
          if (!backward) *o = (T)acc;
        }
      }
    }
  }
}
